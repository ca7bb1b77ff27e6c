package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Web sign-in's rows: password hashes, one-time sign-in links, browser
// sessions and API tokens. This is persistence only: internal/app makes
// the secrets and hashes them, decides lifetimes and when a use is noted,
// and words every refusal (docs/auth.md). Secrets arrive here already
// hashed with SHA-256, so the store never sees one.

// PasswordHash returns the user called name and their bcrypt password
// hash, "" if they have none.
func (db *DB) PasswordHash(ctx context.Context, name string) (hansei.User, string, error) {
	var hash string
	u, err := scanUser(db.reader(ctx).QueryRowContext(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.name = $1`, name), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return hansei.User{}, "", hansei.Errorf(hansei.ENOTFOUND, "there is no user named %q", name)
	} else if err != nil {
		return hansei.User{}, "", err
	}
	return u, hash, nil
}

// SetPasswordHash stores hash as the password of the user called name and,
// in the same transaction, deletes all of that user's sessions: no browser
// signed in with the old password outlives the change.
func (db *DB) SetPasswordHash(ctx context.Context, name, hash string) error {
	return db.update(ctx, func(t *tx) error {
		u, err := userByName(ctx, t, name)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, u.ID); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		return nil
	})
}

// CreateSignInLink stores a one-time sign-in link's hash for the user
// called name.
func (db *DB) CreateSignInLink(ctx context.Context, name, tokenHash string, created, expires time.Time) error {
	return db.update(ctx, func(t *tx) error {
		u, err := userByName(ctx, t, name)
		if err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `INSERT INTO signin_links (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			tokenHash, u.ID, db.ts(created), db.ts(expires))
		return err
	})
}

// RedeemSignInLink marks the link with tokenHash used, if it is unused and
// expires after at, and returns its user; ENOTFOUND if no link qualifies.
// The conditional UPDATE is what makes the link one-time: of two
// redemptions racing each other, the database lets only one change the row.
func (db *DB) RedeemSignInLink(ctx context.Context, tokenHash string, at time.Time) (hansei.User, error) {
	var u hansei.User
	err := db.update(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE signin_links SET used_at = $1
			WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3`, db.ts(at), tokenHash, db.ts(at))
		if err != nil {
			return fmt.Errorf("use sign-in link: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return hansei.Errorf(hansei.ENOTFOUND, "no unused sign-in link with this hash expires after %s", at.Format(time.RFC3339))
		}
		u, err = scanUser(t.QueryRowContext(ctx, `SELECT `+userColumns+`
			FROM signin_links l JOIN users u ON u.id = l.user_id WHERE l.token_hash = $1`, tokenHash))
		return err
	})
	if err != nil {
		return hansei.User{}, err
	}
	return u, nil
}

// CreateSession stores a browser session under tokenHash; s.Token is
// empty, and would not be stored.
func (db *DB) CreateSession(ctx context.Context, tokenHash string, s hansei.Session) error {
	return db.update(ctx, func(t *tx) error {
		var n int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = $1`, s.UserID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return hansei.Errorf(hansei.ENOTFOUND, "there is no user with id %d; it may have been deleted", s.UserID)
		}
		_, err := t.ExecContext(ctx, `INSERT INTO sessions (token_hash, csrf, user_id, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, tokenHash, s.CSRF, s.UserID, db.ts(s.CreatedAt), db.ts(s.LastSeenAt), db.ts(s.ExpiresAt))
		return err
	})
}

// SessionByTokenHash returns the session stored under tokenHash, without
// its token, and its user; ENOTFOUND if there is none.
func (db *DB) SessionByTokenHash(ctx context.Context, tokenHash string) (hansei.User, hansei.Session, error) {
	var s hansei.Session
	u, err := scanUser(db.reader(ctx).QueryRowContext(ctx, `SELECT `+userColumns+`, s.csrf, s.created_at, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`, tokenHash),
		&s.CSRF, timeValue{&s.CreatedAt}, timeValue{&s.LastSeenAt}, timeValue{&s.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return hansei.User{}, hansei.Session{}, hansei.Errorf(hansei.ENOTFOUND, "there is no session with this hash")
	} else if err != nil {
		return hansei.User{}, hansei.Session{}, err
	}
	s.UserID = u.ID
	return u, s, nil
}

// TouchSession notes that the session stored under tokenHash was used at at.
func (db *DB) TouchSession(ctx context.Context, tokenHash string, at time.Time) error {
	return db.update(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, db.ts(at), tokenHash)
		return err
	})
}

// DeleteSession deletes the session stored under tokenHash, if any.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	return db.update(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
		return err
	})
}

// DeleteExpiredSessions removes the sessions that can no longer be used
// (past their end, or unused for hansei.SessionIdle: internal/app refuses
// them anyway), and the sign-in links that are used or expired. It returns
// how many rows of both it removed.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var removed int64
	err := db.update(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`,
			db.ts(t.now), db.ts(t.now.Add(-hansei.SessionIdle)))
		if err != nil {
			return fmt.Errorf("delete expired sessions: %w", err)
		}
		n, _ := res.RowsAffected()
		removed += n
		res, err = t.ExecContext(ctx, `DELETE FROM signin_links WHERE used_at IS NOT NULL OR expires_at <= $1`, db.ts(t.now))
		if err != nil {
			return fmt.Errorf("delete used sign-in links: %w", err)
		}
		n, _ = res.RowsAffected()
		removed += n
		return nil
	})
	return removed, err
}

