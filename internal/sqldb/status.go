package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// The public status page's storage: components, maintenance windows, and
// the index of public incidents that Execute keeps (trackPublic) so that
// the page never scans the whole timeline. Every change the page shows
// bumps the one row of status_version in its own transaction, so instances
// that cache the page learn of each other's changes by polling one row.

// How far back the page looks: resolved incidents for the 90-day history
// bars, ended maintenance windows for a week.
const (
	publicIncidentHistory = 90 * 24 * time.Hour
	endedMaintenanceShown = 7 * 24 * time.Hour
)

const componentColumns = `key, name, description, group_name, position, services, state, created_at, updated_at`

func scanComponent(row scanner) (hansei.Component, error) {
	var (
		c        hansei.Component
		services []byte
	)
	err := row.Scan(&c.Key, &c.Name, &c.Description, &c.Group, &c.Position, &services, &c.State,
		timeValue{&c.CreatedAt}, timeValue{&c.UpdatedAt})
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(services, &c.Services); err != nil {
		return c, fmt.Errorf("decode the services of component %s: %w", c.Key, err)
	}
	if c.Services == nil {
		c.Services = []string{}
	}
	return c, nil
}

// Components lists the components in page order: by group, position and
// name.
func (db *DB) Components(ctx context.Context) ([]hansei.Component, error) {
	return components(ctx, db.reader(ctx))
}

func components(ctx context.Context, q queryer) ([]hansei.Component, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+componentColumns+` FROM components ORDER BY group_name, position, name, key`)
	if err != nil {
		return nil, fmt.Errorf("list components: %w", err)
	}
	return collect(rows, scanComponent)
}

// Component reads one component.
func (db *DB) Component(ctx context.Context, key string) (hansei.Component, error) {
	q := db.reader(ctx)
	c, err := scanComponent(q.QueryRowContext(ctx, `SELECT `+componentColumns+` FROM components WHERE key = $1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return c, noComponent(ctx, q, key)
	}
	return c, err
}

// SaveComponent creates the component with c's key or, if there is one,
// replaces its fields. An empty state leaves the state as it is (new
// components start operational). app decides who may.
func (db *DB) SaveComponent(ctx context.Context, actor hansei.User, c hansei.Component) (hansei.Component, error) {
	c.Name, c.Group, c.Description = strings.TrimSpace(c.Name), strings.TrimSpace(c.Group), strings.TrimSpace(c.Description)
	c.Services = cleanList(c.Services)
	if err := hansei.ValidateComponent(c); err != nil {
		return c, err
	}
	keepState := c.State == ""
	if keepState {
		c.State = hansei.ComponentOperational // only if it is new
	}
	services, err := json.Marshal(c.Services)
	if err != nil {
		return c, err
	}
	var out hansei.Component
	err = db.update(ctx, func(t *tx) error {
		out, err = scanComponent(t.QueryRowContext(ctx, `INSERT INTO components
			(key, name, description, group_name, position, services, state, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
			ON CONFLICT (key) DO UPDATE SET name = excluded.name, description = excluded.description,
				group_name = excluded.group_name, position = excluded.position, services = excluded.services,
				state = CASE WHEN $9 THEN components.state ELSE excluded.state END,
				updated_at = excluded.updated_at
			RETURNING `+componentColumns,
			c.Key, c.Name, c.Description, c.Group, c.Position, string(services), c.State, db.ts(t.now), keepState))
		if err != nil {
			return fmt.Errorf("save component %s: %w", c.Key, err)
		}
		return t.statusChanged(ctx)
	})
	return out, err
}

// SetComponentState sets a component's state explicitly. Any responder
// may: whoever sees a component fail should be able to say so.
func (db *DB) SetComponentState(ctx context.Context, actor hansei.User, key string, st hansei.ComponentState) (hansei.Component, error) {
	if _, err := hansei.ParseComponentState("state", string(st)); err != nil {
		return hansei.Component{}, err
	}
	var c hansei.Component
	err := db.update(ctx, func(t *tx) error {
		var err error
		c, err = scanComponent(t.QueryRowContext(ctx, `UPDATE components SET state = $1, updated_at = $2 WHERE key = $3 RETURNING `+componentColumns,
			st, db.ts(t.now), key))
		if errors.Is(err, sql.ErrNoRows) {
			return noComponent(ctx, t, key)
		} else if err != nil {
			return fmt.Errorf("set the state of component %s: %w", key, err)
		}
		return t.statusChanged(ctx)
	})
	return c, err
}

// DeleteComponent removes a component from the page. Incidents and
// windows that name it keep their history; the page ignores the key.
func (db *DB) DeleteComponent(ctx context.Context, actor hansei.User, key string) error {
	return db.update(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM components WHERE key = $1`, key)
		if err != nil {
			return fmt.Errorf("delete component %s: %w", key, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return noComponent(ctx, t, key)
		}
		return t.statusChanged(ctx)
	})
}

// componentKeys lists every component key, sorted.
func componentKeys(ctx context.Context, q queryer) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT key FROM components ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("list component keys: %w", err)
	}
	return collect(rows, scanString)
}

