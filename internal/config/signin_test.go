package config

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

func TestSignInSection(t *testing.T) {
	c := Default()
	if c.SignIn != hansei.DefaultSignInLimits() || len(c.TrustedProxies) != 0 {
		t.Errorf("default signin: %+v, trusted proxies %v", c.SignIn, c.TrustedProxies)
	}
	c, err := Parse("hansei.yaml", []byte("signin:\n  account_failures: 5\n  address_failures: 0\n  failure_window: 1h\n"+
		"  address_rate: 60\n  concurrent_checks: 2\ntrusted_proxies: [10.0.0.0/8, 192.0.2.7, '::1', '::ffff:10.1.2.3', 10.9.8.7/16]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := hansei.SignInLimits{AccountFailures: 5, AddressFailures: 0, Window: time.Hour, AddressRate: 60, ConcurrentChecks: 2}
	if c.SignIn != want {
		t.Errorf("signin = %+v, want %+v", c.SignIn, want)
	}
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("10.1.2.3/32"), netip.MustParsePrefix("10.9.0.0/16")}
	if !reflect.DeepEqual(c.TrustedProxies, proxies) {
		t.Errorf("trusted_proxies = %v, want %v", c.TrustedProxies, proxies)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"signin:\n  failure_window: 10s\n", `hansei.yaml:2: signin.failure_window: expected a duration from 1m to 24h`},
		{"signin:\n  account_failures: ten\n", `hansei.yaml:2: signin.account_failures: expected a whole number from 0 (no limit) to 1000000, not "ten"`},
		{"signin:\n  acount_failures: 3\n", `hansei.yaml:2: signin: field "acount_failures" is not known; known fields: account_failures, address_failures, failure_window, address_rate, concurrent_checks (did you mean "account_failures"?)`},
		{"trusted_proxies: [10.0.0.0/33]\n", `hansei.yaml:1: trusted_proxies[0]: "10.0.0.0/33" is not a CIDR range`},
		{"trusted_proxies: [proxy.example.com]\n", `hansei.yaml:1: trusted_proxies[0]: "proxy.example.com" is not an IP address`},
		{"trusted_proxies: 10.0.0.1\n", `hansei.yaml:1: trusted_proxies: expected a list of proxies`},
	} {
		_, err := Parse("hansei.yaml", []byte(tc.yaml))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: %v\nwant %s", tc.yaml, err, tc.want)
		}
	}
}
