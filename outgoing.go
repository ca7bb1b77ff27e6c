package hansei

import (
	"net/netip"
	"strings"
)

// The rule for where hansei's outgoing requests (webhooks, Slack) may go:
// only to public addresses, unless the operator allowed a host by name. A
// webhook URL is written by an admin, but what its name resolves to is
// decided by whoever runs its DNS, and a receiver can answer with a
// redirect; either could turn a signed notification into a request to the
// cloud's metadata service (169.254.169.254) or to a service that trusts
// the local network. internal/notify checks the address it is about to
// connect to, after resolution; internal/config refuses a target that names
// such an address outright.

// addressRange is a range of addresses and what they are.
type addressRange struct {
	prefix netip.Prefix
	what   string
}

// nonPublicRanges are the address ranges an outgoing request must not
// reach (IANA's special-purpose registries, less the globally reachable
// ones). IPv4-mapped IPv6 addresses are checked as the IPv4 address they
// carry. A function, not a variable, so that nothing can change it.
func nonPublicRanges() []addressRange {
	return []addressRange{
		{netip.MustParsePrefix("0.0.0.0/8"), "an unspecified (this-network) address"},
		{netip.MustParsePrefix("10.0.0.0/8"), "a private address"},
		{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT (shared) address"},
		{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
		{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
		{netip.MustParsePrefix("172.16.0.0/12"), "a private address"},
		{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address"},
		{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address"},
		{netip.MustParsePrefix("192.168.0.0/16"), "a private address"},
		{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
		{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address"},
		{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address"},
		{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
		{netip.MustParsePrefix("240.0.0.0/4"), "a reserved or broadcast address"},
		{netip.MustParsePrefix("::/128"), "an unspecified address"},
		{netip.MustParsePrefix("::1/128"), "a loopback address"},
		// NAT64, Teredo and 6to4 carry an IPv4 address inside, which may be
		// a private one.
		{netip.MustParsePrefix("64:ff9b::/96"), "a NAT64 address"},
		{netip.MustParsePrefix("64:ff9b:1::/48"), "a NAT64 address"},
		{netip.MustParsePrefix("100::/64"), "a discard address"},
		{netip.MustParsePrefix("2001::/32"), "a Teredo tunnel address"},
		{netip.MustParsePrefix("2001:db8::/32"), "a documentation address"},
		{netip.MustParsePrefix("2002::/16"), "a 6to4 tunnel address"},
		{netip.MustParsePrefix("fc00::/7"), "a private (unique local) address"},
		{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
		{netip.MustParsePrefix("fec0::/10"), "a site-local address"},
		{netip.MustParsePrefix("ff00::/8"), "a multicast address"},
	}
}

// NonPublicAddress says what addr is when an outgoing request must not
// reach it ("a loopback address"), or "" when it is a public address.
func NonPublicAddress(addr netip.Addr) string {
	addr = addr.Unmap().WithZone("")
	if !addr.IsValid() {
		return "not an address"
	}
	for _, r := range nonPublicRanges() {
		if r.prefix.Contains(addr) {
			return r.what
		}
	}
	return ""
}

// NonPublicHost says what host names, when it names a non-public address
// outright: an IP literal in such a range, or localhost (which resolves
// to the loopback by definition, RFC 6761). A name that merely resolves
// there is caught when the request connects; "" here says nothing about
// it.
func NonPublicHost(host string) string {
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return "a loopback address"
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		return NonPublicAddress(addr)
	}
	return ""
}

// HostAllowed reports whether host (a URL's host name, without port) is
// one of the names the operator allowed to be non-public
// (notify.allow_private_hosts). Names compare without case and without a
// trailing dot; IP literals compare as addresses, so "::1" allows
// "[0:0::1]".
func HostAllowed(host string, allowed []string) bool {
	norm := func(h string) string { return strings.TrimSuffix(strings.ToLower(strings.Trim(h, "[]")), ".") }
	h := norm(host)
	ha, err := netip.ParseAddr(h)
	hIsAddr := err == nil
	for _, a := range allowed {
		a = norm(a)
		if a == h {
			return true
		}
		if aa, err := netip.ParseAddr(a); err == nil && hIsAddr && aa.Unmap() == ha.Unmap() {
			return true
		}
	}
	return false
}
