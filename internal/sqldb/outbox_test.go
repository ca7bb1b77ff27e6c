package sqldb_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb"
)

// TestOutboxDeliversEachRowOnce: two workers on two handles claim every
// notification exactly once; failures back off and park after hansei.MaxAttempts;
// an admin retry puts a parked delivery back.
func TestOutboxDeliversEachRowOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.db.Targets = []hansei.Target{{Channel: "webhook", Address: "http://127.0.0.1:1/a"}, {Channel: "slack", Address: "http://127.0.0.1:1/b"}}
		f.declare(t, "Checkout failing", "SEV2")
		due := f.now.Format("2006-01-02")
		for i := 0; i < 20; i++ {
			if _, err := f.db.CreateRemediation(ctx, f.alice, 1, hansei.RemediationInput{Title: ptr("Fix"), Owner: ptr("bob"), Priority: ptr("P1"), Due: &due}); err != nil {
				t.Fatal(err)
			}
		}
		n, err := f.db.ScanReminders(ctx, due, hansei.DefaultReminderPolicy())
		if err != nil || n != 20 {
			t.Fatalf("scan: %d, %v; want 20 due reminders", n, err)
		}
		if again, err := f.db.ScanReminders(ctx, due, hansei.DefaultReminderPolicy()); err != nil || again != 20 {
			t.Fatalf("second scan: %d, %v", again, err)
		}
		all, _ := f.db.Outbox(ctx, "", 1000)
		if len(all) != 40 { // 20 reminders × 2 targets, the second scan added none
			t.Fatalf("%d outbox rows, want 40", len(all))
		}

		other, err := sqldb.Open(ctx, f.dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		other.Now = f.db.Now
		var mu sync.Mutex
		claimed := map[int64]int{}
		var wg sync.WaitGroup
		for _, db := range []*sqldb.DB{f.db, other, f.db, other} {
			wg.Add(1)
			go func(db *sqldb.DB) {
				defer wg.Done()
				for {
					batch, err := db.ClaimDeliveries(ctx, 3, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(batch) == 0 {
						return
					}
					for _, d := range batch {
						mu.Lock()
						claimed[d.ID]++
						mu.Unlock()
						if err := db.FinishDelivery(ctx, d, nil); err != nil {
							t.Error(err)
						}
					}
				}
			}(db)
		}
		wg.Wait()
		if len(claimed) != 40 {
			t.Fatalf("%d rows claimed, want 40", len(claimed))
		}
		for id, times := range claimed {
			if times != 1 {
				t.Fatalf("row %d claimed %d times", id, times)
			}
		}

		// Failures back off, then park.
		f.declare(t, "Search slow", "SEV3")
		if _, err := f.db.CreateRemediation(ctx, f.alice, 2, hansei.RemediationInput{Title: ptr("Index"), Owner: ptr("bob"), Priority: ptr("P2"), Due: &due}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.ScanReminders(ctx, due, hansei.DefaultReminderPolicy()); err != nil {
			t.Fatal(err)
		}
		for attempt := 1; attempt <= hansei.MaxAttempts; attempt++ {
			batch, err := f.db.ClaimDeliveries(ctx, 1, time.Minute)
			if err != nil || len(batch) != 1 || batch[0].Attempts != attempt {
				t.Fatalf("attempt %d: %+v %v", attempt, batch, err)
			}
			if err := f.db.FinishDelivery(ctx, batch[0], errors.New("HTTP 503")); err != nil {
				t.Fatal(err)
			}
			if again, _ := f.db.ClaimDeliveries(ctx, 1, time.Minute); len(again) != 0 && attempt < hansei.MaxAttempts {
				// the other target's row may be due; only this row's backoff matters
				if again[0].ID == batch[0].ID {
					t.Fatalf("retried before its backoff")
				}
				f.db.FinishDelivery(ctx, again[0], nil)
			}
			f.now = f.now.Add(2 * time.Hour) // past any backoff
		}
		parked, _ := f.db.Outbox(ctx, "parked", 10)
		if len(parked) != 1 || parked[0].LastError != "HTTP 503" {
			t.Fatalf("parked: %+v", parked)
		}
		if err := f.db.RetryDelivery(ctx, parked[0].ID); err != nil {
			t.Fatal(err)
		}
		if batch, _ := f.db.ClaimDeliveries(ctx, 5, time.Minute); len(batch) != 1 || batch[0].ID != parked[0].ID || batch[0].Attempts != 1 {
			t.Fatalf("after retry: %+v", batch)
		}
	})
}

