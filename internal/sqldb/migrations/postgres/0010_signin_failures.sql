-- Failed sign-ins and API-token uses, counted per user name and per
-- client address so that the limits on guessing hold across instances
-- (docs/auth.md). account is the SHA-256 of the user name typed, '' for a
-- token or a sign-in link; address is the client address (an IPv6 client
-- by its /64). Rows older than the window are deleted by the scheduler.
CREATE TABLE signin_failures (
    id      BIGSERIAL PRIMARY KEY,
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX signin_failures_account ON signin_failures (account, at);
CREATE INDEX signin_failures_address ON signin_failures (address, at);
CREATE INDEX signin_failures_at ON signin_failures (at);
