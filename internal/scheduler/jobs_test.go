package scheduler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/internal/scheduler"
	"github.com/hansei-dev/hansei/internal/sqldb"
)

type outbox struct{ wake chan struct{} }

func (outbox) DeliverOnce(context.Context) (int, error) { return 0, nil }
func (o outbox) Wake()                                  {}
func (o outbox) Woken() <-chan struct{}                 { return o.wake }

type statusPage struct{ changes chan struct{} }

func (statusPage) Refresh(context.Context) error { return nil }
func (statusPage) UntilRebuild() time.Duration   { return time.Minute }
func (s statusPage) Changes() <-chan struct{}    { return s.changes }

// TestWhereJobsRun: the jobs that work on shared rows hold a lease, so
// that one instance runs each; the deliverer (its claims are exclusive
// already) and the status page (a cache in each instance's memory) run on
// every instance, and both can be woken.
func TestWhereJobsRun(t *testing.T) {
	jobs := scheduler.Jobs(scheduler.Deps{Store: &sqldb.DB{}, Now: time.Now,
		Outbox: outbox{make(chan struct{})}, Status: statusPage{make(chan struct{})}})
	got := map[string]string{}
	for _, j := range jobs {
		got[j.Name] = fmt.Sprintf("every %s, lease %s, woken %v", j.Every, j.Lease, j.Wake != nil)
	}
	want := map[string]string{
		"expire-intents":          "every 250ms, lease 10s, woken false",
		"reminders":               "every 1m0s, lease 2m0s, woken false",
		"delete-sessions":         "every 1m0s, lease 2m0s, woken false",
		"expire-idempotency-keys": "every 1h0m0s, lease 2h0m0s, woken false",
		"deliver":                 "every 1s, lease 0s, woken true",
		"status-page":             "every 2s, lease 0s, woken true",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("jobs:\n%v\nwant\n%v", got, want)
	}
}
