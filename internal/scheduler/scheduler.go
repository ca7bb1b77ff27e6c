// Package scheduler runs hansei's periodic jobs: expiring intents whose
// objection window ended unacknowledged, reminding owners of remediations
// and deleting expired sessions. Each job holds a lease in
// the database, so when several instances share one database a job runs
// on one of them at a time; the domain rules make a repeat harmless anyway
// (an intent expires once: the second attempt is refused).
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Store is what the jobs need from storage.
type Store interface {
	DueIntents(ctx context.Context, now time.Time, limit int) ([]hansei.IntentRef, error)
	Execute(ctx context.Context, actor hansei.User, number int64, cmd hansei.Command) (hansei.Incident, []hansei.Event, error)
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ScanReminders(ctx context.Context, today string, p hansei.ReminderPolicy) (int, error)
	DeleteExpiredSessions(ctx context.Context) (int64, error)
}

// Scheduler runs the jobs on a clock that tests can replace.
type Scheduler struct {
	store  Store
	now    func() time.Time
	log    *slog.Logger
	holder string
	// Interval is the time between runs; it bounds how late an intent
	// expires after its window ends.
	Interval time.Duration
	// Reminders says when owners are reminded and overdue work escalated;
	// Location is the organisation's time zone, whose dates count.
	Reminders hansei.ReminderPolicy
	Location  *time.Location
	// Enqueued is called when a job wrote notifications to the outbox.
	Enqueued   func()
	lastScan   time.Time
	lastDigest string
}

// New returns a scheduler with a random holder name for its leases.
func New(store Store, now func() time.Time, log *slog.Logger) *Scheduler {
	b := make([]byte, 8)
	rand.Read(b)
	return &Scheduler{store: store, now: now, log: log, holder: hex.EncodeToString(b), Interval: 250 * time.Millisecond,
		Reminders: hansei.DefaultReminderPolicy(), Location: time.UTC}
}

// system is the actor of events hansei records by itself.
func system() hansei.User {
	return hansei.User{Name: hansei.SystemActor, Role: hansei.RoleAdmin}
}

// Run runs the jobs at once (so that intents whose window ended while the
// server was down expire on start) and then every Interval until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(s.Interval)
	defer t.Stop()
	for {
		if _, err := s.ExpireIntents(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("scheduler: expiring intents", "err", err)
		}
		if s.now().Sub(s.lastScan) >= time.Minute {
			s.lastScan = s.now()
			if _, err := s.RemindOwners(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("scheduler: reminders", "err", err)
			}
			// Expired sessions and used sign-in links are refused anyway;
			// this only keeps their tables small. Any instance may do it.
			if _, err := s.store.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("scheduler: deleting expired sessions", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ExpireIntents expires every live intent whose window has ended and
// returns how many it expired.
func (s *Scheduler) ExpireIntents(ctx context.Context) (int, error) {
	// Look before taking the lease: an idle server only reads.
	if due, err := s.store.DueIntents(ctx, s.now(), 1); err != nil || len(due) == 0 {
		return 0, err
	}
	held, err := s.store.AcquireLease(ctx, "expire-intents", s.holder, 10*time.Second)
	if err != nil || !held {
		return 0, err
	}
	expired := 0
	for {
		due, err := s.store.DueIntents(ctx, s.now(), 100)
		if err != nil || len(due) == 0 {
			return expired, err
		}
		progress := false
		for _, in := range due {
			_, _, err := s.store.Execute(ctx, system(), in.Incident, hansei.ExpireIntent{ID: in.ID})
			switch hansei.ErrorCode(err) {
			case "":
				expired++
				progress = true
			case hansei.ECONFLICT:
				// Decided meanwhile, or by another instance.
			default:
				return expired, err
			}
		}
		if !progress {
			return expired, nil
		}
	}
}

// RemindOwners writes today's reminders and escalations to the outbox,
// under a lease; each is written once, however often this runs.
func (s *Scheduler) RemindOwners(ctx context.Context) (int, error) {
	held, err := s.store.AcquireLease(ctx, "reminders", s.holder, 2*time.Minute)
	if err != nil || !held {
		return 0, err
	}
	today := s.now().In(s.Location).Format("2006-01-02")
	policy := s.Reminders
	policy.Digest = policy.Digest && s.lastDigest != today // the digest is one a day: build it once
	n, err := s.store.ScanReminders(ctx, today, policy)
	if err == nil && policy.Digest {
		s.lastDigest = today
	}
	if n > 0 && s.Enqueued != nil {
		s.Enqueued()
	}
	return n, err
}
