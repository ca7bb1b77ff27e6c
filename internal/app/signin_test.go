package app_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
)

// The sign-in rules docs/auth.md promises, on real databases: passwords,
// one-time links and sessions.

func TestPasswords(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		users := f.app.Users
		const good = "correct horse battery staple"
		if err := users.SetPassword(ctx, app.Console(), "alice", good); err != nil {
			t.Fatal(err)
		}
		_, stored, err := f.db.PasswordHash(ctx, "alice")
		if err != nil || !strings.HasPrefix(stored, "$2a$12$") || strings.Contains(stored, good) {
			t.Fatalf("stored password %q, %v; want a cost-12 bcrypt hash", stored, err)
		}

		u, s, err := users.SignIn(ctx, netip.Addr{}, "alice", good)
		if err != nil || u.Name != "alice" || u.ID != f.alice.ID || u.Role != hansei.RoleResponder || s.UserID != f.alice.ID {
			t.Fatalf("SignIn(right) = %+v, %+v, %v", u, s, err)
		}
		if got, _, err := users.Session(ctx, s.Token); err != nil || got.Name != "alice" {
			t.Fatalf("the session of a password sign-in = %+v, %v", got, err)
		}
		refusals := []struct{ name, user, password string }{
			{"wrong password", "alice", "correct horse battery stapler"},
			{"empty password", "alice", ""},
			{"longer than bcrypt reads, right start", "alice", good + strings.Repeat("x", 72-len(good)) + "y"},
			{"unknown user", "nobody", good},
			{"user without a password", "bob", good},
		}
		var message string
		for _, tc := range refusals {
			_, _, err := users.SignIn(ctx, netip.Addr{}, tc.user, tc.password)
			wantCode(t, err, hansei.EUNAUTHORIZED)
			// One message for every refusal: it must not tell which
			// names exist.
			if message == "" {
				message = hansei.ErrorMessage(err)
			} else if got := hansei.ErrorMessage(err); got != message {
				t.Errorf("%s: message %q differs from %q", tc.name, got, message)
			}
		}
		if message != "the user name or password is not right; check both, or ask an admin for a sign-in link" {
			t.Errorf("refusal message %q", message)
		}

		bad := []struct {
			name, user, password, field, code string
		}{
			{"too short", "alice", "eleven char", "password", hansei.EINVALID},
			{"12 characters in 36 bytes", "alice", "パスワードは十一文字です", "", ""}, // the minimum counts characters
			{"too long", "alice", strings.Repeat("a", 73), "password", hansei.EINVALID},
			{"too long in bytes", "alice", strings.Repeat("é", 37), "password", hansei.EINVALID}, // 37 characters, 74 bytes
			{"exactly 72 bytes", "alice", strings.Repeat("b", 72), "", ""},
			{"unknown user", "nobody", good, "", hansei.ENOTFOUND},
		}
		for _, tc := range bad {
			err := users.SetPassword(ctx, app.Console(), tc.user, tc.password)
			switch {
			case tc.field != "":
				wantField(t, err, tc.field)
			case tc.code != "":
				wantCode(t, err, tc.code)
			case err != nil:
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
		if _, _, err := users.SignIn(ctx, netip.Addr{}, "alice", strings.Repeat("b", 72)); err != nil {
			t.Fatalf("the last password set does not sign in: %v", err)
		}
		if _, _, err := users.SignIn(ctx, netip.Addr{}, "alice", good); hansei.ErrorCode(err) != hansei.EUNAUTHORIZED {
			t.Fatalf("the replaced password still signs in: %v", err)
		}
		// Users set their own password; only admins set another's.
		if err := users.SetPassword(ctx, f.bob, "bob", "bob's own long password"); err != nil {
			t.Fatalf("bob sets his own password: %v", err)
		}
		wantCode(t, users.SetPassword(ctx, f.bob, "alice", "bob's choice for alice"), hansei.EFORBIDDEN)
		if _, _, err := users.SignIn(ctx, netip.Addr{}, "alice", strings.Repeat("b", 72)); err != nil {
			t.Fatalf("a refused change replaced alice's password: %v", err)
		}
	})
}

func TestSetPasswordEndsSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		users := f.app.Users
		alice := f.signIn(t, "alice")
		bob := f.signIn(t, "bob")
		if err := users.SetPassword(ctx, f.alice, "alice", "a new long password"); err != nil {
			t.Fatal(err)
		}
		_, _, err := users.Session(ctx, alice.Token)
		wantCode(t, err, hansei.EUNAUTHORIZED)
		if msg := hansei.ErrorMessage(err); msg != "you are not signed in, or you signed out or changed your password since; sign in again" {
			t.Fatalf("refusal %q", msg)
		}
		if u, _, err := users.Session(ctx, bob.Token); err != nil || u.Name != "bob" {
			t.Fatalf("another user's session ended too: %+v, %v", u, err)
		}
	})
}

