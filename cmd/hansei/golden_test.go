package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// TestGoldenResponses pins what hansei answers, byte for byte: the JSON
// API, the pages and every public endpoint, for the same data. It starts
// the server through run() on a fixed clock, builds the same data through
// the API on every database (golden_seed_test.go), then sends a broad set
// of requests (golden_reads_test.go), and compares each response (status,
// the headers clients act on, body) with the file recorded for it in
// testdata/golden. The seed's own responses are recorded too.
//
// A difference fails with the request and the first lines that differ.
// After a change that is meant to alter responses, rewrite the files with
//
//	HANSEI_GOLDEN_UPDATE=1 ./scripts/test -run TestGoldenResponses ./cmd/hansei/
//
// and read the diff before committing it: the files are rewritten from
// SQLite, and PostgreSQL is compared with them in the same run.
func TestGoldenResponses(t *testing.T) {
	update := os.Getenv("HANSEI_GOLDEN_UPDATE") == "1"
	for i, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			g := newGolden(t, target, update, i == 0)
			g.seed()
			g.signIn()
			g.seedForms()
			g.settle()
			g.reads()
			if i == 0 {
				g.readLanguages()
			}
			g.finish()
		})
	}
}

// goldenStart is the fixed clock's first reading: a Wednesday morning, a
// working day, so that today has a review agenda.
func goldenStart() time.Time { return time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC) }

// golden is one run of the test against one database.
type golden struct {
	t      *testing.T
	srv    *server
	clock  *testClock
	http   *http.Client
	public string // the public listener, http://host:port
	dir    string
	db     string // "sqlite" or "postgres"
	// first is the first database: with update, it writes the files
	// every database shares.
	first, update bool
	tokens        map[string]string // API tokens by user name
	sessions      map[string]*goldenSession
	// frozen stops the clock: the reads all happen at one time.
	frozen       bool
	replacements []replacement
	names        map[string]int  // requests made so far, by file name
	seen         map[string]bool // golden files this run produced
	differ       int             // responses that differ from their files
}

// goldenSession is a user signed in to the pages.
type goldenSession struct{ cookie, csrf string }

