-- Endpoints an admin registered for the timeline's events. after_pos is the
-- global position (events.pos) of the last event handled: delivery walks
-- the events table in position order, so a failing endpoint holds back its
-- later events instead of reordering them, and nothing committed is lost.
-- secret is kept as given: signing needs it (docs/webhooks.md).
CREATE TABLE webhook_endpoints (
    id              BIGSERIAL PRIMARY KEY,
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    events          TEXT NOT NULL,
    severities      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    after_pos       BIGINT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    leased_until    TIMESTAMPTZ,
    last_error      TEXT NOT NULL DEFAULT ''
);

-- Recent attempts per endpoint, for the admin's view; pruned to the newest.
CREATE TABLE webhook_deliveries (
    id          BIGSERIAL PRIMARY KEY,
    endpoint    BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    delivery_id TEXT NOT NULL,
    incident    BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    type        TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    error       TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint, id);
