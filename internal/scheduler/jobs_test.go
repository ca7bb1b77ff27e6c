package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/scheduler"
	"github.com/hansei-dev/hansei/internal/sqldb"
)

type outbox struct{ wake chan struct{} }

func (outbox) DeliverOnce(context.Context) (int, error) { return 0, nil }
func (o outbox) Wake()                                  {}
func (o outbox) Woken() <-chan struct{}                 { return o.wake }

type reminders struct{}

func (reminders) ScanReminders(context.Context, string, hansei.ReminderPolicy) (int, error) {
	return 0, nil
}

type signInFailures struct{}

func (signInFailures) ForgetSignInFailures(context.Context) error { return nil }

type statusPage struct{ changes chan struct{} }

func (statusPage) Refresh(context.Context) error { return nil }
func (statusPage) UntilRebuild() time.Duration   { return time.Minute }
func (s statusPage) Changes() <-chan struct{}    { return s.changes }

// TestWhereJobsRun: the jobs that work on shared rows hold a lease, so
// that one instance runs each; the deliverer (its claims are exclusive
// already) and the status page (a cache in each instance's memory) run on
// every instance, and both can be woken.
func TestWhereJobsRun(t *testing.T) {
	jobs := scheduler.Jobs(scheduler.Deps{Store: &sqldb.DB{}, Now: time.Now, Reminders: reminders{},
		Outbox: outbox{make(chan struct{})}, Status: statusPage{make(chan struct{})}, SignIn: signInFailures{}})
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
		"forget-sign-in-failures": "every 1m0s, lease 2m0s, woken false",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("jobs:\n%v\nwant\n%v", got, want)
	}
}

// scans records what the reminders job asked for.
type scans struct {
	asked []string
	due   int
	err   error
}

func (s *scans) ScanReminders(_ context.Context, today string, p hansei.ReminderPolicy) (int, error) {
	s.asked = append(s.asked, fmt.Sprintf("%s digest=%v escalate_to=%s", today, p.Digest, p.EscalateTo))
	return s.due, s.err
}

type wakes struct {
	outbox
	n *int
}

func (w wakes) Wake() { *w.n++ }

// TestRemindersJob: the job scans for the organisation's today, asks for
// the digest on its first successful run of each day only, and wakes the
// deliverer when something was due.
func TestRemindersJob(t *testing.T) {
	now := time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC) // 23:00 in the organisation's zone
	woken := 0
	s := &scans{}
	policy := hansei.DefaultReminderPolicy()
	policy.Digest, policy.EscalateTo = true, "erin"
	jobs := scheduler.Jobs(scheduler.Deps{Now: func() time.Time { return now }, Reminders: s, ReminderPolicy: policy,
		Location: time.FixedZone("UTC+9", 9*60*60), Outbox: wakes{outbox{make(chan struct{})}, &woken}})
	var run func(context.Context) error
	for _, j := range jobs {
		if j.Name == "reminders" {
			run = j.Run
		}
	}
	step := func(due int, err error, advance time.Duration) {
		t.Helper()
		s.due, s.err = due, err
		if got := run(context.Background()); !errors.Is(got, err) {
			t.Fatalf("run: %v, want %v", got, err)
		}
		now = now.Add(advance)
	}
	failed := errors.New("database gone")
	step(0, failed, time.Minute) // 23:00: the digest's scan failed
	step(2, nil, time.Minute)    // 23:01: so it is asked for again
	step(0, nil, time.Hour)      // 23:02
	step(1, nil, 0)              // 00:02 the next day
	want := []string{
		"2026-11-30 digest=true escalate_to=erin",
		"2026-11-30 digest=true escalate_to=erin",
		"2026-11-30 digest=false escalate_to=erin",
		"2026-12-01 digest=true escalate_to=erin",
	}
	if !slices.Equal(s.asked, want) {
		t.Fatalf("scans:\n%s\nwant\n%s", strings.Join(s.asked, "\n"), strings.Join(want, "\n"))
	}
	if woken != 2 {
		t.Fatalf("the deliverer was woken %d times, want 2 (after each scan that found something due)", woken)
	}
}
