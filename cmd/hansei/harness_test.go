package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// server is a `hansei serve` started through run(), as a user would start
// it, on a real port.
type server struct {
	URL        string
	DSN        string
	AdminToken string
	stderr     *syncBuffer
	cancel     context.CancelFunc
	stopped    chan struct{}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// envFunc turns a map into getenv, so tests never read the real environment.
func envFunc(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// eachDB runs a test against every database kind.
func eachDB(t *testing.T, test func(t *testing.T, dsn string)) {
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) { test(t, target.DSN) })
	}
}

// startServer runs `hansei serve` on dsn and waits until it listens. The
// server stops when the test ends, and must stop cleanly.
func startServer(t testing.TB, dsn string, args ...string) *server {
	t.Helper()
	return startServerAt(t, nil, dsn, args...)
}

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Now().UTC()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// stop ends the server as SIGTERM would and waits for it.
func (s *server) stop() { s.cancel(); <-s.stopped }

// startServerAt is startServer with the server's clock replaced by clock.
func startServerAt(t testing.TB, clock *testClock, dsn string, args ...string) *server {
	t.Helper()
	base := context.Background()
	if clock != nil {
		base = context.WithValue(base, clockKey{}, clock.Now)
	}
	ctx, cancel := context.WithCancel(base)
	pr, pw := io.Pipe()
	srv := &server{DSN: dsn, stderr: &syncBuffer{}, cancel: cancel, stopped: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		argv := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--create"}, args...)
		err := run(ctx, argv, envFunc(nil), strings.NewReader(""), pw, srv.stderr)
		pw.CloseWithError(io.EOF)
		done <- err
		close(srv.stopped)
	}()
	lines := bufio.NewScanner(pr)
	ready := make(chan error, 1)
	go func() {
		for lines.Scan() {
			line := strings.TrimSpace(lines.Text())
			if u, ok := strings.CutPrefix(line, "hansei listening on "); ok {
				srv.URL, _, _ = strings.Cut(u, " ")
			}
			if strings.HasPrefix(line, "hsi_") {
				srv.AdminToken = line
			}
			if srv.URL != "" {
				break
			}
		}
		ready <- lines.Err()
		io.Copy(io.Discard, pr)
	}()
	select {
	case err := <-ready:
		if err != nil || srv.URL == "" {
			cancel()
			t.Fatalf("server did not start: %v\nstderr:\n%s", err, srv.stderr.String())
		}
	case err := <-done:
		cancel()
		t.Fatalf("server exited before listening: %v\nstderr:\n%s", err, srv.stderr.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("server did not start within 30s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-srv.stopped:
			return
		default:
		}
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("server stopped with error: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("server did not stop within 30s of SIGTERM")
		}
	})
	return srv
}

// client returns an API client with token.
func (s *server) client(token string) *client.Client { return client.New(s.URL, token) }

// callAPI sends body to path with token and fails the test unless the
// answer's status is want; it returns the body. A string body is sent as
// it is (JSON written by hand), anything else marshalled; nil sends none.
func (s *server) callAPI(t testing.TB, token, method, path string, body any, want int) []byte {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		raw, _ = json.Marshal(body)
	}
	resp, err := s.client(token).Do(context.Background(), client.Request{Method: method, Path: path, Body: raw})
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if resp.Status != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.Status, want, resp.Body)
	}
	return resp.Body
}

// cliResult is what one CLI invocation printed.
type cliResult struct {
	stdout, stderr string
	err            error
}

// cli runs the hansei command line through run() as the user with token.
func (s *server) cli(t testing.TB, token string, args ...string) cliResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := envFunc(map[string]string{"HANSEI_URL": s.URL, "HANSEI_TOKEN": token, "TZ": "UTC"})
	err := run(context.Background(), args, env, strings.NewReader(""), &stdout, &stderr)
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// mustCLI runs the command line and fails the test if it fails.
func (s *server) mustCLI(t testing.TB, token string, args ...string) string {
	t.Helper()
	r := s.cli(t, token, args...)
	if r.err != nil {
		t.Fatalf("hansei %s: %v\nstderr: %s", strings.Join(args, " "), r.err, r.stderr)
	}
	return r.stdout
}

// addUser runs `hansei users add` against the server's database and returns
// the token it printed.
func (s *server) addUser(t testing.TB, name, role string) string {
	t.Helper()
	out := s.mustCLI(t, "", "users", "add", name, "--role", role, "--db", s.DSN)
	token := strings.TrimSpace(out)
	if !strings.HasPrefix(token, "hsi_") || strings.Contains(token, "\n") {
		t.Fatalf("users add printed %q; want only a token", out)
	}
	return token
}

// clientRequest is a bodiless API request.
func clientRequest(method, path string) client.Request {
	return client.Request{Method: method, Path: path}
}

// sqldbtestPostgres is a fresh PostgreSQL database, if one is configured.
func sqldbtestPostgres(t *testing.T) (string, bool) {
	pg, ok := sqldbtest.Postgres(t)
	return pg.DSN, ok
}

// usersOf is the use cases on users over db, acting as the console
// (app.Console), for tests that look behind the command line.
func usersOf(db *sqldb.DB) *app.Users {
	return app.New(app.Config{Store: db, Now: db.Now}).Users
}
