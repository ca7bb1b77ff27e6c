package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	hansei "github.com/hansei-dev/hansei"
	"golang.org/x/crypto/bcrypt"
)

// Web sign-in: passwords, one-time sign-in links and browser sessions, and
// the API tokens an admin manages from the web UI. docs/auth.md explains
// the whole scheme.

const (
	// bcryptCost makes one password check take about a quarter of a second:
	// slow for someone guessing offline, unnoticeable at a sign-in form.
	bcryptCost = 12
	// dummyHash is a cost-12 bcrypt hash of a password nobody can type
	// here. CheckPassword compares against it when there is no real hash,
	// so an unknown name takes as long to refuse as a wrong password and
	// the time of a refusal does not tell which user names exist.
	dummyHash = "$2a$12$HNvFFoRkuQeBvei5qAMquej7lUmRJlU9nTKiUti6eMcB4MKlaAWvG"

	// Prefixes tell secrets apart in logs and let secret scanners find them.
	signInLinkPrefix = "hsl_"
	sessionPrefix    = "hss_"

	// touchInterval is how stale a session's last_seen_at or a token's
	// last_used_at may become before a read writes it again: often enough
	// for the idle limit and the admin page, rare enough that
	// authenticating stays a read.
	touchInterval = time.Minute
)

// SetPassword sets the password of the user called name and ends all of
// that user's sessions: whoever knew the old password is signed out. A web
// page that changes the password of the signed-in user therefore creates a
// new session for the browser afterwards.
func (db *DB) SetPassword(ctx context.Context, name, password string) error {
	if err := hansei.ValidatePassword(password); err != nil {
		return err
	}
	// Hash before the transaction begins: a quarter of a second of bcrypt
	// must not hold SQLite's only writer.
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	return db.update(ctx, func(t *tx) error {
		u, err := userByName(ctx, t, name)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, string(hash), u.ID); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		return nil
	})
}

