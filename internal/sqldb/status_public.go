package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// --- Public incidents ---

// publicEvent reports whether an event can change what the status page
// shows of its incident. Such events take the transaction path, where
// trackPublic keeps the index in step; the one-statement path writes none.
func publicEvent(e hansei.Event) bool {
	switch e.Type {
	case hansei.EventPublicUpdate, hansei.EventComponentsLinked:
		return true
	case hansei.EventStatusChanged:
		var d hansei.StatusChangedData
		return json.Unmarshal(e.Data, &d) != nil || d.To == hansei.StatusClosed
	case hansei.EventCorrected:
		// The public incident starts when the incident started, unless
		// an update said otherwise: a corrected start moves it.
		var d hansei.CorrectedData
		return json.Unmarshal(e.Data, &d) != nil || d.Field == hansei.FieldStartedAt
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
// public update or a link makes the incident public; closing changes an
// incident that is already public. A severity change does not: nothing
// public depends on the internal severity.
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
			// resolved_at is the first update of a run that said
			// resolved, as hansei.PublicView reads it: a later resolved
			// update does not move the resolution.
			res, err = t.ExecContext(ctx, `INSERT INTO public_incidents (incident, resolved_at, updated_at) VALUES ($1, $2, $3)
				ON CONFLICT (incident) DO UPDATE SET resolved_at = CASE WHEN excluded.resolved_at IS NULL THEN NULL
					ELSE COALESCE(public_incidents.resolved_at, excluded.resolved_at) END, updated_at = excluded.updated_at`,
				e.Incident, resolved, t.db.ts(e.At))
		case hansei.EventComponentsLinked:
			res, err = t.ExecContext(ctx, `INSERT INTO public_incidents (incident, resolved_at, updated_at) VALUES ($1, NULL, $2)
				ON CONFLICT (incident) DO UPDATE SET updated_at = excluded.updated_at`,
				e.Incident, t.db.ts(e.At))
		case hansei.EventCorrected:
			if !publicEvent(e) {
				continue
			}
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
		p, ok := hansei.PublicView(inc, byIncident[number])
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
