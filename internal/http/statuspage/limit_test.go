package statuspage

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestStatusLimits(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{RateLimit: 2})
	h := mountedStatus(t, p)
	codes := map[int]int{}
	var refused *httptest.ResponseRecorder
	for range 10 {
		rec := get(t, h, "GET", "/status.json")
		codes[rec.Code]++
		if rec.Code == 429 {
			refused = rec
		}
	}
	if codes[200] < 1 || codes[200] > 3 || codes[429] < 7 {
		t.Errorf("rate limit 2/s over 10 requests: %v", codes)
	}
	if refused == nil || refused.Header().Get("Retry-After") == "" || refused.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("429 without Retry-After: %v", refused)
	}

	f := newInFlight(1, 50*time.Millisecond)
	if !f.acquire(context.Background()) {
		t.Fatal("first slot")
	}
	if f.acquire(context.Background()) {
		t.Fatal("a second request got the only slot")
	}
	go func() { time.Sleep(10 * time.Millisecond); f.release() }()
	if !f.acquire(context.Background()) {
		t.Fatal("a freed slot was not handed to the waiting request")
	}
}

func TestChooseEncoding(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want encoding
	}{
		{nil, encIdentity}, {[]string{""}, encIdentity}, {[]string{"gzip"}, encGzip}, {[]string{"gzip", "br"}, encBrotli},
		{[]string{"br;q=0"}, encIdentity}, {[]string{"br;q=1.0, gzip;q=1"}, encBrotli}, {[]string{"gzip;q=0.9, br;q=0.8"}, encGzip},
		{[]string{"br;q=2"}, encIdentity}, {[]string{"br;q=0.1234"}, encIdentity}, {[]string{"br; q=0.5 ; level=1"}, encBrotli},
		{[]string{"*;q=0"}, encIdentity}, {[]string{"identity;q=1, gzip;q=0.5"}, encIdentity}, {[]string{" , ,gzip"}, encGzip},
	} {
		if got := chooseEncoding(tc.in); got != tc.want {
			t.Errorf("chooseEncoding(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestEtagMatch(t *testing.T) {
	const tag = `"abc-gz"`
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{`"abc-gz"`, true}, {`W/"abc-gz"`, true}, {`"x", "abc-gz"`, true}, {`"x","abc-gz"`, true}, {`*`, true},
		{`"abc"`, false}, {`abc-gz`, false}, {`"abc-gz`, false}, {``, false}, {`"x" "abc-gz"`, true}, {`"a,b", "abc-gz"`, true},
	} {
		if got := etagMatch(tc.in, tag); got != tc.want {
			t.Errorf("etagMatch(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// FuzzAcceptEncoding: any header parses, to an encoding that the header
// does not refuse.
func FuzzAcceptEncoding(f *testing.F) {
	for _, s := range []string{"gzip, deflate, br", "br;q=0", "*;q=0.5, identity;q=0", "gzip;q=1.000", ";;,,q=", "BR;Q=0.9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := chooseEncoding([]string{s})
		if enc < encIdentity || enc >= numEncodings {
			t.Fatalf("chooseEncoding(%q) = %d", s, enc)
		}
		if enc != encIdentity && !strings.Contains(strings.ToLower(s), map[encoding]string{encGzip: "gzip", encBrotli: "br"}[enc]) && !strings.Contains(s, "*") {
			t.Fatalf("chooseEncoding(%q) = %d, which the header does not name", s, enc)
		}
	})
}

// FuzzIfNoneMatch: any header parses; a list that names the ETag matches.
func FuzzIfNoneMatch(f *testing.F) {
	for _, s := range []string{`"a"`, `W/"a", "b"`, `*`, `"`, `W/`, `"a",,,"b"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		etagMatch(s, `"tag"`)
		if !strings.Contains(s, `"`) && !strings.Contains(s, "*") && etagMatch(s, `"tag"`) {
			t.Fatalf("etagMatch(%q) matched without a quoted tag", s)
		}
		if strings.Count(s, `"`)%2 == 0 && !etagMatch(s+`, "tag"`, `"tag"`) && !strings.ContainsAny(s, "\x00") && wellFormed(s) {
			t.Fatalf("etagMatch(%q + the tag) did not match", s)
		}
	})
}

// wellFormed: s is a list of quoted tags (optionally weak) or empty.
func wellFormed(s string) bool {
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return true
		}
		s = strings.TrimPrefix(s, "W/")
		if !strings.HasPrefix(s, `"`) {
			return false
		}
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return false
		}
		s = s[end+2:]
	}
}
