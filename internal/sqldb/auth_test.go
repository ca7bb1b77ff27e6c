package sqldb_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

func authStr(s string) *string { return &s }

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	wantCode(t, err, hansei.EINVALID)
	if _, ok := hansei.ErrorFields(err)[field]; !ok {
		t.Fatalf("error %v names fields %v, want %q", err, hansei.ErrorFields(err), field)
	}
}

func TestAuthPasswords(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		const good = "correct horse battery staple"
		if err := f.db.SetPassword(ctx, "alice", good); err != nil {
			t.Fatal(err)
		}
		var stored string
		if err := f.db.RawQueryRow(ctx, `SELECT password_hash FROM users WHERE name = 'alice'`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored, "$2a$12$") || strings.Contains(stored, good) {
			t.Fatalf("stored password %q; want a cost-12 bcrypt hash", stored)
		}

		u, err := f.db.CheckPassword(ctx, "alice", good)
		if err != nil || u.Name != "alice" || u.ID != f.alice.ID || u.Role != hansei.RoleResponder {
			t.Fatalf("CheckPassword(right) = %+v, %v", u, err)
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
			_, err := f.db.CheckPassword(ctx, tc.user, tc.password)
			wantCode(t, err, hansei.EUNAUTHORIZED)
			// One message for every refusal: it must not tell which
			// names exist.
			if message == "" {
				message = hansei.ErrorMessage(err)
			} else if got := hansei.ErrorMessage(err); got != message {
				t.Errorf("%s: message %q differs from %q", tc.name, got, message)
			}
		}
		if !strings.Contains(message, "user name or password is not right") {
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
			err := f.db.SetPassword(ctx, tc.user, tc.password)
			switch {
			case tc.field != "":
				wantField(t, err, tc.field)
			case tc.code != "":
				wantCode(t, err, tc.code)
			case err != nil:
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
		if _, err := f.db.CheckPassword(ctx, "alice", strings.Repeat("b", 72)); err != nil {
			t.Fatalf("the last password set does not sign in: %v", err)
		}
		if _, err := f.db.CheckPassword(ctx, "alice", good); hansei.ErrorCode(err) != hansei.EUNAUTHORIZED {
			t.Fatalf("the replaced password still signs in: %v", err)
		}
	})
}

func TestAuthSetPasswordEndsSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		alice, err := f.db.CreateSession(ctx, f.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		bob, err := f.db.CreateSession(ctx, f.bob.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.SetPassword(ctx, "alice", "a new long password"); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.db.SessionUser(ctx, alice.Token)
		wantCode(t, err, hansei.EUNAUTHORIZED)
		if u, _, err := f.db.SessionUser(ctx, bob.Token); err != nil || u.Name != "bob" {
			t.Fatalf("another user's session ended too: %+v, %v", u, err)
		}
	})
}

func TestAuthSignInLinks(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		token, expires, err := f.db.CreateSignInLink(ctx, "alice", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, "hsl_") || len(token) != 4+52 || strings.ToLower(token) != token {
			t.Fatalf("token %q; want hsl_ and 52 lower-case base32 characters", token)
		}
		if !expires.Equal(f.now.Add(hansei.SignInLinkTTL)) {
			t.Fatalf("expires %v, want %v", expires, f.now.Add(hansei.SignInLinkTTL))
		}
		var stored string
		if err := f.db.RawQueryRow(ctx, `SELECT token_hash FROM signin_links`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, "hsl_") || strings.Contains(token, stored) {
			t.Fatalf("link stored in the clear: %q", stored)
		}

		u, err := f.db.RedeemSignInLink(ctx, token)
		if err != nil || u.Name != "alice" || u.ID != f.alice.ID {
			t.Fatalf("first redeem = %+v, %v", u, err)
		}
		_, err = f.db.RedeemSignInLink(ctx, token)
		wantCode(t, err, hansei.EUNAUTHORIZED)
		if msg := hansei.ErrorMessage(err); !strings.Contains(msg, "hansei users link NAME") {
			t.Fatalf("refusal %q does not say how to get a new link", msg)
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
		} {
			token, _, err := f.db.CreateSignInLink(ctx, "bob", tc.ttl)
			if err != nil {
				t.Fatal(err)
			}
			f.now = f.now.Add(tc.after)
			u, err := f.db.RedeemSignInLink(ctx, token)
			if tc.ok && (err != nil || u.Name != "bob") {
				t.Errorf("%s: %+v, %v; want bob", tc.name, u, err)
			}
			if !tc.ok && hansei.ErrorCode(err) != hansei.EUNAUTHORIZED {
				t.Errorf("%s: %+v, %v; want unauthorized", tc.name, u, err)
			}
		}

		for _, junk := range []string{"", "hsl_", "hsl_notissued", "hsi_" + token[4:], token + "x"} {
			_, err := f.db.RedeemSignInLink(ctx, junk)
			wantCode(t, err, hansei.EUNAUTHORIZED)
		}
		_, _, err = f.db.CreateSignInLink(ctx, "nobody", 0)
		wantCode(t, err, hansei.ENOTFOUND)
	})
}

