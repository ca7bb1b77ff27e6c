package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb"
)

// runUsers runs `hansei users …` with stdin and the environment vars.
func runUsers(vars map[string]string, stdin string, args ...string) cliResult {
	var stdout, stderr strings.Builder
	err := run(context.Background(), append([]string{"users"}, args...), envFunc(vars), strings.NewReader(stdin), &stdout, &stderr)
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// mustUsers is runUsers that fails the test if the command fails.
func mustUsers(t *testing.T, vars map[string]string, stdin string, args ...string) string {
	t.Helper()
	r := runUsers(vars, stdin, args...)
	if r.err != nil {
		t.Fatalf("hansei users %s: %v\nstderr: %s", strings.Join(args, " "), r.err, r.stderr)
	}
	return r.stdout
}

// wantRefused checks that a command failed with one clear line that
// contains want, and printed nothing on stdout.
func wantRefused(t *testing.T, r cliResult, want string) {
	t.Helper()
	if r.err == nil {
		t.Fatalf("succeeded with %q; want an error containing %q", r.stdout, want)
	}
	line := errorLine(r.err)
	if strings.Contains(line, "\n") || !strings.Contains(line, want) {
		t.Fatalf("error line %q; want one line containing %q", line, want)
	}
	if r.stdout != "" {
		t.Fatalf("printed %q on stdout while failing", r.stdout)
	}
}

// migrate makes the database at dsn with `hansei migrate`: the users
// commands never create one.
func migrate(t *testing.T, dsn string) {
	t.Helper()
	var stdout, stderr strings.Builder
	if err := run(context.Background(), []string{"migrate", "--db", dsn}, envFunc(nil), strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("hansei migrate --db %s: %v\n%s", dsn, err, stderr.String())
	}
}

// openTestDB opens the database the CLI wrote, to check what it stored.
func openTestDB(t *testing.T, dsn string) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestUsersPasswords(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		migrate(t, dsn) // the users commands work on a database that exists
		ctx := context.Background()
		mustUsers(t, nil, "", "add", "alice", "--role", "responder", "--db", dsn)

		out := mustUsers(t, nil, "correct horse battery staple\nsecond line ignored\n", "set-password", "alice", "--db", dsn)
		if out != "password set for alice\n" {
			t.Fatalf("set-password printed %q", out)
		}
		db := openTestDB(t, dsn)
		if _, _, err := usersOf(db).SignIn(ctx, netip.Addr{}, "alice", "correct horse battery staple"); err != nil {
			t.Fatalf("the password piped in does not sign in: %v", err)
		}
		// Windows line endings and a missing final newline are both fine.
		mustUsers(t, nil, "another long password\r\n", "set-password", "--db", dsn, "alice")
		mustUsers(t, nil, "a third long password", "set-password", "alice", "--db", dsn)
		if _, _, err := usersOf(db).SignIn(ctx, netip.Addr{}, "alice", "a third long password"); err != nil {
			t.Fatalf("the password without a newline does not sign in: %v", err)
		}

		wantRefused(t, runUsers(nil, "short\n", "set-password", "alice", "--db", dsn), "use at least 12")
		wantRefused(t, runUsers(nil, strings.Repeat("x", 73)+"\n", "set-password", "alice", "--db", dsn), "at most 72 bytes")
		wantRefused(t, runUsers(nil, "\n", "set-password", "alice", "--db", dsn), "has 0 characters")
		wantRefused(t, runUsers(nil, "", "set-password", "alice", "--db", dsn), "standard input is empty")
		wantRefused(t, runUsers(nil, "long enough password\n", "set-password", "nobody", "--db", dsn), `no user named "nobody"`)
		wantRefused(t, runUsers(nil, "long enough password\n", "set-password", "--db", dsn), "one user NAME")
		if _, _, err := usersOf(db).SignIn(ctx, netip.Addr{}, "alice", "a third long password"); err != nil {
			t.Fatalf("a refused password replaced the old one: %v", err)
		}

		// users add --password: still only the token on stdout.
		out = mustUsers(t, nil, "bob's long password\n", "add", "bob", "--role", "viewer", "--password", "--db", dsn)
		token := strings.TrimSpace(out)
		if !strings.HasPrefix(token, "hsi_") || out != token+"\n" {
			t.Fatalf("users add --password printed %q; want only a token", out)
		}
		if u, _, err := usersOf(db).SignIn(ctx, netip.Addr{}, "bob", "bob's long password"); err != nil || u.Role != hansei.RoleViewer {
			t.Fatalf("bob's password: %+v, %v", u, err)
		}
		// A refused password creates no user.
		wantRefused(t, runUsers(nil, "short\n", "add", "carol", "--role", "viewer", "--password", "--db", dsn), "use at least 12")
		if _, err := db.UserByName(ctx, "carol"); hansei.ErrorCode(err) != hansei.ENOTFOUND {
			t.Fatalf("carol was created despite the refused password: %v", err)
		}
	})
}

