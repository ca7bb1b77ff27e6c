package app_test

import (
	"context"
	"fmt"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// The limits on guessing (docs/auth.md, "Limits on guessing"), on real
// databases with a clock the test moves.

// lookupCounter counts the password lookups: a guess that reaches one
// goes on to bcrypt, so a refused guess must not.
type lookupCounter struct {
	*sqldb.DB
	lookups atomic.Int64
}

func (c *lookupCounter) PasswordHash(ctx context.Context, name string) (hansei.User, string, error) {
	c.lookups.Add(1)
	return c.DB.PasswordHash(ctx, name)
}

var (
	attacker = netip.MustParseAddr("198.51.100.7")
	owner    = netip.MustParseAddr("203.0.113.9")
)

const rightPassword = "correct horse battery staple"

func limitsFixture(t *testing.T, dsn string, l hansei.SignInLimits) (*fixture, *lookupCounter) {
	t.Helper()
	counter := &lookupCounter{}
	f := newFixture(t, dsn, func(db *sqldb.DB) app.Store { counter.DB = db; return counter })
	f.app.Users.SetSignInLimits(l)
	if err := f.app.Users.SetPassword(context.Background(), app.Console(), "alice", rightPassword); err != nil {
		t.Fatal(err)
	}
	return f, counter
}

func TestAccountLimit(t *testing.T) {
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			l := hansei.DefaultSignInLimits()
			l.AccountFailures = 3 // each failure costs a bcrypt check
			f, counter := limitsFixture(t, target.DSN, l)
			users := f.app.Users
			for i := range l.AccountFailures {
				// From ever new addresses, so that only the account counts.
				from := netip.AddrFrom4([4]byte{198, 51, 100, byte(i)})
				_, _, err := users.SignIn(ctx, from, "alice", fmt.Sprintf("guess number %d", i))
				wantCode(t, err, hansei.EUNAUTHORIZED)
			}
			before := counter.lookups.Load()
			f.now = f.now.Add(time.Minute)
			// The right password, from the owner's own address: refused
			// without a look at it while the account is limited.
			_, _, err := users.SignIn(ctx, owner, "alice", rightPassword)
			wantCode(t, err, hansei.ELIMITED)
			if got, want := hansei.RetryAfter(err), l.Window-time.Minute; got != want {
				t.Errorf("Retry-After %s, want %s (the first failure leaves the window then)", got, want)
			}
			if counter.lookups.Load() != before {
				t.Errorf("a refused sign-in looked the password up (and ran bcrypt)")
			}
			// Another account is not limited.
			if err := users.SetPassword(ctx, app.Console(), "bob", rightPassword); err != nil {
				t.Fatal(err)
			}
			if _, _, err := users.SignIn(ctx, owner, "bob", rightPassword); err != nil {
				t.Fatalf("bob, while alice is limited: %v", err)
			}
			// After the window, the right password works again.
			f.now = f.now.Add(hansei.RetryAfter(err))
			if _, _, err := users.SignIn(ctx, owner, "alice", rightPassword); err != nil {
				t.Fatalf("the right password after the window: %v", err)
			}
			// An unknown name is limited alike: the limit does not tell
			// which names exist.
			for i := 0; i <= l.AccountFailures; i++ {
				from := netip.AddrFrom4([4]byte{192, 0, 2, byte(i)})
				_, _, err = users.SignIn(ctx, from, "nobody", "a guess")
			}
			wantCode(t, err, hansei.ELIMITED)
		})
	}
}

