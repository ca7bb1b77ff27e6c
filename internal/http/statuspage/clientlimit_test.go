package statuspage

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// Issue 15, finding 9, on the public side: the rate limit was global, so
// one client sending fast had every other visitor refused; and header
// lines over about 4 KB were refused with 431 though 8 KiB is documented.

// clientFrom is an HTTP client whose connections come from the local
// address ip (any of 127.0.0.0/8 reaches the loopback listener).
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

func status(t *testing.T, c *http.Client, url string, hdr ...string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestOneClientOverTheLimitLeavesOthersServed is the finding as found: a
// client sends far more than its share; it is refused, and a visitor from
// another address is still served, on the public listener and on the
// main address alike. The shared limit stays the ceiling.
func TestOneClientOverTheLimitLeavesOthersServed(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, public := range []bool{true, false} {
		p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{RateLimit: 20, ClientRateLimit: 5})
		base := "http://" + startPublic(t, p, (&observations{}).observe)
		if !public {
			main := httptest.NewServer(mountedStatus(t, p))
			defer main.Close()
			base = main.URL
		}
		flooder, visitor := clientFrom("127.0.0.1"), clientFrom("127.0.0.2")
		codes := map[int]int{}
		for range 30 {
			codes[status(t, flooder, base+"/status.json")]++
		}
		if codes[200] > 6 || codes[429] < 24 {
			t.Errorf("%s: one client's 30 requests at a limit of 5/s per client: %v", base, codes)
		}
		for i := range 3 {
			if got := status(t, visitor, base+"/status.json"); got != 200 {
				t.Fatalf("%s: another client's request %d after the flood: %d", base, i+1, got)
			}
		}
	}

	// The shared limit is still the ceiling: clients within their own
	// limit are refused together once all of them exceed it.
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{RateLimit: 4, ClientRateLimit: 100})
	base := "http://" + startPublic(t, p, (&observations{}).observe)
	codes := map[int]int{}
	for i := range 12 {
		codes[status(t, clientFrom("127.0.0."+string(rune('1'+i%3))), base+"/status.json")]++
	}
	if codes[200] > 5 || codes[429] < 7 {
		t.Errorf("12 requests of 3 clients under a shared limit of 4/s: %v", codes)
	}
}

// TestClientAddressHeader: behind a proxy every request comes from the
// proxy's address; with client_address_header set, the last address in
// that header is the client, so visitors behind one proxy are limited
// apart, and a client cannot escape by sending a forged first entry.
func TestClientAddressHeader(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{ClientRateLimit: 2, ClientAddressHeader: "X-Forwarded-For"})
	base := "http://" + startPublic(t, p, (&observations{}).observe)
	proxy := clientFrom("127.0.0.1")
	codes := map[int]int{}
	for i := range 10 {
		// A forged entry first, the address the proxy saw last.
		codes[status(t, proxy, base+"/status.json", "X-Forwarded-For", "10.0.0."+string(rune('0'+i))+", 203.0.113.7")]++
	}
	if codes[429] < 7 {
		t.Errorf("10 requests of 203.0.113.7 with forged first entries, at 2/s: %v", codes)
	}
	if got := status(t, proxy, base+"/status.json", "X-Forwarded-For", "198.51.100.9"); got != 200 {
		t.Errorf("another visitor behind the same proxy: %d", got)
	}
}

// TestClientKeys: IPv6 clients are known by their /64, IPv4-mapped
// addresses as IPv4.
func TestClientKeys(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":                  "192.0.2.1",
		"::ffff:192.0.2.1":           "192.0.2.1",
		"2001:db8:1:2:aaaa::1":       "2001:db8:1:2::",
		"2001:db8:1:2:ffff:ffff::99": "2001:db8:1:2::",
	} {
		if got := clientKey(netip.MustParseAddr(in)); got.String() != want {
			t.Errorf("clientKey(%s) = %s, want %s", in, got, want)
		}
	}
	l := newClientLimiter(1)
	if ok, _ := l.allow(netip.MustParseAddr("2001:db8::1")); !ok {
		t.Fatal("the first request of a client was refused")
	}
	if ok, _ := l.allow(netip.MustParseAddr("2001:db8::2")); ok {
		t.Error("a second address of the same /64 had a bucket of its own")
	}
}

// TestPublicListenerHeaderLimit is the finding as found: a 5 KB header
// line (a large cookie) was refused with 431. Header fields up to the
// documented 8 KiB are read; a head beyond the limit is still refused.
func TestPublicListenerHeaderLimit(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{})
	addr := startPublic(t, p, (&observations{}).observe)
	send := func(fields string) int {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET /status?utm_source=newsletter HTTP/1.1\r\n"+fields+"\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	// fieldsOf is header fields of exactly n bytes, CRLFs included: Host,
	// a browser's usual headers, and a cookie that fills the rest.
	fieldsOf := func(n int) string {
		f := "Host: status.example.com\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0\r\n" +
			"Accept: text/html\r\nAccept-Encoding: gzip, br\r\nAccept-Language: en-GB,en;q=0.9\r\n"
		cookie := "Cookie: session="
		return f + cookie + strings.Repeat("c", n-len(f)-len(cookie)-2) + "\r\n"
	}
	if got := send("Host: x\r\nCookie: a=" + strings.Repeat("b", 5000) + "\r\n"); got != 200 {
		t.Errorf("a 5 KB header line: %d, want 200", got)
	}
	if got := send(fieldsOf(publicMaxHeader)); got != 200 {
		t.Errorf("8 KiB of header fields: %d, want 200", got)
	}
	if got := send(fieldsOf(publicMaxHead + 1)); got != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a head over %d bytes: %d, want 431", publicMaxHead, got)
	}
}