// knownComponents says which components there are, for an error about
// one that is not among them.
func knownComponents(keys []string) string {
	if len(keys) == 0 {
		return "there are no components yet; an admin adds them with `hansei component add KEY --name NAME`"
	}
	return "the components are " + strings.Join(keys, ", ")
}

// noComponent is the error for a component named in a path that does not
// exist.
func noComponent(ctx context.Context, q queryer, key string) error {
	keys, err := componentKeys(ctx, q)
	if err != nil {
		return err
	}
	return hansei.Errorf(hansei.ENOTFOUND, "there is no component %q; %s", key, knownComponents(keys))
}

// checkComponents refuses keys, named in a request's field, that are not
// components.
func (t *tx) checkComponents(ctx context.Context, field string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	known, err := componentKeys(ctx, t)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if _, found := slices.BinarySearch(known, k); !found {
			return hansei.FieldError(field, "unknown component %q; %s", k, knownComponents(known))
		}
	}
	return nil
}

// cleanList trims the entries of a list, drops empty ones and repeats, and
// keeps the order given.
func cleanList(in []string) []string {
	out := []string{}
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// statusChanged bumps the status page's version. changed_at never goes
// back, even if instances' clocks disagree: it is the page's
// Last-Modified.
func (t *tx) statusChanged(ctx context.Context) error {
	_, err := t.ExecContext(ctx, `INSERT INTO status_version (id, version, changed_at) VALUES (1, 1, $1)
		ON CONFLICT (id) DO UPDATE SET version = status_version.version + 1,
			changed_at = CASE WHEN excluded.changed_at > status_version.changed_at
				THEN excluded.changed_at ELSE status_version.changed_at END`, t.db.ts(t.now))
	if err != nil {
		return fmt.Errorf("bump the status page version: %w", err)
	}
	return nil
}

// StatusVersion is a value that changes with every change the status page
// shows, from any instance: a cached page is current while it stays the
// same. It is one indexed row, cheap to poll.
func (db *DB) StatusVersion(ctx context.Context) (string, error) {
	var v int64
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT version FROM status_version WHERE id = 1`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "0", nil // nothing has changed since the database was made
	} else if err != nil {
		return "", fmt.Errorf("read the status page version: %w", err)
	}
	return strconv.FormatInt(v, 10), nil
}

// --- Maintenance windows ---

const maintenanceColumns = `id, title, text, components, starts_at, ends_at, created_by, created_at`

func scanMaintenance(row scanner) (hansei.Maintenance, error) {
	var (
		m     hansei.Maintenance
		comps []byte
	)
	err := row.Scan(&m.ID, &m.Title, &m.Text, &comps, timeValue{&m.StartsAt}, timeValue{&m.EndsAt}, &m.CreatedBy, timeValue{&m.CreatedAt})
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(comps, &m.Components); err != nil {
		return m, fmt.Errorf("decode the components of maintenance window %d: %w", m.ID, err)
	}
	if m.Components == nil {
		m.Components = []string{}
	}
	return m, nil
}

// CreateMaintenance schedules a maintenance window. Its components must
// exist: a window on a mistyped key would silently put nothing under
// maintenance.
func (db *DB) CreateMaintenance(ctx context.Context, actor hansei.User, m hansei.Maintenance) (hansei.Maintenance, error) {
	m.Title, m.Text = strings.TrimSpace(m.Title), strings.TrimSpace(m.Text)
	m.Components = cleanList(m.Components)
	m.StartsAt, m.EndsAt = m.StartsAt.UTC(), m.EndsAt.UTC()
	if err := hansei.ValidateMaintenance(m); err != nil {
		return m, err
	}
	comps, err := json.Marshal(m.Components)
	if err != nil {
		return m, err
	}
	err = db.update(ctx, func(t *tx) error {
		if err := t.checkComponents(ctx, "components", m.Components); err != nil {
			return err
		}
		m.CreatedBy, m.CreatedAt = actor.Name, t.now
		err := t.QueryRowContext(ctx, `INSERT INTO maintenance (title, text, components, starts_at, ends_at, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			m.Title, m.Text, string(comps), db.ts(m.StartsAt), db.ts(m.EndsAt), m.CreatedBy, db.ts(m.CreatedAt)).Scan(&m.ID)
		if err != nil {
			return fmt.Errorf("insert maintenance window: %w", err)
		}
		return t.statusChanged(ctx)
	})
	return m, err
}

