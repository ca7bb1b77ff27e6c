package scheduler

import (
	"testing"
	"time"
)

// TestFollowing: the scheduler's time passes by whichever clock went
// further, so jobs keep their rhythm while a test's clock stands still,
// run at once when it is set forward, and are never held up when it is set
// back.
func TestFollowing(t *testing.T) {
	base := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	app, mono := base, base
	c := newFollowing(func() time.Time { return app }, func() time.Time { return mono })
	steps := []struct {
		name       string
		app, mono  time.Duration
		wantPassed time.Duration
	}{
		{"both move alike", time.Second, time.Second, time.Second},
		{"the application clock stands still", 0, 2 * time.Second, 2 * time.Second},
		{"the application clock is set forward", time.Hour, time.Millisecond, time.Hour},
		{"the application clock is set back", -time.Hour, time.Second, time.Second},
		{"nothing moves", 0, 0, 0},
	}
	last := c.Now()
	for _, s := range steps {
		app, mono = app.Add(s.app), mono.Add(s.mono)
		now := c.Now()
		if got := now.Sub(last); got != s.wantPassed {
			t.Errorf("%s: %s passed, want %s", s.name, got, s.wantPassed)
		}
		last = now
	}
}

// TestFollowingWakesOnAJump: a timer set before the application clock was
// set forward fires when the clock is next read, not when it runs out.
func TestFollowingWakesOnAJump(t *testing.T) {
	base := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	app, mono := base, base
	c := newFollowing(func() time.Time { return app }, func() time.Time { return mono })
	minute, stop := c.After(time.Minute)
	defer stop()
	hour, _ := c.After(time.Hour)
	stopped, stop := c.After(time.Hour)
	stop()

	app, mono = app.Add(50*time.Millisecond), mono.Add(time.Millisecond) // the wall clock slewing
	c.Now()
	select {
	case <-minute:
		t.Fatal("a timer fired when the clock ran 49ms ahead")
	default:
	}

	app, mono = app.Add(2*time.Hour), mono.Add(time.Millisecond) // set forward
	now := c.Now()
	for name, ch := range map[string]<-chan time.Time{"minute": minute, "hour": hour} {
		select {
		case at := <-ch:
			if !at.Equal(now) {
				t.Errorf("the %s timer fired at %s, want the new time %s", name, at, now)
			}
		default:
			t.Errorf("the %s timer did not fire when the clock was set forward", name)
		}
	}
	select {
	case <-stopped:
		t.Error("a stopped timer fired")
	default:
	}
}
