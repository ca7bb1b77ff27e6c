package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// collector gathers a live stream's events for assertions.
type collector struct {
	mu     sync.Mutex
	events []hansei.Event
	ids    []int64
}

func (c *collector) add(id int64, e hansei.Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, e)
	c.ids = append(c.ids, id)
	return nil
}

// waitFor waits until the stream has delivered an event of type typ, or fails.
func (c *collector) waitFor(t *testing.T, typ string) hansei.Event {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		for _, e := range c.events {
			if e.Type == typ {
				c.mu.Unlock()
				return e
			}
		}
		c.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s event arrived on the stream within 10s", typ)
	return hansei.Event{}
}

func (c *collector) seqs() []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int64(nil), c.ids...)
}

// follow streams incident n into a collector until the test ends.
func follow(t *testing.T, c *client.Client, n, after int64) *collector {
	col := &collector{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Stream(ctx, n, after, col.add)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return col
}

// TestStatementOfIntentStory runs the seed's story through the binary:
// a stand-down refused while holding a role, stated after the handover,
// objected to, the objection lifted, acknowledged by the commander (which
// stands the author down, live for everyone), a rejoin, and an action that
// nobody acknowledged expiring when the clock passes its window.
func TestStatementOfIntentStory(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		clock := newTestClock()
		srv := startServerAt(t, clock, dsn)
		admin := srv.AdminToken
		bob := srv.addUser(t, "bob", "responder")
		dave := srv.addUser(t, "dave", "responder")
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "Checkout failing")
		srv.mustCLI(t, bob, "incident", "join", "1")
		srv.mustCLI(t, dave, "incident", "join", "1")
		srv.mustCLI(t, admin, "incident", "role", "1", "scribe", "bob")
		live := follow(t, srv.client(dave), 1, 0)

		r := srv.cli(t, bob, "intent", "1", "--stand-down", "travel to a medical appointment")
		if r.err == nil || !strings.Contains(errorLine(r.err), "you hold scribe in INC-1; hand it over before standing down: hansei incident role 1 scribe USER") {
			t.Fatalf("stand-down while holding a role: %v", r.err)
		}
		srv.mustCLI(t, admin, "incident", "role", "1", "scribe", "dave")
		out := srv.mustCLI(t, bob, "intent", "1", "--stand-down", "travel to a medical appointment")
		if !strings.Contains(out, "Intent 1 in INC-1 by bob (stand down)") || !strings.Contains(out, "waiting for: admin") {
			t.Fatalf("intent output:\n%s", out)
		}
		live.waitFor(t, hansei.EventIntentStated)

		if r := srv.cli(t, bob, "ack", "1"); r.err == nil || !strings.Contains(errorLine(r.err), "nobody acknowledges their own intent") {
			t.Fatalf("self-acknowledgement: %v", r.err)
		}
		if r := srv.cli(t, dave, "ack", "1"); r.err == nil || !strings.Contains(errorLine(r.err), "waits for the incident commander, admin") {
			t.Fatalf("acknowledgement by a non-commander: %v", r.err)
		}
		srv.mustCLI(t, dave, "object", "1", "--reason", "wait until the rollback is verified")
		if r := srv.cli(t, admin, "ack", "1"); r.err == nil || !strings.Contains(errorLine(r.err), "dave objected to intent 1") {
			t.Fatalf("acknowledgement over an objection: %v", r.err)
		}
		if r := srv.cli(t, admin, "lift", "1"); r.err == nil || !strings.Contains(errorLine(r.err), "only dave") {
			t.Fatalf("lifting someone else's objection: %v", r.err)
		}
		srv.mustCLI(t, dave, "lift", "1")
		out = srv.mustCLI(t, admin, "ack", "1")
		if !strings.Contains(out, "acknowledged by: admin") {
			t.Fatalf("ack output:\n%s", out)
		}
		stood := live.waitFor(t, hansei.EventResponderStoodDown)
		if !strings.Contains(string(stood.Data), `"user":"bob"`) {
			t.Fatalf("stood down: %s", stood.Data)
		}
		inc, err := srv.client(dave).Incident(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := inc.Responder("bob"); r.State != hansei.ResponderStoodDown {
			t.Fatalf("bob is %q after the acknowledged stand-down", r.State)
		}
		if in, _ := inc.Intent(1); in.State != hansei.IntentAcknowledged || len(in.Objections) != 1 || in.Objections[0].LiftedAt == nil {
			t.Fatalf("intent 1 after acknowledgement: %+v", in)
		}
		if r := srv.cli(t, bob, "intent", "1", "--action", "anything"); r.err == nil || !strings.Contains(errorLine(r.err), "join first") {
			t.Fatalf("a stood-down responder stated an intent: %v", r.err)
		}
		srv.mustCLI(t, bob, "incident", "join", "1") // a stood-down responder can rejoin

		// Silence is not consent: nobody answers, the clock passes the window.
		srv.mustCLI(t, dave, "intent", "1", "--action", "restart the primary database", "--ack-from", "all", "--window", "2m")
		clock.Add(2*time.Minute + time.Second)
		expired := live.waitFor(t, hansei.EventIntentExpired)
		if expired.Actor != hansei.SystemActor {
			t.Fatalf("expired by %q", expired.Actor)
		}
		list, err := srv.client(dave).Intents(context.Background(), 1)
		if err != nil || list.Items[0].State != hansei.IntentExpired || len(list.Items[0].AcknowledgedBy) != 0 {
			t.Fatalf("intent 2 after its window: %+v %v", list.Items[0], err)
		}
		// The stream delivered every event once, in order.
		for i, seq := range live.seqs() {
			if seq != int64(i+1) {
				t.Fatalf("stream ids %v: gap or repeat at %d", live.seqs(), i)
			}
		}
	})
}

