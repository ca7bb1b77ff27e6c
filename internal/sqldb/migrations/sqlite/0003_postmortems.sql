-- One postmortem per incident. doc holds the whole hansei.Postmortem as
-- JSON; version guards concurrent edits.
CREATE TABLE postmortems (
    incident     INTEGER PRIMARY KEY REFERENCES incidents (number),
    status       TEXT NOT NULL,
    version      INTEGER NOT NULL,
    doc          TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    published_at TEXT
);

-- Every change to a postmortem, with its author and time.
CREATE TABLE postmortem_changes (
    id       INTEGER PRIMARY KEY,
    incident INTEGER NOT NULL REFERENCES postmortems (incident),
    version  INTEGER NOT NULL,
    actor    TEXT NOT NULL,
    at       TEXT NOT NULL,
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX postmortem_changes_incident ON postmortem_changes (incident, id);

-- Each published revision, kept whole.
CREATE TABLE postmortem_revisions (
    incident     INTEGER NOT NULL REFERENCES postmortems (incident),
    revision     INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    doc          TEXT NOT NULL,
    published_at TEXT NOT NULL,
    PRIMARY KEY (incident, revision)
);
