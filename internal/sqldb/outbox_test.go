package sqldb_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
		f.db.FanOut = toEvery(hansei.Target{Channel: "webhook", Address: "http://127.0.0.1:1/a"}, hansei.Target{Channel: "slack", Address: "http://127.0.0.1:1/b"})
		var due []hansei.Notification
		for i := 1; i <= 20; i++ {
			due = append(due, notification(fmt.Sprintf("reminder:%d:2026-11-25:due", i), "bob"))
		}
		if err := f.db.Enqueue(ctx, due); err != nil {
			t.Fatal(err)
		}
		if err := f.db.Enqueue(ctx, due); err != nil { // the scan finds them due again
			t.Fatal(err)
		}
		all, _ := f.db.Outbox(ctx, "", 1000)
		if len(all) != 40 { // 20 notifications × 2 targets, the second write added none
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
		if err := f.db.Enqueue(ctx, []hansei.Notification{notification("reminder:21:2026-11-25:due", "bob")}); err != nil {
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

// toEvery is a fan-out rule that sends every notification to targets,
// as app.FanOut does without email.
func toEvery(targets ...hansei.Target) func(hansei.Notification, hansei.Lookup) ([]hansei.Outgoing, error) {
	return func(n hansei.Notification, _ hansei.Lookup) ([]hansei.Outgoing, error) {
		var out []hansei.Outgoing
		for _, t := range targets {
			out = append(out, hansei.Outgoing{Target: t, Notification: n})
		}
		return out, nil
	}
}

func notification(key string, to ...string) hansei.Notification {
	return hansei.Notification{Key: key, Kind: hansei.NotifyDue, To: to, Subject: "Remediation is due today", Text: "…"}
}

// TestNotificationsCommitWithTheirChange: the fan-out rule runs in the
// transaction of the change that caused the notification, sees the
// recipients as that transaction does, and its rows commit or roll back
// with the change; a rule that fails refuses the change.
func TestNotificationsCommitWithTheirChange(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		var looked []string
		var fail error
		f.db.FanOut = func(n hansei.Notification, look hansei.Lookup) ([]hansei.Outgoing, error) {
			if fail != nil {
				return nil, fail
			}
			for _, r := range n.About {
				inc, err := look.Incident(r.Incident)
				looked = append(looked, fmt.Sprintf("%s:%s", inc.Ref(), hansei.ErrorCode(err)))
			}
			var out []hansei.Outgoing
			for _, name := range n.To {
				u, err := look.User(name)
				looked = append(looked, fmt.Sprintf("%s:%s", name, hansei.ErrorCode(err)))
				if err == nil {
					out = append(out, hansei.Outgoing{Target: hansei.Target{Channel: "email", Address: u.Name + "@example.com"}, Notification: n})
				}
			}
			return out, nil
		}
		f.declare(t, "Checkout failing", "SEV2")
		due := "2026-12-01"
		if _, err := f.db.CreateRemediation(ctx, f.alice, 1, hansei.RemediationInput{Title: ptr("Fix"), Owner: ptr("bob"), Priority: ptr("P1"), Due: &due}); err != nil {
			t.Fatal(err)
		}
		// Refused after the handover was queued (there is no why 9): the
		// notification rolls back with the change.
		if _, err := f.db.ChangeRemediation(ctx, f.alice, 1, hansei.RemediationInput{Owner: ptr("alice"), WhyNode: ptr(int64(9))}, ""); err == nil {
			t.Fatal("a link to a missing why was accepted")
		}
		fail = errors.New("no route")
		if _, err := f.db.ChangeRemediation(ctx, f.alice, 1, hansei.RemediationInput{Owner: ptr("alice")}, ""); err == nil || !strings.Contains(err.Error(), "no route") {
			t.Fatalf("a failing fan-out: %v, want the change refused with its error", err)
		}
		if r, _ := f.db.Remediation(ctx, f.alice, 1); r.Owner != "bob" {
			t.Fatalf("owner %q after refused handovers", r.Owner)
		}
		fail = nil
		if _, err := f.db.ChangeRemediation(ctx, f.alice, 1, hansei.RemediationInput{Owner: ptr("alice")}, ""); err != nil {
			t.Fatal(err)
		}
		rows, err := f.db.Outbox(ctx, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Channel != "email" || rows[0].Target != "alice@example.com" || rows[0].State != "pending" {
			t.Fatalf("outbox %+v, want alice's handover only", rows)
		}
		var n hansei.Notification
		if err := json.Unmarshal(rows[0].Payload, &n); err != nil || n.Kind != hansei.NotifyHandover || n.Key != rows[0].Key || !slices.Equal(n.To, []string{"alice"}) {
			t.Fatalf("payload %s (%v), want the handover notification as JSON", rows[0].Payload, err)
		}
		if strings.Join(looked, " ") != "INC-1: alice: INC-1: alice:" {
			t.Fatalf("the rule looked up %v", looked)
		}

		// A recipient who is not a user is not found, and nothing else breaks.
		if err := f.db.Enqueue(ctx, []hansei.Notification{notification("k", "gone")}); err != nil {
			t.Fatal(err)
		}
		if looked[len(looked)-1] != "gone:"+hansei.ENOTFOUND {
			t.Fatalf("lookup of a missing user: %v", looked)
		}
	})
}
