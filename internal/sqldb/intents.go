package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// syncIntent copies an intent's state from the projection into the
// intents table, which the scheduler reads.
func (t *tx) syncIntent(ctx context.Context, inc hansei.Incident, data json.RawMessage) error {
	var ref hansei.IntentRefData
	if err := json.Unmarshal(data, &ref); err != nil {
		return err
	}
	in, ok := inc.Intent(ref.ID)
	if !ok {
		return fmt.Errorf("intent %d missing from INC-%d", ref.ID, inc.Number)
	}
	_, err := t.ExecContext(ctx, `INSERT INTO intents (id, incident, state, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET state = excluded.state`, in.ID, inc.Number, in.State, t.db.ts(in.ExpiresAt))
	if err != nil {
		return fmt.Errorf("record intent %d: %w", in.ID, err)
	}
	return nil
}

// nextIntentID takes the next intent number in the transaction.
func (t *tx) nextIntentID(ctx context.Context) (int64, error) {
	var id int64
	err := t.QueryRowContext(ctx, `INSERT INTO counters (name, value) VALUES ('intent', 1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`).Scan(&id)
	return id, err
}

// IntentIncident returns the number of the incident an intent belongs to,
// if viewer may read that incident; to anyone else the intent does not
// exist.
func (db *DB) IntentIncident(ctx context.Context, viewer hansei.User, id int64) (int64, error) {
	var n int64
	var w where
	w.add("t.id = " + w.arg(id))
	w.visibleTo(viewer)
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT t.incident FROM intents t JOIN incidents i ON i.number = t.incident`+w.String(), w.args...).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, hansei.Errorf(hansei.ENOTFOUND, "there is no intent %d", id)
	}
	return n, err
}

// DueIntents lists live intents whose window ended at or before now.
func (db *DB) DueIntents(ctx context.Context, now time.Time, limit int) ([]hansei.IntentRef, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, incident FROM intents
		WHERE state IN ('open', 'objected') AND expires_at <= $1 ORDER BY expires_at LIMIT $2`, db.ts(now), limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row scanner) (hansei.IntentRef, error) {
		var r hansei.IntentRef
		err := row.Scan(&r.ID, &r.Incident)
		return r, err
	})
}

// EventsAfter returns up to limit events of all incidents with positions
// after pos, in order: the source of the live streams.
func (db *DB) EventsAfter(ctx context.Context, pos int64, limit int) ([]hansei.Event, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+eventColumns+` FROM events WHERE pos > $1 ORDER BY pos LIMIT $2`, pos, limit)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return scanEvents(rows)
}

// LastEventPos returns the position of the newest event.
func (db *DB) LastEventPos(ctx context.Context) (int64, error) {
	q := `SELECT value FROM counters WHERE name = 'event'`
	if db.dialect == sqlite {
		q = `SELECT COALESCE(MAX(pos), 0) FROM events`
	}
	var pos int64
	err := db.reader(ctx).QueryRowContext(ctx, q).Scan(&pos)
	return pos, err
}
