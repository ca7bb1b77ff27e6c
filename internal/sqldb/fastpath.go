package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	hansei "github.com/hansei-dev/hansei"
)

// executeOneStatement is the path for a change to an incident this process
// has cached: it decides against the cached projection and writes it in one
// statement, which is a transaction by itself. On PostgreSQL that is any
// change but intents (the event positions, the events, the projection, new
// members and the notification in one statement: one round trip); on
// SQLite, a note. It reports ok = false, having changed nothing, when the
// cache is stale (the events' key refuses the statement) or the change needs
// the transaction path.
func (db *DB) executeOneStatement(ctx context.Context, actor hansei.User, number int64, cmd hansei.Command) (hansei.Incident, []hansei.Event, bool, error) {
	if _, inTx := ctx.Value(txKey{}).(*tx); inTx {
		return hansei.Incident{}, nil, false, nil
	}
	if _, intent := cmd.(hansei.StateIntent); intent {
		return hansei.Incident{}, nil, false, nil
	}
	if _, correction := cmd.(hansei.Correct); correction {
		// The title and summary columns, the search index and the
		// postmortem's record follow a correction: the transaction path.
		return hansei.Incident{}, nil, false, nil
	}
	inc, cached := db.projections.get(number)
	if !cached {
		return inc, nil, false, nil
	}
	// A refusal decided from the cache might come from a stale copy: only
	// the transaction path, which reads the table, refuses.
	if !inc.CanRead(actor) {
		return inc, nil, false, nil
	}
	env := hansei.Env{
		Now: db.Now().UTC(), Actor: actor, Scales: db.Scales, IntentWindow: db.IntentWindow,
		Users: func(name string) (hansei.User, error) { return userByName(ctx, db.read, name) },
	}
	events, err := hansei.Decide(inc, env, cmd)
	if err != nil {
		return inc, nil, false, nil
	}
	if db.FanOut != nil && len(hansei.IncidentNotifications(db.Scales, inc, events)) > 0 {
		// A change that notifies writes the outbox in its transaction:
		// the transaction path.
		return inc, nil, false, nil
	}
	type row struct {
		Ord   int             `json:"ord"`
		Seq   int64           `json:"seq"`
		Type  string          `json:"type"`
		Actor string          `json:"actor"`
		At    string          `json:"at"`
		Data  json.RawMessage `json:"data"`
	}
	before := inc
	rows := make([]row, len(events))
	joined := []string{}
	for i, e := range events {
		if strings.HasPrefix(e.Type, "intent.") {
			return inc, nil, false, nil // the intents table needs the transaction path
		}
		if publicEvent(e) {
			return inc, nil, false, nil // the status page's index needs the transaction path (status.go)
		}
		if e.Type == hansei.EventResponderJoined {
			var d hansei.ResponderJoinedData
			if err := json.Unmarshal(e.Data, &d); err != nil {
				return inc, nil, false, err
			}
			joined = append(joined, d.User)
		}
		rows[i] = row{Ord: i + 1, Seq: e.Seq, Type: e.Type, Actor: e.Actor, At: e.At.Format("2006-01-02T15:04:05.999999Z07:00"), Data: e.Data}
		if inc, err = hansei.Apply(inc, e); err != nil {
			return inc, nil, false, err
		}
	}
	if db.pages(before, inc) {
		return inc, nil, false, nil // a page is an outbox row: the transaction path (paging.go)
	}
	state, err := storedState(inc)
	if err != nil {
		return inc, nil, false, err
	}
	payload, err := json.Marshal(rows)
	if err != nil {
		return inc, nil, false, err
	}
	// A stale copy numbers its events after a seq that is taken: the
	// events' key refuses the whole statement, and the transaction path
	// decides again from the table. A note leaves the projection as it is.
	var last int64
	if db.dialect == sqlite {
		if len(events) != 1 || changesProjection(events) {
			return inc, nil, false, nil // several tables: the transaction path
		}
		// A note on SQLite: one autocommit INSERT, its position the largest
		// so far plus one (there is one writer at a time).
		e := events[0]
		q := `INSERT INTO events (incident, seq, type, actor, at, data, pos)
			VALUES ($1, $2, $3, $4, $5, $6, (SELECT COALESCE(MAX(pos), 0) + 1 FROM events)) RETURNING pos`
		args := []any{number, e.Seq, e.Type, e.Actor, db.ts(e.At), string(e.Data)}
		if err := db.checkFile(); err != nil {
			return inc, nil, false, err
		}
		db.stmts.prepareWanted(ctx, db.write)
		if st := db.stmts.lookup(q); st != nil {
			err = st.QueryRowContext(ctx, args...).Scan(&last)
		} else {
			err = db.write.QueryRowContext(ctx, q, args...).Scan(&last)
		}
	} else if len(events) == 1 && !changesProjection(events) {
		// A note, the commonest change: one event and nothing else.
		e := events[0]
		err = db.write.QueryRowContext(ctx, `WITH pos AS (
				UPDATE counters SET value = value + 1 WHERE name = 'event' RETURNING value
			)
			INSERT INTO events (incident, seq, type, actor, at, data, pos)
			SELECT $1, $2, $3, $4, $5, $6, pos.value FROM pos, pg_notify('hansei_events', pos.value::text)
			RETURNING pos`, number, e.Seq, e.Type, e.Actor, e.At, string(e.Data)).Scan(&last)
	} else {
		err = db.write.QueryRowContext(ctx, `WITH pos AS (
			UPDATE counters SET value = value + $1 WHERE name = 'event' RETURNING value
		), ev AS (
			INSERT INTO events (incident, seq, type, actor, at, data, pos)
			SELECT $2, e.seq, e.type, e.actor, e.at, e.data, pos.value - $1 + e.ord
			FROM pos, jsonb_to_recordset($3::jsonb) AS e (ord bigint, seq bigint, type text, actor text, at timestamptz, data jsonb)
			RETURNING seq
		), inc AS (
			-- Depending on ev orders the locks as every writer takes them:
			-- the event counter first, then the incident.
			UPDATE incidents SET severity = $4, status = $5, state = $6
			WHERE number = $2 AND $7 AND EXISTS (SELECT 1 FROM ev)
		), mem AS (
			INSERT INTO incident_members (incident, user_name)
			SELECT $2, u FROM unnest($8::text[]) AS u
			ON CONFLICT DO NOTHING
		)
		SELECT value FROM pos, pg_notify('hansei_events', pos.value::text)`,
			len(events), number, string(payload), inc.Severity, inc.Status, state, changesProjection(events), joined).Scan(&last)
	}
	if isUniqueViolation(err) {
		db.projections.drop(number) // another writer moved it on
		return inc, nil, false, nil
	}
	if err != nil {
		return inc, nil, false, fmt.Errorf("write INC-%d: %w", number, err)
	}
	for i := range events {
		events[i].Pos = last - int64(len(events)) + int64(i) + 1
	}
	db.projections.put(inc)
	if db.AfterCommit != nil {
		db.AfterCommit(events)
	}
	return inc, events, true, nil
}