// Maintenances lists the windows that end after from, soonest first.
func (db *DB) Maintenances(ctx context.Context, from time.Time) ([]hansei.Maintenance, error) {
	return maintenances(ctx, db.reader(ctx), db.ts(from))
}

func maintenances(ctx context.Context, q queryer, from any) ([]hansei.Maintenance, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+maintenanceColumns+` FROM maintenance WHERE ends_at > $1 ORDER BY starts_at, id`, from)
	if err != nil {
		return nil, fmt.Errorf("list maintenance windows: %w", err)
	}
	return collect(rows, scanMaintenance)
}

// DeleteMaintenance cancels a window (or removes one that was a mistake).
func (db *DB) DeleteMaintenance(ctx context.Context, actor hansei.User, id int64) error {
	return db.update(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM maintenance WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("delete maintenance window %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return hansei.Errorf(hansei.ENOTFOUND, "there is no maintenance window %d; `hansei maintenance list` shows them", id)
		}
		return t.statusChanged(ctx)
	})
}

// --- Public incidents ---

// publicEvent reports whether an event can change what the status page
// shows of its incident. Such events take the transaction path, where
// trackPublic keeps the index in step; the one-statement path writes none.
func publicEvent(e hansei.Event) bool {
	switch e.Type {
	case hansei.EventPublicUpdate, hansei.EventComponentsLinked, hansei.EventSeverityChanged:
		return true
	case hansei.EventStatusChanged:
		var d hansei.StatusChangedData
		return json.Unmarshal(e.Data, &d) != nil || d.To == hansei.StatusClosed
	}
	return false
}

// checkEventComponents refuses events that name components that do not
// exist, before they are written.
func (t *tx) checkEventComponents(ctx context.Context, events []hansei.Event) error {
	var keys []string
	for _, e := range events {
		switch e.Type {
		case hansei.EventPublicUpdate:
			var d hansei.PublicUpdateData
			if err := json.Unmarshal(e.Data, &d); err != nil {
				return err
			}
			for k := range d.Components {
				keys = append(keys, k)
			}
		case hansei.EventComponentsLinked:
			var d hansei.ComponentsLinkedData
			if err := json.Unmarshal(e.Data, &d); err != nil {
				return err
			}
			keys = append(keys, d.Components...)
		}
	}
	slices.Sort(keys) // the first unknown key named is always the same one
	return t.checkComponents(ctx, "components", keys)
}

