package app

import (
	"context"
	"net/netip"

	hansei "github.com/hansei-dev/hansei"
)

// Credential is what a caller presented to be let in: an API token
// (Authorization: Bearer) or a browser session's cookie. A live stream
// keeps it and asks Authenticate again before it delivers more events, so
// that a stream ends when its token is revoked or its session ends, and
// reads with the role its user has now, not the one they had when it
// opened. It is comparable, so that the streams can ask once for every
// stream opened with the same credential.
type Credential struct {
	// Token is an API token.
	Token string
	// Session is a session cookie's value.
	Session string
	// From is the client's address: failed tokens count against it
	// (the limits on guessing).
	From netip.Addr
}

// Authenticate checks c as it stands now: an API token that is known and
// not revoked, or a session that has not ended (signed out, expired, idle,
// or ended by a new password). It returns the user as they are now.
func (s *Users) Authenticate(ctx context.Context, c Credential) (hansei.User, error) {
	if c.Session != "" {
		u, _, err := s.Session(ctx, c.Session)
		return u, err
	}
	return s.ByToken(ctx, c.From, c.Token)
}
