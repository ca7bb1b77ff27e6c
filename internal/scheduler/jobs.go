package scheduler

import (
	"context"
	"fmt"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Jobs is every periodic job hansei runs, with how often, what wakes it
// early, and whether it holds a lease. Jobs whose lease is zero run on
// every instance, for a reason given beside them; the others run on one
// instance at a time when several share a database.
func Jobs(d Deps) []Job {
	var jobs []Job
	if d.Store != nil {
		jobs = append(jobs,
			// An intent expires within a quarter second of its window's
			// end; the lease is taken only when one is due.
			Job{Name: "expire-intents", Every: 250 * time.Millisecond, Lease: 10 * time.Second,
				Pending: d.intentsDue, Run: d.expireIntents},
			// Ended sessions and used sign-in links are refused anyway;
			// deleting them only keeps their tables small.
			Job{Name: "delete-sessions", Every: time.Minute, Lease: 2 * time.Minute, Run: d.deleteSessions},
			// Forget idempotency keys past their time to live.
			Job{Name: "expire-idempotency-keys", Every: time.Hour, Lease: 2 * time.Hour, Run: d.expireKeys},
		)
	}
	if d.Reminders != nil {
		// Reminders, escalations and the daily digest are written to the
		// outbox, each once, whichever instance writes them.
		jobs = append(jobs, Job{Name: "reminders", Every: time.Minute, Lease: 2 * time.Minute, Run: d.remindOwners()})
	}
	if d.Outbox != nil {
		// On every instance: each claims deliveries with FOR UPDATE SKIP
		// LOCKED (SQLite has one writer), so no delivery is taken twice
		// and a lease would only leave the other instances idle. Woken at
		// once when a job or a change wrote to the outbox; the poll
		// catches retries that come due and another instance's writes.
		jobs = append(jobs, Job{Name: "deliver", Every: time.Second, Wake: d.Outbox.Woken(),
			Run: func(ctx context.Context) error { _, err := d.Outbox.DeliverOnce(ctx); return err }})
	}
	if d.Status != nil {
		// On every instance: each serves the public status page from a
		// cache in its own memory. Woken by commits here (and, on
		// PostgreSQL, notified ones elsewhere), a burst gathered into one
		// run; the version check every 2 seconds catches component and
		// maintenance changes made through another instance; and it runs
		// when the clock alone changes the page (a window starts, the
		// day's bar moves on).
		jobs = append(jobs, Job{Name: "status-page", Every: 2 * time.Second, Next: d.Status.UntilRebuild,
			Wake: d.Status.Changes(), Debounce: 200 * time.Millisecond, Run: d.Status.Refresh})
	}
	if d.SignIn != nil {
		// Failed sign-ins past the limits' window count against nobody;
		// deleting them only keeps the table small.
		jobs = append(jobs, Job{Name: "forget-sign-in-failures", Every: time.Minute, Lease: 2 * time.Minute,
			Run: d.SignIn.ForgetSignInFailures})
	}
	return jobs
}

// Deps is what the jobs work on. A nil Store, Reminders, Outbox or
// Status leaves out the jobs that need it.
type Deps struct {
	Store Store
	// Now is the application's clock, the store's: what time it is for
	// intent windows and due dates.
	Now func() time.Time
	// Reminders finds the notifications due today; ReminderPolicy says
	// when owners are reminded and overdue work escalated; Location is
	// the organisation's time zone, whose dates count.
	Reminders      Reminders
	ReminderPolicy hansei.ReminderPolicy
	Location       *time.Location
	Outbox         Outbox
	Status         StatusPage
	// SignIn forgets failed sign-ins once they no longer count.
	SignIn SignInFailures
}

// SignInFailures are the failed sign-ins the limits on guessing count
// (*app.Users).
type SignInFailures interface {
	ForgetSignInFailures(ctx context.Context) error
}

// Store is what the jobs need from storage (*sqldb.DB).
type Store interface {
	DueIntents(ctx context.Context, now time.Time, limit int) ([]hansei.IntentRef, error)
	Execute(ctx context.Context, actor hansei.User, number int64, cmd hansei.Command) (hansei.Incident, []hansei.Event, error)
	DeleteExpiredSessions(ctx context.Context) (int64, error)
	ExpireIdempotencyKeys(ctx context.Context) (int64, error)
}

// Reminders is the use case that decides which reminders, escalations and
// digests are due (*app.Notifications).
type Reminders interface {
	// ScanReminders writes what is due on today (YYYY-MM-DD) to the
	// outbox, each once, and says how many were due.
	ScanReminders(ctx context.Context, today string, p hansei.ReminderPolicy) (int, error)
}

// Outbox delivers notifications (*notify.Deliverer).
type Outbox interface {
	// DeliverOnce claims what is due and delivers it.
	DeliverOnce(ctx context.Context) (int, error)
	// Wake makes the deliverer look at the outbox now; Woken is where
	// those wakes arrive.
	Wake()
	Woken() <-chan struct{}
}

// StatusPage is the public status page's cache (*web.StatusPage).
type StatusPage interface {
	// Refresh rebuilds the page when its data changed, or regardless once
	// the clock has changed it.
	Refresh(ctx context.Context) error
	// UntilRebuild is how long until the clock alone changes the page.
	UntilRebuild() time.Duration
	// Changes receives a value when something public may have changed.
	Changes() <-chan struct{}
}

// system is the actor of events hansei records by itself.
func system() hansei.User {
	return hansei.User{Name: hansei.SystemActor, Role: hansei.RoleAdmin}
}

// intentsDue looks before the lease is taken: an idle server only reads.
func (d Deps) intentsDue(ctx context.Context) (bool, error) {
	due, err := d.Store.DueIntents(ctx, d.Now(), 1)
	return len(due) > 0, err
}

// expireIntents expires every live intent whose window has ended.
func (d Deps) expireIntents(ctx context.Context) error {
	for {
		due, err := d.Store.DueIntents(ctx, d.Now(), 100)
		if err != nil || len(due) == 0 {
			return err
		}
		progress := false
		for _, in := range due {
			_, _, err := d.Store.Execute(ctx, system(), in.Incident, hansei.ExpireIntent{ID: in.ID})
			switch hansei.ErrorCode(err) {
			case "":
				progress = true
			case hansei.ECONFLICT:
				// Decided meanwhile, or by another instance.
			default:
				return fmt.Errorf("expire intent %d of INC-%d: %w", in.ID, in.Incident, err)
			}
		}
		if !progress {
			return nil
		}
	}
}

// remindOwners writes today's reminders and escalations to the outbox,
// each once however often it runs, and on the first run of each day the
// digest too; it wakes the deliverer when it wrote any.
func (d Deps) remindOwners() func(ctx context.Context) error {
	location := d.Location
	if location == nil {
		location = time.UTC
	}
	lastDigest := "" // the day of the last digest built; the scheduler runs a job one run at a time
	return func(ctx context.Context) error {
		today := d.Now().In(location).Format("2006-01-02")
		policy := d.ReminderPolicy
		policy.Digest = policy.Digest && lastDigest != today // the digest is one a day: build it once
		n, err := d.Reminders.ScanReminders(ctx, today, policy)
		if err == nil && policy.Digest {
			lastDigest = today
		}
		if n > 0 && d.Outbox != nil {
			d.Outbox.Wake()
		}
		return err
	}
}

func (d Deps) deleteSessions(ctx context.Context) error {
	_, err := d.Store.DeleteExpiredSessions(ctx)
	return err
}

func (d Deps) expireKeys(ctx context.Context) error {
	_, err := d.Store.ExpireIdempotencyKeys(ctx)
	return err
}
