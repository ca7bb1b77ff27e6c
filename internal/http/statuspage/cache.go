package statuspage

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
)

// The cache: every public body is rendered once per change into an
// immutable statusSet, with its gzip and brotli forms, ETags and headers
// worked out in advance. A request only picks an entry and a
// representation, compares validators and writes bytes that already exist.

// statusBody names one of the public bodies.
type statusBody int

const (
	bodyPage statusBody = iota // /status
	bodyJSON                   // /status.json
	bodyAtom
	bodyRSS
	bodyV2Summary
	bodyV2Status
	bodyV2Components
	bodyV2Incidents
	bodyV2Unresolved
	bodyV2Maintenances
	bodyV2Upcoming
	bodyV2Active
	bodyNotFound // the one 404 page, for every unknown incident
	numBodies
)

// byLanguage tells whether the body is written in words, and so is
// rendered once for each language the page speaks. The JSON bodies are
// data: their fields and values are the same in every language (a machine
// reads them), so they are rendered once and served to every visitor.
func (b statusBody) byLanguage() bool {
	switch b {
	case bodyPage, bodyNotFound, bodyAtom, bodyRSS:
		return true
	}
	return false
}

// Content types, by body.
const (
	typeHTML = "text/html; charset=utf-8"
	typeJSON = "application/json"
	typeAtom = "application/atom+xml; charset=utf-8"
	typeRSS  = "application/rss+xml; charset=utf-8"
)

func (b statusBody) contentType() string {
	switch b {
	case bodyPage, bodyNotFound:
		return typeHTML
	case bodyAtom:
		return typeAtom
	case bodyRSS:
		return typeRSS
	}
	return typeJSON
}

// encoding is a representation: identity, gzip or brotli.
type encoding int

const (
	encIdentity encoding = iota
	encGzip
	encBrotli
	numEncodings
)

// statusCacheControl lets browsers and CDNs keep a page for 30 s, so that a
// CDN in front of hansei asks at most about twice a minute per edge however
// many visitors come; serve it up to 30 s longer while they revalidate in the
// background; and keep showing the last page for a day if hansei cannot be
// reached, which is when a status page matters most.
const statusCacheControl = "public, max-age=30, stale-while-revalidate=30, stale-if-error=86400"

// statusCSP: the public pages load one stylesheet and nothing else.
const statusCSP = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// header is one response header with its value ready to assign.
type header struct {
	key string
	val []string
}

// statusRep is one representation of a body with the headers of its 200
// and of its 304.
type statusRep struct {
	body        []byte
	etag        string
	ok          []header
	notModified []header
	// fastOK and fastNotModified are the same headers as bytes, for the
	// public listener (fasthttp), which then copies them without parsing.
	fastOK, fastNotModified []fastHeader
	// named are the headers when ?lang= chose the language: the URL
	// alone then says what the body is, so a cache need not keep a copy
	// per Accept-Language (Vary: Accept-Encoding only). Only a body
	// written in words has them; the others are the same either way.
	named *statusHeadersOf
	// file is the body as a file for sendfile (filebody.go), made by
	// the public listener the first time it sends a large body.
	file atomic.Pointer[fileBody]
}

// statusHeadersOf are one variant of a representation's headers.
type statusHeadersOf struct {
	ok, notModified         []header
	fastOK, fastNotModified []fastHeader
}

// fastHeader is a header as fasthttp takes it: canonical key and value as
// bytes.
type fastHeader struct{ key, val []byte }

// fastHeaders converts headers for fasthttp, leaving out Content-Length,
// which fasthttp sets from the body.
func fastHeaders(hs []header) []fastHeader {
	out := make([]fastHeader, 0, len(hs))
	for _, kv := range hs {
		if kv.key != "Content-Length" {
			out = append(out, fastHeader{[]byte(kv.key), []byte(kv.val[0])})
		}
	}
	return out
}

// statusEntry is a body in every representation it has. reps[enc] is nil
// when that encoding would not make the body smaller.
type statusEntry struct {
	code    int
	lastMod time.Time
	reps    [numEncodings]*statusRep
}

