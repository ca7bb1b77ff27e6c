-- Statements of intent, projected from the timeline so that the scheduler
-- finds the ones whose window has ended without reading every incident.
CREATE TABLE intents (
    id         INTEGER PRIMARY KEY,
    incident   INTEGER NOT NULL REFERENCES incidents (number),
    state      TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX intents_live ON intents (expires_at) WHERE state IN ('open', 'objected');

-- A global, commit-ordered position for every event, so that live streams
-- of all incidents can resume from one number. SQLite has one writer at a
-- time, so the next position is the largest so far plus one.
ALTER TABLE events ADD COLUMN pos INTEGER;
CREATE UNIQUE INDEX events_pos ON events (pos);

-- Leases make a periodic job run on one instance at a time.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
