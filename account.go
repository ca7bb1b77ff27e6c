package hansei

import (
	"time"
)

// Web sign-in and API tokens: the limits docs/auth.md describes. The rules
// that apply them (secrets, hashing, passwords, refusals) are in
// internal/app; these stay here because storage's housekeeping and the
// command line's flags name them too.

// Session is a signed-in browser.
type Session struct {
	Token     string // the cookie value; stored only as a SHA-256 hash
	CSRF      string // random per-session token that every form must echo
	UserID    int64
	CreatedAt time.Time
	// LastSeenAt is the last noted use, to the minute; a session unused
	// for SessionIdle ends.
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute end
}

const (
	SessionLifetime = 7 * 24 * time.Hour // absolute
	SessionIdle     = 24 * time.Hour     // ends a session unused this long
	SignInLinkTTL   = 15 * time.Minute   // default
)

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
