package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// The event webhooks' storage: endpoints with their cursor over the
// events' global positions, and a short log of attempts per endpoint.

const webhookColumns = `id, url, secret, events, severities, created_by, created_at, after_pos, attempts, next_attempt_at, last_error`

// webhookLog is how many recent attempts are kept per endpoint.
const webhookLog = 200

func scanWebhook(row scanner) (hansei.WebhookEndpoint, error) {
	var w hansei.WebhookEndpoint
	var events, severities string
	err := row.Scan(&w.ID, &w.URL, &w.Secret, &events, &severities, &w.CreatedBy, timeValue{&w.CreatedAt}, &w.Cursor, &w.Attempts,
		timeValue{&w.NextAttemptAt}, &w.LastError)
	if err == nil {
		err = json.Unmarshal([]byte(events), &w.Events)
	}
	if err == nil {
		err = json.Unmarshal([]byte(severities), &w.Severities)
	}
	return w, err
}

// lastPos is the position of the newest committed event. On PostgreSQL the
// 'event' counter's row is locked until the appending transaction commits,
// so every position up to its committed value is visible.
func (db *DB) lastPos() string {
	if db.dialect == postgres {
		return `COALESCE((SELECT value FROM counters WHERE name = 'event'), 0)`
	}
	return `(SELECT COALESCE(MAX(pos), 0) FROM events)`
}

// CreateWebhook registers an endpoint. It starts after the newest event:
// an endpoint hears what happens from now on, not the whole history.
func (db *DB) CreateWebhook(ctx context.Context, w hansei.WebhookEndpoint) (hansei.WebhookEndpoint, error) {
	now := db.Now()
	events, _ := json.Marshal(w.Events)
	severities, _ := json.Marshal(w.Severities)
	row := db.write.QueryRowContext(ctx, `INSERT INTO webhook_endpoints (url, secret, events, severities, created_by, created_at, after_pos, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, `+db.lastPos()+`, $6) RETURNING `+webhookColumns,
		w.URL, w.Secret, string(events), string(severities), w.CreatedBy, db.ts(now))
	created, err := scanWebhook(row)
	if err != nil {
		return created, fmt.Errorf("create webhook: %w", err)
	}
	return created, nil
}

// Webhooks lists the endpoints by id, secrets included (the caller drops
// them before showing any).
func (db *DB) Webhooks(ctx context.Context) ([]hansei.WebhookEndpoint, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoints ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read webhooks: %w", err)
	}
	return collect(rows, scanWebhook)
}

// DeleteWebhook removes an endpoint and its log.
func (db *DB) DeleteWebhook(ctx context.Context, id int64) error {
	return db.update(ctx, func(t *tx) error {
		if _, err := t.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE endpoint = $1`, id); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `DELETE FROM webhook_endpoints WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return hansei.Errorf(hansei.ENOTFOUND, "there is no webhook %d", id)
		}
		return nil
	})
}

// WebhookDeliveries lists an endpoint's recent attempts, newest first.
func (db *DB) WebhookDeliveries(ctx context.Context, id int64, limit int) ([]hansei.WebhookDelivery, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT endpoint, delivery_id, incident, seq, type, attempt, error, at
		FROM webhook_deliveries WHERE endpoint = $1 ORDER BY id DESC LIMIT $2`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("read webhook deliveries: %w", err)
	}
	return collect(rows, func(row scanner) (hansei.WebhookDelivery, error) {
		var d hansei.WebhookDelivery
		err := row.Scan(&d.Endpoint, &d.DeliveryID, &d.Incident, &d.Seq, &d.Type, &d.Attempt, &d.Error, timeValue{&d.At})
		return d, err
	})
}

// ClaimWebhooks takes, for lease, the endpoints that have events to
// deliver and are not waiting for a retry. The lease is taken per row with
// one UPDATE, so two instances never walk one endpoint at once (which
// could reorder its events).
func (db *DB) ClaimWebhooks(ctx context.Context, lease time.Duration) ([]hansei.WebhookEndpoint, error) {
	now := db.Now()
	rows, err := db.write.QueryContext(ctx, `UPDATE webhook_endpoints SET leased_until = $1
		WHERE next_attempt_at <= $2 AND (leased_until IS NULL OR leased_until < $2) AND after_pos < `+db.lastPos()+`
		RETURNING `+webhookColumns, db.ts(now.Add(lease)), db.ts(now))
	if err != nil {
		return nil, fmt.Errorf("claim webhooks: %w", err)
	}
	return collect(rows, scanWebhook)
}

// WebhookEvents reads the events after a position, in order, with their
// incidents as they stand now.
func (db *DB) WebhookEvents(ctx context.Context, after int64, limit int) ([]hansei.Event, map[int64]hansei.Incident, error) {
	events, err := db.EventsAfter(ctx, after, limit)
	if err != nil {
		return nil, nil, err
	}
	incs := map[int64]hansei.Incident{}
	for _, e := range events {
		if _, ok := incs[e.Incident]; ok {
			continue
		}
		inc, err := scanIncident(db.read.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents i WHERE i.number = $1`, e.Incident), e.Incident)
		if err != nil {
			return nil, nil, err
		}
		incs[e.Incident] = inc
	}
	return events, incs, nil
}

// FinishWebhook records a walk of an endpoint: its cursor moved to cursor;
// failure, if any, is why the next event was not delivered, and it is tried
// again after the outbox's backoff (never parked: a later event must not
// overtake it, and none may be lost). log is the attempts made.
func (db *DB) FinishWebhook(ctx context.Context, w hansei.WebhookEndpoint, cursor int64, failure error, log []hansei.WebhookDelivery) error {
	now := db.Now()
	return db.update(ctx, func(t *tx) error {
		var res sql.Result
		var err error
		if failure == nil {
			res, err = t.ExecContext(ctx, `UPDATE webhook_endpoints SET after_pos = $1, attempts = 0, last_error = '', leased_until = NULL,
				next_attempt_at = $2 WHERE id = $3`, cursor, db.ts(now), w.ID)
		} else {
			msg := failure.Error()
			if len(msg) > 500 {
				msg = msg[:500]
			}
			attempts := w.Attempts + 1
			if cursor != w.Cursor {
				attempts = 1 // a new event failed: its own count starts
			}
			res, err = t.ExecContext(ctx, `UPDATE webhook_endpoints SET after_pos = $1, attempts = $2, last_error = $3, leased_until = NULL,
				next_attempt_at = $4 WHERE id = $5`, cursor, attempts, msg, db.ts(now.Add(Backoff(attempts))), w.ID)
		}
		if err != nil {
			return fmt.Errorf("finish webhook %d: %w", w.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // deleted during the walk: nothing to record
		}
		// One statement for the walk's attempts: a round trip per row
		// would cost more than the deliveries themselves on PostgreSQL.
		if len(log) > 0 {
			var q strings.Builder
			q.WriteString(`INSERT INTO webhook_deliveries (endpoint, delivery_id, incident, seq, type, attempt, error, at) VALUES `)
			args := make([]any, 0, 8*len(log))
			for i, d := range log {
				if i > 0 {
					q.WriteString(", ")
				}
				n := len(args)
				fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8)
				args = append(args, w.ID, d.DeliveryID, d.Incident, d.Seq, d.Type, d.Attempt, d.Error, db.ts(d.At))
			}
			if _, err := t.ExecContext(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("webhook log: %w", err)
			}
		}
		if len(log) > 0 {
			_, err = t.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE endpoint = $1 AND id <= (SELECT id FROM webhook_deliveries
				WHERE endpoint = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)`, w.ID, webhookLog)
		}
		return err
	})
}
