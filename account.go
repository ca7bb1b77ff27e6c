package hansei

import (
	"time"
	"unicode/utf8"
)

// Web sign-in and API tokens: the rules docs/auth.md describes.

// Session is a signed-in browser.
type Session struct {
	Token     string // the cookie value; stored only as a SHA-256 hash
	CSRF      string // random per-session token that every form must echo
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time // absolute end
}

const (
	SessionLifetime = 7 * 24 * time.Hour // absolute
	SessionIdle     = 24 * time.Hour     // ends a session unused this long
	SignInLinkTTL   = 15 * time.Minute   // default
	MinPasswordLen  = 12
	// MaxPasswordBytes is where bcrypt stops reading; longer passwords are
	// refused rather than silently cut.
	MaxPasswordBytes = 72
)

// ValidatePassword checks a new password against the rules SetPassword
// enforces, so that a caller can refuse it before doing anything else.
func ValidatePassword(password string) error {
	if n := utf8.RuneCountInString(password); n < MinPasswordLen {
		return FieldError("password", "the password has %d characters; use at least %d (a few unrelated words make a long password that is easy to remember)", n, MinPasswordLen)
	}
	if len(password) > MaxPasswordBytes {
		return FieldError("password", "the password is %d bytes long; use at most %d bytes (%d ASCII characters, fewer with accents or non-Latin letters)", len(password), MaxPasswordBytes, MaxPasswordBytes)
	}
	return nil
}

// TokenInfo describes an API token without its secret.
type TokenInfo struct {
	ID         int64      `json:"id"`
	User       string     `json:"user"`
	Label      string     `json:"label"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"` // nil if never used; noted to the minute
}

// UserChange is a change to a user's settings; nil fields stay as they are.
type UserChange struct {
	DisplayName, Role, Language, TimeZone, Email, Channel *string
}