var signInLinkRE = regexp.MustCompile(`^(.*)/signin/link\?token=(hsl_[a-z2-7]{52})$`)

func TestUsersLink(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		migrate(t, dsn) // the users commands work on a database that exists
		ctx := context.Background()
		mustUsers(t, nil, "", "add", "alice", "--role", "responder", "--db", dsn)
		db := openTestDB(t, dsn)

		out := mustUsers(t, nil, "", "link", "alice", "--db", dsn, "--url", "https://hansei.example.com/")
		m := signInLinkRE.FindStringSubmatch(strings.TrimSuffix(out, "\n"))
		if m == nil || m[1] != "https://hansei.example.com" || strings.Count(out, "\n") != 1 {
			t.Fatalf("users link printed %q; want only https://hansei.example.com/signin/link?token=hsl_…", out)
		}
		if u, _, err := usersOf(db).SignInWithLink(ctx, netip.Addr{}, m[2]); err != nil || u.Name != "alice" {
			t.Fatalf("redeem the printed link: %+v, %v", u, err)
		}
		if _, _, err := usersOf(db).SignInWithLink(ctx, netip.Addr{}, m[2]); hansei.ErrorCode(err) != hansei.EUNAUTHORIZED {
			t.Fatalf("the link redeemed twice: %v", err)
		}

		// Another link works, and is another token.
		out = mustUsers(t, nil, "", "link", "alice", "--db", dsn, "--url", "https://hansei.example.com", "--ttl", "24h")
		m2 := signInLinkRE.FindStringSubmatch(strings.TrimSpace(out))
		if m2 == nil || m2[2] == m[2] {
			t.Fatalf("second link %q", out)
		}
		if _, _, err := usersOf(db).SignInWithLink(ctx, netip.Addr{}, m2[2]); err != nil {
			t.Fatalf("redeem the second link: %v", err)
		}

		// Where the base URL comes from when --url is not given.
		for _, tc := range []struct {
			name string
			vars map[string]string
			want string
		}{
			{"HANSEI_URL", map[string]string{"HANSEI_URL": "https://ops.example.com/hansei/"}, "https://ops.example.com/hansei"},
			{"default listen address", nil, "http://127.0.0.1:8080"},
			{"HANSEI_ADDR on every interface", map[string]string{"HANSEI_ADDR": ":9090"}, "http://127.0.0.1:9090"},
			{"HANSEI_ADDR with a host", map[string]string{"HANSEI_ADDR": "hansei.internal:8443"}, "http://hansei.internal:8443"},
			{"HANSEI_ADDR IPv6 wildcard", map[string]string{"HANSEI_ADDR": "[::]:8080"}, "http://127.0.0.1:8080"},
		} {
			out := mustUsers(t, tc.vars, "", "link", "alice", "--db", dsn)
			if m := signInLinkRE.FindStringSubmatch(strings.TrimSpace(out)); m == nil || m[1] != tc.want {
				t.Errorf("%s: printed %q; want a link on %s", tc.name, out, tc.want)
			}
		}

		wantRefused(t, runUsers(nil, "", "link", "nobody", "--db", dsn), `no user named "nobody"`)
		wantRefused(t, runUsers(nil, "", "link", "alice", "--db", dsn, "--ttl", "0s"), "--ttl 0s is out of range")
		wantRefused(t, runUsers(nil, "", "link", "alice", "--db", dsn, "--ttl", "720h"), "out of range")
		wantRefused(t, runUsers(nil, "", "link", "alice", "--db", dsn, "--url", "hansei.example.com"), "is not the web UI's address")
		wantRefused(t, runUsers(map[string]string{"HANSEI_URL": "ftp://x"}, "", "link", "alice", "--db", dsn), `HANSEI_URL: "ftp://x" is not the web UI's address`)
	})
}

func TestUsersTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		migrate(t, dsn) // the users commands work on a database that exists
		ctx := context.Background()
		first := strings.TrimSpace(mustUsers(t, nil, "", "add", "alice", "--role", "responder", "--db", dsn))
		out := mustUsers(t, nil, "", "token", "alice", "--label", "deploy bot", "--db", dsn)
		token := strings.TrimSpace(out)
		if !strings.HasPrefix(token, "hsi_") || out != token+"\n" || token == first {
			t.Fatalf("users token printed %q; want only a new token", out)
		}
		db := openTestDB(t, dsn)
		if u, err := usersOf(db).ByToken(ctx, netip.Addr{}, token); err != nil || u.Name != "alice" {
			t.Fatalf("the new token: %+v, %v", u, err)
		}

		out = mustUsers(t, map[string]string{"TZ": "UTC"}, "", "tokens", "--db", dsn)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[2], "deploy bot") ||
			strings.Contains(out, first) || strings.Contains(out, token) {
			t.Fatalf("users tokens printed:\n%s", out)
		}
		var list struct {
			Items []hansei.TokenInfo `json:"items"`
		}
		if err := json.Unmarshal([]byte(mustUsers(t, nil, "", "tokens", "--json", "--db", dsn)), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 2 || list.Items[1].Label != "deploy bot" || list.Items[1].User != "alice" || list.Items[1].LastUsedAt == nil {
			t.Fatalf("tokens --json: %+v", list.Items)
		}

		id := list.Items[1].ID
		if out := mustUsers(t, nil, "", "revoke-token", "--db", dsn, strconv.FormatInt(id, 10)); out != "revoked API token "+strconv.FormatInt(id, 10)+"\n" {
			t.Fatalf("revoke-token printed %q", out)
		}
		if _, err := usersOf(db).ByToken(ctx, netip.Addr{}, token); hansei.ErrorCode(err) != hansei.EUNAUTHORIZED {
			t.Fatalf("a revoked token still authenticates: %v", err)
		}
		if _, err := usersOf(db).ByToken(ctx, netip.Addr{}, first); err != nil {
			t.Fatalf("revoking one token revoked the other: %v", err)
		}
		wantRefused(t, runUsers(nil, "", "revoke-token", strconv.FormatInt(id, 10), "--db", dsn), "no API token with id")
		wantRefused(t, runUsers(nil, "", "revoke-token", "abc", "--db", dsn), "is not a token ID")
		wantRefused(t, runUsers(nil, "", "token", "nobody", "--db", dsn), `no user named "nobody"`)
	})
}

// serveOutput starts `hansei serve` on dsn and returns what it printed up
// to and including the listening line; the server stops when the test ends.
func serveOutput(t *testing.T, dsn string) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--create"}, envFunc(nil), strings.NewReader(""), pw, io.Discard)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("server stopped with error: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("server did not stop within 30s")
		}
	})
	lines := make(chan []string, 1)
	go func() {
		var got []string
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			got = append(got, sc.Text())
			if strings.HasPrefix(sc.Text(), "hansei listening on ") {
				break
			}
		}
		lines <- got
		io.Copy(io.Discard, pr)
	}()
	select {
	case got := <-lines:
		return got
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start within 30s")
		return nil
	}
}

func TestUsersFirstRunPrintsSignInLink(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		out := serveOutput(t, dsn)
		if len(out) == 0 || !strings.HasPrefix(out[len(out)-1], "hansei listening on http://127.0.0.1:") {
			t.Fatalf("the last line is not the listening line:\n%s", strings.Join(out, "\n"))
		}
		listening := strings.Fields(strings.TrimPrefix(out[len(out)-1], "hansei listening on "))[0]
		var link string
		for _, line := range out {
			if l := strings.TrimSpace(line); strings.Contains(l, "/signin/link?token=") {
				link = l
			}
		}
		m := signInLinkRE.FindStringSubmatch(link)
		if m == nil || m[1] != listening {
			t.Fatalf("first run printed no sign-in link on %s:\n%s", listening, strings.Join(out, "\n"))
		}
		db := openTestDB(t, dsn)
		if u, _, err := usersOf(db).SignInWithLink(context.Background(), netip.Addr{}, m[2]); err != nil || u.Name != "admin" || u.Role != hansei.RoleAdmin {
			t.Fatalf("the first-run link: %+v, %v; want admin", u, err)
		}
		// A later start has users already: no new admin, token or link.
		again := strings.Join(serveOutput(t, dsn), "\n")
		if strings.Contains(again, "/signin/link") || strings.Contains(again, "hsi_") {
			t.Fatalf("a later start printed first-run secrets:\n%s", again)
		}
	})
}
