-- Web sign-in. password_hash is a bcrypt hash, or empty for a user who has
-- no password (scripts, and people who sign in with one-time links).
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';

-- API tokens get a label, so an admin can tell them apart, and the time
-- they were last used (to the minute), so an admin can see which are dead.
ALTER TABLE api_tokens ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMPTZ;

-- Signed-in browsers. Like API tokens, the cookie value is stored only as
-- its SHA-256 hash. A session ends at expires_at, or earlier when
-- last_seen_at falls too far behind.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    csrf         TEXT NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
-- Setting a password ends the user's sessions.
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- One-time sign-in links, made by `hansei users link`. used_at is set by
-- the one redemption a link allows.
CREATE TABLE signin_links (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX signin_links_expires ON signin_links (expires_at);