func newGolden(t *testing.T, target sqldbtest.Target, update, first bool) *golden {
	// A webhook receiver that takes every delivery at once, so that the
	// outbox has deliveries to show, all delivered.
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)
	// The status page's address is configured, so that its links (and so
	// its bodies and ETags) do not depend on the port the test gets.
	cfg := filepath.Join(t.TempDir(), "hansei.yaml")
	yaml := "status:\n  name: Example status\n  url: https://status.example.com\n" +
		"notify:\n  allow_private_hosts: [127.0.0.1] # the test receivers listen there\n  webhooks:\n    - url: " + hook.URL + "/hooks/hansei\n      secret: golden-secret\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	clock := &testClock{now: goldenStart()}
	public := freeAddr(t)
	srv := startServerAt(t, clock, target.DSN, "--config", cfg, "--public-addr", public)
	g := &golden{t: t, srv: srv, clock: clock, public: "http://" + public, dir: filepath.Join("testdata", "golden"),
		db: target.Name, first: first, update: update,
		tokens: map[string]string{"admin": srv.AdminToken}, sessions: map[string]*goldenSession{},
		names: map[string]int{}, seen: map[string]bool{}}
	// Redirects are recorded, not followed; bodies come as sent.
	transport := &http.Transport{DisableCompression: true}
	t.Cleanup(transport.CloseIdleConnections)
	g.http = &http.Client{Transport: transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// Ports are picked by the operating system for every run.
	g.replace(srv.URL, "http://hansei.test", "the main listener's port")
	g.replace(g.public, "http://public.hansei.test", "the public listener's port")
	g.replace(hook.URL, "http://webhook.test", "the webhook receiver's port")
	if err := os.MkdirAll(g.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return g
}

// cli runs the command line through run() on the server's clock, for what
// only the command line does (adding users, making sign-in links).
func (g *golden) cli(args ...string) string {
	g.t.Helper()
	if !g.frozen {
		g.clock.Add(time.Minute)
	}
	ctx := context.WithValue(context.Background(), clockKey{}, g.clock.Now)
	var stdout, stderr bytes.Buffer
	args = append(args, "--db", g.srv.DSN)
	if err := run(ctx, args, envFunc(nil), strings.NewReader(""), &stdout, &stderr); err != nil {
		g.t.Fatalf("hansei %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// addUser creates a user with `hansei users add` and keeps its token.
func (g *golden) addUser(name, role string, flags ...string) {
	g.t.Helper()
	g.tokens[name] = g.cli(append([]string{"users", "add", name, "--role", role}, flags...)...)
}

// api sends a JSON API request with name's token; body is sent as written.
func (g *golden) api(as, method, path, body string, want int) []byte {
	g.t.Helper()
	return g.do(goldenRequest{method: method, path: path, as: as, body: body, want: want})
}

// signIn signs the users who read pages in, through a one-time link as a
// browser follows it, and keeps their session cookies and form tokens.
func (g *golden) signIn() {
	g.t.Helper()
	for _, name := range []string{"admin", "bob", "vera", "kenji"} {
		link := g.cli("users", "link", name)
		u, err := url.Parse(link)
		if err != nil {
			g.t.Fatalf("users link printed %q: %v", link, err)
		}
		token := u.Query().Get("token")
		g.replace(token, "SIGN-IN-LINK-"+name, "a sign-in link's token is random")
		if name == "admin" {
			g.do(goldenRequest{method: "GET", path: "/signin/link?token=" + url.QueryEscape(token), want: 200})
		}
		req := goldenRequest{method: "POST", path: "/signin/link", page: true, want: http.StatusSeeOther,
			body: url.Values{"token": {token}}.Encode(), header: []string{"Content-Type", "application/x-www-form-urlencoded"}}
		g.tick(req)
		resp, body := g.send(req)
		g.expect(req, resp, body)
		for _, c := range resp.Cookies() {
			if c.Name == "hansei_session" {
				g.sessions[name] = &goldenSession{cookie: c.Value}
				g.replace(c.Value, "SESSION-"+name, "a session cookie is random")
			}
		}
		if g.sessions[name] == nil {
			g.t.Fatalf("signing %s in set no session cookie:\n%s", name, body)
		}
		g.check(req, g.render(req, resp, body))
		// The form token is on every page; read it from one.
		_, page := g.send(goldenRequest{method: "GET", path: "/settings", as: name, page: true})
		m := csrfField.FindSubmatch(page)
		if m == nil {
			g.t.Fatalf("%s's settings page has no form token:\n%s", name, page)
		}
		g.sessions[name].csrf = string(m[1])
		g.replace(string(m[1]), "CSRF-"+name, "a session's form token is random")
	}
}

// settle stops the clock and waits for what the server does in the
// background: the deliverer sends the outbox, and the status page's cache
// catches up with the data and the stopped clock.
func (g *golden) settle() {
	g.t.Helper()
	g.frozen = true
	var pending []byte
	g.waitFor("the outbox to be delivered", func() bool {
		var out struct{ Items []json.RawMessage }
		_, pending = g.send(goldenRequest{method: "GET", path: "/api/v1/admin/outbox?state=pending", as: "admin"})
		return json.Unmarshal(pending, &out) == nil && len(out.Items) == 0
	}, func() string { return string(pending) })
	// Each delivery has a random id; it shows in the outbox.
	var outbox struct {
		Items []struct {
			ID         int64  `json:"id"`
			DeliveryID string `json:"delivery_id"`
		}
	}
	_, body := g.send(goldenRequest{method: "GET", path: "/api/v1/admin/outbox", as: "admin"})
	if err := json.Unmarshal(body, &outbox); err != nil || len(outbox.Items) == 0 {
		g.t.Fatalf("the outbox: %v\n%s", err, body)
	}
	for _, d := range outbox.Items {
		g.replace(d.DeliveryID, "DELIVERY-ID-"+strconv.FormatInt(d.ID, 10), "a delivery id is random")
	}
	// The cache is rebuilt one build at a time, each reading the clock
	// before the data. Two changes after the clock stopped, each waited
	// for: a build that shows the second read the clock after the build
	// that showed the first had finished, so after the clock stopped.
	// (Public updates, not component changes: an incident's events wake
	// the cache at once, other changes wait for its next poll.)
	g.api("admin", "POST", "/api/v1/incidents/4/public-updates", `{"status":"identified","text":"A slow index on the EU replicas."}`, 200)
	g.waitForStatus(`"text":"A slow index on the EU replicas."`)
	g.api("admin", "POST", "/api/v1/incidents/4/public-updates", `{"text":"A fix is rolling out."}`, 200)
	g.waitForStatus(`"text":"A fix is rolling out."`)
}

// waitForStatus waits until /status.json shows want.
func (g *golden) waitForStatus(want string) {
	g.t.Helper()
	var last []byte
	g.waitFor("the status page to show "+want, func() bool {
		resp, body := g.send(goldenRequest{method: "GET", path: "/status.json"})
		last = body
		return resp.StatusCode == 200 && bytes.Contains(body, []byte(want))
	}, func() string { return string(last) })
}

// waitFor polls until ok, for up to 15 seconds; seen tells, on failure,
// what was there instead. Polling is the one way to see, through HTTP,
// that work the server does in the background is done.
func (g *golden) waitFor(what string, ok func() bool, seen func() string) {
	g.t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			g.t.Fatalf("waited 15 s for %s; it shows:\n%s", what, seen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
