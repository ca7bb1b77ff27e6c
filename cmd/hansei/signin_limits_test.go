package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// Finding 4 of issue 15: POST /signin had no limit; the right password
// still worked after 20 wrong ones, and every guess cost a quarter of a
// second of bcrypt. The defaults (docs/auth.md) allow 10 wrong passwords
// per user name in 15 minutes.

const guessedPassword = "correct horse battery staple"

// signInAttempt posts the sign-in form as a browser in lang would, and
// returns the answer with its body read.
func signInAttempt(t *testing.T, srv *server, name, password, lang string) (*http.Response, string) {
	t.Helper()
	form := url.Values{"name": {name}, "password": {password}, "next": {"/incidents/new"}}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("Accept-Language", lang)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// retryAfter reads a 429's Retry-After, in seconds.
func retryAfter(t *testing.T, resp *http.Response) time.Duration {
	t.Helper()
	s, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || s <= 0 {
		t.Fatalf("status %d with Retry-After %q; want a number of seconds", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	return time.Duration(s) * time.Second
}

func TestSignInGuessingIsLimited(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		clock := newTestClock()
		srv := startServerAt(t, clock, dsn)
		srv.addUser(t, "alice", "responder")
		setPassword(t, srv, "alice", guessedPassword)

		// 20 wrong passwords for one account within a minute.
		codes := map[int]int{}
		var limited *http.Response
		var page string
		for i := range 20 {
			clock.Add(time.Second)
			resp, body := signInAttempt(t, srv, "alice", "guess "+strconv.Itoa(i), "de")
			codes[resp.StatusCode]++
			if resp.StatusCode == http.StatusTooManyRequests {
				limited, page = resp, body
			}
		}
		if codes[http.StatusUnauthorized] != 10 || codes[http.StatusTooManyRequests] != 10 {
			t.Fatalf("20 wrong passwords were answered %v; want 10 × 401, then 10 × 429", codes)
		}
		// The page is the sign-in form, in the browser's language, saying
		// when to try again.
		if after := retryAfter(t, limited); after < 14*time.Minute || after > 15*time.Minute {
			t.Errorf("Retry-After %s; want about 15 minutes, when the first failure stops counting", after)
		}
		if !strings.Contains(page, `action="/signin"`) || !strings.Contains(page, "Zu viele Anmeldeversuche") ||
			!strings.Contains(page, `value="/incidents/new"`) {
			t.Errorf("the 429 page is not the sign-in form with the message in German, keeping next:\n%s", page)
		}
		// Now even the right password is refused, unchecked.
		resp, _ := signInAttempt(t, srv, "alice", guessedPassword, "en")
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("the right password while limited: status %d, want 429", resp.StatusCode)
		}
		// After the window it works.
		clock.Add(retryAfter(t, resp))
		resp, _ = signInAttempt(t, srv, "alice", guessedPassword, "en")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/incidents/new" {
			t.Fatalf("the right password after the window: status %d to %q; want 303 to /incidents/new", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// TestTokenGuessingIsLimited: unknown API tokens count against the
// client address: past the per-minute rate, its requests are refused with
// 429 and the JSON error contract before a token is looked up, while
// clients elsewhere go on.
func TestTokenGuessingIsLimited(t *testing.T) {
	eachDB(t, testTokenGuessingIsLimited)
}

func testTokenGuessingIsLimited(t *testing.T, dsn string) {
	srv := startServer(t, dsn)
	guess := func(token string) (*http.Response, hansei.Error) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct{ Error hansei.Error }
		json.NewDecoder(resp.Body).Decode(&body)
		return resp, body.Error
	}
	for i := range hansei.DefaultSignInLimits().AddressRate {
		if resp, _ := guess("hsi_guess" + strconv.Itoa(i)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("unknown token %d: status %d, want 401", i, resp.StatusCode)
		}
	}
	resp, e := guess(srv.AdminToken)
	if resp.StatusCode != http.StatusTooManyRequests || e.Code != hansei.ELIMITED || !strings.Contains(e.Message, "try again in") {
		t.Fatalf("after the rate, a request: status %d, error %+v; want 429 rate_limited", resp.StatusCode, e)
	}
	if after := retryAfter(t, resp); after > 5*time.Second {
		t.Errorf("Retry-After %s; want the few seconds until one more failure is allowed", after)
	}
	if resp.Header.Get("WWW-Authenticate") != "" {
		t.Errorf("a 429 asks for credentials: %q", resp.Header.Get("WWW-Authenticate"))
	}
}

// TestTwoInstancesShareTheSignInLimit: wrong passwords sent to two
// servers on one PostgreSQL count together.
func TestTwoInstancesShareTheSignInLimit(t *testing.T) {
	pg, ok := sqldbtest.Postgres(t)
	if !ok {
		t.Skip("needs PostgreSQL")
	}
	clock := newTestClock()
	a := startServerAt(t, clock, pg.DSN)
	b := startServerAt(t, clock, pg.DSN)
	a.addUser(t, "alice", "responder")
	setPassword(t, a, "alice", guessedPassword)
	instances := []*server{a, b}
	for i := range hansei.DefaultSignInLimits().AccountFailures {
		if resp, _ := signInAttempt(t, instances[i%2], "alice", "guess "+strconv.Itoa(i), "en"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: status %d, want 401", i, resp.StatusCode)
		}
	}
	for _, srv := range instances {
		if resp, _ := signInAttempt(t, srv, "alice", guessedPassword, "en"); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("after 5 wrong passwords on each instance, the right one on %s: status %d, want 429", srv.URL, resp.StatusCode)
		}
	}
	clock.Add(hansei.DefaultSignInLimits().Window)
	if resp, _ := signInAttempt(t, b, "alice", guessedPassword, "en"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after the window: status %d, want 303", resp.StatusCode)
	}
}

// TestForwardedForOnlyFromTrustedProxies: the limits count by the client
// address, which X-Forwarded-For names only when a trusted proxy sent it.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	rate := hansei.DefaultSignInLimits().AddressRate
	guess := func(srv *server, forwardedFor string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer hsi_guess")
		req.Header.Set("X-Forwarded-For", forwardedFor)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// Not trusted: the header is the client's own word, and ignored.
	direct := startServer(t, sqldbtest.SQLite(t).DSN)
	codes := map[int]int{}
	for i := 0; i <= rate; i++ {
		codes[guess(direct, "192.0.2."+strconv.Itoa(i))]++
	}
	if codes[http.StatusUnauthorized] != rate || codes[http.StatusTooManyRequests] != 1 {
		t.Errorf("without trusted proxies, %d guesses naming other addresses: %v; want %d × 401, then 429", rate+1, codes, rate)
	}
	// Behind a trusted proxy, each client counts on its own.
	config := t.TempDir() + "/hansei.yaml"
	if err := os.WriteFile(config, []byte("trusted_proxies: [127.0.0.1]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	proxied := startServer(t, sqldbtest.SQLite(t).DSN, "--config", config)
	for i := 0; i <= rate; i++ {
		if code := guess(proxied, "203.0.113.1, 192.0.2."+strconv.Itoa(i)); code != http.StatusUnauthorized {
			t.Fatalf("behind a trusted proxy, guess %d from its own address: status %d, want 401", i, code)
		}
	}
	codes = map[int]int{}
	for i := 0; i <= rate; i++ {
		codes[guess(proxied, "192.0.2.250")]++
	}
	if codes[http.StatusUnauthorized] != rate || codes[http.StatusTooManyRequests] != 1 {
		t.Errorf("behind a trusted proxy, %d guesses from one client: %v; want %d × 401, then 429", rate+1, codes, rate)
	}
}