func TestAuthSignInLinkRedeemedOnceUnderRace(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		token, _, err := f.db.CreateSignInLink(ctx, "alice", 0)
		if err != nil {
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
				_, err := f.db.RedeemSignInLink(ctx, token)
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
			case hansei.EUNAUTHORIZED:
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
		s, err := f.db.CreateSession(ctx, f.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s.Token, "hss_") || len(s.CSRF) < 40 || s.UserID != f.alice.ID ||
			!s.CreatedAt.Equal(f.now) || !s.ExpiresAt.Equal(f.now.Add(hansei.SessionLifetime)) {
			t.Fatalf("session %+v", s)
		}
		var stored string
		if err := f.db.RawQueryRow(ctx, `SELECT token_hash FROM sessions`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, "hss_") {
			t.Fatalf("session stored in the clear: %q", stored)
		}
		u, got, err := f.db.SessionUser(ctx, s.Token)
		if err != nil || u.Name != "alice" || got.Token != s.Token || got.CSRF != s.CSRF || got.UserID != s.UserID ||
			!got.CreatedAt.Equal(s.CreatedAt) || !got.ExpiresAt.Equal(s.ExpiresAt) {
			t.Fatalf("SessionUser = %+v, %+v, %v; want alice and %+v", u, got, err, s)
		}
		other, err := f.db.CreateSession(ctx, f.alice.ID)
		if err != nil || other.Token == s.Token || other.CSRF == s.CSRF {
			t.Fatalf("second session %+v, %v: want new secrets", other, err)
		}

		if err := f.db.DeleteSession(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.db.SessionUser(ctx, s.Token)
		wantCode(t, err, hansei.EUNAUTHORIZED)
		if u, _, err := f.db.SessionUser(ctx, other.Token); err != nil || u.Name != "alice" {
			t.Fatalf("signing out one browser ended another: %v", err)
		}
		for _, token := range []string{s.Token, "hss_unknown", "", "garbage"} {
			if err := f.db.DeleteSession(ctx, token); err != nil {
				t.Fatalf("DeleteSession(%q) = %v; signing out twice is not an error", token, err)
			}
		}
		for _, junk := range []string{"", "hss_", "hss_unknown", "hsi_" + other.Token[4:]} {
			_, _, err := f.db.SessionUser(ctx, junk)
			wantCode(t, err, hansei.EUNAUTHORIZED)
		}
		_, err = f.db.CreateSession(ctx, 987654)
		wantCode(t, err, hansei.ENOTFOUND)
	})
}

