package scheduler_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/scheduler"
	"github.com/hansei-dev/hansei/internal/scheduler/schedulertest"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// TestExpireIntentsOnceUnderALease moves a test clock past an intent's
// window on every database: the job expires it once, a second run finds
// nothing, and a second scheduler waits while the first holds the lease.
func TestExpireIntentsOnceUnderALease(t *testing.T) {
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			db, err := sqldb.Open(ctx, target.DSN)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			db.Now = clock
			alice, _, _ := sqldbtest.CreateUser(ctx, db, hansei.User{Name: "alice", Role: hansei.RoleResponder})
			bob, _, _ := sqldbtest.CreateUser(ctx, db, hansei.User{Name: "bob", Role: hansei.RoleResponder})
			if _, err := db.Declare(ctx, alice, hansei.Declare{Title: "Disk full", Severity: "SEV3"}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.Execute(ctx, bob, 1, hansei.Join{}); err != nil {
				t.Fatal(err)
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			jobs := scheduler.Jobs(scheduler.Deps{Store: db, Now: clock})
			first := scheduler.New(schedulertest.NewClock(t, now), db, log)
			first.Add(jobs...)
			second := scheduler.New(schedulertest.NewClock(t, now), db, log)
			second.Add(jobs...)
			expired := 0
			state := func(text string, window time.Duration) {
				t.Helper()
				if _, _, err := db.Execute(ctx, bob, 1, hansei.StateIntent{Text: text, Kind: hansei.IntentAction, Window: window}); err != nil {
					t.Fatal(err)
				}
			}
			// expire runs the job as the scheduler's loop would, and checks
			// how many intents are expired afterwards.
			expire := func(s *scheduler.Scheduler, want int, why string) {
				t.Helper()
				if _, err := s.RunOnce(ctx, "expire-intents"); err != nil {
					t.Fatalf("%s: %v", why, err)
				}
				inc, err := db.Incident(ctx, alice, 1)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, in := range inc.Intents {
					if in.State == hansei.IntentExpired {
						n++
					}
				}
				if n-expired != want {
					t.Fatalf("%s: expired %d, want %d", why, n-expired, want)
				}
				expired = n
			}

			state("delete old logs", 5*time.Second)
			expire(first, 0, "inside the window")
			now = now.Add(5 * time.Second)
			expire(first, 1, "at the window's end") // and takes the lease for 10s
			expire(first, 0, "a second run")

			state("rotate the certificate", time.Second)
			now = now.Add(time.Second)
			expire(second, 0, "while the first holds the lease")
			expire(first, 1, "the lease holder")

			now = now.Add(20 * time.Second) // the first's lease has lapsed
			state("restart the queue", time.Second)
			now = now.Add(time.Second)
			expire(second, 1, "after the first's lease lapsed")

			inc, err := db.Incident(ctx, alice, 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range inc.Intents {
				if in.State != hansei.IntentExpired {
					t.Fatalf("intent %d is %s", in.ID, in.State)
				}
			}
		})
	}
}
