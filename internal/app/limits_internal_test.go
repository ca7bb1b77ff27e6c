package app

import (
	"context"
	"net/netip"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// TestPasswordChecksTakeTurns: with one check at a time, a second waits
// for the first, and past its wait is refused with 429, never run.
func TestPasswordChecksTakeTurns(t *testing.T) {
	ctx := context.Background()
	g := newGuard(hansei.SignInLimits{ConcurrentChecks: 1}, nil, time.Now)
	g.wait = 20 * time.Millisecond
	started, hold, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() { done <- g.check(ctx, func() error { close(started); <-hold; return nil }) }()
	<-started
	err := g.check(ctx, func() error { t.Error("a second check ran while the only turn was taken"); return nil })
	if hansei.ErrorCode(err) != hansei.ELIMITED || hansei.RetryAfter(err) <= 0 {
		t.Errorf("a check that waited too long: %v", err)
	}
	close(hold)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ran := false
	if err := g.check(ctx, func() error { ran = true; return nil }); err != nil || !ran {
		t.Errorf("once the turn was free: ran %v, %v", ran, err)
	}
}

func TestLimitWords(t *testing.T) {
	for d, want := range map[time.Duration]string{
		300 * time.Millisecond: "1 second", 3 * time.Second: "3 seconds", 59*time.Second + 1: "1 minute",
		time.Minute: "1 minute", 14*time.Minute + time.Second: "15 minutes",
	} {
		if got := minutes(d); got != want {
			t.Errorf("minutes(%s) = %q, want %q", d, got, want)
		}
	}
	for in, want := range map[string]string{
		"198.51.100.7": "198.51.100.7", "::ffff:198.51.100.7": "198.51.100.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64", "": "unknown",
	} {
		a, _ := netip.ParseAddr(in)
		if got := addressKey(a); got != want {
			t.Errorf("addressKey(%q) = %q, want %q", in, got, want)
		}
	}
}
