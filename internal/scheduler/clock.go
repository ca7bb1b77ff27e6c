package scheduler

import (
	"sync"
	"time"
)

// Following returns the scheduler's clock for a server whose application
// clock is now (the store's clock: time.Now, or a test's). Its time
// passes by whichever went further since it was last read: the machine's
// monotonic clock, or now. So a job runs every Every while now stands
// still (tests freeze it between steps), and at once when now is set
// forward past it (a test moving through a window or to a due date; a
// wall clock corrected forward, or a machine resumed from sleep). Setting
// now back never holds a job up.
func Following(now func() time.Time) Clock {
	return newFollowing(now, time.Now)
}

// jump is how far the application clock must run ahead of the monotonic
// one between two readings to count as set forward; the wall clock's own
// slewing stays far below it.
const jump = 100 * time.Millisecond

func newFollowing(app, mono func() time.Time) *following {
	return &following{app: app, mono: mono, lastApp: app().Round(0), lastMono: mono(), t: app().Round(0),
		waiting: map[*time.Timer]chan time.Time{}}
}

type following struct {
	app, mono func() time.Time

	mu                sync.Mutex
	lastApp, lastMono time.Time
	t                 time.Time
	// waiting are the timers of After not yet fired or stopped: a jump
	// fires them all at once, so that each job looks at the new time
	// without waiting out a timer set before the jump.
	waiting map[*time.Timer]chan time.Time
}

func (c *following) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Round(0) drops the monotonic reading, so that the application
	// clock's steps count as it shows them.
	app, mono := c.app().Round(0), c.mono()
	dApp, dMono := app.Sub(c.lastApp), mono.Sub(c.lastMono)
	c.t = c.t.Add(max(dApp, dMono, 0))
	c.lastApp, c.lastMono = app, mono
	if dApp-dMono > jump {
		for t, ch := range c.waiting {
			t.Stop()
			fire(ch, c.t)
		}
		clear(c.waiting)
	}
	return c.t
}

func (c *following) After(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		c.mu.Lock()
		delete(c.waiting, t)
		c.mu.Unlock()
		fire(ch, time.Now())
	})
	c.waiting[t] = ch
	return ch, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		t.Stop()
		delete(c.waiting, t)
	}
}

// fire sends on a timer's channel, which has room for one value: a timer
// fires once.
func fire(ch chan time.Time, now time.Time) {
	select {
	case ch <- now:
	default:
	}
}
