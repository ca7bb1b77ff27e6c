-- The public status page (status.go). Components are what the public sees
-- of the product; services holds the JSON list of the services responders
-- name in incidents. state is the state as last set explicitly: incidents
-- and maintenance windows add to it when the page is built.
CREATE TABLE components (
    key         TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    group_name  TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    services    TEXT NOT NULL DEFAULT '[]',
    state       TEXT NOT NULL DEFAULT 'operational'
                CHECK (state IN ('operational', 'maintenance', 'degraded', 'partial_outage', 'major_outage')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) WITHOUT ROWID;

-- Scheduled maintenance windows; components is a JSON list of keys.
CREATE TABLE maintenance (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    text       TEXT NOT NULL DEFAULT '',
    components TEXT NOT NULL DEFAULT '[]',
    starts_at  TEXT NOT NULL,
    ends_at    TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- The page reads the windows that have not ended (or ended lately).
CREATE INDEX maintenance_ends ON maintenance (ends_at);

-- The incidents that have had a public update or linked components,
-- written in the transaction that appends the event: the page reads these
-- instead of scanning every incident. resolved_at is when the public was
-- told it was resolved (NULL while it is not), so old ones drop out.
CREATE TABLE public_incidents (
    incident    INTEGER PRIMARY KEY REFERENCES incidents (number),
    resolved_at TEXT,
    updated_at  TEXT NOT NULL
);
CREATE INDEX public_incidents_resolved ON public_incidents (resolved_at);

-- Only the public events of those incidents are read.
CREATE INDEX events_public ON events (incident, seq) WHERE type IN ('public.updated', 'components.linked');

-- One row, bumped by every change the page shows: instances poll it to
-- know when to rebuild their cached pages. changed_at is the latest change
-- (Last-Modified).
CREATE TABLE status_version (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version    INTEGER NOT NULL,
    changed_at TEXT NOT NULL
);
