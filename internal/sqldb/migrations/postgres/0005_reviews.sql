-- Follow-up reviews scheduled for a date (in the organisation's time zone),
-- with what scheduled them.
CREATE TABLE reviews (
    date         TEXT PRIMARY KEY,
    reason       TEXT NOT NULL,
    scheduled_at TIMESTAMPTZ NOT NULL
);

-- What each review found, per remediation; also in the remediation's log.
CREATE TABLE review_outcomes (
    id          BIGSERIAL PRIMARY KEY,
    date        TEXT NOT NULL,
    remediation BIGINT NOT NULL REFERENCES remediations (id),
    outcome     TEXT NOT NULL,
    note        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX review_outcomes_date ON review_outcomes (date, id);
