package web

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startFastPublic serves p on a real listener with ServePublic.
func startFastPublic(t *testing.T, p *StatusPage) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.ServePublic(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServePublic: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// TestFastPublicServesWhatTheMuxServes: on the public address every route
// answers with the same status, body and validators as on the main
// address, in every encoding, with 304s, HEAD and 404s alike.
func TestFastPublicServesWhatTheMuxServes(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, StatusConfig{})
	mux := mountedStatus(t, p)
	base := startFastPublic(t, p)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	paths := append([]string{"/status/incidents/999", "/nowhere", "/status?x=1"}, publicPaths...)
	for _, path := range paths {
		for _, enc := range []string{"", "gzip", "br", "gzip;q=0, identity"} {
			want := get(t, mux, http.MethodGet, path, "Accept-Encoding", enc)
			req, _ := http.NewRequest(http.MethodGet, base+path, nil)
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
				t.Errorf("GET %s (%q): %d, %d bytes; the mux gives %d, %d bytes", path, enc, resp.StatusCode, len(body), want.Code, want.Body.Len())
			}
			for _, h := range []string{"Etag", "Content-Encoding", "Content-Type", "Cache-Control", "Vary", "Last-Modified"} {
				if got := resp.Header.Get(h); got != want.Header().Get(h) {
					t.Errorf("GET %s (%q): %s %q, the mux gives %q", path, enc, h, got, want.Header().Get(h))
				}
			}
			if etag := resp.Header.Get("Etag"); etag != "" && resp.StatusCode == http.StatusOK {
				req.Header.Set("If-None-Match", etag)
				again, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				rest, _ := io.ReadAll(again.Body)
				again.Body.Close()
				if again.StatusCode != http.StatusNotModified || len(rest) != 0 {
					t.Errorf("GET %s with If-None-Match %s: %d with %d bytes, want 304 and none", path, etag, again.StatusCode, len(rest))
				}
			}
		}
	}
	resp, err := client.Head(base + "/status")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ContentLength <= 0 {
		t.Errorf("HEAD /status: %d, length %d", resp.StatusCode, resp.ContentLength)
	}
	if resp, err := client.Post(base+"/status", "text/plain", strings.NewReader("x")); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST /status: %d, want 405", resp.StatusCode)
		}
	}
	if resp, err := client.Get(base + "/api/v1/incidents"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("the public address answers /api/v1/incidents with %d, want 404", resp.StatusCode)
		}
	}
}

// TestFastPublicPipelining: requests sent at once on one connection are
// all answered, in order, and a malformed one ends the connection with 400.
func TestFastPublicPipelining(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, StatusConfig{})
	mountedStatus(t, p) // the routes, as routes.go mounts them
	base := startFastPublic(t, p)
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /status.json HTTP/1.1\r\nHost: x\r\n\r\nHEAD /status HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v2/status.json HTTP/1.1\r\nHost: x\r\n\r\nNONSENSE\r\n\r\n")
	br := bufio.NewReader(c)
	for i, want := range []int{200, 200, 200} {
		method := http.MethodGet
		if i == 1 {
			method = http.MethodHead
		}
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("response %d: %d, want %d", i, resp.StatusCode, want)
		}
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a malformed request: %v, %v; want 400", resp, err)
	}
}

// FuzzPublicRequest: no request head makes the parser panic, and what it
// accepts has a path starting with "/".
func FuzzPublicRequest(f *testing.F) {
	for _, s := range []string{
		"GET /status HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, br;q=0\r\nIf-None-Match: \"a\", W/\"b\"\r\n\r\n",
		"HEAD http://example.com/status.json?x=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"POST /status HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
		"GET /status HTTP/2.0\r\n\r\n", "\r\n", "GET  HTTP/1.1\r\n\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, head string) {
		req, err := readPublicRequest(bufio.NewReaderSize(strings.NewReader(head), 4096))
		if err == nil && !strings.HasPrefix(req.path, "/") {
			t.Fatalf("accepted path %q", req.path)
		}
	})
}
