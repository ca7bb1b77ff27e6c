package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/client"
)

// The database's own findings of the red-team pass (5, 13, 14 of issue
// 15): a database deleted under a running server, a missing database
// silently made anew on restart, files readable by everyone, and commits
// that a power loss could take back.

// serveRefused runs `hansei serve` with args and wants it to refuse to
// start, with one line containing every want.
func serveRefused(t *testing.T, getenv func(string) string, args []string, want ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout strings.Builder
	err := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), getenv, strings.NewReader(""), &stdout, io.Discard)
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hansei serve %s started (%v); want it refused", strings.Join(args, " "), err)
	}
	line := errorLine(err)
	for _, w := range want {
		if strings.Contains(line, "\n") || !strings.Contains(line, w) {
			t.Fatalf("hansei serve %s: error %q; want one line containing %q", strings.Join(args, " "), line, w)
		}
	}
	if strings.Contains(stdout.String(), "First run") {
		t.Fatalf("a refused start printed a first run:\n%s", stdout.String())
	}
}

// readyz answers GET /readyz: the status and the JSON body.
func readyz(t *testing.T, srv *server) (int, map[string]string) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("GET /readyz: %d, body is not JSON: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, body
}

// TestDatabaseRemovedUnderServer is finding 5 as it was found: the
// database is deleted under a running server (the SQLite file removed; on
// PostgreSQL, its tables dropped). /readyz said ready and writes answered
// 200; on restart a new, empty database and a fresh admin were made
// without a word. Now /readyz answers 503 with the reason, writes fail,
// and the restart is refused until --create asks for a new database.
func TestDatabaseRemovedUnderServer(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		path, isSQLite := strings.CutPrefix(dsn, "sqlite:")
		// A database that was never made is not made without --create either.
		serveRefused(t, envFunc(nil), []string{"--db", dsn}, "does not exist", "--create")
		if isSQLite {
			if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("a refused start left a database file: %v", err)
			}
		}
		srv := startServer(t, dsn) // with --create
		c := srv.client(srv.AdminToken)
		ctx := context.Background()
		if _, err := c.Declare(ctx, client.DeclareRequest{Title: "Checkout failing", Severity: "SEV2"}); err != nil {
			t.Fatal(err)
		}
		if status, body := readyz(t, srv); status != 200 || body["status"] != "ready" {
			t.Fatalf("GET /readyz before: %d %v", status, body)
		}

		if isSQLite {
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				os.Remove(p)
			}
		} else {
			db, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.Exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`)
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		status, body := readyz(t, srv)
		if status != http.StatusServiceUnavailable || body["status"] != "not ready" || body["reason"] == "" {
			t.Errorf("GET /readyz after the database was deleted: %d %v; want 503, not ready, with a reason", status, body)
		}
		if isSQLite && (strings.Contains(body["reason"], path) || !strings.Contains(body["reason"], "removed or replaced")) {
			t.Errorf("reason %q: want what happened, without the path", body["reason"])
		}
		if !strings.Contains(srv.stderr.String(), "not ready") {
			t.Errorf("no log line says the server is not ready:\n%s", srv.stderr.String())
		}
		if _, err := c.Declare(ctx, client.DeclareRequest{Title: "Written where nobody will find it", Severity: "SEV3"}); err == nil {
			t.Error("a declaration succeeded after the database was deleted")
		}
		srv.stop()

		serveRefused(t, envFunc(nil), []string{"--db", dsn}, "does not exist", "--create")
		serveRefused(t, envFunc(map[string]string{"HANSEI_DB": dsn}), nil, "does not exist", "--create")
		again := startServer(t, dsn) // --create: a new database, said so
		if again.AdminToken == "" {
			t.Error("a new database made with --create printed no first-run admin token")
		}
	})
}

// TestFirstRunCreatesTheDefaultDatabase: with nothing configured, the
// first `hansei serve` makes hansei.db in the working directory, as the
// README says, and makes it 0600 (finding 13: it was 0644), and logs how
// it keeps its data (finding 14). A file that others may read is left as
// it is, with a warning.
func TestFirstRunCreatesTheDefaultDatabase(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	out, log := serveOnce(t)
	if !strings.Contains(out, "First run: created the user \"admin\"") {
		t.Errorf("the first run printed no first-run instructions:\n%s", out)
	}
	for _, name := range []string{"hansei.db", "hansei.db-wal", "hansei.db-shm"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if name != "hansei.db" && errors.Is(err, fs.ErrNotExist) {
			continue // the last connection to close may remove them
		}
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want -rw------- (0600)", name, fi.Mode().Perm())
		}
	}
	if !strings.Contains(log, "database opened") || !strings.Contains(log, "synchronous=full") {
		t.Errorf("the start does not log the database's synchronous setting:\n%s", log)
	}
	if strings.Contains(log, "other users") {
		t.Errorf("a warning about the files' mode on files hansei made:\n%s", log)
	}

	if err := os.Chmod(filepath.Join(dir, "hansei.db"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, log = serveOnce(t)
	if strings.Contains(out, "First run") {
		t.Errorf("the second start made a first run:\n%s", out)
	}
	if !strings.Contains(log, "readable or writable by other users") || !strings.Contains(log, "mode=-rw-r--r--") {
		t.Errorf("no warning about a database file others may read:\n%s", log)
	}
	if fi, err := os.Stat(filepath.Join(dir, "hansei.db")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("the file's mode was changed behind the operator's back: %v %v", fi.Mode(), err)
	}
}

// serveOnce runs `hansei serve` with nothing configured until it listens,
// stops it, and returns what it printed and logged.
func serveOnce(t *testing.T) (stdout, stderr string) {
	t.Helper()
	var log syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	pr, pw := io.Pipe()
	go func() {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, envFunc(nil), strings.NewReader(""), pw, &log)
		pw.CloseWithError(io.EOF)
		stopped <- err
	}()
	var out strings.Builder
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		if strings.HasPrefix(lines.Text(), "hansei listening on ") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	cancel()
	if err := <-stopped; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("serve: %v\n%s", err, log.String())
	}
	return out.String(), log.String()
}

// TestSynchronousIsConfigurable: database.sqlite_synchronous: normal is
// what the server runs, and what it logs.
func TestSynchronousIsConfigurable(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "hansei.yaml")
	if err := os.WriteFile(cfg, []byte("database:\n  sqlite_synchronous: normal\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, "sqlite:"+filepath.Join(dir, "hansei.db"), "--config", cfg)
	if log := srv.stderr.String(); !strings.Contains(log, "synchronous=normal") {
		t.Errorf("the start does not log synchronous=normal:\n%s", log)
	}
}
