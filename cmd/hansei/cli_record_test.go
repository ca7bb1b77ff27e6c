package main

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/cli"
)

// The users commands work on a database, not a server: they say which one
// on standard error (standard output stays the token alone), and refuse
// to make a new one unless --create, so that a token is never printed
// into a file the server does not read.
func TestCLIUsersNameTheirDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hansei.db")
	for _, args := range [][]string{
		{"add", "alice", "--role", "admin", "--db", path},
		{"add", "alice", "--role", "admin", "--db", "sqlite:" + path},
		{"list", "--db", path},
	} {
		r := runUsers(nil, "", args...)
		wantRefused(t, r, "--create")
		if cli.ExitCode(r.err) != 1 {
			t.Errorf("users %s: exit %d, want 1", strings.Join(args, " "), cli.ExitCode(r.err))
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatalf("users %s made %s without --create (%v)", strings.Join(args, " "), path, err)
		}
	}
	// Without --db it reads HANSEI_DB, as serve does, and says so.
	r := runUsers(map[string]string{"HANSEI_DB": path}, "", "add", "alice", "--role", "admin", "--create")
	if r.err != nil {
		t.Fatalf("users add --create: %v\n%s", r.err, r.stderr)
	}
	if token := strings.TrimSpace(r.stdout); !strings.HasPrefix(token, "hsi_") || r.stdout != token+"\n" {
		t.Errorf("stdout %q, want the token alone", r.stdout)
	}
	if want := "using database sqlite:" + path + "\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	// Now it exists: no --create needed, and a relative path is named in full.
	t.Chdir(dir)
	r = runUsers(nil, "", "add", "bob", "--role", "responder", "--db", "hansei.db")
	if r.err != nil || !strings.Contains(r.stderr, "using database sqlite:"+path) {
		t.Errorf("users add on the existing database: %v, stderr %q", r.err, r.stderr)
	}

	// A PostgreSQL URL is named without its password.
	if dsn, ok := sqldbtestPostgres(t); ok {
		migrate(t, dsn)
		r := runUsers(nil, "", "add", "carla", "--role", "viewer", "--db", dsn)
		if r.err != nil || !strings.HasPrefix(r.stderr, "using database postgres") {
			t.Fatalf("users add on postgres: %v, stderr %q", r.err, r.stderr)
		}
		if u, err := urlPassword(dsn); err == nil && u != "" && strings.Contains(r.stderr, u) {
			t.Errorf("stderr shows the database password: %q", r.stderr)
		}
	}
}

// urlPassword is the password in a postgres:// URL, if it has one.
func urlPassword(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	if pw, ok := u.User.Password(); ok {
		return pw, nil
	}
	return u.Query().Get("password"), nil
}

// Changes confirm what changed, in a line, in the user's language; --json
// prints the changed object. Levels are taken in any case and stored as
// the scale spells them; lint fails on blocking findings only.
func TestCLIConfirmsChanges(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		srv := startServer(t, dsn)
		admin := srv.AdminToken
		c := srv.client(admin)

		// Levels in any case, over the API and the CLI.
		inc, err := c.Declare(ctx, client.DeclareRequest{Title: "Checkout failing", Severity: "sev2"})
		if err != nil || inc.Severity != "SEV2" {
			t.Fatalf("declare with sev2: %v, severity %q; want SEV2", err, inc.Severity)
		}
		out := srv.mustCLI(t, admin, "incident", "severity", "1", "sev1", "--reason", "all card payments fail")
		if out != "INC-1 #4 severity SEV2 → SEV1: all card payments fail\n" {
			t.Errorf("severity confirms %q", out)
		}
		if out := srv.mustCLI(t, admin, "incident", "list", "--severity", "sev1"); !strings.Contains(out, "Checkout failing") {
			t.Errorf("list --severity sev1:\n%s", out)
		}
		var changed client.Incident
		out = srv.mustCLI(t, admin, "incident", "severity", "1", "Sev3", "--reason", "a fallback works", "--json")
		if err := json.Unmarshal([]byte(out), &changed); err != nil || changed.Severity != "SEV3" || changed.Number != 1 {
			t.Errorf("severity --json: %v, %+v\n%s", err, changed, out)
		}
		// In the user's language.
		if out := srv.mustCLI(t, admin, "--lang", "de", "incident", "note", "1", "Pool voll"); !strings.HasPrefix(out, "INC-1 #6 Notiz: Pool voll") || strings.Count(out, "\n") != 1 {
			t.Errorf("note confirms %q", out)
		}

		// The postmortem's changes say what changed, not the whole postmortem.
		srv.mustCLI(t, admin, "incident", "status", "1", "resolved")
		srv.mustCLI(t, admin, "postmortem", "1", "create")
		out = srv.mustCLI(t, admin, "postmortem", "1", "set", "impact", "Card payments failed for 14 minutes.")
		if out != "INC-1: postmortem section “Impact” saved (version 2)\n" {
			t.Errorf("set confirms %q", out)
		}
		out = srv.mustCLI(t, admin, "postmortem", "1", "highlight", "5,7")
		if out != "INC-1: postmortem highlights: #5, #7 (version 3)\n" {
			t.Errorf("highlight confirms %q", out)
		}
		if out := srv.mustCLI(t, admin, "--lang", "ja", "postmortem", "1", "set", "lucky", "x"); !strings.Contains(out, "を保存しました") {
			t.Errorf("set in Japanese %q", out)
		}
		var pm client.Postmortem
		out = srv.mustCLI(t, admin, "postmortem", "1", "set", "detection", "Customers told us first.", "--json")
		if err := json.Unmarshal([]byte(out), &pm); err != nil || pm.Detection != "Customers told us first." || pm.Version != 5 {
			t.Errorf("set --json: %v, version %d\n%s", err, pm.Version, out)
		}

		// Remediation priorities in any case.
		out = srv.mustCLI(t, admin, "remediation", "add", "1", "Page on saturation", "--owner", "admin", "--priority", "p2", "--due", "2099-01-01")
		if !strings.Contains(out, "INC-1: remediation 1 added: Page on saturation") || !strings.Contains(out, "Priority: P2") {
			t.Errorf("remediation add confirms:\n%s", out)
		}

		// Lint: warnings alone pass, blocking findings fail the command.
		r := srv.cli(t, admin, "postmortem", "1", "lint")
		if r.err == nil || cli.ExitCode(r.err) != 1 {
			t.Errorf("lint of a draft with empty sections: %v, want exit 1", r.err)
		}
		for k, v := range map[string]string{
			"summary": "Card payments failed for 14 minutes after the payments pool filled.", "response": "Responders disabled client retries.",
			"recovery": "The pool drained within 3 minutes.", "lessons": "Saturation alerts page on-call.", "went_well": "The rollback was quick.",
			"went_poorly": "The alert went to a dashboard.", "lucky": "It was a quiet hour.",
		} {
			srv.mustCLI(t, admin, "postmortem", "1", "set", k, v)
		}
		findings, err := c.LintPostmortem(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		blocking := 0
		for _, f := range findings {
			if f.Blocking {
				blocking++
			}
		}
		r = srv.cli(t, admin, "postmortem", "1", "lint")
		if (blocking == 0) != (r.err == nil) {
			t.Errorf("lint with %d blocking findings of %d: %v\n%s", blocking, len(findings), r.err, r.stdout)
		}
	})
}

