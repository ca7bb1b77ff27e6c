package config

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// The signin section, the limits on password and token guessing
// (docs/auth.md):
//
//	signin:
//	  account_failures: 10     # wrong passwords per user name per window; 0: no limit
//	  address_failures: 100    # failures per client address per window; 0: no limit
//	  failure_window: 15m
//	  address_rate: 20         # failures a minute per address, per instance; 0: no limit
//	  concurrent_checks: 1     # password checks at once; 0: no limit
func signinField() field[Config] {
	return field[Config]{key: "signin", doc: "Limits on password and API-token guessing (see [auth.md](auth.md#limits-on-guessing)).",
		value: sectionValue[Config, hansei.SignInLimits]{at: func(c *Config) *hansei.SignInLimits { return &c.SignIn },
			fields: signinFields()}}
}

func signinFields() []field[hansei.SignInLimits] {
	def := hansei.DefaultSignInLimits()
	return []field[hansei.SignInLimits]{
		{key: "account_failures", doc: "Wrong passwords one user name may get within `failure_window`, on all instances together; past it, signing in as that name is refused (429) without checking the password. `0`: no limit.",
			value: scalar(func(l *hansei.SignInLimits) *int { return &l.AccountFailures }, count(1_000_000), def.AccountFailures)},
		{key: "address_failures", doc: "Failed sign-ins and unknown API tokens one client address may cause within `failure_window`, on all instances together; past it, its sign-ins and token requests are refused (429). `0`: no limit.",
			value: scalar(func(l *hansei.SignInLimits) *int { return &l.AddressFailures }, count(1_000_000), def.AddressFailures)},
		{key: "failure_window", doc: "How long a failure counts against its user name and address, from 1m to 24h.",
			value: scalar(func(l *hansei.SignInLimits) *time.Duration { return &l.Window }, duration(time.Minute, 24*time.Hour), def.Window)},
		{key: "address_rate", doc: "Failures a minute one client address may cause on one instance, in bursts of as many, counted in memory so that a flood is refused without a query. `0`: no limit.",
			value: scalar(func(l *hansei.SignInLimits) *int { return &l.AddressRate }, count(1_000_000), def.AddressRate)},
		{key: "concurrent_checks", def: "half the CPUs, at least 1",
			doc:   "Password checks (bcrypt, about a quarter of a second of CPU each) run at once; more wait their turn, up to 5 s, then 429. `0`: no limit.",
			value: scalar(func(l *hansei.SignInLimits) *int { return &l.ConcurrentChecks }, count(1024), def.ConcurrentChecks)},
	}
}

// The proxies whose X-Forwarded-For is believed:
//
//	trusted_proxies: [10.0.0.0/8, 192.0.2.7]
func trustedProxiesField() field[Config] {
	return field[Config]{key: "trusted_proxies", doc: "The reverse proxies allowed to say who the client is in `X-Forwarded-For`: addresses or CIDR ranges. Only a request from one of them is taken to come from the address it names; otherwise the client is the TCP peer. The sign-in limits count by this address.",
		value: listValue[Config, netip.Prefix]{at: func(c *Config) *[]netip.Prefix { return &c.TrustedProxies },
			kind: ipPrefix(), plural: "proxies"}}
}

// ipPrefix is an IP address or a CIDR range; an address is the range of
// itself alone.
func ipPrefix() kind[netip.Prefix] {
	return kind[netip.Prefix]{want: "an IP address or CIDR range, such as 10.0.0.0/8 or 192.0.2.7",
		parse: func(raw string) (netip.Prefix, string) {
			if strings.Contains(raw, "/") {
				p, err := netip.ParsePrefix(raw)
				if err != nil {
					return netip.Prefix{}, fmt.Sprintf("%q is not a CIDR range; write an address and a prefix length, such as 10.0.0.0/8 or fd00::/8", raw)
				}
				return p.Masked(), ""
			}
			a, err := netip.ParseAddr(raw)
			if err != nil {
				return netip.Prefix{}, fmt.Sprintf("%q is not an IP address; give one such as 192.0.2.7 or ::1, or a CIDR range such as 10.0.0.0/8", raw)
			}
			a = a.Unmap()
			return netip.PrefixFrom(a, a.BitLen()), ""
		},
		format: netip.Prefix.String}
}
