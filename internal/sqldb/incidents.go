package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Declare opens a new incident: it takes the next number, decides the
// declaration's events and stores them with the projection in one
// transaction.
func (db *DB) Declare(ctx context.Context, actor hansei.User, cmd hansei.Declare) (hansei.Incident, error) {
	var inc hansei.Incident
	err := db.update(ctx, func(t *tx) error {
		// Decide before taking a number, so a refused declaration leaves
		// no gap; the number is filled in afterwards.
		events, err := hansei.Decide(hansei.Incident{}, t.env(ctx, actor), cmd)
		if err != nil {
			return err
		}
		var number int64
		err = t.QueryRowContext(ctx, `INSERT INTO counters (name, value) VALUES ('incident', 1)
			ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`).Scan(&number)
		if err != nil {
			return fmt.Errorf("next incident number: %w", err)
		}
		for i := range events {
			events[i].Incident = number
		}
		if inc, err = hansei.Project(events); err != nil {
			return err
		}
		state, err := storedState(inc)
		if err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `INSERT INTO incidents
			(number, title, summary, severity, status, visibility, declared_at, state)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			inc.Number, inc.Title, inc.Summary, inc.Severity, inc.Status, inc.Visibility,
			db.ts(inc.DeclaredAt), state)
		if err != nil {
			return fmt.Errorf("insert incident: %w", err)
		}
		if db.dialect == sqlite {
			_, err = t.ExecContext(ctx, `INSERT INTO incidents_search (rowid, title, summary) VALUES ($1, $2, $3)`,
				inc.Number, inc.Title, inc.Summary)
			if err != nil {
				return fmt.Errorf("index incident: %w", err)
			}
		}
		if err := t.appendEvents(ctx, inc, events); err != nil {
			return err
		}
		if err := t.page(ctx, hansei.Incident{}, inc); err != nil {
			return err
		}
		// Who is told of the declaration is written with it.
		if err := t.enqueue(ctx, hansei.IncidentNotifications(db.Scales, hansei.Incident{}, events)...); err != nil {
			return err
		}
		t.onCommit(func() { db.projections.put(inc) })
		return nil
	})
	return inc, err
}

// Execute applies a command to an existing incident.
func (db *DB) Execute(ctx context.Context, actor hansei.User, number int64, cmd hansei.Command) (hansei.Incident, []hansei.Event, error) {
	var (
		inc    hansei.Incident
		events []hansei.Event
	)
	if c, ok := cmd.(hansei.Redact); ok {
		return db.redact(ctx, actor, number, c)
	}
	if inc, events, ok, err := db.executeOneStatement(ctx, actor, number, cmd); ok || err != nil {
		return inc, events, err
	}
	err := db.update(ctx, func(t *tx) error {
		for {
			// On PostgreSQL a failed statement aborts the transaction, so
			// this path always starts from the locked row; its one-statement
			// path above is where PostgreSQL uses the cache.
			current, cached := db.projections.get(number)
			cached = cached && db.dialect == sqlite
			if db.dialect == postgres {
				// Every writer takes the event counter before the incident
				// row, as the one-statement path does: no deadlock.
				if _, err := t.ExecContext(ctx, `SELECT value FROM counters WHERE name = 'event' FOR UPDATE`); err != nil {
					return fmt.Errorf("lock event counter: %w", err)
				}
			}
			if !cached {
				var err error
				if current, err = t.lockIncident(ctx, number); err != nil {
					return err
				}
			}
			var (
				ok  bool
				err error
			)
			inc, events, ok, err = t.execute(ctx, actor, current, cmd)
			if ok || (err != nil && !cached) {
				return err
			}
			if !cached {
				return fmt.Errorf("INC-%d changed under its row lock", number)
			}
			// The cached copy was stale (another writer moved the incident
			// on), or it refused the change, which only the table may do:
			// decide again from the table, under the lock.
			db.projections.drop(number)
		}
	})
	return inc, events, err
}

// execute decides cmd against inc and writes the outcome. The projection's
// update is guarded by the sequence number it was read at, so a stale
// cached projection changes nothing and execute reports ok = false.
func (t *tx) execute(ctx context.Context, actor hansei.User, inc hansei.Incident, cmd hansei.Command) (hansei.Incident, []hansei.Event, bool, error) {
	if !inc.CanRead(actor) {
		return inc, nil, false, notFound(inc.Number)
	}
	var err error
	if c, ok := cmd.(hansei.StateIntent); ok {
		if c.ID, err = t.nextIntentID(ctx); err != nil {
			return inc, nil, false, fmt.Errorf("next intent id: %w", err)
		}
		cmd = c
	}
	before := inc
	events, err := hansei.Decide(inc, t.env(ctx, actor), cmd)
	if err != nil {
		return inc, nil, false, err
	}
	// The domain checks the form of component keys; only the table knows
	// which components there are.
	if err := t.checkEventComponents(ctx, events); err != nil {
		return inc, nil, false, err
	}
	for _, e := range events {
		if inc, err = hansei.Apply(inc, e); err != nil {
			return inc, nil, false, err
		}
	}
	// The events go first: their key (incident, seq) is what guards a
	// stale cached copy, which numbers its events after a seq that is
	// already taken.
	if err := t.appendEvents(ctx, inc, events); err != nil {
		if isUniqueViolation(err) {
			return inc, nil, false, nil
		}
		return inc, nil, false, err
	}
	if changesProjection(events) {
		state, err := storedState(inc)
		if err != nil {
			return inc, nil, false, err
		}
		_, err = t.ExecContext(ctx, `UPDATE incidents SET severity = $1, status = $2, state = $3 WHERE number = $4`,
			inc.Severity, inc.Status, state, inc.Number)
		if err != nil {
			return inc, nil, false, fmt.Errorf("update incident: %w", err)
		}
	}
	if err := t.trackPublic(ctx, events); err != nil {
		return inc, nil, false, err
	}
	if err := t.followCorrections(ctx, inc, events); err != nil {
		return inc, nil, false, err
	}
	if err := t.page(ctx, before, inc); err != nil {
		return inc, nil, false, err
	}
	// Those the change concerns are told in its transaction: a
	// notification commits or rolls back with it.
	if err := t.enqueue(ctx, hansei.IncidentNotifications(t.db.Scales, before, events)...); err != nil {
		return inc, nil, false, err
	}
	t.onCommit(func() { t.db.projections.put(inc) })
	return inc, events, true, nil
}

// env is what hansei.Decide needs, with user look-ups inside the transaction.
func (t *tx) env(ctx context.Context, actor hansei.User) hansei.Env {
	return hansei.Env{
		Now:    t.now,
		Actor:  actor,
		Scales: t.db.Scales,
		Users:  func(name string) (hansei.User, error) { return userByName(ctx, t, name) },

		IntentWindow: t.db.IntentWindow,
	}
}

// lockIncident reads an incident's projection for change. On PostgreSQL the
// row lock serialises writers to one incident, so sequence numbers never
// collide; SQLite has one writer at a time already.
func (t *tx) lockIncident(ctx context.Context, number int64) (hansei.Incident, error) {
	q := `SELECT ` + incidentColumns + ` FROM incidents i WHERE i.number = $1`
	if t.db.dialect == postgres {
		q += ` FOR NO KEY UPDATE OF i`
	}
	return scanIncident(t.QueryRowContext(ctx, q, number), number)
}

// lockReadable locks an incident that viewer may read; to anyone else it
// does not exist.
func (t *tx) lockReadable(ctx context.Context, number int64, viewer hansei.User) (hansei.Incident, error) {
	inc, err := t.lockIncident(ctx, number)
	if err == nil && !inc.CanRead(viewer) {
		return hansei.Incident{}, notFound(number)
	}
	return inc, err
}

// incidentColumns reads the stored projection and, from the newest event,
// the sequence number and time that complete it.
const incidentColumns = `i.state,
	(SELECT e.seq FROM events e WHERE e.incident = i.number ORDER BY e.seq DESC LIMIT 1),
	(SELECT e.at FROM events e WHERE e.incident = i.number ORDER BY e.seq DESC LIMIT 1)`

func scanIncident(row scanner, number int64) (hansei.Incident, error) {
	var (
		inc     hansei.Incident
		state   []byte
		lastSeq int64
		lastAt  time.Time
	)
	err := row.Scan(&state, &lastSeq, timeValue{&lastAt})
	if errors.Is(err, sql.ErrNoRows) {
		return inc, notFound(number)
	} else if err != nil {
		return inc, err
	}
	if err := json.Unmarshal(state, &inc); err != nil {
		return inc, fmt.Errorf("decode incident %d: %w", number, err)
	}
	inc.LastSeq, inc.UpdatedAt = lastSeq, lastAt
	return inc, nil
}

// storedState encodes the projection without what the newest event gives.
func storedState(inc hansei.Incident) (string, error) {
	inc.LastSeq, inc.UpdatedAt = 0, time.Time{}
	b, err := json.Marshal(inc)
	return string(b), err
}

// changesProjection reports whether events change more than the timeline:
// a note or a redaction does not, so it writes only its event.
func changesProjection(events []hansei.Event) bool {
	for _, e := range events {
		if e.Type != hansei.EventNoteAdded && e.Type != hansei.EventRedacted {
			return true
		}
	}
	return false
}

func notFound(number int64) error {
	return hansei.Errorf(hansei.ENOTFOUND, "there is no incident INC-%d, or you may not read it", number)
}

// appendEvents writes events to the timeline, keeps the intents table in
// step, and records who became a member. Events get their global positions
// from the 'event' counter, whose row stays locked until commit.
func (t *tx) appendEvents(ctx context.Context, inc hansei.Incident, events []hansei.Event) error {
	// On PostgreSQL positions come from the 'event' counter, whose row stays
	// locked until commit, so they become visible in order. SQLite has one
	// writer at a time: the next position is the largest so far plus one,
	// read from the index without writing another page.
	q := `UPDATE counters SET value = value + $1 WHERE name = 'event' RETURNING value`
	if t.db.dialect == sqlite {
		q = `SELECT COALESCE(MAX(pos), 0) + $1 FROM events`
	}
	var last int64
	if err := t.QueryRowContext(ctx, q, len(events)).Scan(&last); err != nil {
		return fmt.Errorf("event positions: %w", err)
	}
	for i := range events {
		e := &events[i]
		e.Pos = last - int64(len(events)) + int64(i) + 1
		_, err := t.ExecContext(ctx, `INSERT INTO events (incident, seq, type, actor, at, data, pos) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			e.Incident, e.Seq, e.Type, e.Actor, t.db.ts(e.At), string(e.Data), e.Pos)
		if err != nil {
			return fmt.Errorf("append event %d to INC-%d: %w", e.Seq, e.Incident, err)
		}
		if strings.HasPrefix(e.Type, "intent.") {
			if err := t.syncIntent(ctx, inc, e.Data); err != nil {
				return err
			}
		}
	}
	if t.db.dialect == postgres {
		// Delivered at commit, to every instance's listener.
		if _, err := t.ExecContext(ctx, `SELECT pg_notify('hansei_events', $1)`, strconv.FormatInt(last, 10)); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
	}
	for _, e := range events {
		if e.Type != hansei.EventResponderJoined {
			continue // membership changes only when someone joins
		}
		var joined hansei.ResponderJoinedData
		if err := json.Unmarshal(e.Data, &joined); err != nil {
			return err
		}
		_, err := t.ExecContext(ctx, `INSERT INTO incident_members (incident, user_name) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			inc.Number, joined.User)
		if err != nil {
			return fmt.Errorf("record member: %w", err)
		}
	}
	t.events = append(t.events, events...)
	return nil
}
