package httpx

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Who a request comes from. The sign-in limits count failures per client
// address, so the address must be one a client cannot choose: the TCP
// peer, unless the peer is a proxy the configuration trusts
// (trusted_proxies), whose X-Forwarded-For then says who its client was.

type clientAddrKey struct{}

// WithClientAddr finds the client address of every request once, before
// next sees it; ClientAddr reads it. trusted gives the proxies whose
// X-Forwarded-For is believed.
func WithClientAddr(trusted func() []netip.Prefix, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := clientAddr(r, trusted())
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientAddrKey{}, addr)))
	})
}

// ClientAddr is the address of the client that sent r, as WithClientAddr
// found it; without WithClientAddr, the TCP peer. It is the zero Addr when
// the peer's address is not an IP address.
func ClientAddr(r *http.Request) netip.Addr {
	if a, ok := r.Context().Value(clientAddrKey{}).(netip.Addr); ok {
		return a
	}
	return peerAddr(r)
}

// clientAddr walks X-Forwarded-For from its end, where each trusted proxy
// appended the address it was reached from, and stops at the first
// address that is not a trusted proxy's: anything before it was written
// by the client, who may write anything.
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	addr := peerAddr(r)
	if len(trusted) == 0 {
		return addr
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0 && isTrusted(addr, trusted); i-- {
		hop, ok := parseHop(strings.TrimSpace(hops[i]))
		if !ok {
			break // a proxy we trust wrote nonsense: keep the proxy
		}
		addr = hop
	}
	return addr
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseHop reads one address of X-Forwarded-For; some proxies add a port.
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

func peerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}
