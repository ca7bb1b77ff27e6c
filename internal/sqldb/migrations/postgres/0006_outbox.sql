-- Notifications waiting to be delivered, one row per notification and
-- target, written in the transaction of the change that caused them. key
-- makes a notification unique per target, so one event never notifies
-- twice; delivery_id is sent with every attempt so receivers de-duplicate.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    delivery_id     TEXT NOT NULL UNIQUE,
    key             TEXT NOT NULL,
    channel         TEXT NOT NULL,
    target          TEXT NOT NULL,
    payload         JSONB NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    leased_until    TIMESTAMPTZ,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    delivered_at    TEXT,
    UNIQUE (key, channel, target)
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
