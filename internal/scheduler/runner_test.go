package scheduler_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/internal/scheduler"
	"github.com/hansei-dev/hansei/internal/scheduler/schedulertest"
)

// The scheduler's timing rules, on a clock the tests move: no test here
// sleeps.

// startUnix is when every test's clock starts.
const startUnix = 1795597200 // 2026-11-25 09:00 UTC

func startTime() time.Time { return time.Unix(startUnix, 0).UTC() }

// runs counts each job's runs.
type runs struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *runs) job(name string, every time.Duration) scheduler.Job {
	return scheduler.Job{Name: name, Every: every, Run: r.count(name, nil)}
}

// count returns a Run that counts, then returns err.
func (r *runs) count(name string, err error) func(context.Context) error {
	return func(context.Context) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.n == nil {
			r.n = map[string]int{}
		}
		r.n[name]++
		return err
	}
}

func (r *runs) get() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.n)
}

// leases is the lease table: names in taken are held by another instance.
type leases struct {
	mu    sync.Mutex
	taken map[string]bool
	asked []string
}

func (l *leases) AcquireLease(_ context.Context, name, holder string, ttl time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked = append(l.asked, fmt.Sprintf("%s for %s", name, ttl))
	return !l.taken[name], nil
}

func (l *leases) set(name string, taken bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.taken[name] = taken
}

func (l *leases) log() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.asked)
}

// syncBuffer is a log the jobs' goroutines write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// run starts s on clock and stops it when the test ends; it waits until
// every job has made its first run.
func run(t *testing.T, s *scheduler.Scheduler, clock *schedulertest.Clock, jobs int) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return within 10s of its context ending")
		}
	}
	t.Cleanup(func() { cancel(); <-done })
	clock.BlockUntil(jobs)
	return stop
}

func newScheduler(clock *schedulertest.Clock, l scheduler.Leases, log *syncBuffer) *scheduler.Scheduler {
	if log == nil {
		log = &syncBuffer{}
	}
	return scheduler.New(clock, l, slog.New(slog.NewTextHandler(log, nil)))
}

// TestJobsRunWhenDue: every job runs when the scheduler starts, then each
// Every after its last run; Next makes a job due sooner, never later.
func TestJobsRunWhenDue(t *testing.T) {
	clock := schedulertest.NewClock(t, startTime())
	s := newScheduler(clock, nil, nil)
	var r runs
	soon := r.job("soon", 10*time.Second)
	soon.Next = func() time.Duration { return 2 * time.Second }
	late := r.job("late", 2*time.Second)
	late.Next = func() time.Duration { return time.Hour }
	s.Add(r.job("fast", time.Second), r.job("slow", 3*time.Second), soon, late)
	run(t, s, clock, 4)
	steps := []struct {
		advance time.Duration
		want    map[string]int
	}{
		{0, map[string]int{"fast": 1, "slow": 1, "soon": 1, "late": 1}},
		{time.Second, map[string]int{"fast": 2, "slow": 1, "soon": 1, "late": 1}},
		{time.Second, map[string]int{"fast": 3, "slow": 1, "soon": 2, "late": 2}},
		{time.Second, map[string]int{"fast": 4, "slow": 2, "soon": 2, "late": 2}},
		{500 * time.Millisecond, map[string]int{"fast": 4, "slow": 2, "soon": 2, "late": 2}},
		{500 * time.Millisecond, map[string]int{"fast": 5, "slow": 2, "soon": 3, "late": 3}},
		// A clock set forward runs each due job once, not once per
		// interval it skipped.
		{time.Hour, map[string]int{"fast": 6, "slow": 3, "soon": 4, "late": 4}},
	}
	for i, step := range steps {
		clock.Advance(step.advance)
		clock.BlockUntil(4)
		if got := r.get(); fmt.Sprint(got) != fmt.Sprint(step.want) {
			t.Fatalf("step %d (+%s): runs %v, want %v", i, step.advance, got, step.want)
		}
	}
}