// signIn signs name in with a one-time link, as a browser does.
func (f *fixture) signIn(t *testing.T, name string) hansei.Session {
	t.Helper()
	ctx := context.Background()
	token, _, err := f.app.Users.SignInLink(ctx, app.Console(), name)
	if err != nil {
		t.Fatal(err)
	}
	u, s, err := f.app.Users.SignInWithLink(ctx, netip.Addr{}, token)
	if err != nil || u.Name != name {
		t.Fatalf("sign in as %s: %+v, %v", name, u, err)
	}
	return s
}

func TestSignInLinks(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		users := f.app.Users
		token, expires, err := users.SignInLink(ctx, app.Console(), "alice")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, "hsl_") || len(token) != 4+52 || strings.ToLower(token) != token {
			t.Fatalf("token %q; want hsl_ and 52 lower-case base32 characters", token)
		}
		if !expires.Equal(f.now.Add(hansei.SignInLinkTTL)) {
			t.Fatalf("expires %v, want %v", expires, f.now.Add(hansei.SignInLinkTTL))
		}

		u, s, err := users.SignInWithLink(ctx, netip.Addr{}, token)
		if err != nil || u.Name != "alice" || u.ID != f.alice.ID || s.UserID != f.alice.ID {
			t.Fatalf("first redeem = %+v, %+v, %v", u, s, err)
		}
		_, _, err = users.SignInWithLink(ctx, netip.Addr{}, token)
		wantCode(t, err, hansei.EUNAUTHORIZED)
		const refusal = "this sign-in link is not valid: it was used already, has expired, or was never issued; ask an admin for a new one with `hansei users link NAME`"
		if msg := hansei.ErrorMessage(err); msg != refusal {
			t.Fatalf("refusal %q; want %q", msg, refusal)
		}

		for _, tc := range []struct {
			name  string
			ttl   time.Duration
			after time.Duration
			ok    bool
		}{
			{"default ttl, just inside", 0, hansei.SignInLinkTTL - time.Second, true},
			{"default ttl, at the end", 0, hansei.SignInLinkTTL, false},
			{"default ttl, long after", -time.Minute, time.Hour, false},
			{"24 hours, a day less a minute later", 24 * time.Hour, 24*time.Hour - time.Minute, true},
			{"24 hours, a day and a minute later", 24 * time.Hour, 24*time.Hour + time.Minute, false},
			{"as long as a session, a second short", hansei.SessionLifetime, hansei.SessionLifetime - time.Second, true},
		} {
			token, _, err := users.NewSignInLink(ctx, app.Console(), "bob", tc.ttl)
			if err != nil {
				t.Fatal(err)
			}
			f.now = f.now.Add(tc.after)
			u, _, err := users.SignInWithLink(ctx, netip.Addr{}, token)
			if tc.ok && (err != nil || u.Name != "bob") {
				t.Errorf("%s: %+v, %v; want bob", tc.name, u, err)
			}
			if !tc.ok && hansei.ErrorMessage(err) != refusal {
				t.Errorf("%s: %+v, %v; want the refusal", tc.name, u, err)
			}
		}

		for _, junk := range []string{"", "hsl_", "hsl_notissued", "hsi_" + token[4:], token + "x"} {
			_, _, err := users.SignInWithLink(ctx, netip.Addr{}, junk)
			if hansei.ErrorMessage(err) != refusal {
				t.Errorf("redeem %q = %v; want the refusal", junk, err)
			}
		}
		_, _, err = users.NewSignInLink(ctx, app.Console(), "nobody", 0)
		wantCode(t, err, hansei.ENOTFOUND)
		// No link outlasts the session it starts.
		_, _, err = users.NewSignInLink(ctx, app.Console(), "bob", hansei.SessionLifetime+time.Second)
		wantField(t, err, "ttl")
		_, _, err = users.NewSignInLink(ctx, f.bob, "bob", 0)
		wantCode(t, err, hansei.EFORBIDDEN)
	})
}

func TestSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		users := f.app.Users
		s := f.signIn(t, "alice")
		if !strings.HasPrefix(s.Token, "hss_") || len(s.Token) != 4+52 || len(s.CSRF) < 40 || s.UserID != f.alice.ID ||
			!s.CreatedAt.Equal(f.now) || !s.ExpiresAt.Equal(f.now.Add(hansei.SessionLifetime)) {
			t.Fatalf("session %+v", s)
		}
		u, got, err := users.Session(ctx, s.Token)
		if err != nil || u.Name != "alice" || got.Token != s.Token || got.CSRF != s.CSRF || got.UserID != s.UserID ||
			!got.CreatedAt.Equal(s.CreatedAt) || !got.ExpiresAt.Equal(s.ExpiresAt) {
			t.Fatalf("Session = %+v, %+v, %v; want alice and %+v", u, got, err, s)
		}
		other := f.signIn(t, "alice")
		if other.Token == s.Token || other.CSRF == s.CSRF {
			t.Fatalf("second session %+v: want new secrets", other)
		}

		if err := users.SignOut(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
		_, _, err = users.Session(ctx, s.Token)
		wantCode(t, err, hansei.EUNAUTHORIZED)
		if u, _, err := users.Session(ctx, other.Token); err != nil || u.Name != "alice" {
			t.Fatalf("signing out one browser ended another: %v", err)
		}
		for _, token := range []string{s.Token, "hss_unknown", "", "garbage"} {
			if err := users.SignOut(ctx, token); err != nil {
				t.Fatalf("SignOut(%q) = %v; signing out twice is not an error", token, err)
			}
		}
		for junk, want := range map[string]string{
			"":                       "you are not signed in; sign in again",
			"hsi_" + other.Token[4:]: "you are not signed in; sign in again",
			"hss_":                   "you are not signed in, or you signed out or changed your password since; sign in again",
			"hss_unknown":            "you are not signed in, or you signed out or changed your password since; sign in again",
		} {
			_, _, err := users.Session(ctx, junk)
			if hansei.ErrorCode(err) != hansei.EUNAUTHORIZED || hansei.ErrorMessage(err) != want {
				t.Errorf("Session(%q) = %v; want %q", junk, err, want)
			}
		}
	})
}

// TestSessionExpiry moves the clock through the idle and absolute
// limits. Each step runs after the previous ones.
func TestSessionExpiry(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		const idleEnd = "your session ended after 24 hours without use; sign in again"
		const absoluteEnd = "your session ended 7 days after you signed in; sign in again"
		check := func(token string, step string, refusal string) {
			t.Helper()
			u, _, err := f.app.Users.Session(ctx, token)
			if refusal == "" && (err != nil || u.Name != "alice") {
				t.Fatalf("%s: %+v, %v; want alice", step, u, err)
			}
			if refusal != "" && (hansei.ErrorCode(err) != hansei.EUNAUTHORIZED || hansei.ErrorMessage(err) != refusal) {
				t.Fatalf("%s: %+v, %v; want %q", step, u, err, refusal)
			}
		}

		// Idle: each noted use restarts the idle limit.
		idle := f.signIn(t, "alice")
		f.now = f.now.Add(23 * time.Hour)
		check(idle.Token, "23 hours after signing in", "")
		f.now = f.now.Add(23 * time.Hour)
		check(idle.Token, "23 hours after the last use", "")
		f.now = f.now.Add(hansei.SessionIdle - time.Second)
		check(idle.Token, "a second short of the idle limit", "")
		f.now = f.now.Add(hansei.SessionIdle)
		check(idle.Token, "a whole idle period after the last use", idleEnd)

		// A use within a minute of the last noted one is not noted (reads
		// stay reads), so the idle limit runs from the noted use.
		quick := f.signIn(t, "alice")
		f.now = f.now.Add(30 * time.Second)
		check(quick.Token, "30 seconds in", "")
		f.now = f.now.Add(hansei.SessionIdle - 20*time.Second)
		check(quick.Token, "an idle period after signing in, though used 30 seconds in", idleEnd)

		// Absolute: used every 20 hours, a session still ends after
		// hansei.SessionLifetime.
		abs := f.signIn(t, "alice")
		end := abs.ExpiresAt
		for f.now.Add(20 * time.Hour).Before(end) {
			f.now = f.now.Add(20 * time.Hour)
			check(abs.Token, "used every 20 hours", "")
		}
		f.now = end.Add(-time.Second)
		check(abs.Token, "a second before the absolute end", "")
		f.now = end
		check(abs.Token, "at the absolute end", absoluteEnd)

		// Housekeeping removes exactly the three sessions refused above
		// (and the four used links that started these sessions): storage's
		// limits are these.
		live := f.signIn(t, "alice")
		n, err := f.db.DeleteExpiredSessions(ctx)
		if err != nil || n != 3+4 {
			t.Fatalf("DeleteExpiredSessions = %d, %v; want 7 (three sessions and four used links)", n, err)
		}
		check(live.Token, "a live session after housekeeping", "")
	})
}
