package scheduler_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/scheduler"
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
			alice, _, _ := db.CreateUser(ctx, hansei.User{Name: "alice", Role: hansei.RoleResponder})
			bob, _, _ := db.CreateUser(ctx, hansei.User{Name: "bob", Role: hansei.RoleResponder})
			if _, err := db.Declare(ctx, alice, hansei.Declare{Title: "Disk full", Severity: "SEV3"}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.Execute(ctx, bob, 1, hansei.Join{}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.Execute(ctx, bob, 1, hansei.StateIntent{Text: "delete old logs", Kind: hansei.IntentAction, Window: 5 * time.Second}); err != nil {
				t.Fatal(err)
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			first := scheduler.New(db, clock, log)
			second := scheduler.New(db, clock, log)

			if n, err := first.ExpireIntents(ctx); err != nil || n != 0 {
				t.Fatalf("inside the window: expired %d, %v", n, err)
			}
			now = now.Add(5 * time.Second) // the window ends; the first's 10s lease does not
			if n, err := second.ExpireIntents(ctx); err != nil || n != 0 {
				t.Fatalf("second scheduler ran while the first held the lease: expired %d, %v", n, err)
			}
			if n, err := first.ExpireIntents(ctx); err != nil || n != 1 {
				t.Fatalf("at the window's end: expired %d, %v; want 1", n, err)
			}
			if n, err := first.ExpireIntents(ctx); err != nil || n != 0 {
				t.Fatalf("second run: expired %d, %v; want 0", n, err)
			}
			inc, err := db.Incident(ctx, alice, 1)
			if err != nil {
				t.Fatal(err)
			}
			if in, _ := inc.Intent(1); in.State != hansei.IntentExpired {
				t.Fatalf("intent is %s", in.State)
			}
			now = now.Add(time.Minute) // the first holder's lease has lapsed
			if _, err := second.ExpireIntents(ctx); err != nil {
				t.Fatal(err)
			}
			if held, _ := db.AcquireLease(ctx, "expire-intents", "someone-else", time.Second); held {
				t.Fatal("a third holder took a lease the second holds")
			}
		})
	}
}
