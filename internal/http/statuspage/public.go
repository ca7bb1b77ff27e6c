package statuspage

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hansei-dev/hansei/internal/http/httpx"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

// The --public-addr listener: the public routes and nothing else, on
// fasthttp. During an outage this listener takes the whole spike, and
// everything it serves is a body that already exists in the cache, so per
// request it only picks bytes; fasthttp reuses its request and response
// objects where net/http makes new ones, which measured faster here
// (docs/performance.md). fasthttp reads and checks every request; a
// request for a public path exactly as routes.go mounts it is answered
// from the cache here, and any other request (an unclean or
// percent-encoded path, another method, an asset, an unknown path) goes
// through fasthttpadaptor to the same net/http mux as the main address
// uses, so that it answers as the main address does.

// ServePublic serves the public routes on ln until ctx ends, recording
// each request with observe.
func (p *Page) ServePublic(ctx context.Context, ln net.Listener, observe observeFunc) error {
	to := p.cfg.timeouts()
	fp := &fastPublic{p: p, observe: observe, routes: map[string]fastRoute{}}
	for path, b := range p.paths {
		fp.routes[path] = fastRoute{pattern: "GET " + path, body: b}
	}
	fp.fallback = fasthttpadaptor.NewFastHTTPHandler(p.observed(observe))
	pl := newPublicListener(ln, p.cfg.MaxConnections)
	srv := &fasthttp.Server{
		Handler:               fp.serve,
		ReadTimeout:           to.Read,
		WriteTimeout:          to.Write,
		IdleTimeout:           to.Idle,
		ReadBufferSize:        publicMaxHead, // also the largest request head
		MaxRequestBodySize:    publicMaxBody,
		NoDefaultServerHeader: true,
		NoDefaultContentType:  true,
		CloseOnShutdown:       true,
		LazyRequestTime:       true, // nothing here asks for it: one clock read fewer per request
		ConnState: func(_ net.Conn, s fasthttp.ConnState) {
			if s == fasthttp.StateClosed || s == fasthttp.StateHijacked {
				pl.closed()
			}
		},
		// Every malformed request is logged: at Debug, so that a flood
		// of them does not flood the log, and without the request's
		// bytes, which are anyone's.
		Logger:                slog.NewLogLogger(p.log.Handler(), slog.LevelDebug),
		SecureErrorLogMessage: true,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(pl) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Public requests are cached reads: a moment is enough to finish them.
	stopCtx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	srv.ShutdownWithContext(stopCtx)
	return <-errc
}

// observeFunc records a request in the metrics: its method, the route
// pattern it matched, its status code and how long it took.
type observeFunc func(method, route string, code int, d time.Duration)

// Limits of the public listener. A status page request is a request line
// and a few headers, and has no body. fasthttp reads a request's head into
// one buffer of ReadBufferSize and answers 431 when the head does not fit
// in it, so the buffer is the documented 8 KiB of header fields (a large
// cookie of the site's domain, some tracking headers) with room beside
// them for a request line of up to 4 KiB.
const (
	publicMaxHeader      = 8 << 10
	publicMaxRequestLine = 4 << 10
	publicMaxHead        = publicMaxHeader + publicMaxRequestLine
	publicMaxBody        = 64 << 10
	// publicSendBuffer is the socket send buffer asked for each
	// connection: room for a whole page in the kernel, so that one write
	// sends it and the goroutine does not park midway.
	publicSendBuffer = 512 << 10
)

type fastRoute struct {
	pattern string
	body    statusBody
}

type fastPublic struct {
	p        *Page
	observe  observeFunc
	routes   map[string]fastRoute // path → route, as routes.go mounts them
	fallback fasthttp.RequestHandler
}

// serve answers a GET or HEAD of a public path from the cache, and hands
// anything else to the mux.
func (fp *fastPublic) serve(ctx *fasthttp.RequestCtx) {
	var method string
	switch {
	case ctx.IsGet():
		method = http.MethodGet
	case ctx.IsHead():
		method = http.MethodHead
	default:
		fp.fallback(ctx)
		return
	}
	set := fp.p.cur.Load()
	target := ctx.Request.Header.RequestURI()
	path, query := cutByte(target, '?')
	lang, named := fp.p.langs.chooseBytes(langParam(query), ctx.Request.Header.Peek(fasthttp.HeaderAcceptLanguage))
	route, e := fp.lookup(set, lang, path)
	if e == nil {
		fp.fallback(ctx)
		return
	}
	start := fp.p.now()
	var code int
	if r := fp.p.admit(ctx, fp.p.fastClientAddr(ctx)); r.code != 0 {
		fp.refuse(ctx, r, lang)
		code = r.code
	} else {
		code = fp.answer(ctx, set, e, named)
		fp.p.leave()
	}
	fp.observe(method, route, code, fp.p.now().Sub(start))
}

// lookup finds the route and entry, in language lang, of a request path
// that is exactly a public path (the query left out), or nil.
func (fp *fastPublic) lookup(set *statusSet, lang int, path []byte) (string, *statusEntry) {
	if set == nil {
		return "", nil
	}
	ls := set.byLang[lang]
	if r, ok := fp.routes[string(path)]; ok {
		return r.pattern, ls.bodies[r.body]
	}
	const incidents = "/status/incidents/"
	if len(path) > len(incidents) && string(path[:len(incidents)]) == incidents {
		digits := path[len(incidents):]
		for _, c := range digits {
			if c < '0' || c > '9' {
				return "", nil
			}
		}
		e := ls.bodies[bodyNotFound]
		if n, err := strconv.ParseInt(string(digits), 10, 64); err == nil && ls.incidents[n] != nil {
			e = ls.incidents[n]
		}
		return incidentPattern, e
	}
	return "", nil
}

// answer writes e as serveEntry does, and returns the status code.
func (fp *fastPublic) answer(ctx *fasthttp.RequestCtx, set *statusSet, e *statusEntry, named bool) int {
	req, h := &ctx.Request.Header, &ctx.Response.Header
	rep := e.reps[encIdentity]
	if ae := req.PeekAll(fasthttp.HeaderAcceptEncoding); len(ae) > 0 {
		if enc := chooseEncoding(ae); e.reps[enc] != nil {
			rep = e.reps[enc]
		}
	}
	code := e.code
	ok, nm := rep.fastOK, rep.fastNotModified
	if named && rep.named != nil {
		ok, nm = rep.named.fastOK, rep.named.fastNotModified
	}
	hs := ok
	if code == http.StatusOK && fastNotModified(req, rep.etag, e.lastMod) {
		code, hs = http.StatusNotModified, nm
	}
	for _, kv := range hs {
		h.SetCanonical(kv.key, kv.val)
	}
	ctx.SetStatusCode(code)
	if code == http.StatusNotModified {
		return code
	}
	if len(rep.body) >= fileBodyMin && !ctx.IsHead() {
		if s := set.files.fileFor(rep).stream(); s != nil {
			s.conn, _ = ctx.Conn().(*net.TCPConn)
			ctx.Response.SetBodyStream(s, len(rep.body))
			return code
		}
	}
	ctx.Response.SetBodyRaw(rep.body) // for HEAD fasthttp sends the length, not the body
	return code
}

// fastNotModified is notModified for a request read by fasthttp.
func fastNotModified(req *fasthttp.RequestHeader, etag string, lastMod time.Time) bool {
	if inm := req.PeekAll(fasthttp.HeaderIfNoneMatch); len(inm) > 0 {
		for _, v := range inm {
			if etagMatch(v, etag) {
				return true
			}
		}
		return false
	}
	if ims := req.Peek(fasthttp.HeaderIfModifiedSince); len(ims) > 0 {
		t, err := http.ParseTime(string(ims))
		return err == nil && !lastMod.Truncate(time.Second).After(t)
	}
	return false
}

// refuse is Page.refuse for fasthttp, in language lang.
func (fp *fastPublic) refuse(ctx *fasthttp.RequestCtx, r refusal, lang int) {
	h := &ctx.Response.Header
	for _, kv := range fp.p.refusalHeaders(r) {
		h.Set(kv.key, kv.val[0])
	}
	ctx.SetStatusCode(r.code)
	ctx.SetBodyString(fp.p.refusals[lang][r.why])
}

// incidentPattern is the route of one public incident, as routes.go
// mounts it.
const incidentPattern = "GET /status/incidents/{n}"

// observed is the public mux, recording each request with observe.
func (p *Page) observed(observe observeFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := p.now()
		sw := &httpx.StatusWriter{ResponseWriter: w}
		p.public.ServeHTTP(sw, r)
		route, status := sw.Outcome(r)
		// r.Method may share fasthttp's buffer, which the next request
		// overwrites; the metrics keep it.
		observe(strings.Clone(r.Method), route, status, p.now().Sub(start))
	})
}

// PublicTimeouts bound how long the public listener waits on a client.
type PublicTimeouts struct {
	// Read bounds reading a request, from its first byte (a client that
	// sends its headers slowly is cut off after it).
	Read time.Duration
	// Write bounds writing an answer: a client that does not read holds a
	// connection no longer than this.
	Write time.Duration
	// Idle bounds how long a kept-alive connection waits for its next
	// request.
	Idle time.Duration
}

// DefaultPublicTimeouts are the public listener's timeouts.
func DefaultPublicTimeouts() PublicTimeouts {
	return PublicTimeouts{Read: 10 * time.Second, Write: 30 * time.Second, Idle: 60 * time.Second}
}

// timeouts are c's, with the defaults where they are zero.
func (c Config) timeouts() PublicTimeouts {
	t, d := c.PublicTimeouts, DefaultPublicTimeouts()
	if t.Read <= 0 {
		t.Read = d.Read
	}
	if t.Write <= 0 {
		t.Write = d.Write
	}
	if t.Idle <= 0 {
		t.Idle = d.Idle
	}
	return t
}
