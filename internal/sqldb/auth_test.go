package sqldb_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// The rows of web sign-in, as the store keeps them. The rules (secrets,
// hashing, lifetimes, refusals) are internal/app's and tested there
// (internal/app/signin_test.go); these tests give the store hashes that
// stand in for the ones app makes.

func TestAuthPasswordHash(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if u, hash, err := f.db.PasswordHash(ctx, "alice"); err != nil || u.ID != f.alice.ID || hash != "" {
			t.Fatalf("PasswordHash before any = %+v, %q, %v; want alice and no hash", u, hash, err)
		}
		if err := f.db.SetPasswordHash(ctx, "alice", "$2a$12$first"); err != nil {
			t.Fatal(err)
		}
		if err := f.db.SetPasswordHash(ctx, "alice", "$2a$12$second"); err != nil {
			t.Fatal(err)
		}
		u, hash, err := f.db.PasswordHash(ctx, "alice")
		if err != nil || u.Name != "alice" || u.ID != f.alice.ID || u.Role != hansei.RoleResponder || hash != "$2a$12$second" {
			t.Fatalf("PasswordHash = %+v, %q, %v; want alice with the last hash", u, hash, err)
		}
		if with, err := f.db.UsersWithPassword(ctx); err != nil || !with["alice"] || with["bob"] || len(with) != 1 {
			t.Fatalf("UsersWithPassword = %v, %v; want only alice", with, err)
		}
		_, _, err = f.db.PasswordHash(ctx, "nobody")
		wantCode(t, err, hansei.ENOTFOUND)
		wantCode(t, f.db.SetPasswordHash(ctx, "nobody", "$2a$12$x"), hansei.ENOTFOUND)
	})
}

// TestAuthSetPasswordHashEndsSessions: a new password hash and the end of
// that user's sessions are one transaction; other users keep theirs.
func TestAuthSetPasswordHashEndsSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		session(t, f, "alice session", f.alice)
		session(t, f, "alice other session", f.alice)
		session(t, f, "bob session", f.bob)
		if err := f.db.SetPasswordHash(ctx, "alice", "$2a$12$new"); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"alice session", "alice other session"} {
			_, _, err := f.db.SessionByTokenHash(ctx, h)
			wantCode(t, err, hansei.ENOTFOUND)
		}
		if u, _, err := f.db.SessionByTokenHash(ctx, "bob session"); err != nil || u.Name != "bob" {
			t.Fatalf("another user's session ended too: %+v, %v", u, err)
		}
	})
}

// session stores a session of u under hash, starting now.
func session(t *testing.T, f *fixture, hash string, u hansei.User) hansei.Session {
	t.Helper()
	s := hansei.Session{CSRF: "csrf of " + hash, UserID: u.ID, CreatedAt: f.now, LastSeenAt: f.now, ExpiresAt: f.now.Add(hansei.SessionLifetime)}
	if err := f.db.CreateSession(context.Background(), hash, s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAuthSignInLinks(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		expires := f.now.Add(15 * time.Minute)
		if err := f.db.CreateSignInLink(ctx, "alice", "link", f.now, expires); err != nil {
			t.Fatal(err)
		}
		u, err := f.db.RedeemSignInLink(ctx, "link", f.now)
		if err != nil || u.Name != "alice" || u.ID != f.alice.ID {
			t.Fatalf("first redeem = %+v, %v", u, err)
		}
		_, err = f.db.RedeemSignInLink(ctx, "link", f.now)
		wantCode(t, err, hansei.ENOTFOUND)

		// A link is good until, not at, its expiry.
		if err := f.db.CreateSignInLink(ctx, "bob", "bob link", f.now, expires); err != nil {
			t.Fatal(err)
		}
		_, err = f.db.RedeemSignInLink(ctx, "bob link", expires)
		wantCode(t, err, hansei.ENOTFOUND)
		if u, err := f.db.RedeemSignInLink(ctx, "bob link", expires.Add(-time.Second)); err != nil || u.Name != "bob" {
			t.Fatalf("redeem a second before expiry = %+v, %v", u, err)
		}
		_, err = f.db.RedeemSignInLink(ctx, "never issued", f.now)
		wantCode(t, err, hansei.ENOTFOUND)
		wantCode(t, f.db.CreateSignInLink(ctx, "nobody", "nobody's link", f.now, expires), hansei.ENOTFOUND)
	})
}

