package live_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/live"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
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
			hub := live.NewHub(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
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
					if len(got) == 2*live.SubscriberBuffer {
						return
					}
				}
			}()
			start := time.Now()
			for i := 0; i < 2*live.SubscriberBuffer; i++ {
				if _, _, err := db.Execute(ctx, alice, inc.Number, hansei.AddNote{Text: "note " + strconv.Itoa(i)}); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case <-reading:
			case <-time.After(10 * time.Second):
				t.Fatalf("the reading subscriber got %d of %d events", len(got), 2*live.SubscriberBuffer)
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
			if n != live.SubscriberBuffer {
				t.Fatalf("the cut-off subscriber kept %d events, want its buffer of %d", n, live.SubscriberBuffer)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Fatalf("writers took %v: the slow subscriber held them up", took)
			}
		})
	}
}
