// Package scheduler is the one place that runs hansei's periodic jobs:
// jobs.go lists every job with how often it runs, what wakes it early and
// whether it holds a lease; this file is the runner.
//
// Each job runs in its own goroutine, so a slow one (a webhook that takes
// ten seconds) never delays another (an intent due to expire). A job with
// a lease runs only while this instance holds that lease in the database,
// so when several instances share one database it runs on one of them at
// a time; the jobs are written so that a repeat is harmless anyway (an
// intent expires once: a second attempt is refused).
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Job is one periodic job.
type Job struct {
	// Name names the job in logs and is the name of its lease.
	Name string
	// Every is the pause between the end of one run and the start of the
	// next, and after a failed run the pause before trying again.
	Every time.Duration
	// Next, if set, is asked after each successful run how soon the job is
	// due again; the job waits that long when it is shorter than Every.
	Next func() time.Duration
	// Wake, if set, makes the job due early: Debounce after a value
	// arrives, so that a burst of wakes makes one run.
	Wake     <-chan struct{}
	Debounce time.Duration
	// Lease, if set, is how long a run holds the lease called Name. The
	// holder renews it on each run, so it keeps the job while it lives;
	// another instance takes over once the lease has lapsed. Zero means
	// the job runs on every instance.
	Lease time.Duration
	// Pending, if set, is a cheap read asked before the lease is taken:
	// false skips the run, so that an idle server does not write.
	Pending func(ctx context.Context) (bool, error)
	// Run does the work.
	Run func(ctx context.Context) error
}

// Leases is what the scheduler needs from storage (*sqldb.DB).
type Leases interface {
	// AcquireLease takes or renews the lease called name for holder, for
	// ttl; false while another holder's lease is unexpired.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
}

// Clock is the scheduler's time: what time it is, and a way to wait.
type Clock interface {
	Now() time.Time
	// After is like time.After; stop releases the timer when the wait
	// ended another way.
	After(d time.Duration) (c <-chan time.Time, stop func())
}

// Scheduler runs jobs on a clock that tests can replace.
type Scheduler struct {
	clock  Clock
	leases Leases
	log    *slog.Logger
	holder string
	jobs   []*job
	// Tick is the longest a job waits before it looks at the clock again,
	// so that a clock set forward is noticed within it. (With Following,
	// the first job to look after the jump wakes all the others; the
	// intent job looks four times a second.)
	Tick time.Duration
}

// job is a Job with its run state.
type job struct {
	Job
	// mu makes the runs of one job one at a time (Run and RunOnce).
	mu sync.Mutex
	// failures counts the failed runs in a row, so that a streak is
	// logged once.
	failures int
}

// New returns a scheduler with no jobs and a random holder name for its
// leases.
func New(clock Clock, leases Leases, log *slog.Logger) *Scheduler {
	b := make([]byte, 8)
	rand.Read(b)
	return &Scheduler{clock: clock, leases: leases, log: log, holder: hex.EncodeToString(b), Tick: time.Second}
}

// Add adds jobs. It panics on a job without a name, a Run or an Every,
// and on a name given twice: each is a mistake in the code that adds it.
func (s *Scheduler) Add(jobs ...Job) {
	for _, j := range jobs {
		if j.Name == "" || j.Run == nil || j.Every <= 0 {
			panic(fmt.Sprintf("scheduler: job %q needs a Name, a Run and an Every > 0", j.Name))
		}
		if s.find(j.Name) != nil {
			panic(fmt.Sprintf("scheduler: two jobs are called %q", j.Name))
		}
		s.jobs = append(s.jobs, &job{Job: j})
	}
}

func (s *Scheduler) find(name string) *job {
	for _, j := range s.jobs {
		if j.Name == name {
			return j
		}
	}
	return nil
}

// Run runs every job at once (so that an intent whose window ended while
// the server was down expires on start), then each whenever it is due,
// until ctx ends. It returns when every job's run in progress has.
func (s *Scheduler) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range s.jobs {
		wg.Go(func() { s.loop(ctx, j) })
	}
	wg.Wait()
}

// RunOnce runs the job called name once now, as Run would: ran is false
// when it had nothing to do (Pending) or another instance holds its lease.
func (s *Scheduler) RunOnce(ctx context.Context, name string) (ran bool, err error) {
	j := s.find(name)
	if j == nil {
		return false, fmt.Errorf("scheduler: no job is called %q", name)
	}
	return s.runOnce(ctx, j)
}

// loop runs one job whenever it is due until ctx ends.
func (s *Scheduler) loop(ctx context.Context, j *job) {
	next := s.clock.Now()
	for ctx.Err() == nil {
		now := s.clock.Now()
		if !now.Before(next) {
			next = s.clock.Now().Add(s.run(ctx, j))
			continue
		}
		c, stop := s.clock.After(min(next.Sub(now), s.Tick))
		select {
		case <-ctx.Done():
		case <-c:
		case <-j.Wake: // a nil channel never wakes
			if soon := now.Add(j.Debounce); soon.Before(next) {
				next = soon
			}
		}
		stop()
	}
}

// run runs the job once, logs how it went, and returns how long to wait
// before the next run.
func (s *Scheduler) run(ctx context.Context, j *job) time.Duration {
	_, err := s.runOnce(ctx, j)
	if ctx.Err() != nil {
		return j.Every // shutting down: a failure now says nothing
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err != nil {
		// The first failure of a streak is a warning; while the job
		// keeps failing (the database is away) it would repeat every
		// run, so repeats go to debug until it works again.
		j.failures++
		level := slog.LevelDebug
		if j.failures == 1 {
			level = slog.LevelWarn
		}
		s.log.Log(ctx, level, "scheduler: job failed; trying again every "+j.Every.String(), "job", j.Name, "failures", j.failures, "err", err)
		return j.Every
	}
	if j.failures > 0 {
		s.log.Info("scheduler: job works again", "job", j.Name, "failed_runs", j.failures)
		j.failures = 0
	}
	if j.Next != nil {
		return max(0, min(j.Every, j.Next()))
	}
	return j.Every
}

// runOnce checks Pending, takes the lease and runs the job. A panic in
// the job is returned as an error, so that it stops neither the other
// jobs nor the server.
func (s *Scheduler) runOnce(ctx context.Context, j *job) (ran bool, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	if j.Pending != nil {
		if ok, err := j.Pending(ctx); err != nil || !ok {
			return false, err
		}
	}
	if j.Lease > 0 {
		held, err := s.leases.AcquireLease(ctx, j.Name, s.holder, j.Lease)
		if err != nil || !held {
			return false, err
		}
	}
	return true, j.Run(ctx)
}
