package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	hansei "github.com/hansei-dev/hansei"
)

// CreateUser creates a user with a first API token, stored as its hash
// (internal/app makes the token).
func (db *DB) CreateUser(ctx context.Context, u hansei.User, tokenHash string) (hansei.User, error) {
	err := db.update(ctx, func(t *tx) error {
		u.CreatedAt = t.now
		err := t.QueryRowContext(ctx, `INSERT INTO users (name, display_name, role, language, time_zone, email, channel, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			u.Name, u.DisplayName, u.Role, u.Language, u.TimeZone, u.Email, u.Channel, db.ts(t.now)).Scan(&u.ID)
		if isUniqueViolation(err) {
			return hansei.FieldError("name", "a user named %q already exists; choose another name", u.Name)
		} else if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		_, err = t.ExecContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)`,
			u.ID, tokenHash, db.ts(t.now))
		return err
	})
	if err != nil {
		return hansei.User{}, err
	}
	return u, nil
}

const userColumns = `u.id, u.name, u.display_name, u.role, u.language, u.time_zone, u.email, u.channel, u.created_at`

// scanUser scans userColumns, then any extra columns that follow them.
func scanUser(row scanner, extra ...any) (hansei.User, error) {
	var u hansei.User
	err := row.Scan(append([]any{&u.ID, &u.Name, &u.DisplayName, &u.Role, &u.Language, &u.TimeZone, &u.Email, &u.Channel, timeValue{&u.CreatedAt}}, extra...)...)
	return u, err
}

// UserByName finds a user by name.
func (db *DB) UserByName(ctx context.Context, name string) (hansei.User, error) {
	return userByName(ctx, db.reader(ctx), name)
}

func userByName(ctx context.Context, q queryer, name string) (hansei.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return u, hansei.Errorf(hansei.ENOTFOUND, "there is no user named %q", name)
	}
	return u, err
}

// Users lists every user by name.
func (db *DB) Users(ctx context.Context) ([]hansei.User, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.name`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row scanner) (hansei.User, error) { return scanUser(row) })
}

// CountUsers tells whether the database is new.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}