// TestAuthSessionExpiry moves the clock through the idle and absolute
// limits. Each step runs after the previous ones, on one session.
func TestAuthSessionExpiry(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		check := func(token string, step string, ok bool) {
			t.Helper()
			u, _, err := f.db.SessionUser(ctx, token)
			if ok && (err != nil || u.Name != "alice") {
				t.Fatalf("%s: %+v, %v; want alice", step, u, err)
			}
			if !ok && hansei.ErrorCode(err) != hansei.EUNAUTHORIZED {
				t.Fatalf("%s: %+v, %v; want unauthorized", step, u, err)
			}
		}

		// Idle: each noted use restarts the idle limit.
		idle, err := f.db.CreateSession(ctx, f.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(23 * time.Hour)
		check(idle.Token, "23 hours after signing in", true)
		f.now = f.now.Add(23 * time.Hour)
		check(idle.Token, "23 hours after the last use", true)
		f.now = f.now.Add(hansei.SessionIdle - time.Second)
		check(idle.Token, "a second short of the idle limit", true)
		f.now = f.now.Add(hansei.SessionIdle)
		check(idle.Token, "a whole idle period after the last use", false)

		// A use within a minute of the last noted one is not noted (reads
		// stay reads), so the idle limit runs from the noted use.
		quick, err := f.db.CreateSession(ctx, f.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(30 * time.Second)
		check(quick.Token, "30 seconds in", true)
		f.now = f.now.Add(hansei.SessionIdle - 20*time.Second)
		check(quick.Token, "an idle period after signing in, though used 30 seconds in", false)

		// Absolute: used every 20 hours, a session still ends after
		// hansei.SessionLifetime.
		abs, err := f.db.CreateSession(ctx, f.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		end := abs.ExpiresAt
		for f.now.Add(20 * time.Hour).Before(end) {
			f.now = f.now.Add(20 * time.Hour)
			check(abs.Token, "used every 20 hours", true)
		}
		f.now = end.Add(-time.Second)
		check(abs.Token, "a second before the absolute end", true)
		f.now = end
		check(abs.Token, "at the absolute end", false)

		// Housekeeping removes the three ended sessions, and keeps a live one.
		live, err := f.db.CreateSession(ctx, f.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		n, err := f.db.DeleteExpiredSessions(ctx)
		if err != nil || n != 3 {
			t.Fatalf("DeleteExpiredSessions = %d, %v; want 3", n, err)
		}
		check(live.Token, "a live session after housekeeping", true)
		var left int
		if err := f.db.RawQueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&left); err != nil || left != 1 {
			t.Fatalf("%d sessions left, %v; want 1", left, err)
		}
	})
}

func TestAuthDeleteExpiredSignInLinks(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		used, _, _ := f.db.CreateSignInLink(ctx, "alice", 0)
		if _, err := f.db.RedeemSignInLink(ctx, used); err != nil {
			t.Fatal(err)
		}
		f.db.CreateSignInLink(ctx, "alice", time.Minute)  // will expire
		f.db.CreateSignInLink(ctx, "alice", 24*time.Hour) // stays
		f.now = f.now.Add(2 * time.Minute)
		n, err := f.db.DeleteExpiredSessions(ctx)
		if err != nil || n != 2 {
			t.Fatalf("DeleteExpiredSessions = %d, %v; want 2 (one used link, one expired)", n, err)
		}
		var left int
		if err := f.db.RawQueryRow(ctx, `SELECT count(*) FROM signin_links`).Scan(&left); err != nil || left != 1 {
			t.Fatalf("%d links left, %v; want 1", left, err)
		}
	})
}

func TestAuthTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		token, err := f.db.CreateToken(ctx, "alice", "  deploy bot ")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, "hsi_") || token == f.aliceToken {
			t.Fatalf("token %q", token)
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

		lastUsed := func() *time.Time {
			t.Helper()
			tokens, err := f.db.Tokens(ctx)
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
		if u, err := f.db.UserByToken(ctx, token); err != nil || u.Name != "alice" {
			t.Fatalf("UserByToken(new) = %+v, %v", u, err)
		}
		if got := lastUsed(); got == nil || !got.Equal(used) {
			t.Fatalf("last used %v, want %v", got, used)
		}
		f.now = f.now.Add(30 * time.Second)
		f.db.UserByToken(ctx, token)
		if got := lastUsed(); got == nil || !got.Equal(used) {
			t.Fatalf("last used %v within the minute; want it left at %v", got, used)
		}
		f.now = f.now.Add(time.Minute)
		f.db.UserByToken(ctx, token)
		if got := lastUsed(); got == nil || !got.Equal(f.now) {
			t.Fatalf("last used %v, want %v", got, f.now)
		}

		if err := f.db.RevokeToken(ctx, added.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.db.UserByToken(ctx, token)
		wantCode(t, err, hansei.EUNAUTHORIZED)
		if u, err := f.db.UserByToken(ctx, f.aliceToken); err != nil || u.Name != "alice" {
			t.Fatalf("revoking one token revoked another: %v", err)
		}
		wantCode(t, f.db.RevokeToken(ctx, added.ID), hansei.ENOTFOUND)
		_, err = f.db.CreateToken(ctx, "nobody", "")
		wantCode(t, err, hansei.ENOTFOUND)
		_, err = f.db.CreateToken(ctx, "alice", strings.Repeat("x", 101))
		wantField(t, err, "label")
	})
}

