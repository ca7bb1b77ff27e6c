package statuspage

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// observedRequest is one request the public listener recorded.
type observedRequest struct {
	method, route string
	code          int
}

// observations collects what the public listener observes.
type observations struct {
	mu  sync.Mutex
	got []observedRequest
}

func (r *observations) observe(method, route string, code int, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, observedRequest{method, route, code})
}

func (r *observations) take() []observedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

// startPublic serves p on a real listener with ServePublic, as hansei
// serve --public-addr does, and returns its address.
func startPublic(t *testing.T, p *Page, observe observeFunc) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.ServePublic(ctx, ln, observe) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServePublic: %v", err)
		}
	})
	return ln.Addr().String()
}

// TestPublicListenerServesWhatTheMuxServes: on the public address every
// route answers with the same status, body and validators as the mux that
// the main address mounts, in every encoding, with 304s, HEAD, unclean
// paths, other methods and 404s alike.
func TestPublicListenerServesWhatTheMuxServes(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{})
	mux := mountedStatus(t, p)
	base := "http://" + startPublic(t, p, (&observations{}).observe)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	paths := append([]string{"/status/incidents/999", "/status/incidents/01", "/status/incidents/+1", "/nowhere", "/status?x=1",
		"/status%2Ejson", "/status/incidents/%31", "//status.json", "/status/../status.json", "/status/", "/STATUS"}, publicPaths...)
	for _, path := range paths {
		for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
			for _, enc := range []string{"", "gzip", "br", "gzip;q=0, identity"} {
				want := get(t, mux, method, path, "Accept-Encoding", enc)
				req, _ := http.NewRequest(method, base+path, nil)
				if enc != "" {
					req.Header.Set("Accept-Encoding", enc)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want.Code || !bytes.Equal(body, want.Body.Bytes()) {
					t.Errorf("%s %s (%q): %d, %d bytes; the mux gives %d, %d bytes", method, path, enc, resp.StatusCode, len(body), want.Code, want.Body.Len())
				}
				for _, h := range []string{"Etag", "Content-Encoding", "Content-Type", "Cache-Control", "Vary", "Last-Modified",
					"Content-Security-Policy", "Access-Control-Allow-Origin", "Location", "Allow", "Content-Length"} {
					if got := resp.Header.Get(h); got != want.Header().Get(h) && (h != "Content-Length" || want.Header().Get(h) != "") {
						t.Errorf("%s %s (%q): %s %q, the mux gives %q", method, path, enc, h, got, want.Header().Get(h))
					}
				}
				if etag := resp.Header.Get("Etag"); etag != "" && resp.StatusCode == http.StatusOK {
					req.Header.Set("If-None-Match", `"other", `+etag)
					again, err := client.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					rest, _ := io.ReadAll(again.Body)
					again.Body.Close()
					if again.StatusCode != http.StatusNotModified || len(rest) != 0 || again.Header.Get("Etag") != etag {
						t.Errorf("%s %s with If-None-Match %s: %d with %d bytes, want 304 and none", method, path, etag, again.StatusCode, len(rest))
					}
				}
			}
		}
	}
}

// TestPublicListenerPipelining: requests sent at once on one connection
// are all answered, in order.
func TestPublicListenerPipelining(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{})
	mountedStatus(t, p)
	c, err := net.Dial("tcp", startPublic(t, p, (&observations{}).observe))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /status.json HTTP/1.1\r\nHost: x\r\n\r\nHEAD /status HTTP/1.1\r\nHost: x\r\n\r\n"+
		"GET //status.json HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v2/status.json HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	for i, want := range []struct {
		method string
		code   int
	}{{"GET", 200}, {"HEAD", 200}, {"GET", 307}, {"GET", 200}} {
		resp, err := http.ReadResponse(br, &http.Request{Method: want.method})
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want.code {
			t.Errorf("response %d: %d, want %d", i, resp.StatusCode, want.code)
		}
	}
}