// CreateToken stores a new API token's hash for the user called name.
func (db *DB) CreateToken(ctx context.Context, name, label, tokenHash string) error {
	return db.update(ctx, func(t *tx) error {
		u, err := userByName(ctx, t, name)
		if err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4)`,
			u.ID, tokenHash, label, db.ts(t.now))
		return err
	})
}

// UserByTokenHash returns the API token stored under tokenHash (without
// its user's name) and its user; ENOTFOUND if there is none.
func (db *DB) UserByTokenHash(ctx context.Context, tokenHash string) (hansei.User, hansei.TokenInfo, error) {
	var ti hansei.TokenInfo
	u, err := scanUser(db.reader(ctx).QueryRowContext(ctx, `SELECT `+userColumns+`, t.id, t.label, t.created_at, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, tokenHash),
		&ti.ID, &ti.Label, timeValue{&ti.CreatedAt}, optionalTimeValue{&ti.LastUsedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return hansei.User{}, hansei.TokenInfo{}, hansei.Errorf(hansei.ENOTFOUND, "there is no API token with this hash")
	} else if err != nil {
		return hansei.User{}, hansei.TokenInfo{}, err
	}
	ti.User = u.Name
	return u, ti, nil
}

// TouchToken notes that the API token with id was used at at.
func (db *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	return db.update(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, db.ts(at), id)
		return err
	})
}

// Tokens lists every API token, by user name, then oldest first.
func (db *DB) Tokens(ctx context.Context) ([]hansei.TokenInfo, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT t.id, u.name, t.label, t.created_at, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY u.name, t.id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row scanner) (hansei.TokenInfo, error) {
		var ti hansei.TokenInfo
		err := row.Scan(&ti.ID, &ti.User, &ti.Label, timeValue{&ti.CreatedAt}, optionalTimeValue{&ti.LastUsedAt})
		return ti, err
	})
}

// RevokeToken deletes an API token; requests that carry it are refused
// from then on.
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	return db.update(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return hansei.Errorf(hansei.ENOTFOUND, "there is no API token with id %d; `hansei users tokens` lists them", id)
		}
		return nil
	})
}

// UpdateUser changes the user called name as decide says, in one
// transaction: decide gets the user as stored and a count of the admins
// (read only when asked), and returns the user to store. The rules (which
// settings are valid, that the last admin keeps the role) are app's.
func (db *DB) UpdateUser(ctx context.Context, name string, decide func(before hansei.User, admins func() (int, error)) (hansei.User, error)) (hansei.User, error) {
	// On PostgreSQL the rows are locked, so that two changes to one user
	// do not undo each other and two admins cannot demote each other at
	// once; SQLite runs one writer at a time anyway.
	lock := ""
	if db.dialect == postgres {
		lock = " FOR UPDATE"
	}
	var u hansei.User
	err := db.update(ctx, func(t *tx) error {
		before, err := scanUser(t.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.name = $1`+lock, name))
		if errors.Is(err, sql.ErrNoRows) {
			return hansei.Errorf(hansei.ENOTFOUND, "there is no user named %q", name)
		} else if err != nil {
			return err
		}
		admins := func() (int, error) { return t.countRows(ctx, `SELECT id FROM users WHERE role = 'admin'`+lock) }
		if u, err = decide(before, admins); err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `UPDATE users SET display_name = $1, role = $2, language = $3, time_zone = $4, email = $5, channel = $6
			WHERE id = $7`, u.DisplayName, u.Role, u.Language, u.TimeZone, u.Email, u.Channel, before.ID)
		return err
	})
	if err != nil {
		return hansei.User{}, err
	}
	return u, nil
}

// countRows counts the rows of a query; unlike count(*), the query may
// lock them.
func (t *tx) countRows(ctx context.Context, query string, args ...any) (int, error) {
	rows, err := t.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	locked, err := collect(rows, func(scanner) (struct{}, error) { return struct{}{}, nil })
	return len(locked), err
}

// optionalTimeValue scans a time that may be NULL.
type optionalTimeValue struct{ t **time.Time }

func (v optionalTimeValue) Scan(src any) error {
	if src == nil {
		*v.t = nil
		return nil
	}
	var t time.Time
	if err := (timeValue{&t}).Scan(src); err != nil {
		return err
	}
	*v.t = &t
	return nil
}

// UsersWithPassword names the users who can sign in with a password, for
// the admin's list of users.
func (db *DB) UsersWithPassword(ctx context.Context) (map[string]bool, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT name FROM users WHERE password_hash <> ''`)
	if err != nil {
		return nil, err
	}
	names, err := collect(rows, scanString)
	out := map[string]bool{}
	for _, name := range names {
		out[name] = true
	}
	return out, err
}
