package sqldb

import (
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

// enqueue writes a notification to the outbox for every target, in the
// transaction of the change that caused it. A notification already there
// (same key and target) is not written again.
func (t *tx) enqueue(ctx context.Context, n hansei.Notification) error {
	payload, err := json.Marshal(n)
	if err != nil {
		return err
	}
	type row struct {
		hansei.Target
		payload []byte
	}
	rows := make([]row, 0, len(t.db.Targets))
	for _, target := range t.db.Targets {
		rows = append(rows, row{target, payload})
	}
	if t.db.Email {
		for _, name := range n.To {
			u, err := userByName(ctx, t, name)
			if err != nil || u.Channel != "email" || u.Email == "" {
				continue // a user who left still shows in the webhooks' payload
			}
			personal := n
			personal.Language, personal.TimeZone = u.Language, u.TimeZone
			b, err := json.Marshal(personal)
			if err != nil {
				return err
			}
			rows = append(rows, row{hansei.Target{Channel: "email", Address: u.Email}, b})
		}
	}
	for _, r := range rows {
		b := make([]byte, 16)
		rand.Read(b)
		_, err := t.ExecContext(ctx, `INSERT INTO outbox (delivery_id, key, channel, target, payload, next_attempt_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
			hex.EncodeToString(b), n.Key, r.Channel, r.Address, string(r.payload), t.db.ts(t.now), t.db.ts(t.now))
		if err != nil {
			return fmt.Errorf("outbox: %w", err)
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
	return scanDeliveries(rows)
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

// ScanReminders writes the reminders and escalations that open
// remediations call for today to the outbox, once each.
func (db *DB) ScanReminders(ctx context.Context, today string, p hansei.ReminderPolicy) (int, error) {
	horizon, err := time.Parse("2006-01-02", today)
	if err != nil {
		return 0, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT r.doc, i.state FROM remediations r JOIN incidents i ON i.number = r.incident
		WHERE r.status NOT IN ('done', 'wont_do') AND r.due <= $1`, horizon.AddDate(0, 0, p.BeforeDays).Format("2006-01-02"))
	if err != nil {
		return 0, fmt.Errorf("scan remediations: %w", err)
	}
	each, err := collect(rows, func(row scanner) ([]hansei.Notification, error) {
		var doc, state []byte
		if err := row.Scan(&doc, &state); err != nil {
			return nil, err
		}
		var r hansei.Remediation
		var inc hansei.Incident
		if err := json.Unmarshal(doc, &r); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(state, &inc); err != nil {
			return nil, err
		}
		return p.Reminders(r, inc.Roles[hansei.RoleCommander], today), nil
	})
	if err != nil {
		return 0, err
	}
	due := slices.Concat(each...)
	if p.Digest {
		digests, err := db.digests(ctx, today)
		if err != nil {
			return 0, err
		}
		due = append(due, digests...)
	}
	if len(due) == 0 {
		return 0, nil
	}
	return len(due), db.update(ctx, func(t *tx) error {
		for _, n := range due {
			if err := t.enqueue(ctx, n); err != nil {
				return err
			}
		}
		return nil
	})
}

// digests summarises each owner's open remediations, once a day.
func (db *DB) digests(ctx context.Context, today string) ([]hansei.Notification, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT doc FROM remediations WHERE status NOT IN ('done', 'wont_do') ORDER BY owner, due, id`)
	if err != nil {
		return nil, err
	}
	rems, err := collect(rows, scanRemediation)
	if err != nil {
		return nil, err
	}
	var out []hansei.Notification
	var owner string
	var open []hansei.Remediation
	flush := func() {
		if len(open) > 0 {
			out = append(out, hansei.Digest(owner, today, open))
		}
	}
	for _, r := range rems {
		if r.Owner != owner {
			flush()
			owner, open = r.Owner, nil
		}
		open = append(open, r)
	}
	flush()
	return out, nil
}
