package sqldb

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Enqueue writes notifications to the outbox in one transaction (the
// caller's, when ctx carries one), each to the targets FanOut gives it. A
// notification already there (same key and target) is not written again,
// so a scan that finds the same reminder due twice writes it once.
func (db *DB) Enqueue(ctx context.Context, ns []hansei.Notification) error {
	if len(ns) == 0 {
		return nil
	}
	return db.update(ctx, func(t *tx) error { return t.enqueue(ctx, ns...) })
}

// enqueue writes notifications to the outbox in the transaction of the
// change (or the scan) that caused them. Where each goes is the
// application's rule, FanOut; storage only writes the rows it returns.
//
// The rule is handed to the store once (internal/server sets FanOut to
// app.FanOut's) and runs here, inside the transaction, rather than being
// applied by app before or after the store is called, because:
//   - the rows must commit or roll back with the change: a crash never
//     loses a notification of a committed change and never sends one for
//     a change that rolled back (docs/notifications.md);
//   - some notifications are known only inside the transaction: a
//     handover is decided against the locked remediation;
//   - the recipients' channels and addresses, and the incidents'
//     visibility and members, are read in the same transaction as the
//     rows are written, so a copy says what its reader could read when
//     the change committed.
func (t *tx) enqueue(ctx context.Context, ns ...hansei.Notification) error {
	if t.db.FanOut == nil {
		return nil // no targets: nothing to deliver
	}
	// A scan writes many notifications about few incidents: each is read
	// once per batch, as this transaction sees it.
	incidents := map[int64]hansei.Incident{}
	look := hansei.Lookup{
		User: func(name string) (hansei.User, error) { return userByName(ctx, t, name) },
		Incident: func(number int64) (hansei.Incident, error) {
			if inc, ok := incidents[number]; ok {
				return inc, nil
			}
			inc, err := scanIncident(t.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents i WHERE i.number = $1`, number), number)
			if err == nil {
				incidents[number] = inc
			}
			return inc, err
		},
	}
	for _, n := range ns {
		rows, err := t.db.FanOut(n, look)
		if err != nil {
			return fmt.Errorf("notification %s: %w", n.Key, err)
		}
		for _, r := range rows {
			payload, err := json.Marshal(r.Notification)
			if err != nil {
				return err
			}
			b := make([]byte, 16)
			rand.Read(b)
			_, err = t.ExecContext(ctx, `INSERT INTO outbox (delivery_id, key, channel, target, payload, next_attempt_at, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
				hex.EncodeToString(b), r.Notification.Key, r.Channel, r.Address, string(payload), t.db.ts(t.now), t.db.ts(t.now))
			if err != nil {
				return fmt.Errorf("outbox: %w", err)
			}
		}
	}
	return nil
}

// ClaimDeliveries takes up to limit deliveries that are due, for lease:
// another worker (in this or another instance) does not take them until
// the lease ends. A worker that dies mid-delivery leaves the row to be
// claimed again when its lease ends: delivery is at least once, and every
// attempt carries the same delivery id.
func (db *DB) ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]hansei.Delivery, error) {
	now := db.Now()
	skip := ""
	if db.dialect == postgres {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := db.write.QueryContext(ctx, `UPDATE outbox SET leased_until = $1, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $2
			AND (leased_until IS NULL OR leased_until < $2) ORDER BY id LIMIT $3`+skip+`)
		RETURNING id, delivery_id, key, channel, target, payload, state, attempts, next_attempt_at, last_error, created_at`,
		db.ts(now.Add(lease)), db.ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	claimed, err := scanDeliveries(rows)
	// RETURNING gives no order (PostgreSQL returns rows as it updated
	// them): deliver in the order the rows were written.
	slices.SortFunc(claimed, func(a, b hansei.Delivery) int { return cmp.Compare(a.ID, b.ID) })
	return claimed, err
}

func scanDeliveries(rows *sql.Rows) ([]hansei.Delivery, error) {
	return collect(rows, func(row scanner) (hansei.Delivery, error) {
		var d hansei.Delivery
		var payload []byte
		err := row.Scan(&d.ID, &d.DeliveryID, &d.Key, &d.Channel, &d.Target, &payload, &d.State, &d.Attempts,
			timeValue{&d.NextAt}, &d.LastError, timeValue{&d.CreatedAt})
		d.Payload = json.RawMessage(payload)
		return d, err
	})
}

// FinishDelivery records the outcome of an attempt: delivered, or tried
// again later with exponential backoff and jitter, or parked after
// hansei.MaxAttempts.
func (db *DB) FinishDelivery(ctx context.Context, d hansei.Delivery, failure error) error {
	now := db.Now()
	if failure == nil {
		_, err := db.write.ExecContext(ctx, `UPDATE outbox SET state = 'delivered', delivered_at = $1, leased_until = NULL, last_error = '' WHERE id = $2`,
			db.ts(now), d.ID)
		return err
	}
	state := "pending"
	if d.Attempts >= hansei.MaxAttempts {
		state = "parked"
	}
	msg := failure.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	_, err := db.write.ExecContext(ctx, `UPDATE outbox SET state = $1, next_attempt_at = $2, leased_until = NULL, last_error = $3 WHERE id = $4`,
		state, db.ts(now.Add(Backoff(d.Attempts))), msg, d.ID)
	return err
}

// Backoff is the wait after the given number of failed attempts: doubling
// from 10 seconds up to an hour, with ±50% jitter so that retries spread out.
func Backoff(attempts int) time.Duration {
	base := 10 * time.Second * time.Duration(math.Pow(2, float64(max(attempts-1, 0))))
	if base > time.Hour || base <= 0 {
		base = time.Hour
	}
	return time.Duration(float64(base) * (0.5 + mrand.Float64()))
}

// Outbox lists deliveries in a state (pending, delivered, parked; "" for
// all), newest first.
func (db *DB) Outbox(ctx context.Context, state string, limit int) ([]hansei.Delivery, error) {
	q := `SELECT id, delivery_id, key, channel, target, payload, state, attempts, next_attempt_at, last_error, created_at FROM outbox`
	args := []any{}
	if state != "" {
		q += ` WHERE state = $1`
		args = append(args, state)
	}
	q += ` ORDER BY id DESC LIMIT ` + strconv.Itoa(limit)
	rows, err := db.reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return scanDeliveries(rows)
}

// RetryDelivery puts a parked (or failing) delivery back in the queue now.
func (db *DB) RetryDelivery(ctx context.Context, id int64) error {
	res, err := db.write.ExecContext(ctx, `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, leased_until = NULL
		WHERE id = $2 AND state <> 'delivered'`, db.ts(db.Now()), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return hansei.Errorf(hansei.ENOTFOUND, "there is no undelivered delivery %d", id)
	}
	return nil
}

// RemediationsDue reads the open remediations due on or before by
// (YYYY-MM-DD), each with its incident's commander, by id.
func (db *DB) RemediationsDue(ctx context.Context, by string) ([]hansei.DueRemediation, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT r.doc, i.state FROM remediations r JOIN incidents i ON i.number = r.incident
		WHERE r.status NOT IN `+closedStatuses+` AND r.due <= $1 ORDER BY r.id`, by)
	if err != nil {
		return nil, fmt.Errorf("read remediations due by %s: %w", by, err)
	}
	return collect(rows, func(row scanner) (hansei.DueRemediation, error) {
		var due hansei.DueRemediation
		var doc, state []byte
		if err := row.Scan(&doc, &state); err != nil {
			return due, err
		}
		var inc hansei.Incident
		if err := json.Unmarshal(doc, &due.Remediation); err != nil {
			return due, err
		}
		if err := json.Unmarshal(state, &inc); err != nil {
			return due, err
		}
		due.Commander = inc.Roles[hansei.RoleCommander]
		return due, nil
	})
}

// OpenRemediations reads every remediation not done or dropped, by id.
func (db *DB) OpenRemediations(ctx context.Context) ([]hansei.Remediation, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT doc FROM remediations WHERE status NOT IN `+closedStatuses+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read open remediations: %w", err)
	}
	return collect(rows, scanRemediation)
}