// TestLeases: a job with a lease runs only while this instance holds it,
// one with Pending asks for the lease only when there is work, and one
// without a lease runs regardless.
func TestLeases(t *testing.T) {
	clock := schedulertest.NewClock(t, startTime())
	l := &leases{taken: map[string]bool{"leased": true}}
	s := newScheduler(clock, l, nil)
	var r runs
	leased := r.job("leased", time.Second)
	leased.Lease = 30 * time.Second
	idle := r.job("idle", time.Second)
	idle.Lease = 30 * time.Second
	work := false
	var mu sync.Mutex
	idle.Pending = func(context.Context) (bool, error) { mu.Lock(); defer mu.Unlock(); return work, nil }
	s.Add(leased, idle, r.job("everywhere", time.Second))
	run(t, s, clock, 3)

	if got := r.get(); fmt.Sprint(got) != fmt.Sprint(map[string]int{"everywhere": 1}) {
		t.Fatalf("runs %v: only the job without a lease should have run", got)
	}
	if got := l.log(); fmt.Sprint(got) != "[leased for 30s]" {
		t.Fatalf("leases asked for: %v (the idle job must not ask)", got)
	}
	l.set("leased", false) // the other instance's lease lapsed
	mu.Lock()
	work = true
	mu.Unlock()
	clock.Advance(time.Second)
	clock.BlockUntil(3)
	if got := r.get(); fmt.Sprint(got) != fmt.Sprint(map[string]int{"everywhere": 2, "idle": 1, "leased": 1}) {
		t.Fatalf("runs %v after the lease came free", got)
	}
	l.set("leased", true)
	clock.Advance(time.Second)
	clock.BlockUntil(3)
	if got := r.get(); got["leased"] != 1 || got["everywhere"] != 3 {
		t.Fatalf("runs %v: the leased job ran while another instance held its lease", got)
	}
}

// TestAFailingJobStopsNoOther: a job that fails, or panics, runs again
// when due, the others keep their times, and each streak of failures is
// logged once, with the job's name, and its end too.
func TestAFailingJobStopsNoOther(t *testing.T) {
	clock := schedulertest.NewClock(t, startTime())
	var log syncBuffer
	s := newScheduler(clock, nil, &log)
	var r runs
	var mu sync.Mutex
	broken := errors.New("database is away")
	failing := scheduler.Job{Name: "failing", Every: time.Second, Run: func(ctx context.Context) error {
		mu.Lock()
		err := broken
		mu.Unlock()
		return r.count("failing", err)(ctx)
	}}
	panicking := scheduler.Job{Name: "panicking", Every: time.Second, Run: func(ctx context.Context) error {
		r.count("panicking", nil)(ctx)
		panic("nil map")
	}}
	s.Add(failing, panicking, r.job("fine", time.Second))
	run(t, s, clock, 3)
	for range 3 {
		clock.Advance(time.Second)
		clock.BlockUntil(3)
	}
	if got := r.get(); fmt.Sprint(got) != fmt.Sprint(map[string]int{"failing": 4, "fine": 4, "panicking": 4}) {
		t.Fatalf("runs %v: every job should have run 4 times", got)
	}
	mu.Lock()
	broken = nil
	mu.Unlock()
	clock.Advance(time.Second)
	clock.BlockUntil(3)
	out := log.String()
	for _, want := range []string{
		`level=WARN msg="scheduler: job failed; trying again every 1s" job=failing failures=1 err="database is away"`,
		`level=WARN msg="scheduler: job failed; trying again every 1s" job=panicking failures=1 err="panic: nil map`,
		`level=INFO msg="scheduler: job works again" job=failing failed_runs=4`,
	} {
		if strings.Count(out, want) != 1 {
			t.Errorf("log has %q %d times, want once:\n%s", want, strings.Count(out, want), out)
		}
	}
	if strings.Contains(out, "job=fine") {
		t.Errorf("the job that works was logged:\n%s", out)
	}
}

