package statuspage

import (
	"bytes"
	"hash/maphash"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// The rate limit over all public requests is a ceiling that protects the
// server, and alone it let one client that sent faster than it take every
// token, so that every other visitor was refused too. So each client
// address has a rate limit of its own, checked first: a client over it is
// refused without taking from the shared bucket. A client is its address,
// or, with IPv6, its /64 (what one subscriber is usually given). Behind a
// proxy or a CDN every request comes from the proxy; the header the proxy
// sets (status.client_address_header) names the client instead.

// clientLimiter is a token bucket per client address, kept as the time
// each client's bucket would next be empty (as rateLimiter), in shards
// under a lock each, so that clients rarely wait on one another.
type clientLimiter struct {
	interval int64 // nanoseconds per request
	burst    int64 // nanoseconds of requests allowed ahead of the rate
	base     time.Time
	seed     maphash.Seed
	shards   [clientShards]clientShard
}

const (
	clientShards = 64
	// clientsPerShard bounds the clients remembered: 64 × 1024 addresses,
	// a few MiB at most. A full shard forgets the clients whose bucket is
	// full again, which is as good as never having seen them.
	clientsPerShard = 1024
)

type clientShard struct {
	mu  sync.Mutex
	tat map[netip.Addr]int64
	_   [40]byte // a cache line each, so shards do not share one
}

// newClientLimiter allows perSecond requests a second per client, in
// bursts of up to a second's worth; nil (no limit) for perSecond <= 0.
func newClientLimiter(perSecond int) *clientLimiter {
	if perSecond <= 0 {
		return nil
	}
	l := &clientLimiter{interval: max(int64(time.Second)/int64(perSecond), 1), burst: int64(time.Second),
		base: time.Now(), seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].tat = map[netip.Addr]int64{}
	}
	return l
}

// allow takes a token from client's bucket, or says how long until one is
// free. A client that cannot be told (no address) shares one bucket.
func (l *clientLimiter) allow(client netip.Addr) (bool, time.Duration) {
	client = clientKey(client)
	sh := &l.shards[maphash.Comparable(l.seed, client)%clientShards]
	now := int64(time.Since(l.base))
	sh.mu.Lock()
	defer sh.mu.Unlock()
	tat, seen := sh.tat[client]
	next := max(tat, now) + l.interval
	if over := next - now - l.burst; over > 0 {
		return false, time.Duration(over)
	}
	if !seen && len(sh.tat) >= clientsPerShard {
		for a, t := range sh.tat {
			if t <= now {
				delete(sh.tat, a)
			}
		}
		if len(sh.tat) >= clientsPerShard {
			// Every client here sent within the last second: let this
			// one through unrecorded; the shared limit still bounds all.
			return true, 0
		}
	}
	sh.tat[client] = next
	return true, 0
}

// clientKey is the address a client is known by: IPv4 as it is, IPv6 by
// its /64.
func clientKey(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// clientAddr is the client of a request on the main address: the last
// address in the configured header, if there is one, else the peer.
func (p *Page) clientAddr(r *http.Request) netip.Addr {
	if h := p.cfg.ClientAddressHeader; h != "" {
		if a, ok := lastAddr([]byte(r.Header.Get(h))); ok {
			return a
		}
	}
	ap, _ := netip.ParseAddrPort(r.RemoteAddr)
	return ap.Addr()
}

// fastClientAddr is clientAddr on the public listener.
func (p *Page) fastClientAddr(ctx *fasthttp.RequestCtx) netip.Addr {
	if h := p.cfg.ClientAddressHeader; h != "" {
		if a, ok := lastAddr(ctx.Request.Header.Peek(h)); ok {
			return a
		}
	}
	if ta, ok := ctx.RemoteAddr().(*net.TCPAddr); ok {
		a, _ := netip.AddrFromSlice(ta.IP)
		return a
	}
	return netip.Addr{}
}

// lastAddr reads the last address of a comma-separated list, as proxies
// append the address they received a request from to X-Forwarded-For:
// the last entry is the one the nearest proxy saw, the only one a client
// cannot forge.
func lastAddr(v []byte) (netip.Addr, bool) {
	if i := bytes.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	a, err := netip.ParseAddr(string(bytes.TrimSpace(v)))
	return a, err == nil
}
