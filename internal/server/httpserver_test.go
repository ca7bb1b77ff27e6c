package server_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/server"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// TestStreamsOutliveTheWriteTimeout: the main address's http.Server has a
// write timeout, and every live stream (the API's two and the page's) goes
// on delivering events long after it, over HTTP/1.1 (where the stream takes
// the connection over) and HTTP/2 (where it writes through net/http). The
// timeout is shortened to 100 ms so that the test waits a few tenths of a
// second, reading heartbeats, not the minute of the default.
func TestStreamsOutliveTheWriteTimeout(t *testing.T) {
	const writeTimeout = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := sqldb.Open(ctx, sqldbtest.SQLite(t).DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	alice, token, _ := sqldbtest.CreateUser(ctx, db, hansei.User{Name: "alice", Role: hansei.RoleResponder})
	inc, err := db.Declare(ctx, alice, hansei.Declare{Title: "Long night", Severity: "SEV2"})
	if err != nil {
		t.Fatal(err)
	}
	web := server.NewWeb(db, hansei.DefaultScales(), slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	const password = "a passphrase long enough"
	if err := web.App().Users.SetPassword(ctx, app.Console(), "alice", password); err != nil {
		t.Fatal(err)
	}
	_, session, err := web.App().Users.SignIn(ctx, netip.Addr{}, "alice", password)
	if err != nil {
		t.Fatal(err)
	}
	web.Streams.Heartbeat = 20 * time.Millisecond
	db.AfterCommit = func([]hansei.Event) { web.Wake() }
	if err := web.Start(ctx); err != nil {
		t.Fatal(err)
	}
	timeouts := server.DefaultTimeouts()
	timeouts.Write = writeTimeout

	for _, proto := range []string{"HTTP/1.1", "HTTP/2.0"} {
		ts := httptest.NewUnstartedServer(nil)
		ts.Config = web.HTTPServer(timeouts)
		if proto == "HTTP/2.0" {
			ts.EnableHTTP2 = true
			ts.StartTLS()
		} else {
			ts.Start()
		}
		defer ts.Close()
		for _, path := range []string{"/api/v1/incidents/1/stream", "/api/v1/stream", "/incidents/1/events"} {
			t.Run(proto+" "+path, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				req.AddCookie(&http.Cookie{Name: "hansei_session", Value: session.Token})
				start := time.Now()
				resp, err := ts.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if resp.StatusCode != 200 || resp.Proto != proto {
					t.Fatalf("%s %s: %d over %s", proto, path, resp.StatusCode, resp.Proto)
				}
				lines := bufio.NewScanner(resp.Body)
				// Heartbeats until the write timeout is three times over.
				for time.Since(start) < 3*writeTimeout {
					if !lines.Scan() {
						t.Fatalf("the stream ended after %v (write timeout %v): %v", time.Since(start), writeTimeout, lines.Err())
					}
				}
				note := "still here after " + time.Since(start).String()
				if _, _, err := db.Execute(ctx, alice, inc.Number, hansei.AddNote{Text: note}); err != nil {
					t.Fatal(err)
				}
				for lines.Scan() {
					if strings.HasPrefix(lines.Text(), "data: ") && strings.Contains(lines.Text(), note) {
						return
					}
				}
				t.Fatalf("the note committed after the write timeout never arrived: the stream ended after %v: %v",
					time.Since(start), lines.Err())
			})
		}
	}
}
