-- Users and their API tokens. Tokens are stored as SHA-256 hashes: they are
-- long random secrets, so a fast hash is enough and lookups stay cheap.
CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL CHECK (role IN ('admin', 'responder', 'viewer')),
    language     TEXT NOT NULL DEFAULT 'en',
    time_zone    TEXT NOT NULL DEFAULT 'UTC',
    created_at   TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- Gap-free counters, such as incident numbers.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

-- The projection of each incident's timeline. state holds the whole
-- hansei.Incident as JSON, except last_seq and updated_at, which are read
-- from the newest event: a note changes nothing else, so it writes only
-- its event. The other columns are copies kept for filtering.
CREATE TABLE incidents (
    number      INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL,
    severity    TEXT NOT NULL,
    status      TEXT NOT NULL,
    visibility  TEXT NOT NULL,
    declared_at TEXT NOT NULL,
    state       TEXT NOT NULL
);
CREATE INDEX incidents_status ON incidents (status, number);
CREATE INDEX incidents_severity ON incidents (severity, number);

CREATE VIRTUAL TABLE incidents_search USING fts5 (title, summary, content = '', contentless_delete = 1);

-- Who takes or took part in an incident: they may read it when restricted.
CREATE TABLE incident_members (
    incident  INTEGER NOT NULL REFERENCES incidents (number),
    user_name TEXT NOT NULL,
    PRIMARY KEY (incident, user_name)
) WITHOUT ROWID;
-- Lists filter restricted incidents by membership of the reader.
CREATE INDEX incident_members_user ON incident_members (user_name, incident);

-- The append-only timeline: the source of truth.
CREATE TABLE events (
    incident INTEGER NOT NULL REFERENCES incidents (number),
    seq      INTEGER NOT NULL,
    type     TEXT NOT NULL,
    actor    TEXT NOT NULL,
    at       TEXT NOT NULL,
    data     TEXT NOT NULL,
    PRIMARY KEY (incident, seq)
) WITHOUT ROWID;

CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'timeline events are never edited; append a correction instead');
END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'timeline events are never deleted');
END;

-- Responses to mutating requests, kept per user and key so a repeat gets
-- the first response.
CREATE TABLE idempotency_keys (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    body         BLOB,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
