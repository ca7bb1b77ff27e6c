package statuspage

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/internal/scheduler"
	"github.com/hansei-dev/hansei/internal/scheduler/schedulertest"
)

// When the status page rebuilds, with the scheduler's status-page job
// driving it on a clock the test moves.

// scheduledStatus starts p and the scheduler's job for it on clock, and
// stops them when the test ends. It returns p's routes.
func scheduledStatus(t *testing.T, p *Page, clock *schedulertest.Clock) http.Handler {
	t.Helper()
	h := mountedStatus(t, p)
	if c := get(t, h, "GET", "/status").Code; c != 503 {
		t.Fatalf("before Start: %d, want 503", c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.Start(ctx)
	if c := get(t, h, "GET", "/status").Code; c != 200 {
		t.Fatalf("after Start: %d", c)
	}
	s := scheduler.New(clock, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.Add(scheduler.Jobs(scheduler.Deps{Status: p})...)
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	clock.BlockUntil(1)
	return h
}

// TestStatusRebuildsOnChange: Changed brings a change to the page a
// debounce later, and the version check every 2 seconds brings one that
// woke nobody (made through another instance); a request never builds.
func TestStatusRebuildsOnChange(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	clock := schedulertest.NewClock(t, now)
	src := &fakeStatus{}
	src.set(leakySnapshot(t, now))
	p := New(src, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Now, Config{})
	h := scheduledStatus(t, p, clock)
	shows := func(name string) bool { return strings.Contains(get(t, h, "GET", "/status").Body.String(), name) }

	snap := leakySnapshot(t, now)
	snap.Components[0].Name = "Public API v2"
	src.set(snap)
	p.Changed()
	p.Changed() // a burst
	clock.Wait("the wake to be taken", func(d []time.Time) bool {
		return len(p.kick) == 0 && slices.Contains(d, now.Add(200*time.Millisecond))
	})
	clock.Advance(199 * time.Millisecond)
	clock.BlockUntil(1)
	if shows("Public API v2") {
		t.Fatal("the change showed before the debounce passed")
	}
	clock.Advance(time.Millisecond)
	clock.BlockUntil(1)
	if !shows("Public API v2") {
		t.Fatal("the change did not show 200ms after Changed")
	}

	snap.Components[0].Name = "Public API v3"
	src.set(snap) // nobody calls Changed
	clock.Advance(time.Second)
	clock.BlockUntil(1)
	if shows("Public API v3") {
		t.Fatal("the version was checked before 2 seconds passed")
	}
	clock.Advance(time.Second)
	clock.BlockUntil(1)
	if !shows("Public API v3") {
		t.Fatal("the version check 2 seconds after the last run did not bring the change")
	}
}

// TestStatusRebuildsOnTheClock: a maintenance window that starts shows
// as in progress when it starts, though nothing in the data changed.
func TestStatusRebuildsOnTheClock(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	clock := schedulertest.NewClock(t, now)
	snap := leakySnapshot(t, now)
	snap.Maintenance[0].StartsAt, snap.Maintenance[0].EndsAt = now.Add(300*time.Millisecond), now.Add(time.Hour)
	src := &fakeStatus{}
	src.set(snap)
	p := New(src, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Now, Config{})
	h := scheduledStatus(t, p, clock)
	active := func() bool {
		return strings.Contains(get(t, h, "GET", "/api/v2/scheduled-maintenances/active.json").Body.String(), "Database upgrade")
	}
	clock.Advance(299 * time.Millisecond)
	clock.BlockUntil(1)
	if active() {
		t.Fatal("the window is in progress before it starts")
	}
	clock.Advance(time.Millisecond)
	clock.BlockUntil(1)
	if !active() {
		t.Fatal("the window did not show as in progress when it started")
	}
	if !strings.Contains(get(t, h, "GET", "/status").Body.String(), "In progress") {
		t.Error("/status does not show the window in progress")
	}
}