// statusSet is everything the public routes serve, as of one snapshot. Its
// bodies never change once published (a rebuild makes a new set); only the
// files the public listener sends large bodies from come and go with it.
type statusSet struct {
	version string
	// byLang are the bodies in each language, in the order of the
	// page's languages (pageLangs); the JSON ones are the same entries in
	// all.
	byLang []*langSet
	// next is when the pages change by the clock alone: a maintenance
	// window starts or ends, or a new day begins for the history bars.
	next time.Time
	// builtAt is when the set was built (by the page's clock).
	builtAt time.Time
	// files are the set's bodies as files, released when a newer set
	// replaces this one.
	files setFiles
}

// langSet is every body as a visitor in one language reads it.
type langSet struct {
	bodies    [numBodies]*statusEntry
	incidents map[int64]*statusEntry
}

// compressed keeps the compressed forms of a body by its hash, so that a
// rebuild that renders the same bytes does not compress them again.
type compressed struct {
	gzip, br []byte
}

// packer builds a set's entries. It reuses the compressed forms of the
// last set's bodies (prev), by hash, and collects this set's (next).
type packer struct {
	prev, next map[[sha256.Size]byte]compressed
	lastMod    time.Time
	hdr        *statusHeaders
}

// entry builds the representations of body and their headers. lang is
// the language of a body written in words ("" for the others): its
// ETags carry it, and its Vary names Accept-Language.
func (pk *packer) entry(body []byte, kind statusBody, code int, lang string) *statusEntry {
	sum := sha256.Sum256(body)
	c, ok := pk.prev[sum]
	if !ok {
		c, ok = pk.next[sum]
	}
	if !ok {
		c = compressed{gzip: gzipBytes(body), br: brotliBytes(body)}
	}
	pk.next[sum] = c
	h, lastMod := pk.hdr, pk.lastMod
	e := &statusEntry{code: code, lastMod: lastMod}
	tag := base64.RawURLEncoding.EncodeToString(sum[:12])
	vary := h.vary
	if lang != "" {
		// Two languages may write the same bytes (a catalog that lacks
		// every word the body uses); their ETags still differ, so that a
		// cache never answers one language's request with the other's
		// validator.
		tag += "-" + lang
		vary = h.varyLang
	}
	lm := []string{lastMod.UTC().Format(http.TimeFormat)}
	ct := []string{kind.contentType()}
	cacheControl := h.cacheControl
	if code != http.StatusOK {
		cacheControl = h.shortCache
	}
	rep := func(b []byte, etag string, ce []string) *statusRep {
		et := []string{etag}
		r := &statusRep{body: b, etag: etag}
		// At most eight headers: a response's header map holds eight
		// without growing, and growing it would be most of what a
		// request here allocates. (Content types are exact, so
		// X-Content-Type-Options has nothing to prevent.)
		r.ok = []header{
			{"Content-Type", ct},
			{"Content-Length", []string{strconv.Itoa(len(b))}},
			{"Cache-Control", cacheControl},
			{"Vary", vary},
		}
		if code == http.StatusOK {
			r.ok = append(r.ok, header{"Etag", et}, header{"Last-Modified", lm})
		}
		if ce != nil {
			r.ok = append(r.ok, header{"Content-Encoding", ce})
		}
		if kind.contentType() == typeHTML {
			r.ok = append(r.ok, header{"Content-Security-Policy", h.csp})
		} else {
			// Status aggregators and dashboards read the JSON and the
			// feeds from other origins; nothing here needs credentials.
			r.ok = append(r.ok, header{"Access-Control-Allow-Origin", h.anyOrigin})
		}
		// A 304 repeats the validators and the caching headers of the
		// 200 it stands for (RFC 9110, 15.4.5), and carries no body.
		r.notModified = []header{{"Etag", et}, {"Last-Modified", lm}, {"Cache-Control", cacheControl}, {"Vary", vary}}
		r.fastOK, r.fastNotModified = fastHeaders(r.ok), fastHeaders(r.notModified)
		if lang != "" {
			n := &statusHeadersOf{ok: withVary(r.ok, h.vary), notModified: withVary(r.notModified, h.vary)}
			n.fastOK, n.fastNotModified = fastHeaders(n.ok), fastHeaders(n.notModified)
			r.named = n
		}
		return r
	}
	e.reps[encIdentity] = rep(body, `"`+tag+`"`, nil)
	if c.gzip != nil {
		e.reps[encGzip] = rep(c.gzip, `"`+tag+`-gz"`, h.gzip)
	}
	if c.br != nil {
		e.reps[encBrotli] = rep(c.br, `"`+tag+`-br"`, h.br)
	}
	return e
}

