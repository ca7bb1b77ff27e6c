package app

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"golang.org/x/time/rate"
)

// The limits on guessing passwords and tokens (hansei.SignInLimits;
// docs/auth.md, "Limits on guessing"). Every check comes before the
// secret is looked at, so that a refused guess costs no bcrypt and tells
// nothing:
//
//   - per client address, in memory: failures a minute (x/time/rate), so
//     that a flood from one address is refused without a query;
//   - per client address and per user name, in the database: failures
//     within the window, so that every instance on one PostgreSQL counts
//     the same failures;
//   - password checks at once, so that guesses from many addresses cannot
//     take every CPU from the API.

type failureStore interface {
	// RecordSignInFailure notes a failure of account ("" for a token or a
	// link) from address at at.
	RecordSignInFailure(ctx context.Context, account, address string, at time.Time) error
	// AccountFailure and AddressFailure are the time of the nth most
	// recent failure after since; the zero time if there were fewer.
	AccountFailure(ctx context.Context, account string, since time.Time, nth int) (time.Time, error)
	AddressFailure(ctx context.Context, address string, since time.Time, nth int) (time.Time, error)
	DeleteSignInFailures(ctx context.Context, before time.Time) (int64, error)
}

const (
	// maxTrackedAddresses bounds the in-memory limiters; past it a new
	// address is left to the database's count (a flood from that many
	// addresses is a flood the per-address rate cannot stop anyway).
	maxTrackedAddresses = 100_000
	// checkWait is how long a password check waits for its turn.
	checkWait = 5 * time.Second
)

// guard applies one set of limits.
type guard struct {
	limits hansei.SignInLimits
	store  failureStore
	now    func() time.Time
	// checks holds a token per password check running; nil: no limit.
	checks chan struct{}
	// wait is how long a check waits for its turn (checkWait).
	wait time.Duration

	mu        sync.RWMutex
	addresses map[string]*addressState
	swept     time.Time
}

// addressState is what this instance knows of one client address.
type addressState struct {
	failures *rate.Limiter
	// blockedUntil: the database said the address is over its limit.
	blockedUntil time.Time
}

func newGuard(l hansei.SignInLimits, store failureStore, now func() time.Time) *guard {
	g := &guard{limits: l, store: store, now: now, wait: checkWait, addresses: map[string]*addressState{}}
	if l.ConcurrentChecks > 0 {
		g.checks = make(chan struct{}, l.ConcurrentChecks)
	}
	return g
}

// addressKey is what the limits count by: an IPv4 address, or an IPv6
// client's /64 (one subscriber usually has all of one). A request without
// a known address (the command line, a test) counts as "unknown".
func addressKey(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return "unknown"
	case a.Is6():
		return netip.PrefixFrom(a, 64).Masked().String()
	}
	return a.String()
}

// accountKey is what the limits count a user name typed by: its SHA-256,
// so that the failures kept are not a list of what people typed (a
// password in the name field, now and then).
func accountKey(name string) string { return hashSecret(name) }

// admit refuses an address that is over its limits as far as this
// instance knows: its failures this minute, or a database count that
// said so lately. It costs no query.
func (g *guard) admit(addr string) error {
	now := g.now()
	g.mu.RLock()
	defer g.mu.RUnlock()
	st := g.addresses[addr]
	if st == nil {
		return nil
	}
	if now.Before(st.blockedUntil) {
		return tooManyFromAddress(st.blockedUntil.Sub(now))
	}
	if st.failures != nil && st.failures.TokensAt(now) < 1 {
		// One failure's worth of time, at most.
		return tooManyFromAddress(time.Duration(float64(time.Minute) / float64(g.limits.AddressRate) * (1 - st.failures.TokensAt(now))))
	}
	return nil
}

