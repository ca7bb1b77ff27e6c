package hansei

import (
	"net/netip"
	"testing"
)

func TestNonPublicAddress(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"8.8.8.8", ""},
		{"2606:4700:4700::1111", ""},
		{"127.0.0.1", "a loopback address"},
		{"127.255.0.9", "a loopback address"},
		{"::1", "a loopback address"},
		{"::ffff:127.0.0.1", "a loopback address"},
		{"10.0.0.1", "a private address"},
		{"172.31.255.255", "a private address"},
		{"172.32.0.1", ""},
		{"192.168.1.1", "a private address"},
		{"fd00::1", "a private (unique local) address"},
		{"169.254.169.254", "a link-local address"},
		{"::ffff:169.254.169.254", "a link-local address"},
		{"fe80::1%eth0", "a link-local address"},
		{"0.0.0.0", "an unspecified (this-network) address"},
		{"::", "an unspecified address"},
		{"224.0.0.1", "a multicast address"},
		{"ff02::1", "a multicast address"},
		{"255.255.255.255", "a reserved or broadcast address"},
		{"100.100.100.200", "a carrier-grade NAT (shared) address"},
		{"64:ff9b::a9fe:a9fe", "a NAT64 address"},
		{"2002:a9fe:a9fe::1", "a 6to4 tunnel address"},
	} {
		if got := NonPublicAddress(netip.MustParseAddr(c.addr)); got != c.want {
			t.Errorf("NonPublicAddress(%s) = %q, want %q", c.addr, got, c.want)
		}
	}
}

func TestNonPublicHostAndHostAllowed(t *testing.T) {
	for _, c := range []struct{ host, want string }{
		{"hooks.slack.com", ""}, {"localhost", "a loopback address"}, {"api.LOCALHOST.", "a loopback address"},
		{"[::1]", "a loopback address"}, {"169.254.169.254", "a link-local address"},
	} {
		if got := NonPublicHost(c.host); got != c.want {
			t.Errorf("NonPublicHost(%q) = %q, want %q", c.host, got, c.want)
		}
	}
	allowed := []string{"Hooks.Internal.", "::1", "127.0.0.1"}
	for host, want := range map[string]bool{"hooks.internal": true, "HOOKS.internal.": true, "0:0::1": true, "[::1]": true,
		"127.0.0.1": true, "::ffff:127.0.0.1": true, "127.0.0.2": false, "localhost": false, "other.internal": false} {
		if got := HostAllowed(host, allowed); got != want {
			t.Errorf("HostAllowed(%q) = %v, want %v", host, got, want)
		}
	}
}
