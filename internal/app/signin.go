package app

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	hansei "github.com/hansei-dev/hansei"
	"golang.org/x/crypto/bcrypt"
)

// Web sign-in: passwords, one-time sign-in links and browser sessions. The
// rules are here and docs/auth.md explains them; storage keeps the rows
// (hashes only) and makes a link's redemption atomic.

const (
	// MinPasswordLen counts characters, not bytes.
	MinPasswordLen = 12
	// MaxPasswordBytes is where bcrypt stops reading; longer passwords are
	// refused rather than silently cut.
	MaxPasswordBytes = 72

	// touchInterval is how stale a session's last use or a token's may
	// become before authenticating writes it again: often enough for the
	// idle limit and the admin page, rare enough that authenticating stays
	// a read.
	touchInterval = time.Minute

	signInAgain = "sign in again"
)

// ValidatePassword checks a new password against the rules SetPassword
// enforces, so that a caller can refuse it before doing anything else.
func ValidatePassword(password string) error {
	if n := utf8.RuneCountInString(password); n < MinPasswordLen {
		return hansei.FieldError("password", "the password has %d characters; use at least %d (a few unrelated words make a long password that is easy to remember)", n, MinPasswordLen)
	}
	if len(password) > MaxPasswordBytes {
		return hansei.FieldError("password", "the password is %d bytes long; use at most %d bytes (%d ASCII characters, fewer with accents or non-Latin letters)", len(password), MaxPasswordBytes, MaxPasswordBytes)
	}
	return nil
}

type signInStore interface {
	failureStore
	// PasswordHash returns the user called name and their bcrypt hash, ""
	// if they have no password; ENOTFOUND if there is no such user.
	PasswordHash(ctx context.Context, name string) (hansei.User, string, error)
	// SetPasswordHash stores the hash and deletes the user's sessions in
	// the same transaction.
	SetPasswordHash(ctx context.Context, name, hash string) error
	CreateSignInLink(ctx context.Context, name, tokenHash string, created, expires time.Time) error
	// RedeemSignInLink marks the link used if it is unused and expires
	// after at, atomically; ENOTFOUND if no link qualifies.
	RedeemSignInLink(ctx context.Context, tokenHash string, at time.Time) (hansei.User, error)
	CreateSession(ctx context.Context, tokenHash string, s hansei.Session) error
	// SessionByTokenHash returns the session without its token;
	// ENOTFOUND if there is none.
	SessionByTokenHash(ctx context.Context, tokenHash string) (hansei.User, hansei.Session, error)
	TouchSession(ctx context.Context, tokenHash string, at time.Time) error
	DeleteSession(ctx context.Context, tokenHash string) error
}

// SetPassword sets the password of the user called name and ends all of
// that user's sessions: whoever knew the old password is signed out. An
// admin sets anyone's password, a user their own. A page that changes the
// signed-in user's password must start a new session for the browser
// afterwards.
func (s *Users) SetPassword(ctx context.Context, actor hansei.User, name, password string) error {
	if actor.Name != name {
		if err := actor.RequireAdmin(); err != nil {
			return err
		}
	}
	if err := ValidatePassword(password); err != nil {
		return err
	}
	// Hashed before storage is asked: a quarter of a second of bcrypt must
	// not hold SQLite's only writer.
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	return s.store.SetPasswordHash(ctx, name, string(hash))
}

// SignIn checks a password, sent from the client address from, and starts
// a browser session. Every refusal has the same message and takes as
// long, whatever its reason, so the sign-in form does not reveal which
// user names exist or which have a password. Before the password is
// checked, the limits on guessing (limits.go) are: a refused guess costs
// no bcrypt, and says nothing of the password.
func (s *Users) SignIn(ctx context.Context, from netip.Addr, name, password string) (hansei.User, hansei.Session, error) {
	refused := hansei.Errorf(hansei.EUNAUTHORIZED, "the user name or password is not right; check both, or ask an admin for a sign-in link")
	g, addr, account := s.guard, addressKey(from), accountKey(name)
	if err := g.admit(addr); err != nil {
		return hansei.User{}, hansei.Session{}, err
	}
	if err := g.recent(ctx, addr, account); err != nil {
		return hansei.User{}, hansei.Session{}, err
	}
	var u hansei.User
	var hash string
	// A name no user can have is not looked up: people type their
	// password into the name field, and it should not reach a query.
	if hansei.ValidateUserName(name) == nil {
		var err error
		u, hash, err = s.store.PasswordHash(ctx, name)
		if err != nil && hansei.ErrorCode(err) != hansei.ENOTFOUND {
			return hansei.User{}, hansei.Session{}, err
		}
	}
	right := false
	err := g.check(ctx, func() error {
		// Asked again: the address may have reached its limit while
		// this check waited for its turn.
		if err := g.admit(addr); err != nil {
			return err
		}
		// A password longer than any that could be set cannot be right,
		// but bcrypt would compare only its first 72 bytes.
		if hash == "" || len(password) > MaxPasswordBytes {
			bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password))
			return nil
		}
		err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
		if err != nil && !errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
			return fmt.Errorf("check the password of %q against its stored hash: %w", name, err)
		}
		right = err == nil
		return nil
	})
	if err != nil {
		return hansei.User{}, hansei.Session{}, err
	}
	if !right {
		if err := g.failed(ctx, addr, account); err != nil {
			return hansei.User{}, hansei.Session{}, err
		}
		return hansei.User{}, hansei.Session{}, refused
	}
	return s.startSession(ctx, u)
}

