package server_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/server"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// TestIdleStreamSendsHeartbeats: an idle stream sends a comment every
// heartbeat interval, so proxies keep it open.
func TestIdleStreamSendsHeartbeats(t *testing.T) {
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
	if _, err := db.Declare(ctx, alice, hansei.Declare{Title: "Quiet", Severity: "SEV4"}); err != nil {
		t.Fatal(err)
	}
	web := server.NewWeb(db, hansei.DefaultScales(), slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	web.Streams.Heartbeat = 20 * time.Millisecond
	if err := web.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(web.Handler())
	defer ts.Close()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/v1/incidents/1/stream?after=3", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") || resp.Header.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("headers %v", resp.Header)
	}
	lines := bufio.NewScanner(resp.Body)
	beats := 0
	deadline := time.AfterFunc(5*time.Second, cancel)
	defer deadline.Stop()
	for beats < 3 && lines.Scan() {
		if lines.Text() == ": heartbeat" {
			beats++
		}
	}
	if beats < 3 {
		t.Fatalf("%d heartbeats within 5s at a 20ms interval", beats)
	}
}
