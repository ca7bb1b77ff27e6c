-- One postmortem per incident. doc holds the whole hansei.Postmortem as
-- JSON; version guards concurrent edits.
CREATE TABLE postmortems (
    incident     BIGINT PRIMARY KEY REFERENCES incidents (number),
    status       TEXT NOT NULL,
    version      BIGINT NOT NULL,
    doc          JSONB NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ
);

-- Every change to a postmortem, with its author and time.
CREATE TABLE postmortem_changes (
    id       BIGSERIAL PRIMARY KEY,
    incident BIGINT NOT NULL REFERENCES postmortems (incident),
    version  BIGINT NOT NULL,
    actor    TEXT NOT NULL,
    at       TIMESTAMPTZ NOT NULL,
    action   TEXT NOT NULL,
    detail   JSONB NOT NULL
);
CREATE INDEX postmortem_changes_incident ON postmortem_changes (incident, id);

-- Each published revision, kept whole.
CREATE TABLE postmortem_revisions (
    incident     BIGINT NOT NULL REFERENCES postmortems (incident),
    revision     INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    doc          JSONB NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident, revision)
);