// recent refuses, from the database, an address or a user name ("" for
// none) with too many failures within the window, over every instance.
func (g *guard) recent(ctx context.Context, addr, account string) error {
	now := g.now()
	since := now.Add(-g.limits.Window)
	if n := g.limits.AddressFailures; n > 0 {
		at, err := g.store.AddressFailure(ctx, addr, since, n)
		if err != nil {
			return err
		}
		if !at.IsZero() {
			until := at.Add(g.limits.Window)
			g.block(addr, until)
			return tooManyFromAddress(until.Sub(now))
		}
	}
	if n := g.limits.AccountFailures; n > 0 && account != "" {
		at, err := g.store.AccountFailure(ctx, account, since, n)
		if err != nil {
			return err
		}
		if !at.IsZero() {
			after := at.Add(g.limits.Window).Sub(now)
			return hansei.Limited(after, "too many wrong passwords for this user name lately; try again in %s, or ask an admin for a sign-in link", minutes(after))
		}
	}
	return nil
}

// failed counts a failure of account ("" for a token or a link) from
// addr: in memory, then in the database, whose count may block the
// address on this instance at once.
func (g *guard) failed(ctx context.Context, addr, account string) error {
	now := g.now()
	if g.limits.AddressRate > 0 {
		if lim := g.limiter(addr, now); lim != nil {
			lim.AllowN(now, 1)
		}
	}
	if err := g.store.RecordSignInFailure(ctx, account, addr, now); err != nil {
		return err
	}
	if n := g.limits.AddressFailures; n > 0 {
		at, err := g.store.AddressFailure(ctx, addr, now.Add(-g.limits.Window), n)
		if err != nil {
			return err
		}
		if !at.IsZero() {
			g.block(addr, at.Add(g.limits.Window))
		}
	}
	return nil
}

// limiter is addr's failures-a-minute limiter, made on its first failure;
// nil when too many addresses are tracked.
func (g *guard) limiter(addr string, now time.Time) *rate.Limiter {
	g.mu.Lock()
	defer g.mu.Unlock()
	st := g.state(addr, now)
	if st == nil {
		return nil
	}
	if st.failures == nil {
		st.failures = rate.NewLimiter(rate.Limit(float64(g.limits.AddressRate)/60), g.limits.AddressRate)
	}
	return st.failures
}

func (g *guard) block(addr string, until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if st := g.state(addr, g.now()); st != nil && until.After(st.blockedUntil) {
		st.blockedUntil = until
	}
}

// state is addr's entry, made if need be; g.mu is held. Once a minute it
// forgets the addresses that have nothing against them any more.
func (g *guard) state(addr string, now time.Time) *addressState {
	if st := g.addresses[addr]; st != nil {
		return st
	}
	if now.Sub(g.swept) >= time.Minute || now.Before(g.swept) {
		g.swept = now
		for k, st := range g.addresses {
			if !now.Before(st.blockedUntil) && (st.failures == nil || st.failures.TokensAt(now) >= float64(st.failures.Burst())) {
				delete(g.addresses, k)
			}
		}
	}
	if len(g.addresses) >= maxTrackedAddresses {
		return nil
	}
	st := &addressState{}
	g.addresses[addr] = st
	return st
}

// check runs a password check when its turn comes, waiting at most
// g.wait for it.
func (g *guard) check(ctx context.Context, fn func() error) error {
	if g.checks == nil {
		return fn()
	}
	wait := time.NewTimer(g.wait)
	defer wait.Stop()
	select {
	case g.checks <- struct{}{}:
	case <-wait.C:
		return hansei.Limited(time.Second, "too many sign-ins are being checked at this moment; try again in a few seconds")
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-g.checks }()
	return fn()
}

// forget deletes the failures that no longer count.
func (g *guard) forget(ctx context.Context) error {
	_, err := g.store.DeleteSignInFailures(ctx, g.now().Add(-g.limits.Window))
	return err
}

func tooManyFromAddress(after time.Duration) error {
	return hansei.Limited(after, "too many failed sign-ins from your address lately; try again in %s", minutes(after))
}

// minutes words a wait as people say it: "30 seconds", "1 minute", "14
// minutes".
func minutes(d time.Duration) string {
	s := max(int((d+time.Second-1)/time.Second), 1)
	switch {
	case s == 1:
		return "1 second"
	case s < 60:
		return fmt.Sprintf("%d seconds", s)
	case s == 60:
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", (s+59)/60)
}
