package app_test

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

func TestTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		users := f.app.Users
		if !strings.HasPrefix(f.aliceToken, "hsi_") || len(f.aliceToken) != 4+52 {
			t.Fatalf("first token %q; want hsi_ and 52 base32 characters", f.aliceToken)
		}
		token, err := users.CreateToken(ctx, app.Console(), "alice", "  deploy bot ")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, "hsi_") || token == f.aliceToken {
			t.Fatalf("token %q", token)
		}
		tokens, err := users.Tokens(ctx, app.Console())
		if err != nil || len(tokens) != 3 {
			t.Fatalf("Tokens = %+v, %v", tokens, err)
		}
		added := tokens[1]
		if added.User != "alice" || added.Label != "deploy bot" || added.LastUsedAt != nil {
			t.Fatalf("new token %+v; want alice's, labelled without the spaces", added)
		}

		lastUsed := func() *time.Time {
			t.Helper()
			tokens, err := users.Tokens(ctx, app.Console())
			if err != nil {
				t.Fatal(err)
			}
			for _, ti := range tokens {
				if ti.ID == added.ID {
					return ti.LastUsedAt
				}
			}
			t.Fatalf("token %d is gone", added.ID)
			return nil
		}
		used := f.now
		if u, err := users.ByToken(ctx, netip.Addr{}, token); err != nil || u.Name != "alice" {
			t.Fatalf("ByToken(new) = %+v, %v", u, err)
		}
		if got := lastUsed(); got == nil || !got.Equal(used) {
			t.Fatalf("last used %v, want %v", got, used)
		}
		f.now = f.now.Add(30 * time.Second)
		users.ByToken(ctx, netip.Addr{}, token)
		if got := lastUsed(); got == nil || !got.Equal(used) {
			t.Fatalf("last used %v within the minute; want it left at %v", got, used)
		}
		f.now = f.now.Add(time.Minute)
		users.ByToken(ctx, netip.Addr{}, token)
		if got := lastUsed(); got == nil || !got.Equal(f.now) {
			t.Fatalf("last used %v, want %v", got, f.now)
		}

		if err := users.RevokeToken(ctx, app.Console(), added.ID); err != nil {
			t.Fatal(err)
		}
		for junk, want := range map[string]string{
			token:              "the API token is not known; ask an admin for a new one",
			"hsi_unknown":      "the API token is not known; ask an admin for a new one",
			"hss_" + token[4:]: `the API token is not valid; tokens start with "hsi_" and come from ` + "`hansei users add`",
			"":                 `the API token is not valid; tokens start with "hsi_" and come from ` + "`hansei users add`",
		} {
			_, err := users.ByToken(ctx, netip.Addr{}, junk)
			if hansei.ErrorCode(err) != hansei.EUNAUTHORIZED || hansei.ErrorMessage(err) != want {
				t.Errorf("ByToken(%q) = %v; want %q", junk, err, want)
			}
		}
		if u, err := users.ByToken(ctx, netip.Addr{}, f.aliceToken); err != nil || u.Name != "alice" {
			t.Fatalf("revoking one token revoked another: %v", err)
		}
		wantCode(t, users.RevokeToken(ctx, app.Console(), added.ID), hansei.ENOTFOUND)
		_, err = users.CreateToken(ctx, app.Console(), "nobody", "")
		wantCode(t, err, hansei.ENOTFOUND)
		_, err = users.CreateToken(ctx, app.Console(), "alice", strings.Repeat("x", 101))
		wantField(t, err, "label")
		if _, err := users.CreateToken(ctx, app.Console(), "alice", strings.Repeat("é", 100)); err != nil {
			t.Fatalf("a label of 100 characters in 200 bytes: %v", err)
		}
	})
}

// spyStore is the real store with every string that the sign-in use cases
// hand it noted, to prove that no secret is among them.
type spyStore struct {
	*sqldb.DB
	mu   sync.Mutex
	seen []string
}

func (s *spyStore) note(args ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, args...)
}