// trackPublic keeps public_incidents in step with events just appended to
// inc's timeline, and bumps the page's version when the page changes: a
// public update or a link makes the incident public; a severity change
// (which sets linked components' states) or closing changes an incident
// that is already public.
func (t *tx) trackPublic(ctx context.Context, events []hansei.Event) error {
	changed := false
	for _, e := range events {
		var (
			res sql.Result
			err error
		)
		switch e.Type {
		case hansei.EventPublicUpdate:
			var d hansei.PublicUpdateData
			if err := json.Unmarshal(e.Data, &d); err != nil {
				return err
			}
			var resolved any // NULL while the public has not been told it is resolved
			if d.Status == hansei.StatusResolved {
				resolved = t.db.ts(e.At)
			}
			res, err = t.ExecContext(ctx, `INSERT INTO public_incidents (incident, resolved_at, updated_at) VALUES ($1, $2, $3)
				ON CONFLICT (incident) DO UPDATE SET resolved_at = excluded.resolved_at, updated_at = excluded.updated_at`,
				e.Incident, resolved, t.db.ts(e.At))
		case hansei.EventComponentsLinked:
			res, err = t.ExecContext(ctx, `INSERT INTO public_incidents (incident, resolved_at, updated_at) VALUES ($1, NULL, $2)
				ON CONFLICT (incident) DO UPDATE SET updated_at = excluded.updated_at`,
				e.Incident, t.db.ts(e.At))
		case hansei.EventSeverityChanged:
			res, err = t.ExecContext(ctx, `UPDATE public_incidents SET updated_at = $1 WHERE incident = $2`, t.db.ts(e.At), e.Incident)
		case hansei.EventStatusChanged:
			if !publicEvent(e) {
				continue
			}
			// A closed incident shows resolved (hansei.PublicView); it
			// stays listed for as long as a resolved one would.
			res, err = t.ExecContext(ctx, `UPDATE public_incidents SET updated_at = $1, resolved_at = COALESCE(resolved_at, $1) WHERE incident = $2`,
				t.db.ts(e.At), e.Incident)
		default:
			continue
		}
		if err != nil {
			return fmt.Errorf("index INC-%d for the status page: %w", e.Incident, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n > 0 {
			changed = true
		}
	}
	if changed {
		return t.statusChanged(ctx)
	}
	return nil
}

// StatusSnapshot reads everything the public pages show, consistently:
// one read transaction (repeatable read on PostgreSQL), a handful of
// indexed queries, whatever the number of incidents and events.
func (db *DB) StatusSnapshot(ctx context.Context, now time.Time) (hansei.StatusSnapshot, error) {
	var snap hansei.StatusSnapshot
	if t, ok := ctx.Value(txKey{}).(*tx); ok {
		return snap, db.statusSnapshot(ctx, t, now, &snap)
	}
	opts := &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	if db.dialect == sqlite {
		opts = nil // a SQLite transaction reads one snapshot already
	}
	rt, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return snap, fmt.Errorf("begin reading the status page: %w", err)
	}
	defer rt.Rollback()
	if err := db.statusSnapshot(ctx, rt, now, &snap); err != nil {
		return hansei.StatusSnapshot{}, err
	}
	return snap, rt.Commit()
}

func (db *DB) statusSnapshot(ctx context.Context, q queryer, now time.Time, snap *hansei.StatusSnapshot) error {
	now = now.UTC()
	var version int64
	err := q.QueryRowContext(ctx, `SELECT version, changed_at FROM status_version WHERE id = 1`).Scan(&version, timeValue{&snap.UpdatedAt})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read the status page version: %w", err)
	}
	snap.Version = strconv.FormatInt(version, 10)
	if snap.Components, err = components(ctx, q); err != nil {
		return err
	}
	if snap.Maintenance, err = maintenances(ctx, q, db.ts(now.Add(-endedMaintenanceShown))); err != nil {
		return err
	}
	if snap.Incidents, err = db.publicIncidents(ctx, q, now); err != nil {
		return err
	}
	// The version row says when the page last changed; the items' own
	// times can only confirm it, but a database restored from before the
	// row existed has only them.
	for _, c := range snap.Components {
		snap.UpdatedAt = later(snap.UpdatedAt, c.UpdatedAt)
	}
	for _, m := range snap.Maintenance {
		snap.UpdatedAt = later(snap.UpdatedAt, m.CreatedAt)
	}
	for _, p := range snap.Incidents {
		snap.UpdatedAt = later(snap.UpdatedAt, p.UpdatedAt)
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// publicIncidents builds the public view of the indexed incidents that are
// unresolved or were resolved within the history, newest first. Only the
// public events are read; hansei.PublicView is the rule for what shows,
// and drops restricted incidents whatever the index says.
func (db *DB) publicIncidents(ctx context.Context, q queryer, now time.Time) ([]hansei.PublicIncident, error) {
	since := db.ts(now.Add(-publicIncidentHistory))
	w := where{args: []any{since}}
	w.add("(p.resolved_at IS NULL OR p.resolved_at > $1)")
	w.visibleTo(hansei.User{}) // the public: nobody's member
	rows, err := q.QueryContext(ctx, `SELECT i.state, i.number FROM public_incidents p JOIN incidents i ON i.number = p.incident`+w.String(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list public incidents: %w", err)
	}
	list, err := collect(rows, func(row scanner) (hansei.Incident, error) {
		var state []byte
		var number int64
		var inc hansei.Incident
		if err := row.Scan(&state, &number); err != nil {
			return inc, err
		}
		if err := json.Unmarshal(state, &inc); err != nil {
			return inc, fmt.Errorf("decode incident %d: %w", number, err)
		}
		inc.Number = number
		return inc, nil
	})
	if err != nil {
		return nil, err
	}
	incs := map[int64]hansei.Incident{}
	for _, inc := range list {
		incs[inc.Number] = inc
	}
	if len(incs) == 0 {
		return []hansei.PublicIncident{}, nil
	}
	// The type condition repeats the partial index's, so PostgreSQL may
	// use it; SQLite, without statistics, prefers the primary key and would
	// read every event of the incidents, so it is told.
	from := `events`
	if db.dialect == sqlite {
		from = `events INDEXED BY events_public`
	}
	rows, err = q.QueryContext(ctx, `SELECT `+eventColumns+` FROM `+from+`
		WHERE incident IN (SELECT incident FROM public_incidents WHERE resolved_at IS NULL OR resolved_at > $1)
		AND type IN ('public.updated', 'components.linked') ORDER BY incident, seq`, since)
	if err != nil {
		return nil, fmt.Errorf("read public updates: %w", err)
	}
	events, err := scanEvents(rows)
	if err != nil {
		return nil, err
	}
	byIncident := map[int64][]hansei.Event{}
	for _, e := range events {
		byIncident[e.Incident] = append(byIncident[e.Incident], e)
	}
	oldest := now.Add(-publicIncidentHistory)
	out := []hansei.PublicIncident{}
	for number, inc := range incs {
		p, ok := hansei.PublicView(inc, byIncident[number], db.Scales.Severity)
		if !ok || (p.ResolvedAt != nil && !p.ResolvedAt.After(oldest)) {
			continue
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b hansei.PublicIncident) int {
		if c := b.StartedAt.Compare(a.StartedAt); c != 0 {
			return c
		}
		return int(b.Number - a.Number)
	})
	return out, nil
}
