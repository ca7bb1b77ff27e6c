package web_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
	"github.com/hansei-dev/hansei/internal/web"
)

// TestSlowSubscriberIsCutOffNotWaitedFor: a subscriber that stops reading
// is cut off once it falls SubscriberBuffer events behind, while writers
// and a subscriber that keeps reading go on with every event, in order.
func TestSlowSubscriberIsCutOffNotWaitedFor(t *testing.T) {
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			db, err := sqldb.Open(ctx, target.DSN)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			alice, _, _ := sqldbtest.CreateUser(ctx, db, hansei.User{Name: "alice", Role: hansei.RoleResponder})
			inc, err := db.Declare(ctx, alice, hansei.Declare{Title: "Busy", Severity: "SEV3"})
			if err != nil {
				t.Fatal(err)
			}
			hub := web.NewHub(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
			db.AfterCommit = func([]hansei.Event) { hub.Wake() }
			if err := hub.Start(ctx, time.Second); err != nil {
				t.Fatal(err)
			}
			defer func() { cancel(); hub.Wait() }()

			slow := hub.Subscribe(inc.Number)
			fast := hub.Subscribe(inc.Number)
			var got []int64
			reading := make(chan struct{})
			go func() {
				defer close(reading)
				for e := range fast.C {
					got = append(got, e.Seq)
					if len(got) == 2*web.SubscriberBuffer {
						return
					}
				}
			}()
			start := time.Now()
			for i := 0; i < 2*web.SubscriberBuffer; i++ {
				if _, _, err := db.Execute(ctx, alice, inc.Number, hansei.AddNote{Text: "note " + strconv.Itoa(i)}); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case <-reading:
			case <-time.After(10 * time.Second):
				t.Fatalf("the reading subscriber got %d of %d events", len(got), 2*web.SubscriberBuffer)
			}
			for i, seq := range got {
				if seq != inc.LastSeq+int64(i)+1 {
					t.Fatalf("reading subscriber: seq %d at %d", seq, i)
				}
			}
			if !slow.Dropped() {
				t.Fatal("the subscriber that never read was not cut off")
			}
			n := 0
			for range slow.C { // closed after what it had buffered
				n++
			}
			if n != web.SubscriberBuffer {
				t.Fatalf("the cut-off subscriber kept %d events, want its buffer of %d", n, web.SubscriberBuffer)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Fatalf("writers took %v: the slow subscriber held them up", took)
			}
		})
	}
}

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
	server := web.New(db, hansei.DefaultScales(), slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	server.Heartbeat = 20 * time.Millisecond
	if err := server.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.Handler())
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
