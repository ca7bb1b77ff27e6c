package hansei

import (
	"runtime"
	"time"
)

// SignInLimits bound password and token guessing (docs/auth.md, "Limits
// on guessing"). internal/app applies them; the config's signin section
// sets them. A zero count turns its limit off.
type SignInLimits struct {
	// AccountFailures is how many wrong passwords one user name may get
	// within Window, over every instance together; past it, sign-in as
	// that name is refused without checking the password until the
	// oldest of them is Window old.
	AccountFailures int
	// AddressFailures is how many failures (wrong passwords, unknown API
	// tokens and sign-in links) one client address may cause within
	// Window, over every instance together.
	AddressFailures int
	// Window is how long a failure counts.
	Window time.Duration
	// AddressRate is how many failures a minute one client address may
	// cause on one instance, in bursts of as many; it is kept in memory,
	// so a flood is refused without a query.
	AddressRate int
	// ConcurrentChecks is how many password checks (bcrypt, a quarter of
	// a second of CPU each) run at once; more wait their turn, so that
	// guessing from many addresses cannot take every CPU from the API.
	ConcurrentChecks int
}

// DefaultSignInLimits: 10 wrong passwords per user name and 100 failures
// per address in 15 minutes; 20 failures a minute per address on each
// instance; password checks on half the CPUs, at least one.
func DefaultSignInLimits() SignInLimits {
	return SignInLimits{AccountFailures: 10, AddressFailures: 100, Window: 15 * time.Minute, AddressRate: 20,
		ConcurrentChecks: max(1, runtime.GOMAXPROCS(0)/2)}
}