// TestWakeRunsAJobEarly: a wake makes a job due at once, or Debounce
// later, and wakes that come before that run make no other run.
func TestWakeRunsAJobEarly(t *testing.T) {
	clock := schedulertest.NewClock(t, startTime())
	s := newScheduler(clock, nil, nil)
	var r runs
	ran := make(chan struct{}, 1)
	wake, debounced := make(chan struct{}, 1), make(chan struct{}, 1)
	now := scheduler.Job{Name: "now", Every: time.Hour, Wake: wake, Run: func(ctx context.Context) error {
		r.count("now", nil)(ctx)
		ran <- struct{}{}
		return nil
	}}
	later := r.job("later", time.Hour)
	later.Wake, later.Debounce = debounced, 200*time.Millisecond
	s.Add(now, later)
	run(t, s, clock, 2)
	<-ran

	wake <- struct{}{}
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("the woken job did not run")
	}

	debounced <- struct{}{}
	due := startTime().Add(200 * time.Millisecond)
	waitTimer := func(why string) {
		clock.Wait(why, func(d []time.Time) bool { return len(debounced) == 0 && slices.Contains(d, due) })
	}
	waitTimer("the wake to be taken")
	debounced <- struct{}{} // the same burst
	waitTimer("the second wake to be taken")
	clock.Advance(199 * time.Millisecond)
	clock.BlockUntil(2)
	if got := r.get()["later"]; got != 1 {
		t.Fatalf("the debounced job ran %d times before its debounce passed, want 1 (its first run)", got)
	}
	clock.Advance(time.Millisecond)
	clock.BlockUntil(2)
	if got := r.get(); got["later"] != 2 || got["now"] != 2 {
		t.Fatalf("runs %v: want one more run of later for the burst, and none of now", got)
	}
}

// TestRunStopsWhenItsContextEnds: ending the context ends the run in
// progress through its context, Run returns once it has, and a job that
// returns the context's error is not logged as failing.
func TestRunStopsWhenItsContextEnds(t *testing.T) {
	clock := schedulertest.NewClock(t, startTime())
	var log syncBuffer
	s := newScheduler(clock, nil, &log)
	var r runs
	started, ended := make(chan struct{}), make(chan error, 1)
	s.Add(r.job("short", time.Second), scheduler.Job{Name: "long", Every: time.Second, Run: func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		ended <- ctx.Err()
		return ctx.Err()
	}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	<-started
	clock.BlockUntil(1) // short is waiting; long is running
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s of its context ending")
	}
	if err := <-ended; !errors.Is(err, context.Canceled) {
		t.Fatalf("the running job saw %v, want context.Canceled", err)
	}
	clock.Advance(time.Hour)
	if got := r.get()["short"]; got != 1 {
		t.Fatalf("short ran %d times, want 1: nothing runs after Run returned", got)
	}
	if out := log.String(); out != "" {
		t.Fatalf("shutting down logged:\n%s", out)
	}
}

// TestRunOnce runs a job by name, as the loop would.
func TestRunOnce(t *testing.T) {
	l := &leases{taken: map[string]bool{"held": true}}
	s := newScheduler(schedulertest.NewClock(t, startTime()), l, nil)
	var r runs
	held := r.job("held", time.Second)
	held.Lease = time.Minute
	s.Add(r.job("free", time.Second), held)
	for _, c := range []struct {
		name string
		ran  bool
		err  string
	}{
		{"free", true, ""},
		{"held", false, ""},
		{"missing", false, `scheduler: no job is called "missing"`},
	} {
		ran, err := s.RunOnce(context.Background(), c.name)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if ran != c.ran || msg != c.err {
			t.Errorf("RunOnce(%s) = %v, %v; want %v, %q", c.name, ran, err, c.ran, c.err)
		}
	}
}
