package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// IdempotencyKeyTTL is how long a key is remembered; the brief promises at
// least 24 hours.
const IdempotencyKeyTTL = 48 * time.Hour

// Idempotent runs fn at most once per (user, key). The key's record and
// everything fn changes commit in one transaction, so a crash can neither
// leave a change without its recorded response nor the reverse. A repeat
// with the same request hash gets the first response (replayed is true); a
// repeat with a different hash is refused. Concurrent repeats wait for the
// first: PostgreSQL blocks the second insert of the key until the first
// transaction ends, and SQLite has one writer at a time.
//
// fn returns the response to record. If fn fails, nothing is recorded and
// the key stays free, so a retry runs again.
func (db *DB) Idempotent(ctx context.Context, user hansei.User, key, requestHash string, fn func(context.Context) (hansei.StoredResponse, error)) (resp hansei.StoredResponse, replayed bool, err error) {
	if key == "" || len(key) > 255 {
		return resp, false, hansei.FieldError("Idempotency-Key", "the Idempotency-Key header must be 1 to 255 characters, such as a UUID")
	}
	if _, inTx := ctx.Value(txKey{}).(*tx); inTx {
		return resp, false, errors.New("Idempotent called inside a transaction")
	}
	t, err := db.beginWrite(ctx)
	if err != nil {
		return resp, false, err
	}
	defer t.Rollback()
	res, err := t.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, user.ID, key, requestHash, db.ts(t.now))
	if err != nil {
		return resp, false, fmt.Errorf("claim idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var stored string
		err := t.QueryRowContext(ctx, `SELECT request_hash, status, content_type, body FROM idempotency_keys
			WHERE user_id = $1 AND key = $2`, user.ID, key).Scan(&stored, &resp.Status, &resp.ContentType, &resp.Body)
		if errors.Is(err, sql.ErrNoRows) {
			return resp, false, hansei.Errorf(hansei.ECONFLICT, "a request with this Idempotency-Key is still being processed; retry in a moment")
		} else if err != nil {
			return resp, false, fmt.Errorf("read idempotency key: %w", err)
		}
		if stored != requestHash {
			return resp, false, hansei.Errorf(hansei.EUNPROCESSABLE, "this Idempotency-Key was used for a different request; use a new key for a new request")
		}
		return resp, true, nil
	}
	resp, err = fn(context.WithValue(ctx, txKey{}, t))
	if err != nil {
		return resp, false, err
	}
	_, err = t.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3 WHERE user_id = $4 AND key = $5`,
		resp.Status, resp.ContentType, resp.Body, user.ID, key)
	if err != nil {
		return resp, false, fmt.Errorf("record idempotent response: %w", err)
	}
	if err := t.Commit(); err != nil {
		return resp, false, fmt.Errorf("commit: %w", err)
	}
	t.committed()
	return resp, false, nil
}

// ExpireIdempotencyKeys forgets keys older than IdempotencyKeyTTL.
func (db *DB) ExpireIdempotencyKeys(ctx context.Context) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, db.ts(db.Now().Add(-IdempotencyKeyTTL)))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
