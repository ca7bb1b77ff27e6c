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

func newFollowing(app, mono func() time.Time) *following {
	return &following{app: app, mono: mono, lastApp: app().Round(0), lastMono: mono(), t: app().Round(0)}
}

type following struct {
	app, mono func() time.Time

	mu                sync.Mutex
	lastApp, lastMono time.Time
	t                 time.Time
}

func (c *following) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Round(0) drops the monotonic reading, so that the application
	// clock's steps count as it shows them.
	app, mono := c.app().Round(0), c.mono()
	c.t = c.t.Add(max(app.Sub(c.lastApp), mono.Sub(c.lastMono), 0))
	c.lastApp, c.lastMono = app, mono
	return c.t
}

func (c *following) After(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}