// TestIntentExpiresAfterRestart: an intent whose window ends while the
// server is down expires when it starts again.
func TestIntentExpiresAfterRestart(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		clock := newTestClock()
		first := startServerAt(t, clock, dsn)
		admin := first.AdminToken
		bob := first.addUser(t, "bob", "responder")
		first.mustCLI(t, admin, "incident", "declare", "--severity", "SEV3", "Disk filling")
		first.mustCLI(t, bob, "incident", "join", "1")
		first.mustCLI(t, bob, "intent", "1", "--action", "delete old WAL segments", "--window", "30s")
		first.stop()
		clock.Add(time.Hour)
		second := startServerAt(t, clock, dsn)
		deadline := time.Now().Add(10 * time.Second)
		for {
			list, err := second.client(admin).Intents(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			if list.Items[0].State == hansei.IntentExpired {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("intent still %s after restart", list.Items[0].State)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// TestStreamResumesWithLastEventID: a client that reconnects with the id of
// the last event it saw gets exactly the events after it.
func TestStreamResumesWithLastEventID(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		c := srv.client(srv.AdminToken)
		srv.mustCLI(t, srv.AdminToken, "incident", "declare", "--severity", "SEV3", "Queue backlog")
		for i := 0; i < 5; i++ {
			if _, err := c.AddNote(context.Background(), 1, "note"); err != nil {
				t.Fatal(err)
			}
		}
		resumed := follow(t, c, 1, 6) // saw up to #6 before the connection dropped
		if _, err := c.AddNote(context.Background(), 1, "after the reconnect"); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for len(resumed.seqs()) < 3 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got := resumed.seqs(); len(got) != 3 || got[0] != 7 || got[1] != 8 || got[2] != 9 {
			t.Fatalf("resumed stream ids %v, want [7 8 9]", got)
		}
	})
}

// TestStreamOfAllIncidentsHidesRestricted: the dashboard stream carries
// every incident's events with global positions, resumes by position, and
// never shows a restricted incident to someone outside it.
func TestStreamOfAllIncidentsHidesRestricted(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		admin := srv.client(srv.AdminToken)
		bob := srv.client(srv.addUser(t, "bob", "responder"))
		ctx := context.Background()
		if _, err := admin.Declare(ctx, client.DeclareRequest{Title: "Public", Severity: "SEV3"}); err != nil {
			t.Fatal(err)
		}
		all := &collector{}
		sctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); bob.Stream(sctx, 0, 0, all.add) }()
		defer func() { cancel(); <-done }()
		if _, err := admin.Declare(ctx, client.DeclareRequest{Title: "Credential leak", Severity: "SEV1", Visibility: "restricted"}); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.AddNote(ctx, 1, "public note"); err != nil {
			t.Fatal(err)
		}
		all.waitFor(t, hansei.EventNoteAdded)
		all.mu.Lock()
		defer all.mu.Unlock()
		var prev int64
		for i, e := range all.events {
			if e.Incident != 1 {
				t.Fatalf("bob saw an event of restricted INC-%d: %+v", e.Incident, e)
			}
			if all.ids[i] != e.Pos || e.Pos <= prev {
				t.Fatalf("ids %v are not increasing global positions", all.ids)
			}
			prev = e.Pos
		}
		if len(all.events) != 4 { // INC-1: declared, joined, commander, note
			t.Fatalf("bob saw %d events of INC-1, want 4", len(all.events))
		}
	})
}

// TestShutdownEndsStreamsAndStops: SIGTERM (the context given to run
// ending) stops the server cleanly even while streams are open; the streams
// end, and their clients would resume elsewhere by Last-Event-ID.
func TestShutdownEndsStreamsAndStops(t *testing.T) {
	srv := startServer(t, sqldbtest.SQLite(t).DSN)
	c := srv.client(srv.AdminToken)
	if _, err := c.Declare(context.Background(), client.DeclareRequest{Title: "Open stream", Severity: "SEV4"}); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	got := make(chan struct{}, 8)
	go func() {
		_, err := c.Stream(context.Background(), 1, 0, func(int64, hansei.Event) error { got <- struct{}{}; return nil })
		ended <- err
	}()
	<-got // the stream is live
	stopped := make(chan struct{})
	go func() { srv.stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop within 10s with a stream open")
	}
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end when the server stopped")
	}
}
