package notify

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Client is the HTTP client of every outgoing request hansei makes
// (webhooks, Slack, and whatever comes next): it does not follow redirects,
// and it connects only to public addresses, unless the operator allowed the
// host by name (notify.allow_private_hosts).
//
// The address is checked when the connection is made (net.Dialer's
// Control sees the resolved IP of each attempt), not when the URL is
// read, so a name that resolves to 169.254.169.254, or that changes what
// it resolves to between a check and the request, cannot get through. A
// redirect is refused rather than followed, because following one would
// re-send a signed body to wherever the receiver points (a 307 keeps the
// method and the body). No proxy is used: a proxy would make the
// connection, and its target could not be checked here; besides, only
// internal/config reads the environment.
func Client(allowed []string, timeout time.Duration) *http.Client {
	open := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	guarded := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: refuseNonPublic}
	transport := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, _, err := net.SplitHostPort(addr); err == nil && hansei.HostAllowed(host, allowed) {
				return open.DialContext(ctx, network, addr)
			}
			return guarded.DialContext(ctx, network, addr)
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   timeout,
		// The 3xx comes back as the answer; post words it as a failure.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// refuseNonPublic is the dialer's Control: it runs for each address a
// connection is attempted to, after the name was resolved.
func refuseNonPublic(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refusing to connect to %s: not an IP address and port", address)
	}
	if what := hansei.NonPublicAddress(ap.Addr()); what != "" {
		return &RefusedAddressError{Addr: ap.Addr(), What: what}
	}
	return nil
}

// RefusedAddressError is a connection refused because its address is not
// public.
type RefusedAddressError struct {
	Addr netip.Addr
	What string
}

func (e *RefusedAddressError) Error() string {
	return fmt.Sprintf("refusing to connect to %s, %s; list the target's host in notify.allow_private_hosts if it is meant to be reached",
		e.Addr, e.What)
}