// Times are shown in the zone of the token's user, beside UTC, whatever
// the machine's zone (TZ is UTC in every CLI test).
func TestCLITimesInTheUsersZone(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		token := strings.TrimSpace(mustUsers(t, nil, "", "add", "kenji", "--role", "responder", "--time-zone", "Asia/Tokyo", "--db", dsn))
		srv.mustCLI(t, token, "incident", "declare", "--severity", "SEV3", "Search slow")
		inc, err := srv.client(token).Incident(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		want := inc.DeclaredAt.In(mustZone(t, "Asia/Tokyo")).Format("2006-01-02 15:04:05") + " JST (" + inc.DeclaredAt.UTC().Format("15:04") + " UTC)"
		if out := srv.mustCLI(t, token, "incident", "show", "1"); !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
		// A user in UTC reads UTC alone.
		want = inc.DeclaredAt.UTC().Format("2006-01-02 15:04:05") + " UTC"
		if out := srv.mustCLI(t, srv.AdminToken, "incident", "list"); !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	})
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// notifyBuffer is a buffer that tells each write, so that a test waits
// for output rather than for time.
type notifyBuffer struct {
	syncBuffer
	wrote chan struct{}
}

func newNotifyBuffer() *notifyBuffer { return &notifyBuffer{wrote: make(chan struct{}, 1)} }

func (b *notifyBuffer) Write(p []byte) (int, error) {
	n, err := b.syncBuffer.Write(p)
	select {
	case b.wrote <- struct{}{}:
	default:
	}
	return n, err
}

// waitFor waits until the output contains s.
func (b *notifyBuffer) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for !strings.Contains(b.String(), s) {
		select {
		case <-b.wrote:
		case <-deadline:
			t.Fatalf("no %q within 30 s in:\n%s", s, b.String())
		}
	}
}

// watch lists an open intent once, though the timeline it replays holds
// the intent's own event.
func TestCLIWatchShowsAnIntentOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		srv := startServer(t, dsn)
		c := srv.client(srv.AdminToken)
		if _, err := c.Declare(ctx, client.DeclareRequest{Title: "Checkout failing", Severity: "SEV2"}); err != nil {
			t.Fatal(err)
		}
		bob := srv.addUser(t, "bob", "responder")
		if _, err := srv.client(bob).Join(ctx, 1, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := c.StateIntent(ctx, 1, client.IntentRequest{Text: "roll back payments to 4.1", Kind: "action", WindowSeconds: 600}); err != nil {
			t.Fatal(err)
		}
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stdout, stderr := newNotifyBuffer(), newNotifyBuffer()
		done := make(chan error, 1)
		go func() {
			env := envFunc(map[string]string{"HANSEI_URL": srv.URL, "HANSEI_TOKEN": srv.AdminToken})
			done <- run(wctx, []string{"watch", "1"}, env, strings.NewReader(""), stdout, stderr)
		}()
		stdout.waitFor(t, "roll back payments to 4.1")
		if _, err := c.AddNote(ctx, 1, "the marker after the replay"); err != nil {
			t.Fatal(err)
		}
		stdout.waitFor(t, "the marker after the replay")
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("watch: %v\n%s", err, stderr.String())
		}
		out := stdout.String()
		if n := strings.Count(out, "Intent 1 in INC-1"); n != 1 {
			t.Errorf("the intent is shown %d times, want once:\n%s", n, out)
		}
		if !strings.Contains(out, "window ends") {
			t.Errorf("no countdown with the intent:\n%s", out)
		}
	})
}
