package statuspage

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hansei-dev/hansei/internal/i18n"
)

// The public status page's own limits. During an outage the page takes a
// flood of visitors at the moment the responders most need the API, so
// public requests pass two gates of their own: a rate limit over all
// public routes together, and a bound on how many are served at once. A
// request refused by either costs about as little as a cached page, and
// never touches the database. On the --public-addr listener a third gate,
// LimitListener, bounds open connections.

// rateLimiter is a token bucket kept as one number (the generic cell rate
// algorithm): tat is when the bucket would next be empty. One atomic
// compare-and-swap per request, no lock, so that the limiter is not itself
// the point where a flood of requests on many cores queues up.
type rateLimiter struct {
	interval int64 // nanoseconds per request
	burst    int64 // nanoseconds of requests allowed ahead of the rate
	base     time.Time
	tat      atomic.Int64
}

// newRateLimiter allows perSecond requests a second, in bursts of up to a
// second's worth; nil (no limit) for perSecond <= 0.
func newRateLimiter(perSecond int) *rateLimiter {
	if perSecond <= 0 {
		return nil
	}
	interval := max(int64(time.Second)/int64(perSecond), 1)
	return &rateLimiter{interval: interval, burst: int64(time.Second), base: time.Now()}
}

// allow takes a token, or says how long until one is free.
func (l *rateLimiter) allow() (bool, time.Duration) {
	now := int64(time.Since(l.base))
	for {
		tat := l.tat.Load()
		next := max(tat, now) + l.interval
		if over := next - now - l.burst; over > 0 {
			return false, time.Duration(over)
		}
		if l.tat.CompareAndSwap(tat, next) {
			return true, 0
		}
	}
}

// inFlight bounds the public requests being served at once. The common
// case is one atomic add; only when the bound is reached does a request
// wait, briefly, for a slot.
type inFlight struct {
	max     int64
	wait    time.Duration
	n       atomic.Int64
	waiters atomic.Int64
	freed   chan struct{}
}

func newInFlight(max int, wait time.Duration) *inFlight {
	if max <= 0 {
		return nil
	}
	return &inFlight{max: int64(max), wait: wait, freed: make(chan struct{}, max)}
}

func (f *inFlight) acquire(ctx context.Context) bool {
	if f.n.Add(1) <= f.max {
		return true
	}
	f.n.Add(-1)
	f.waiters.Add(1)
	defer f.waiters.Add(-1)
	t := time.NewTimer(f.wait)
	defer t.Stop()
	for {
		select {
		case <-f.freed:
		case <-t.C:
			return false
		case <-ctx.Done():
			return false
		}
		if f.n.Add(1) <= f.max {
			return true
		}
		f.n.Add(-1)
	}
}

func (f *inFlight) release() {
	f.n.Add(-1)
	if f.waiters.Load() > 0 {
		select {
		case f.freed <- struct{}{}:
		default:
		}
	}
}

// inFlightWait is how long a public request waits for a slot before it is
// told to come back: long enough to ride out a burst, short enough that a
// visitor is not left hanging.
const inFlightWait = 100 * time.Millisecond

// limited runs h under the public limits.
func (p *Page) limited(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if no := p.admit(r.Context(), p.clientAddr(r)); no.code != 0 {
			p.refuse(w, r, no)
			return
		}
		defer p.leave()
		h(w, r)
	}
}

// refusal is what the public limits answer instead of a page: 429 or 503
// with Retry-After. The zero refusal lets the request through.
type refusal struct {
	code  int
	after time.Duration
	why   refuseReason
}

// refuseReason says why a request is refused, in the visitor's language:
// each reason's text is printed once per language at start (refusals).
type refuseReason int

const (
	refuseClientRate refuseReason = iota // 429: this client is over its rate
	refuseRate                           // 429: all clients together are
	refuseBusy                           // 503: too many requests at once
	refuseNotReady                       // 503: nothing built yet
	numRefuseReasons
)

