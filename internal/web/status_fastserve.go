package web

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hansei-dev/hansei/internal/http/assets"
)

// ServePublic serves the public routes on the --public-addr listener with
// a small HTTP/1.1 server of its own. Everything it serves is a body that
// already exists in the cache, so per request it only reads a request
// head, picks bytes and writes them; net/http's general machinery (a
// header map per request, a response writer, chunking, handler dispatch)
// costs more than that, and during an outage this listener takes the
// whole spike. It speaks only what a status page needs: GET and HEAD,
// keep-alive and pipelining, conditional requests and content coding.
// Anything else gets a short error and, where the rest of the stream can
// no longer be trusted, the connection closed.
func (p *StatusPage) ServePublic(ctx context.Context, ln net.Listener) error {
	fp := &fastPublic{p: p, conns: map[net.Conn]struct{}{}, assets: assetEntries(p.hdr)}
	fp.tickDate()
	stop := context.AfterFunc(ctx, func() {
		ln.Close()
		fp.closeAll()
	})
	defer stop()
	go fp.clock(ctx)
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(5 * time.Millisecond) // out of file descriptors: let some close
				continue
			}
			return err
		}
		if tc, ok := c.(interface{ SetWriteBuffer(int) error }); ok {
			// Room for a whole page in the kernel, so that one write
			// sends it and the goroutine does not park midway.
			tc.SetWriteBuffer(publicSendBuffer)
		}
		if !fp.track(c) {
			c.Close()
			return nil
		}
		go fp.serve(c)
	}
}

// Limits of a request head; a status page request needs far less.
const (
	maxHeadBytes   = 8 << 10
	maxHeaderLines = 100
	publicIdle     = 60 * time.Second
	publicHeadWait = 10 * time.Second
	// publicWriteWait bounds how long a slow reader holds a connection.
	publicWriteWait = 30 * time.Second
	// publicSendBuffer is the socket send buffer asked for each connection.
	publicSendBuffer = 512 << 10
)

// ServePublic serves the public status routes on ln (the --public-addr
// listener) until ctx ends; see StatusPage.ServePublic.
func (s *Server) ServePublic(ctx context.Context, ln net.Listener) error {
	return s.status.ServePublic(ctx, ln)
}

type fastPublic struct {
	p      *StatusPage
	assets map[string]*statusEntry
	date   atomic.Pointer[[]byte] // "Date: …\r\n", renewed every second

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

func (fp *fastPublic) tickDate() {
	b := []byte("Date: " + time.Now().UTC().Format(http.TimeFormat) + "\r\n")
	fp.date.Store(&b)
}

func (fp *fastPublic) clock(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fp.tickDate()
		}
	}
}

func (fp *fastPublic) track(c net.Conn) bool {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	if fp.closed {
		return false
	}
	fp.conns[c] = struct{}{}
	return true
}

func (fp *fastPublic) untrack(c net.Conn) {
	fp.mu.Lock()
	delete(fp.conns, c)
	fp.mu.Unlock()
}

func (fp *fastPublic) closeAll() {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	fp.closed = true
	for c := range fp.conns {
		c.Close()
	}
}

// publicRequest is what the server reads of a request head.
type publicRequest struct {
	method, path string
	keepAlive    bool
	hasBody      bool
	acceptEnc    []string
	ifNoneMatch  []string
	ifModSince   string
}

var errHeadTooLarge = errors.New("request head too large")

