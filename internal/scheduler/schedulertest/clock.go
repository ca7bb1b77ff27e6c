// Package schedulertest has a clock that tests move by hand, for the
// scheduler and anything whose timing it drives: timers fire when the
// clock is moved past them, so no test sleeps.
package schedulertest

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// Clock is a scheduler.Clock, and an application clock (Now), that moves
// only when the test calls Advance.
type Clock struct {
	t testing.TB

	mu      sync.Mutex
	now     time.Time
	timers  []*timer
	changed chan struct{} // closed, and replaced, whenever timers change
}

type timer struct {
	at time.Time
	c  chan time.Time
}

// NewClock returns a clock that shows now until moved.
func NewClock(t testing.TB, now time.Time) *Clock {
	return &Clock{t: t, now: now, changed: make(chan struct{})}
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives the time once the clock has been
// moved d forward, and a function that cancels it.
func (c *Clock) After(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	tm := &timer{at: c.now.Add(d), c: make(chan time.Time, 1)}
	if d <= 0 {
		tm.c <- c.now
		return tm.c, func() {}
	}
	c.timers = append(c.timers, tm)
	c.notify()
	return tm.c, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if i := slices.Index(c.timers, tm); i >= 0 {
			c.timers = slices.Delete(c.timers, i, i+1)
			c.notify()
		}
	}
}

// Advance moves the clock d forward and fires the timers it passed.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.timers = slices.DeleteFunc(c.timers, func(tm *timer) bool {
		if tm.at.After(c.now) {
			return false
		}
		tm.c <- c.now
		return true
	})
	c.notify()
}

// notify wakes Wait; mu is held.
func (c *Clock) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Wait blocks until ok holds for the deadlines of the timers waiting on
// the clock, and fails the test if that takes 10 seconds: it is how a test
// knows that the goroutines it started have done what moving the clock
// made due and wait again.
func (c *Clock) Wait(what string, ok func(deadlines []time.Time) bool) {
	c.t.Helper()
	giveUp := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		deadlines := make([]time.Time, len(c.timers))
		for i, tm := range c.timers {
			deadlines[i] = tm.at
		}
		changed := c.changed
		c.mu.Unlock()
		if ok(deadlines) {
			return
		}
		select {
		case <-changed:
		case <-giveUp:
			c.t.Fatalf("waited 10s for %s; timers waiting at %v", what, deadlines)
		}
	}
}

// BlockUntil waits until n timers wait on the clock: with one goroutine
// per timer, until n goroutines are idle.
func (c *Clock) BlockUntil(n int) {
	c.t.Helper()
	c.Wait("timers", func(d []time.Time) bool { return len(d) == n })
}