// refuseMessages are the reasons' messages.
func refuseMessages() [numRefuseReasons]string {
	return [numRefuseReasons]string{"statuspage.refused_client_rate", "statuspage.refused_rate",
		"statuspage.refused_busy", "statuspage.refused_not_ready"}
}

// refusalTexts are the refusals' bodies in each of the page's languages,
// so that refusing a request in a flood prints nothing.
func refusalTexts(cats *i18n.Catalogs, langs []string) [][numRefuseReasons]string {
	out := make([][numRefuseReasons]string, len(langs))
	for i, l := range langs {
		pr := cats.Printer(l)
		for r, id := range refuseMessages() {
			out[i][r] = pr.T(id) + "\n"
		}
	}
	return out
}

// admit passes a request from client through the public limits: the
// client's own rate first, so that a client over it takes nothing from the
// others, then the rate over all clients and the bound on requests at
// once. A request let through must call leave when it is answered.
func (p *Page) admit(ctx context.Context, client netip.Addr) refusal {
	if cl := p.perClient; cl != nil {
		if ok, after := cl.allow(client); !ok {
			return refusal{http.StatusTooManyRequests, after, refuseClientRate}
		}
	}
	if rl := p.rate; rl != nil {
		if ok, after := rl.allow(); !ok {
			return refusal{http.StatusTooManyRequests, after, refuseRate}
		}
	}
	if f := p.flight; f != nil && !f.acquire(ctx) {
		return refusal{http.StatusServiceUnavailable, time.Second, refuseBusy}
	}
	return refusal{}
}

// leave frees the in-flight slot admit took.
func (p *Page) leave() {
	if f := p.flight; f != nil {
		f.release()
	}
}

// refuse answers no, in the visitor's language. It is not cached: the
// next try may well succeed.
func (p *Page) refuse(w http.ResponseWriter, r *http.Request, no refusal) {
	h := w.Header()
	for _, kv := range p.refusalHeaders(no) {
		h[kv.key] = kv.val
	}
	lang, _ := p.requestLang(r)
	w.WriteHeader(no.code)
	io.WriteString(w, p.refusals[lang][no.why])
}

// refusalHeaders are the headers of a refusal, with Retry-After in whole
// seconds (at least 1).
func (p *Page) refusalHeaders(no refusal) []header {
	return []header{{"Content-Type", p.hdr.plain}, {"Cache-Control", p.hdr.noStore}, {"X-Content-Type-Options", p.hdr.nosniff},
		{"Retry-After", []string{strconv.FormatInt(int64((no.after+time.Second-1)/time.Second), 10)}}}
}

// publicListener is the --public-addr listener with its connection limit:
// Accept waits while max connections are open, so that the excess queues
// in the kernel's backlog instead of costing memory and goroutines here.
// The server tells it when a connection has ended (closed), which frees
// its slot. It hands out the accepted connection itself, not a wrapper, so
// that fasthttp can send a response's head and a body in one writev, which
// it does only on a *net.TCPConn, and a body from a file with sendfile
// (the connection's ReadFrom; filebody.go).
type publicListener struct {
	net.Listener
	sem       chan struct{} // nil: no limit
	done      chan struct{}
	closeOnce sync.Once
}

// newPublicListener limits l to max open connections; max <= 0 means no
// limit.
func newPublicListener(l net.Listener, max int) *publicListener {
	pl := &publicListener{Listener: l, done: make(chan struct{})}
	if max > 0 {
		pl.sem = make(chan struct{}, max)
	}
	return pl
}

func (l *publicListener) Accept() (net.Conn, error) {
	if l.sem != nil {
		select {
		case l.sem <- struct{}{}:
		case <-l.done:
			return nil, net.ErrClosed
		}
	}
	c, err := l.Listener.Accept()
	if err != nil {
		l.closed()
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		// Room for a whole page in the kernel, so that one write sends
		// it and the goroutine does not park midway.
		tc.SetWriteBuffer(publicSendBuffer)
	}
	return c, nil
}

// closed frees the slot of a connection that has ended.
func (l *publicListener) closed() {
	if l.sem != nil {
		<-l.sem
	}
}

func (l *publicListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}
