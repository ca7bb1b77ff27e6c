package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Failed sign-ins, kept so that every instance counts the same failures
// (internal/app decides the limits; docs/auth.md).

// RecordSignInFailure notes a failure at at: a wrong password for account
// (a hash of the user name typed), or an unknown token or link (""
// account), from address.
func (db *DB) RecordSignInFailure(ctx context.Context, account, address string, at time.Time) error {
	return db.update(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `INSERT INTO signin_failures (account, address, at) VALUES ($1, $2, $3)`,
			account, address, db.ts(at))
		if err != nil {
			return fmt.Errorf("note a failed sign-in: %w", err)
		}
		return nil
	})
}

// AccountFailure is the time of account's nth most recent failure after
// since; the zero time if it had fewer.
func (db *DB) AccountFailure(ctx context.Context, account string, since time.Time, nth int) (time.Time, error) {
	return db.nthFailure(ctx, `account`, account, since, nth)
}

// AddressFailure is the time of address's nth most recent failure after
// since; the zero time if it had fewer.
func (db *DB) AddressFailure(ctx context.Context, address string, since time.Time, nth int) (time.Time, error) {
	return db.nthFailure(ctx, `address`, address, since, nth)
}

// nthFailure reads one row from the index on (column, at), however many
// failures there are.
func (db *DB) nthFailure(ctx context.Context, column, value string, since time.Time, nth int) (time.Time, error) {
	var at time.Time
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT at FROM signin_failures WHERE `+column+` = $1 AND at > $2
		ORDER BY at DESC LIMIT 1 OFFSET $3`, value, db.ts(since), max(nth-1, 0)).Scan(timeValue{&at})
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	} else if err != nil {
		return time.Time{}, fmt.Errorf("count failed sign-ins by %s: %w", column, err)
	}
	return at, nil
}

// DeleteSignInFailures deletes the failures at or before before, and says
// how many.
func (db *DB) DeleteSignInFailures(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.update(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM signin_failures WHERE at <= $1`, db.ts(before))
		if err != nil {
			return fmt.Errorf("delete old failed sign-ins: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
