-- Improvements to make, each with one accountable owner. doc holds the
-- whole hansei.Remediation as JSON, its progress log included; the other
-- columns are copies kept for filtering.
CREATE TABLE remediations (
    id         BIGSERIAL PRIMARY KEY,
    incident   BIGINT NOT NULL REFERENCES incidents (number),
    owner      TEXT NOT NULL,
    status     TEXT NOT NULL,
    priority   TEXT NOT NULL,
    due        TEXT NOT NULL,
    doc        JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX remediations_owner ON remediations (owner, status);
CREATE INDEX remediations_incident ON remediations (incident);
CREATE INDEX remediations_due ON remediations (status, due);