// withVary is hs with Vary set to vary.
func withVary(hs []header, vary []string) []header {
	out := make([]header, len(hs))
	for i, kv := range hs {
		if kv.key == "Vary" {
			kv.val = vary
		}
		out[i] = kv
	}
	return out
}

// gzipBytes compresses b as hard as gzip can (the cost is paid once per
// change, the saving on every request), or returns nil when that does not
// make it smaller.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	if buf.Len() >= len(b) {
		return nil
	}
	return buf.Bytes()
}

// brotliLevel trades build time for size: the best level (11) of the pure Go
// encoder takes tens of milliseconds on the largest page, paid once per
// change and only for bodies that changed.
const brotliLevel = 5

func brotliBytes(b []byte) []byte {
	var buf bytes.Buffer
	bw := brotli.NewWriterLevel(&buf, brotliLevel)
	bw.Write(b)
	bw.Close()
	if buf.Len() >= len(b) {
		return nil
	}
	return buf.Bytes()
}

// statusHeaders are the header values every response shares, allocated
// once: assigning a shared slice to a response's header costs nothing.
type statusHeaders struct {
	cacheControl, shortCache, vary, varyLang, nosniff, csp, anyOrigin, gzip, br, plain, noStore []string
}

func newStatusHeaders() statusHeaders {
	return statusHeaders{
		cacheControl: []string{statusCacheControl},
		shortCache:   []string{"public, max-age=30"},
		vary:         []string{"Accept-Encoding"},
		varyLang:     []string{"Accept-Encoding, Accept-Language"},
		nosniff:      []string{"nosniff"},
		csp:          []string{statusCSP},
		anyOrigin:    []string{"*"},
		gzip:         []string{"gzip"},
		br:           []string{"br"},
		plain:        []string{"text/plain; charset=utf-8"},
		noStore:      []string{"no-store"},
	}
}

// serveEntry writes e in the representation the client prefers, or 304
// when the client's copy is current. named: ?lang= chose the language.
func serveEntry(w http.ResponseWriter, r *http.Request, e *statusEntry, named bool) {
	rep := e.reps[encIdentity]
	if ae, ok := r.Header["Accept-Encoding"]; ok {
		if enc := chooseEncoding(ae); e.reps[enc] != nil {
			rep = e.reps[enc]
		}
	}
	h := w.Header()
	hs := statusHeadersOf{ok: rep.ok, notModified: rep.notModified}
	if named && rep.named != nil {
		hs = *rep.named
	}
	if e.code == http.StatusOK && notModified(r, rep.etag, e.lastMod) {
		for _, kv := range hs.notModified {
			h[kv.key] = kv.val
		}
		w.WriteHeader(http.StatusNotModified)
		return
	}
	for _, kv := range hs.ok {
		h[kv.key] = kv.val
	}
	w.WriteHeader(e.code)
	if r.Method != http.MethodHead {
		w.Write(rep.body)
	}
}

// notModified evaluates If-None-Match, or If-Modified-Since when there is
// no If-None-Match (RFC 9110, 13.2.2).
func notModified(r *http.Request, etag string, lastMod time.Time) bool {
	if inm, ok := r.Header["If-None-Match"]; ok {
		for _, v := range inm {
			if etagMatch(v, etag) {
				return true
			}
		}
		return false
	}
	if ims, ok := r.Header["If-Modified-Since"]; ok && len(ims) > 0 {
		t, err := http.ParseTime(ims[0])
		return err == nil && !lastMod.Truncate(time.Second).After(t)
	}
	return false
}