// readPublicRequest reads one request head. A malformed head is an error:
// the stream cannot be trusted after it.
func readPublicRequest(br *bufio.Reader) (publicRequest, error) {
	var req publicRequest
	size := 0
	line, err := readLine(br, &size)
	if err != nil {
		return req, err
	}
	method, rest, ok1 := strings.Cut(line, " ")
	target, proto, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || method == "" || target == "" {
		return req, errors.New("malformed request line")
	}
	switch proto {
	case "HTTP/1.1":
		req.keepAlive = true
	case "HTTP/1.0":
	default:
		return req, errors.New("unsupported protocol " + proto)
	}
	req.method = method
	if i := strings.IndexByte(target, '?'); i >= 0 {
		target = target[:i]
	}
	if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") {
		// absolute-form: keep the path only
		_, afterScheme, _ := strings.Cut(target, "://")
		if i := strings.IndexByte(afterScheme, '/'); i >= 0 {
			target = afterScheme[i:]
		} else {
			target = "/"
		}
	}
	if !strings.HasPrefix(target, "/") {
		return req, errors.New("malformed request target")
	}
	req.path = target
	for n := 0; ; n++ {
		if n > maxHeaderLines {
			return req, errHeadTooLarge
		}
		line, err := readLine(br, &size)
		if err != nil {
			return req, err
		}
		if line == "" {
			return req, nil
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return req, errors.New("malformed header line")
		}
		value = strings.Trim(value, " \t")
		switch {
		case equalFold(name, "accept-encoding"):
			req.acceptEnc = append(req.acceptEnc, value)
		case equalFold(name, "if-none-match"):
			req.ifNoneMatch = append(req.ifNoneMatch, value)
		case equalFold(name, "if-modified-since"):
			req.ifModSince = value
		case equalFold(name, "connection"):
			for _, tok := range strings.Split(value, ",") {
				switch tok = strings.TrimSpace(tok); {
				case equalFold(tok, "close"):
					req.keepAlive = false
				case equalFold(tok, "keep-alive"):
					req.keepAlive = true
				}
			}
		case equalFold(name, "content-length"):
			if value != "0" {
				req.hasBody = true
			}
		case equalFold(name, "transfer-encoding"):
			req.hasBody = true
		}
	}
}

// readLine reads one CRLF- (or LF-) terminated line, counting the head's
// size against its limit.
func readLine(br *bufio.Reader, size *int) (string, error) {
	b, err := br.ReadSlice('\n')
	*size += len(b)
	if errors.Is(err, bufio.ErrBufferFull) || *size > maxHeadBytes {
		return "", errHeadTooLarge
	}
	if err != nil {
		return "", err
	}
	b = bytes.TrimSuffix(b[:len(b)-1], []byte{'\r'})
	return string(b), nil
}

// wire is a representation's status line and headers, ready to write but
// for the Date and Connection lines.
type wire struct{ ok, notModified []byte }

// conn serves one connection: requests are answered in order, and the
// output is flushed only when no further request is already waiting
// (pipelining costs one write for many answers).
func (fp *fastPublic) serve(c net.Conn) {
	defer fp.untrack(c)
	defer c.Close()
	br := bufio.NewReaderSize(c, 4096)
	bw := bufio.NewWriterSize(c, 4096)
	var (
		wires   = map[*statusRep]*wire{}
		wireSet *statusSet
	)
	for {
		if br.Buffered() == 0 {
			c.SetReadDeadline(time.Now().Add(publicIdle))
			if _, err := br.Peek(1); err != nil {
				return
			}
			c.SetReadDeadline(time.Now().Add(publicHeadWait))
		}
		req, err := readPublicRequest(br)
		if err != nil {
			code := http.StatusBadRequest
			if errors.Is(err, errHeadTooLarge) {
				code = http.StatusRequestHeaderFieldsTooLarge
			}
			if !errors.Is(err, net.ErrClosed) && !isEOF(err) {
				fp.writeSimple(bw, code, "Bad request: "+err.Error()+".\n", false)
				bw.Flush()
			}
			return
		}
		keep := req.keepAlive && !req.hasBody
		if req.method != http.MethodGet && req.method != http.MethodHead {
			fp.writeSimple(bw, http.StatusMethodNotAllowed, "Only GET and HEAD are served here.\n", keep)
		} else if rl := fp.p.rate; rl != nil {
			if ok, after := rl.allow(); !ok {
				fp.writeRefusal(bw, after, keep)
			} else {
				set := fp.p.cur.Load()
				if set != wireSet {
					clear(wires)
					wireSet = set
				}
				fp.answer(bw, req, set, wires, keep)
			}
		} else {
			set := fp.p.cur.Load()
			if set != wireSet {
				clear(wires)
				wireSet = set
			}
			fp.answer(bw, req, set, wires, keep)
		}
		if br.Buffered() == 0 || !keep {
			c.SetWriteDeadline(time.Now().Add(publicWriteWait))
			if err := bw.Flush(); err != nil {
				return
			}
		}
		if !keep {
			return
		}
	}
}

func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}

// lookup finds the entry for a path, by the same routes that routes.go
// mounts on the main address.
func (fp *fastPublic) lookup(set *statusSet, p string) *statusEntry {
	if e := fp.assets[p]; e != nil {
		return e
	}
	if set == nil {
		return nil
	}
	if b, ok := fp.p.paths[p]; ok {
		return set.bodies[b]
	}
	if rest, ok := strings.CutPrefix(p, "/status/incidents/"); ok {
		if n, err := strconv.ParseInt(rest, 10, 64); err == nil {
			if e := set.incidents[n]; e != nil {
				return e
			}
		}
	}
	return set.bodies[bodyNotFound]
}