func TestAuthUpdateUser(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u, err := f.db.UpdateUser(ctx, "alice", hansei.UserChange{
			DisplayName: authStr("Alice Liddell"), TimeZone: authStr("Asia/Tokyo"), Language: authStr("ja"),
			Email: authStr("alice@example.com"), Channel: authStr("none"),
		})
		if err != nil {
			t.Fatal(err)
		}
		want := hansei.User{ID: f.alice.ID, Name: "alice", DisplayName: "Alice Liddell", Role: hansei.RoleResponder,
			Language: "ja", TimeZone: "Asia/Tokyo", Email: "alice@example.com", Channel: "none", CreatedAt: f.alice.CreatedAt}
		read, err := f.db.UserByName(ctx, "alice")
		if err != nil || u != want || !read.CreatedAt.Equal(want.CreatedAt) {
			t.Fatalf("UpdateUser = %+v\nread back %+v, %v\nwant %+v", u, read, err, want)
		}
		read.CreatedAt = want.CreatedAt
		if read != want {
			t.Fatalf("read back %+v, want %+v", read, want)
		}
		// A change of nothing changes nothing; nil fields are left alone.
		if u, err := f.db.UpdateUser(ctx, "alice", hansei.UserChange{}); err != nil || u.TimeZone != "Asia/Tokyo" || u.Channel != "none" {
			t.Fatalf("empty change = %+v, %v", u, err)
		}

		for _, tc := range []struct {
			name  string
			c     hansei.UserChange
			field string
		}{
			{"unknown role", hansei.UserChange{Role: authStr("boss")}, "role"},
			{"empty role", hansei.UserChange{Role: authStr("")}, "role"},
			{"unknown time zone", hansei.UserChange{TimeZone: authStr("Mars/Olympus_Mons")}, "time_zone"},
			{"not a language", hansei.UserChange{Language: authStr("english!")}, "language"},
			{"not an email", hansei.UserChange{Email: authStr("alice at example")}, "email"},
			{"unknown channel", hansei.UserChange{Channel: authStr("sms")}, "channel"},
			{"one bad field among good ones", hansei.UserChange{DisplayName: authStr("A"), Channel: authStr("pager")}, "channel"},
		} {
			_, err := f.db.UpdateUser(ctx, "alice", tc.c)
			wantField(t, err, tc.field)
		}
		if read, _ := f.db.UserByName(ctx, "alice"); read.DisplayName != "Alice Liddell" || read.Channel != "none" {
			t.Fatalf("a refused change was stored: %+v", read)
		}
		// Clearing the display name falls back to the user name, as at creation.
		if u, err := f.db.UpdateUser(ctx, "alice", hansei.UserChange{DisplayName: authStr(""), Email: authStr("")}); err != nil || u.DisplayName != "alice" || u.Email != "" {
			t.Fatalf("cleared = %+v, %v", u, err)
		}
		_, err = f.db.UpdateUser(ctx, "nobody", hansei.UserChange{})
		wantCode(t, err, hansei.ENOTFOUND)

		// The last admin keeps the role until there is another.
		_, err = f.db.UpdateUser(ctx, "root", hansei.UserChange{Role: authStr("responder")})
		wantField(t, err, "role")
		if _, err := f.db.UpdateUser(ctx, "bob", hansei.UserChange{Role: authStr("admin")}); err != nil {
			t.Fatal(err)
		}
		if u, err := f.db.UpdateUser(ctx, "root", hansei.UserChange{Role: authStr("viewer")}); err != nil || u.Role != hansei.RoleViewer {
			t.Fatalf("demote root with bob an admin = %+v, %v", u, err)
		}
		users, err := f.db.Users(ctx)
		if n, _ := f.db.CountUsers(ctx); err != nil || len(users) != 4 || n != 4 {
			t.Fatalf("Users = %d, %v; CountUsers = %d", len(users), err, n)
		}
	})
}