// TestPublicListenerTimeouts: a client that sends its headers slowly is cut
// off at the read timeout, and a kept-alive connection with nothing more to
// ask is closed at the idle timeout.
func TestPublicListenerTimeouts(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	const read, idle = 200 * time.Millisecond, 300 * time.Millisecond
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{PublicTimeouts: PublicTimeouts{Read: read, Idle: idle}})
	mountedStatus(t, p)
	addr := startPublic(t, p, (&observations{}).observe)
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(5 * time.Second)) // far beyond both timeouts
		return c
	}

	slow := dial()
	start := time.Now()
	io.WriteString(slow, "GET /status HTTP/1.1\r\nHost: x\r\n") // and never the blank line
	rest, err := io.ReadAll(slow)
	// A little under read: the server's clock for the deadline starts at
	// its accept, and timers may fire a fraction of a millisecond early.
	if err != nil || time.Since(start) < read*9/10 {
		t.Fatalf("slow headers: %v after %v, want the connection ended after %v", err, time.Since(start), read)
	}
	// fasthttp answers a request it could not read in time with 400 and
	// closes the connection.
	if !bytes.HasPrefix(rest, []byte("HTTP/1.1 400 ")) || bytes.Contains(rest, []byte("<html")) {
		t.Errorf("slow headers answered %q", firstLine(rest))
	}

	kept := dial()
	io.WriteString(kept, "GET /status.json HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(kept)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /status.json: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	start = time.Now()
	if n, err := br.Read(make([]byte, 1)); n != 0 || !errors.Is(err, io.EOF) {
		t.Fatalf("an idle connection: %d bytes, %v; want it closed", n, err)
	}
	if waited := time.Since(start); waited < idle/2 {
		t.Errorf("an idle connection was closed after %v, before the idle timeout of %v", waited, idle)
	}
}

func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte("\r\n"))
	return string(line)
}

// TestPublicListenerLimitsAndMetrics: the public limits apply on the
// public listener too, and every request there is counted by the route
// pattern it matched, as on the main address.
func TestPublicListenerLimitsAndMetrics(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{})
	mountedStatus(t, p)
	rec := &observations{}
	base := "http://" + startPublic(t, p, rec.observe)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path string) *http.Response {
		req, _ := http.NewRequest(method, base+path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	for _, r := range []struct{ method, path string }{{"GET", "/status"}, {"HEAD", "/status.json"}, {"GET", "/status/incidents/1"},
		{"GET", "/status/incidents/42"}, {"GET", "//status.json"}, {"GET", "/nowhere"}, {"POST", "/status"}} {
		do(r.method, r.path)
	}
	want := []observedRequest{{"GET", "GET /status", 200}, {"HEAD", "GET /status.json", 200}, {"GET", incidentPattern, 200},
		{"GET", incidentPattern, 404}, {"GET", "GET /status.json", 307}, {"GET", "GET /", 404}, {"POST", "unmatched", 405}}
	if got := rec.take(); !equalObserved(got, want) {
		t.Errorf("observed\n%v\nwant\n%v", got, want)
	}

	limitedPage, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{RateLimit: 2})
	mountedStatus(t, limitedPage)
	base = "http://" + startPublic(t, limitedPage, rec.observe)
	codes := map[int]int{}
	var refused *http.Response
	for range 10 {
		resp := do("GET", "/status.json")
		codes[resp.StatusCode]++
		if resp.StatusCode == 429 {
			refused = resp
		}
	}
	if codes[200] < 1 || codes[200] > 3 || codes[429] < 7 {
		t.Errorf("rate limit 2/s over 10 requests: %v", codes)
	}
	if refused == nil || refused.Header.Get("Retry-After") == "" || refused.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("429 without Retry-After: %v", refused)
	}
	n429 := 0
	for _, o := range rec.take() {
		if o.route != "GET /status.json" {
			t.Errorf("observed %v under the rate limit", o)
		}
		if o.code == 429 {
			n429++
		}
	}
	if n429 != codes[429] {
		t.Errorf("%d refusals observed, %d sent", n429, codes[429])
	}
}

func equalObserved(a, b []observedRequest) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPublicListenerConnectionLimit: past max_connections a new
// connection waits, unanswered, until an open one closes.
func TestPublicListenerConnectionLimit(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{MaxConnections: 1})
	mountedStatus(t, p)
	addr := startPublic(t, p, (&observations{}).observe)
	const req = "GET /status.json HTTP/1.1\r\nHost: x\r\n\r\n"
	first, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	io.WriteString(first, req)
	if resp, err := http.ReadResponse(bufio.NewReader(first), nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the first connection: %v %v", resp, err)
	}
	second, err := net.Dial("tcp", addr) // the kernel completes the handshake; hansei does not accept it yet
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	io.WriteString(second, req)
	answered := make(chan error, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(second), nil)
		if err == nil && resp.StatusCode != 200 {
			err = errors.New(resp.Status)
		}
		answered <- err
	}()
	select {
	case err := <-answered:
		t.Fatalf("a second connection was served past the limit of 1 (%v)", err)
	case <-time.After(100 * time.Millisecond):
	}
	first.Close()
	select {
	case err := <-answered:
		if err != nil {
			t.Fatalf("the waiting connection, once served: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting connection was not served after the first closed")
	}
}