// CheckPassword returns the user called name if password is theirs. Every
// refusal has the same message, whatever its reason, so the sign-in form
// does not reveal which user names exist or which have a password.
func (db *DB) CheckPassword(ctx context.Context, name, password string) (hansei.User, error) {
	refused := hansei.Errorf(hansei.EUNAUTHORIZED, "the user name or password is not right; check both, or ask an admin for a sign-in link")
	var hash string
	u, err := scanUser(db.reader(ctx).QueryRowContext(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.name = $1`, name), &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return hansei.User{}, err
	}
	// A password longer than any that could be set cannot be right, but
	// bcrypt would compare only its first 72 bytes.
	if hash == "" || len(password) > hansei.MaxPasswordBytes {
		bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password))
		return hansei.User{}, refused
	}
	err = bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
		return hansei.User{}, refused
	} else if err != nil {
		return hansei.User{}, fmt.Errorf("check the password of %q against its stored hash: %w", name, err)
	}
	return u, nil
}

// CreateSignInLink makes a one-time sign-in token for the user called
// name, valid for ttl (hansei.SignInLinkTTL if ttl is not positive).
func (db *DB) CreateSignInLink(ctx context.Context, name string, ttl time.Duration) (token string, expires time.Time, err error) {
	if ttl <= 0 {
		ttl = hansei.SignInLinkTTL
	}
	token = randomToken(signInLinkPrefix)
	err = db.update(ctx, func(t *tx) error {
		u, err := userByName(ctx, t, name)
		if err != nil {
			return err
		}
		expires = t.now.Add(ttl)
		_, err = t.ExecContext(ctx, `INSERT INTO signin_links (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hashToken(token), u.ID, db.ts(t.now), db.ts(expires))
		return err
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

// RedeemSignInLink uses up a sign-in token and returns its user. The
// conditional UPDATE is what makes the link one-time: of two redemptions
// racing each other, the database lets only one change the row.
func (db *DB) RedeemSignInLink(ctx context.Context, token string) (hansei.User, error) {
	refused := hansei.Errorf(hansei.EUNAUTHORIZED, "this sign-in link is not valid: it was used already, has expired, or was never issued; ask an admin for a new one with `hansei users link NAME`")
	if !strings.HasPrefix(token, signInLinkPrefix) {
		return hansei.User{}, refused
	}
	var u hansei.User
	err := db.update(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE signin_links SET used_at = $1
			WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3`, db.ts(t.now), hashToken(token), db.ts(t.now))
		if err != nil {
			return fmt.Errorf("use sign-in link: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return refused
		}
		u, err = scanUser(t.QueryRowContext(ctx, `SELECT `+userColumns+`
			FROM signin_links l JOIN users u ON u.id = l.user_id WHERE l.token_hash = $1`, hashToken(token)))
		return err
	})
	if err != nil {
		return hansei.User{}, err
	}
	return u, nil
}

// CreateSession signs a browser in as the user with id userID.
func (db *DB) CreateSession(ctx context.Context, userID int64) (hansei.Session, error) {
	s := hansei.Session{Token: randomToken(sessionPrefix), CSRF: randomCSRF(), UserID: userID}
	err := db.update(ctx, func(t *tx) error {
		var n int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = $1`, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return hansei.Errorf(hansei.ENOTFOUND, "there is no user with id %d; it may have been deleted", userID)
		}
		s.CreatedAt, s.ExpiresAt = t.now, t.now.Add(hansei.SessionLifetime)
		_, err := t.ExecContext(ctx, `INSERT INTO sessions (token_hash, csrf, user_id, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, hashToken(s.Token), s.CSRF, userID, db.ts(t.now), db.ts(t.now), db.ts(s.ExpiresAt))
		return err
	})
	if err != nil {
		return hansei.Session{}, err
	}
	return s, nil
}

// randomCSRF returns a form token. It is not hashed at rest: it is worth
// nothing without the session cookie, and the page must be able to print it.
func randomCSRF() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// SessionUser authenticates a session cookie. It refuses a session past its
// absolute end or unused for hansei.SessionIdle, and notes the use only when the
// last note is more than a minute old, so most requests only read.
func (db *DB) SessionUser(ctx context.Context, token string) (hansei.User, hansei.Session, error) {
	signIn := "sign in again"
	if !strings.HasPrefix(token, sessionPrefix) {
		return hansei.User{}, hansei.Session{}, hansei.Errorf(hansei.EUNAUTHORIZED, "you are not signed in; %s", signIn)
	}
	s := hansei.Session{Token: token}
	var lastSeen time.Time
	u, err := scanUser(db.reader(ctx).QueryRowContext(ctx, `SELECT `+userColumns+`, s.csrf, s.created_at, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`, hashToken(token)),
		&s.CSRF, timeValue{&s.CreatedAt}, timeValue{&lastSeen}, timeValue{&s.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return hansei.User{}, hansei.Session{}, hansei.Errorf(hansei.EUNAUTHORIZED, "you are not signed in, or you signed out or changed your password since; %s", signIn)
	} else if err != nil {
		return hansei.User{}, hansei.Session{}, err
	}
	s.UserID = u.ID
	now := db.Now().UTC()
	if !now.Before(s.ExpiresAt) {
		return hansei.User{}, hansei.Session{}, hansei.Errorf(hansei.EUNAUTHORIZED, "your session ended %s after you signed in; %s", describeDuration(hansei.SessionLifetime), signIn)
	}
	if now.Sub(lastSeen) >= hansei.SessionIdle {
		return hansei.User{}, hansei.Session{}, hansei.Errorf(hansei.EUNAUTHORIZED, "your session ended after %s without use; %s", describeDuration(hansei.SessionIdle), signIn)
	}
	if now.Sub(lastSeen) >= touchInterval {
		err := db.update(ctx, func(t *tx) error {
			_, err := t.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, db.ts(t.now), hashToken(token))
			return err
		})
		if err != nil {
			return hansei.User{}, hansei.Session{}, fmt.Errorf("note the use of a session: %w", err)
		}
	}
	return u, s, nil
}

// describeDuration writes the session limits as people say them.
func describeDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 && d > 24*time.Hour {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d hours", d/time.Hour)
	}
	return d.String()
}

// DeleteSession signs a browser out. An unknown token is not an error: the
// browser is signed out either way.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	return db.update(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(token))
		return err
	})
}

// DeleteExpiredSessions removes the sessions that can no longer be used,
// and the sign-in links that are used or expired. It returns how many rows
// of both it removed.
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

// maxLabelLen bounds token labels, which are notes such as "deploy bot".
const maxLabelLen = 100

// CreateToken makes a new API token for the user called name. The token
// is shown only here: it is stored hashed.
func (db *DB) CreateToken(ctx context.Context, name, label string) (string, error) {
	label = strings.TrimSpace(label)
	if n := utf8.RuneCountInString(label); n > maxLabelLen {
		return "", hansei.FieldError("label", "the label has %d characters; use at most %d, such as \"deploy bot\"", n, maxLabelLen)
	}
	token := newToken()
	err := db.update(ctx, func(t *tx) error {
		u, err := userByName(ctx, t, name)
		if err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4)`,
			u.ID, hashToken(token), label, db.ts(t.now))
		return err
	})
	if err != nil {
		return "", err
	}
	return token, nil
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

// UpdateUser changes the settings of the user called name. The settings
// are checked as CreateUser checks them. It refuses to take the admin role
// from the last admin, who would have nobody left to give it back.
func (db *DB) UpdateUser(ctx context.Context, name string, c hansei.UserChange) (hansei.User, error) {
	// On PostgreSQL the rows are locked, so that two changes to one user
	// do not undo each other and two admins cannot demote each other at
	// once; SQLite runs one writer at a time anyway.
	lock := ""
	if db.dialect == postgres {
		lock = " FOR UPDATE"
	}
	var u hansei.User
	err := db.update(ctx, func(t *tx) error {
		var err error
		u, err = scanUser(t.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.name = $1`+lock, name))
		if errors.Is(err, sql.ErrNoRows) {
			return hansei.Errorf(hansei.ENOTFOUND, "there is no user named %q", name)
		} else if err != nil {
			return err
		}
		wasAdmin := u.Role == hansei.RoleAdmin
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = strings.TrimSpace(*src)
			}
		}
		set(&u.DisplayName, c.DisplayName)
		role := string(u.Role)
		set(&role, c.Role)
		u.Role = hansei.Role(role)
		set(&u.Language, c.Language)
		set(&u.TimeZone, c.TimeZone)
		set(&u.Email, c.Email)
		set(&u.Channel, c.Channel)
		if err := checkUser(&u); err != nil {
			return err
		}
		if wasAdmin && u.Role != hansei.RoleAdmin {
			admins, err := t.countRows(ctx, `SELECT id FROM users WHERE role = 'admin'`+lock)
			if err != nil {
				return err
			}
			if admins <= 1 {
				return hansei.FieldError("role", "%q is the only admin; make another user an admin before changing this one's role", name)
			}
		}
		_, err = t.ExecContext(ctx, `UPDATE users SET display_name = $1, role = $2, language = $3, time_zone = $4, email = $5, channel = $6
			WHERE id = $7`, u.DisplayName, u.Role, u.Language, u.TimeZone, u.Email, u.Channel, u.ID)
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