// TestLimitsAcrossInstances: two use-case layers (two instances) on one
// database share the account and address counts.
func TestLimitsAcrossInstances(t *testing.T) {
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			l := hansei.DefaultSignInLimits()
			l.AddressRate = 0 // memory is not shared; this is about the database
			l.AccountFailures, l.AddressFailures = 3, 4
			f, _ := limitsFixture(t, target.DSN, l)
			other := app.New(app.Config{Store: f.db, Scales: hansei.DefaultScales(), Now: func() time.Time { return f.now }})
			other.Users.SetSignInLimits(l)
			instances := []*app.Users{f.app.Users, other.Users}
			for i := range l.AccountFailures {
				_, _, err := instances[i%2].SignIn(ctx, netip.AddrFrom4([4]byte{192, 0, 2, byte(i)}), "alice", "a guess")
				wantCode(t, err, hansei.EUNAUTHORIZED)
			}
			for _, u := range instances {
				_, _, err := u.SignIn(ctx, owner, "alice", rightPassword)
				wantCode(t, err, hansei.ELIMITED)
			}
			// The address: its failures on either instance, over names.
			for i := range l.AddressFailures {
				_, _, err := instances[i%2].SignIn(ctx, attacker, fmt.Sprintf("user%d", i), "a guess")
				wantCode(t, err, hansei.EUNAUTHORIZED)
			}
			for _, u := range instances {
				_, _, err := u.SignIn(ctx, attacker, "bob", "a guess")
				wantCode(t, err, hansei.ELIMITED)
				// That answer blocked the address on this instance:
				// tokens are refused without a query from now on.
				_, err = u.ByToken(ctx, attacker, f.aliceToken)
				wantCode(t, err, hansei.ELIMITED)
			}
			if _, err := other.Users.ByToken(ctx, owner, f.aliceToken); err != nil {
				t.Fatalf("another address's token: %v", err)
			}
			// The scheduler's job forgets what no longer counts.
			f.now = f.now.Add(l.Window)
			if err := f.app.Users.ForgetSignInFailures(ctx); err != nil {
				t.Fatal(err)
			}
			if at, err := f.db.AddressFailure(ctx, attacker.String(), time.Time{}, 1); err != nil || !at.IsZero() {
				t.Errorf("after the window and the job, the address's newest failure is %v, %v; want none", at, err)
			}
		})
	}
}

// TestAddressRate: the in-memory limit refuses a flood from one address
// without a query, and a token or password from elsewhere still works.
func TestAddressRate(t *testing.T) {
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			l := hansei.DefaultSignInLimits()
			l.AccountFailures, l.AddressFailures = 0, 0
			f, counter := limitsFixture(t, target.DSN, l)
			users := f.app.Users
			// Wrong passwords and unknown tokens count alike.
			for i := range l.AddressRate {
				if i < 2 {
					_, _, err := users.SignIn(ctx, attacker, fmt.Sprintf("user%d", i), "a guess")
					wantCode(t, err, hansei.EUNAUTHORIZED)
					continue
				}
				_, err := users.ByToken(ctx, attacker, fmt.Sprintf("hsi_guess%d", i))
				wantCode(t, err, hansei.EUNAUTHORIZED)
			}
			before := counter.lookups.Load()
			_, _, err := users.SignIn(ctx, attacker, "alice", rightPassword)
			wantCode(t, err, hansei.ELIMITED)
			if got, want := hansei.RetryAfter(err), time.Minute/time.Duration(l.AddressRate); got != want {
				t.Errorf("Retry-After %s, want %s (one failure's worth)", got, want)
			}
			_, err = users.ByToken(ctx, attacker, f.aliceToken)
			wantCode(t, err, hansei.ELIMITED)
			if counter.lookups.Load() != before {
				t.Errorf("a refused sign-in looked the password up")
			}
			if _, _, err := users.SignIn(ctx, owner, "alice", rightPassword); err != nil {
				t.Fatalf("another address: %v", err)
			}
			// An IPv6 client counts by its /64.
			v6 := netip.MustParseAddr("2001:db8:1:2::1")
			for i := range l.AddressRate {
				_, err := users.ByToken(ctx, netip.MustParseAddr(fmt.Sprintf("2001:db8:1:2::%x", i+2)), "hsi_guess")
				wantCode(t, err, hansei.EUNAUTHORIZED)
			}
			_, err = users.ByToken(ctx, v6, f.aliceToken)
			wantCode(t, err, hansei.ELIMITED)
			// The rate refills: one failure's worth of time, one more try.
			f.now = f.now.Add(time.Minute / time.Duration(l.AddressRate))
			if _, _, err := users.SignIn(ctx, attacker, "alice", rightPassword); err != nil {
				t.Fatalf("after a failure's worth of time: %v", err)
			}
			// Right tokens and passwords do not count.
			for range 3 * l.AddressRate {
				if _, err := users.ByToken(ctx, owner, f.aliceToken); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