func TestBackoffGrowsWithJitterAndCaps(t *testing.T) {
	for attempts, bounds := range map[int][2]time.Duration{1: {5 * time.Second, 15 * time.Second}, 4: {40 * time.Second, 120 * time.Second}, 20: {30 * time.Minute, 90 * time.Minute}} {
		for i := 0; i < 50; i++ {
			if d := sqldb.Backoff(attempts); d < bounds[0] || d > bounds[1] {
				t.Fatalf("Backoff(%d) = %v, want within %v", attempts, d, bounds)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestNotificationsEmailRecipientsWhoChoseEmail: with email configured, a
// notification also goes to each recipient who chose email and gave an
// address, and to nobody who chose none.
func TestNotificationsEmailRecipientsWhoChoseEmail(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.db.Email = true
		for _, u := range []hansei.User{
			{Name: "carla", Role: hansei.RoleResponder, Email: "carla@example.com"},
			{Name: "dave", Role: hansei.RoleResponder, Email: "dave@example.com", Channel: "none"},
		} {
			if _, err := f.db.CreateUser(ctx, u, "hash of "+u.Name+"'s token"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.db.CreateUser(ctx, hansei.User{Name: "erin", Role: hansei.RoleResponder, Email: "not an address"}, "hash of erin's token"); hansei.ErrorFields(err)["email"] == "" {
			t.Fatalf("a bad email address was accepted: %v", err)
		}
		f.declare(t, "Checkout failing", "SEV2")
		due := "2026-12-01"
		if _, err := f.db.CreateRemediation(ctx, f.alice, 1, hansei.RemediationInput{Title: ptr("Fix"), Owner: ptr("bob"), Priority: ptr("P1"), Due: &due}); err != nil {
			t.Fatal(err)
		}
		for _, owner := range []string{"carla", "dave"} {
			if _, err := f.db.ChangeRemediation(ctx, f.alice, 1, hansei.RemediationInput{Owner: ptr(owner)}, ""); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := f.db.Outbox(ctx, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		var targets []string
		for _, d := range rows {
			targets = append(targets, d.Channel+":"+d.Target)
		}
		if strings.Join(targets, " ") != "email:carla@example.com" {
			t.Fatalf("outbox targets %v, want only carla's email", targets)
		}
	})
}

// TestDailyDigestOncePerOwnerAndDay: each owner with open remediations gets
// one digest a day, listing them most pressing first; done work is left out.
func TestDailyDigestOncePerOwnerAndDay(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.db.Targets = []hansei.Target{{Channel: "webhook", Address: "http://127.0.0.1:1/hook"}}
		f.declare(t, "Checkout failing", "SEV2")
		for _, r := range []struct{ owner, due string }{{"bob", "2027-02-01"}, {"bob", "2027-01-01"}, {"alice", "2027-03-01"}} {
			due := r.due
			if _, err := f.db.CreateRemediation(ctx, f.alice, 1, hansei.RemediationInput{Title: ptr("Fix"), Owner: ptr(r.owner), Priority: ptr("P2"), Due: &due}); err != nil {
				t.Fatal(err)
			}
		}
		done := hansei.RemediationDone
		if _, err := f.db.ChangeRemediation(ctx, f.alice, 3, hansei.RemediationInput{Status: &done}, "shipped"); err != nil {
			t.Fatal(err)
		}
		policy := hansei.DefaultReminderPolicy()
		policy.Digest = true
		for _, day := range []string{"2026-11-25", "2026-11-25", "2026-11-26"} {
			if _, err := f.db.ScanReminders(ctx, day, policy); err != nil {
				t.Fatal(err)
			}
		}
		rows, _ := f.db.Outbox(ctx, "", 100)
		var keys []string
		for _, d := range rows {
			keys = append(keys, d.Key)
			var n hansei.Notification
			json.Unmarshal(d.Payload, &n)
			if ids, _ := n.Data["remediations"].([]any); len(ids) != 2 || ids[0].(float64) != 2 {
				t.Fatalf("digest %s lists %v, want [2 1] (bob's open ones, the earliest due first)", d.Key, n.Data["remediations"])
			}
		}
		slices.Sort(keys)
		if strings.Join(keys, " ") != "digest:bob:2026-11-25 digest:bob:2026-11-26" {
			t.Fatalf("digests %v", keys)
		}
	})
}