// SignInLink makes a one-time sign-in link for the user called name that
// lasts hansei.SignInLinkTTL.
func (s *Users) SignInLink(ctx context.Context, actor hansei.User, name string) (string, time.Time, error) {
	return s.NewSignInLink(ctx, actor, name, 0)
}

// NewSignInLink makes a one-time sign-in link for the user called name,
// valid for ttl (hansei.SignInLinkTTL if ttl is not positive), at most as
// long as a session lasts. Only admins make links.
func (s *Users) NewSignInLink(ctx context.Context, actor hansei.User, name string, ttl time.Duration) (token string, expires time.Time, err error) {
	if err := actor.RequireAdmin(); err != nil {
		return "", time.Time{}, err
	}
	if ttl <= 0 {
		ttl = hansei.SignInLinkTTL
	}
	if ttl > hansei.SessionLifetime {
		return "", time.Time{}, hansei.FieldError("ttl", "a sign-in link lasts at most %s, not %s; give a shorter time, such as 15m or 24h", hansei.SessionLifetime, ttl)
	}
	token = randomToken(signInLinkPrefix)
	now := s.now().UTC()
	expires = now.Add(ttl)
	if err := s.store.CreateSignInLink(ctx, name, hashSecret(token), now, expires); err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

// SignInWithLink uses up a one-time link, sent from the client address
// from, and starts a browser session. Of two redemptions racing each
// other, storage lets only one succeed. An unknown link counts as a
// failure of the address (limits.go).
func (s *Users) SignInWithLink(ctx context.Context, from netip.Addr, token string) (hansei.User, hansei.Session, error) {
	refused := hansei.Errorf(hansei.EUNAUTHORIZED, "this sign-in link is not valid: it was used already, has expired, or was never issued; ask an admin for a new one with `hansei users link NAME`")
	addr := addressKey(from)
	if err := s.guard.admit(addr); err != nil {
		return hansei.User{}, hansei.Session{}, err
	}
	var u hansei.User
	var err error = hansei.Errorf(hansei.ENOTFOUND, "not a sign-in link")
	if strings.HasPrefix(token, signInLinkPrefix) {
		u, err = s.store.RedeemSignInLink(ctx, hashSecret(token), s.now().UTC())
	}
	if hansei.ErrorCode(err) == hansei.ENOTFOUND {
		if err := s.guard.failed(ctx, addr, ""); err != nil {
			return hansei.User{}, hansei.Session{}, err
		}
		return hansei.User{}, hansei.Session{}, refused
	} else if err != nil {
		return hansei.User{}, hansei.Session{}, err
	}
	return s.startSession(ctx, u)
}

// startSession signs a browser in as u, for at most hansei.SessionLifetime.
func (s *Users) startSession(ctx context.Context, u hansei.User) (hansei.User, hansei.Session, error) {
	now := s.now().UTC()
	token := randomToken(sessionPrefix)
	sess := hansei.Session{CSRF: randomCSRF(), UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(hansei.SessionLifetime)}
	if err := s.store.CreateSession(ctx, hashSecret(token), sess); err != nil {
		return hansei.User{}, hansei.Session{}, err
	}
	sess.Token = token
	return u, sess, nil
}

// Session authenticates a session cookie. It refuses a session past its
// absolute end or unused for hansei.SessionIdle, and notes the use only
// when the last note is more than touchInterval old, so most requests only
// read.
func (s *Users) Session(ctx context.Context, token string) (hansei.User, hansei.Session, error) {
	if !strings.HasPrefix(token, sessionPrefix) {
		return hansei.User{}, hansei.Session{}, hansei.Errorf(hansei.EUNAUTHORIZED, "you are not signed in; %s", signInAgain)
	}
	hash := hashSecret(token)
	u, sess, err := s.store.SessionByTokenHash(ctx, hash)
	if hansei.ErrorCode(err) == hansei.ENOTFOUND {
		return hansei.User{}, hansei.Session{}, hansei.Errorf(hansei.EUNAUTHORIZED, "you are not signed in, or you signed out or changed your password since; %s", signInAgain)
	} else if err != nil {
		return hansei.User{}, hansei.Session{}, err
	}
	sess.Token = token
	now := s.now().UTC()
	if !now.Before(sess.ExpiresAt) {
		return hansei.User{}, hansei.Session{}, hansei.Errorf(hansei.EUNAUTHORIZED, "your session ended %s after you signed in; %s", describeDuration(hansei.SessionLifetime), signInAgain)
	}
	if now.Sub(sess.LastSeenAt) >= hansei.SessionIdle {
		return hansei.User{}, hansei.Session{}, hansei.Errorf(hansei.EUNAUTHORIZED, "your session ended after %s without use; %s", describeDuration(hansei.SessionIdle), signInAgain)
	}
	if now.Sub(sess.LastSeenAt) >= touchInterval {
		if err := s.store.TouchSession(ctx, hash, now); err != nil {
			return hansei.User{}, hansei.Session{}, fmt.Errorf("note the use of a session: %w", err)
		}
		sess.LastSeenAt = now
	}
	return u, sess, nil
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

// SignOut ends a browser session. An unknown token is not an error: the
// browser is signed out either way.
func (s *Users) SignOut(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, hashSecret(token))
}