func (s *spyStore) CreateUser(ctx context.Context, u hansei.User, tokenHash string) (hansei.User, error) {
	s.note(u.Name, tokenHash)
	return s.DB.CreateUser(ctx, u, tokenHash)
}
func (s *spyStore) CreateToken(ctx context.Context, name, label, tokenHash string) error {
	s.note(name, label, tokenHash)
	return s.DB.CreateToken(ctx, name, label, tokenHash)
}
func (s *spyStore) UserByTokenHash(ctx context.Context, tokenHash string) (hansei.User, hansei.TokenInfo, error) {
	s.note(tokenHash)
	return s.DB.UserByTokenHash(ctx, tokenHash)
}
func (s *spyStore) SetPasswordHash(ctx context.Context, name, hash string) error {
	s.note(name, hash)
	return s.DB.SetPasswordHash(ctx, name, hash)
}
func (s *spyStore) CreateSignInLink(ctx context.Context, name, tokenHash string, created, expires time.Time) error {
	s.note(name, tokenHash)
	return s.DB.CreateSignInLink(ctx, name, tokenHash, created, expires)
}
func (s *spyStore) RedeemSignInLink(ctx context.Context, tokenHash string, at time.Time) (hansei.User, error) {
	s.note(tokenHash)
	return s.DB.RedeemSignInLink(ctx, tokenHash, at)
}
func (s *spyStore) CreateSession(ctx context.Context, tokenHash string, sess hansei.Session) error {
	s.note(tokenHash, sess.Token, sess.CSRF)
	return s.DB.CreateSession(ctx, tokenHash, sess)
}
func (s *spyStore) SessionByTokenHash(ctx context.Context, tokenHash string) (hansei.User, hansei.Session, error) {
	s.note(tokenHash)
	return s.DB.SessionByTokenHash(ctx, tokenHash)
}
func (s *spyStore) TouchSession(ctx context.Context, tokenHash string, at time.Time) error {
	s.note(tokenHash)
	return s.DB.TouchSession(ctx, tokenHash, at)
}
func (s *spyStore) PasswordHash(ctx context.Context, name string) (hansei.User, string, error) {
	s.note(name)
	return s.DB.PasswordHash(ctx, name)
}
func (s *spyStore) RecordSignInFailure(ctx context.Context, account, address string, at time.Time) error {
	s.note(account, address)
	return s.DB.RecordSignInFailure(ctx, account, address, at)
}
func (s *spyStore) AccountFailure(ctx context.Context, account string, since time.Time, nth int) (time.Time, error) {
	s.note(account)
	return s.DB.AccountFailure(ctx, account, since, nth)
}
func (s *spyStore) DeleteSession(ctx context.Context, tokenHash string) error {
	s.note(tokenHash)
	return s.DB.DeleteSession(ctx, tokenHash)
}

// TestSecretsNeverReachTheStore: API tokens, sign-in links, session
// cookies and passwords reach storage only as hashes, so a copy of the
// database, or a log of its queries, signs nobody in.
func TestSecretsNeverReachTheStore(t *testing.T) {
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			spy := &spyStore{}
			f := newFixture(t, target.DSN, func(db *sqldb.DB) app.Store { spy.DB = db; return spy })
			ctx := context.Background()
			users := f.app.Users
			const password = "correct horse battery staple"
			secrets := []string{f.aliceToken, password}
			token, err := users.CreateToken(ctx, app.Console(), "alice", "bot")
			if err != nil {
				t.Fatal(err)
			}
			f.now = f.now.Add(time.Hour)
			if _, err := users.ByToken(ctx, netip.Addr{}, token); err != nil {
				t.Fatal(err)
			}
			if err := users.SetPassword(ctx, app.Console(), "alice", password); err != nil {
				t.Fatal(err)
			}
			_, byPassword, err := users.SignIn(ctx, netip.Addr{}, "alice", password)
			if err != nil {
				t.Fatal(err)
			}
			// A password typed into the name field is refused without
			// reaching a query, and the failure is kept without it.
			if _, _, err := users.SignIn(ctx, netip.Addr{}, password, "alice"); hansei.ErrorCode(err) != hansei.EUNAUTHORIZED {
				t.Fatalf("the password as the user name: %v", err)
			}

			link, _, err := users.SignInLink(ctx, app.Console(), "bob")
			if err != nil {
				t.Fatal(err)
			}
			_, byLink, err := users.SignInWithLink(ctx, netip.Addr{}, link)
			if err != nil {
				t.Fatal(err)
			}
			f.now = f.now.Add(time.Hour)
			if _, _, err := users.Session(ctx, byLink.Token); err != nil {
				t.Fatal(err)
			}
			if err := users.SignOut(ctx, byPassword.Token); err != nil {
				t.Fatal(err)
			}
			secrets = append(secrets, token, link, byPassword.Token, byLink.Token)
			if len(spy.seen) < 12 {
				t.Fatalf("the spy saw %d strings; the use cases went around it", len(spy.seen))
			}
			for _, arg := range spy.seen {
				for _, secret := range secrets {
					// A secret without its prefix is the secret still.
					if arg != "" && strings.Contains(arg, secret[4:]) {
						t.Errorf("the store was handed %q, which holds a secret", arg)
					}
				}
			}
		})
	}
}
