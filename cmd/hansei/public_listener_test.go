package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// TestPublicListenerOnTheWire speaks raw HTTP/1.1 to the --public-addr
// listener of a real server, as an attacker on the internet could: each
// malformed request gets fasthttp's refusal (its status line, then the
// connection closed), an unclean or percent-encoded path answers exactly
// as the main address answers the same request, and the listener's
// requests are counted in /metrics by route. (A client sending its headers
// slowly is cut off at the read timeout: internal/http/statuspage's
// TestPublicListenerTimeouts, with a short one.)
func TestPublicListenerOnTheWire(t *testing.T) {
	publicAddr := freeAddr(t)
	srv := startServer(t, sqldbtest.SQLite(t).DSN, "--public-addr", publicAddr)
	mainAddr := strings.TrimPrefix(srv.URL, "http://")
	api := func(path string, body any) {
		t.Helper()
		raw, _ := json.Marshal(body)
		resp, err := srv.client(srv.AdminToken).Do(context.Background(), client.Request{Method: "POST", Path: path, Body: raw})
		if err != nil || resp.Status >= 300 {
			t.Fatalf("POST %s: %v %d %s", path, err, resp.Status, resp.Body)
		}
	}
	api("/api/v1/incidents", map[string]any{"title": "Checkout errors", "severity": "SEV2"})
	api("/api/v1/incidents/1/public-updates", map[string]any{"text": "Some payments fail; we are on it."})
	waitFor(t, "http://"+publicAddr+"/status/incidents/1", "Some payments fail")

	for _, tc := range []struct {
		name, request string
		status        string // the first line of the only answer
	}{
		{"no Host", "GET /status HTTP/1.1\r\n\r\n", "HTTP/1.1 400 "},
		{"two Host headers", "GET /status HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "HTTP/1.1 400 "},
		// Answered by Transfer-Encoding, as RFC 9112 (6.3) says, and the
		// connection closed after it: what follows the chunked body is
		// never read as a request of its own.
		{"Content-Length and Transfer-Encoding", "GET /status.json HTTP/1.1\r\nHost: a\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n" +
			"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 200 "},
		{"conflicting Content-Lengths", "GET /status HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "HTTP/1.1 400 "},
		{"no protocol in the request line", "GET /status\r\nHost: a\r\n\r\n", "HTTP/1.1 400 "},
		{"a request line of one word", "NONSENSE\r\n\r\n", "HTTP/1.1 400 "},
		// 8 KiB of header fields are read (a large cookie is enough to
		// need them), with a request line of up to 4 KiB: a head over
		// 12 KiB is refused.
		{"a head of 8 KiB of fields", "GET /status HTTP/1.1\r\nHost: a\r\nConnection: close\r\nCookie: " +
			strings.Repeat("a", 8<<10-38) + "\r\n\r\n", "HTTP/1.1 200 "},
		{"a head over 12 KiB", "GET /status HTTP/1.1\r\nHost: a\r\nX-Filler: " + strings.Repeat("a", 12<<10) + "\r\n\r\n", "HTTP/1.1 431 "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			answers, closed := rawExchange(t, publicAddr, tc.request)
			if len(answers) != 1 || !strings.HasPrefix(answers[0].line, tc.status) || !closed {
				t.Errorf("%d answers (%v), connection closed: %v; want one %q, then closed", len(answers), answers, closed, tc.status)
			}
		})
	}

	// The same unclean requests on both addresses: the same status and
	// the same body, byte for byte.
	for _, target := range []string{"/status%2Ejson", "/status/incidents/%31", "//status.json", "/status/../status.json",
		"/status/./feed.atom", "/status/incidents/01", "/status/incidents/+1", "/api/v2//summary.json", "/status.json?x=%zz"} {
		for _, method := range []string{"GET", "HEAD"} {
			req := method + " " + target + " HTTP/1.1\r\nHost: status.example.com\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"
			want, _ := rawExchange(t, mainAddr, req)
			got, _ := rawExchange(t, publicAddr, req)
			if len(want) != 1 || len(got) != 1 {
				t.Fatalf("%s %s: %d answers on the main address, %d on the public one", method, target, len(want), len(got))
			}
			if got[0].code != want[0].code || !bytes.Equal(got[0].body, want[0].body) {
				t.Errorf("%s %s: %d, %d bytes on the public address; %d, %d bytes on the main one",
					method, target, got[0].code, len(got[0].body), want[0].code, len(want[0].body))
			}
		}
	}

	// Counted in /metrics, by the route each matched.
	const route = "GET /status/feed.rss"
	before := requestsCounted(t, srv.URL, route, 200)
	for range 3 {
		if r := fetch(t, "http://"+publicAddr+"/status/feed.rss"); r.code != 200 {
			t.Fatalf("public /status/feed.rss: %d", r.code)
		}
	}
	if after := requestsCounted(t, srv.URL, route, 200); after != before+3 {
		t.Errorf("%s 200 in /metrics: %d before 3 public requests, %d after", route, before, after)
	}
}

type rawAnswer struct {
	line string
	code int
	body []byte
}

func (a rawAnswer) String() string { return strconv.Quote(a.line) }

// rawExchange writes request to addr as it is, then reads every answer
// until the server closes the connection or stays silent for a second;
// closed tells which.
func rawExchange(t *testing.T, addr, request string) (answers []rawAnswer, closed bool) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	method, _, _ := strings.Cut(request, " ")
	for {
		c.SetReadDeadline(time.Now().Add(time.Second))
		if _, err := br.Peek(1); err != nil {
			var ne net.Error
			return answers, !errors.As(err, &ne) || !ne.Timeout()
		}
		head, _ := br.Peek(min(br.Buffered(), 64))
		first, _, _ := strings.Cut(string(head), "\r\n")
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatalf("%q: an answer that is not HTTP: %v", first, err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("reading an answer: %v", err)
		}
		answers = append(answers, rawAnswer{line: first, code: resp.StatusCode, body: body})
	}
}

// requestsCounted is hansei_http_requests_total for route and code, over
// every method, as /metrics shows it now.
func requestsCounted(t *testing.T, base, route string, code int) int {
	t.Helper()
	text := fetch(t, base+"/metrics").text
	n := 0
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, "hansei_http_requests_total{")
		labels, value, found := strings.Cut(rest, "} ")
		if !ok || !found || !strings.Contains(labels, `route="`+route+`"`) || !strings.Contains(labels, `code="`+strconv.Itoa(code)+`"`) {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Fatalf("/metrics: %q", line)
		}
		n += int(v)
	}
	return n
}