func (fp *fastPublic) answer(bw *bufio.Writer, req publicRequest, set *statusSet, wires map[*statusRep]*wire, keep bool) {
	e := fp.lookup(set, req.path)
	if e == nil {
		fp.writeSimple(bw, http.StatusServiceUnavailable, "The status page is not ready yet; try again in a moment.\n", keep)
		return
	}
	rep := e.reps[encIdentity]
	if req.acceptEnc != nil {
		if enc := chooseEncoding(req.acceptEnc); e.reps[enc] != nil {
			rep = e.reps[enc]
		}
	}
	w := wires[rep]
	if w == nil {
		w = makeWire(e.code, rep)
		wires[rep] = w
	}
	notMod := e.code == http.StatusOK && validatorsMatch(req.ifNoneMatch, req.ifModSince, rep.etag, e.lastMod)
	if notMod {
		bw.Write(w.notModified)
	} else {
		bw.Write(w.ok)
	}
	bw.Write(*fp.date.Load())
	if !keep {
		bw.WriteString("Connection: close\r\n")
	}
	bw.WriteString("\r\n")
	if !notMod && req.method != http.MethodHead {
		bw.Write(rep.body)
	}
}

// validatorsMatch is notModified for a request read here.
func validatorsMatch(inm []string, ims, etag string, lastMod time.Time) bool {
	if inm != nil {
		for _, v := range inm {
			if etagMatch(v, etag) {
				return true
			}
		}
		return false
	}
	if ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !lastMod.Truncate(time.Second).After(t)
	}
	return false
}

func makeWire(code int, rep *statusRep) *wire {
	head := func(status int, hs []header) []byte {
		var b bytes.Buffer
		b.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n")
		for _, h := range hs {
			for _, v := range h.val {
				b.WriteString(h.key + ": " + v + "\r\n")
			}
		}
		return b.Bytes()
	}
	return &wire{ok: head(code, rep.ok), notModified: head(http.StatusNotModified, rep.notModified)}
}

func (fp *fastPublic) writeSimple(bw *bufio.Writer, code int, msg string, keep bool) {
	bw.WriteString("HTTP/1.1 " + strconv.Itoa(code) + " " + http.StatusText(code) + "\r\n")
	bw.WriteString("Content-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n")
	if code == http.StatusMethodNotAllowed {
		bw.WriteString("Allow: GET, HEAD\r\n")
	}
	bw.WriteString("Content-Length: " + strconv.Itoa(len(msg)) + "\r\n")
	bw.Write(*fp.date.Load())
	if !keep {
		bw.WriteString("Connection: close\r\n")
	}
	bw.WriteString("\r\n")
	bw.WriteString(msg)
}

func (fp *fastPublic) writeRefusal(bw *bufio.Writer, after time.Duration, keep bool) {
	msg := "Too many requests to the status page; try again in a moment.\n"
	bw.WriteString("HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n")
	bw.WriteString("Retry-After: " + strconv.FormatInt(int64((after+time.Second-1)/time.Second), 10) + "\r\n")
	bw.WriteString("Content-Length: " + strconv.Itoa(len(msg)) + "\r\n")
	bw.Write(*fp.date.Load())
	if !keep {
		bw.WriteString("Connection: close\r\n")
	}
	bw.WriteString("\r\n")
	bw.WriteString(msg)
}

// assetEntries makes cache entries of the embedded stylesheet and script,
// which the public page links to, at their versioned and plain paths.
func assetEntries(hdr statusHeaders) map[string]*statusEntry {
	out := map[string]*statusEntry{}
	files := assets.FS()
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		rep := &statusRep{body: b, etag: `"` + assets.ShortHash(b) + `"`}
		rep.ok = []header{{"Content-Type", []string{ct}}, {"Content-Length", []string{strconv.Itoa(len(b))}},
			{"Cache-Control", []string{"public, max-age=31536000, immutable"}}, {"Etag", []string{rep.etag}},
			{"X-Content-Type-Options", hdr.nosniff}}
		rep.notModified = []header{{"Etag", []string{rep.etag}}, {"Cache-Control", []string{"public, max-age=31536000, immutable"}}}
		e := &statusEntry{code: http.StatusOK}
		e.reps[encIdentity] = rep
		out["/assets/"+p] = e
		return nil
	})
	return out
}