func TestAuthSignInLinkRedeemedOnceUnderRace(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if err := f.db.CreateSignInLink(ctx, "alice", "link", f.now, f.now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		const racers = 12
		var wg sync.WaitGroup
		results := make(chan error, racers)
		start := make(chan struct{})
		for range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := f.db.RedeemSignInLink(ctx, "link", f.now)
				results <- err
			}()
		}
		close(start)
		wg.Wait()
		close(results)
		won := 0
		for err := range results {
			switch hansei.ErrorCode(err) {
			case "":
				won++
			case hansei.ENOTFOUND:
			default:
				t.Errorf("redeem failed otherwise: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d of %d concurrent redemptions succeeded; want exactly 1", won, racers)
		}
	})
}

func TestAuthSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		s := session(t, f, "first", f.alice)
		u, got, err := f.db.SessionByTokenHash(ctx, "first")
		if err != nil || u.Name != "alice" || got.Token != "" || got.CSRF != s.CSRF || got.UserID != f.alice.ID ||
			!got.CreatedAt.Equal(s.CreatedAt) || !got.LastSeenAt.Equal(s.LastSeenAt) || !got.ExpiresAt.Equal(s.ExpiresAt) {
			t.Fatalf("SessionByTokenHash = %+v, %+v, %v; want alice and %+v", u, got, err, s)
		}
		later := f.now.Add(time.Hour)
		if err := f.db.TouchSession(ctx, "first", later); err != nil {
			t.Fatal(err)
		}
		if _, got, err := f.db.SessionByTokenHash(ctx, "first"); err != nil || !got.LastSeenAt.Equal(later) {
			t.Fatalf("last seen %v, %v after a touch; want %v", got.LastSeenAt, err, later)
		}

		session(t, f, "second", f.alice)
		if err := f.db.DeleteSession(ctx, "first"); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.db.SessionByTokenHash(ctx, "first")
		wantCode(t, err, hansei.ENOTFOUND)
		if u, _, err := f.db.SessionByTokenHash(ctx, "second"); err != nil || u.Name != "alice" {
			t.Fatalf("deleting one session deleted another: %v", err)
		}
		for _, h := range []string{"first", "unknown", ""} {
			if err := f.db.DeleteSession(ctx, h); err != nil {
				t.Fatalf("DeleteSession(%q) = %v; deleting what is gone is not an error", h, err)
			}
		}
		wantCode(t, f.db.CreateSession(ctx, "orphan", hansei.Session{UserID: 987654, CreatedAt: f.now, LastSeenAt: f.now, ExpiresAt: f.now}), hansei.ENOTFOUND)
	})
}

// TestAuthDeleteExpired: housekeeping removes, by the store's clock, the
// sessions at their end or unused for hansei.SessionIdle, and the used or
// expired links; it keeps the rest, even a second from either limit.
func TestAuthDeleteExpired(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		now := f.now
		for hash, s := range map[string]hansei.Session{
			"ended": {LastSeenAt: now.Add(-time.Hour), ExpiresAt: now},
			"idle":  {LastSeenAt: now.Add(-hansei.SessionIdle), ExpiresAt: now.Add(time.Hour)},
			"live":  {LastSeenAt: now.Add(-hansei.SessionIdle + time.Second), ExpiresAt: now.Add(time.Second)},
		} {
			s.UserID, s.CSRF, s.CreatedAt = f.alice.ID, "csrf", now.Add(-48*time.Hour)
			if err := f.db.CreateSession(ctx, hash, s); err != nil {
				t.Fatal(err)
			}
		}
		for hash, expires := range map[string]time.Time{"used": now.Add(time.Hour), "expired": now, "fresh": now.Add(time.Second)} {
			if err := f.db.CreateSignInLink(ctx, "alice", hash, now.Add(-time.Hour), expires); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.db.RedeemSignInLink(ctx, "used", now); err != nil {
			t.Fatal(err)
		}

		n, err := f.db.DeleteExpiredSessions(ctx)
		if err != nil || n != 4 {
			t.Fatalf("DeleteExpiredSessions = %d, %v; want 4 (two sessions, two links)", n, err)
		}
		for table, want := range map[string]string{"sessions": "live", "signin_links": "fresh"} {
			var n int
			var kept string
			if err := f.db.RawQueryRow(ctx, `SELECT count(*), min(token_hash) FROM `+table).Scan(&n, &kept); err != nil || n != 1 || kept != want {
				t.Errorf("%s after housekeeping: %d rows, the first %q, %v; want only %q", table, n, kept, err, want)
			}
		}
	})
}

func TestAuthTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if err := f.db.CreateToken(ctx, "alice", "deploy bot", "bot token"); err != nil {
			t.Fatal(err)
		}
		tokens, err := f.db.Tokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// By user name, then oldest first: alice's first and new token,
		// then bob, root, vera.
		var users []string
		for _, ti := range tokens {
			users = append(users, ti.User)
		}
		if got := strings.Join(users, ","); got != "alice,alice,bob,root,vera" {
			t.Fatalf("token users %s", got)
		}
		added := tokens[1]
		if added.Label != "deploy bot" || !added.CreatedAt.Equal(f.now) || added.LastUsedAt != nil || added.ID <= tokens[0].ID {
			t.Fatalf("new token %+v", added)
		}
		u, ti, err := f.db.UserByTokenHash(ctx, "bot token")
		if err != nil || u.Name != "alice" || ti.ID != added.ID || ti.Label != "deploy bot" {
			t.Fatalf("UserByTokenHash = %+v, %+v, %v", u, ti, err)
		}
		used := f.now.Add(time.Minute)
		if err := f.db.TouchToken(ctx, added.ID, used); err != nil {
			t.Fatal(err)
		}
		if _, ti, err := f.db.UserByTokenHash(ctx, "bot token"); err != nil || ti.LastUsedAt == nil || !ti.LastUsedAt.Equal(used) {
			t.Fatalf("last used %v, %v; want %v", ti.LastUsedAt, err, used)
		}

		if err := f.db.RevokeToken(ctx, added.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.db.UserByTokenHash(ctx, "bot token")
		wantCode(t, err, hansei.ENOTFOUND)
		if u, _, err := f.db.UserByTokenHash(ctx, "hash of alice's token"); err != nil || u.Name != "alice" {
			t.Fatalf("revoking one token revoked another: %v", err)
		}
		wantCode(t, f.db.RevokeToken(ctx, added.ID), hansei.ENOTFOUND)
		wantCode(t, f.db.CreateToken(ctx, "nobody", "", "nobody's token"), hansei.ENOTFOUND)
	})
}

// TestAuthUpdateUser: the store writes what decide returns, in the
// transaction that read the user; a refusal writes nothing; the admin
// count is the stored one. The rules themselves are app's
// (internal/app/users_test.go).
func TestAuthUpdateUser(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		var admins int
		u, err := f.db.UpdateUser(ctx, "alice", func(before hansei.User, count func() (int, error)) (hansei.User, error) {
			if before.Name != "alice" || before.ID != f.alice.ID {
				t.Errorf("decide got %+v", before)
			}
			var err error
			admins, err = count()
			before.DisplayName, before.TimeZone, before.Channel = "Alice Liddell", "Asia/Tokyo", "none"
			return before, err
		})
		if err != nil || u.DisplayName != "Alice Liddell" || admins != 1 {
			t.Fatalf("UpdateUser = %+v, %v; admins %d, want 1", u, err, admins)
		}
		if read, err := f.db.UserByName(ctx, "alice"); err != nil || read.DisplayName != "Alice Liddell" || read.TimeZone != "Asia/Tokyo" || read.Channel != "none" {
			t.Fatalf("read back %+v, %v", read, err)
		}
		refused := hansei.FieldError("channel", "no")
		_, err = f.db.UpdateUser(ctx, "alice", func(before hansei.User, _ func() (int, error)) (hansei.User, error) {
			before.DisplayName = "stored anyway?"
			return before, refused
		})
		if err != refused {
			t.Fatalf("refused change: %v", err)
		}
		if read, _ := f.db.UserByName(ctx, "alice"); read.DisplayName != "Alice Liddell" {
			t.Fatalf("a refused change was stored: %+v", read)
		}
		_, err = f.db.UpdateUser(ctx, "nobody", func(before hansei.User, _ func() (int, error)) (hansei.User, error) { return before, nil })
		wantCode(t, err, hansei.ENOTFOUND)
	})
}
