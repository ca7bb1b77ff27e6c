package httpx

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, tc := range []struct {
		name    string
		peer    string
		xff     []string
		trusted []netip.Prefix
		want    string
	}{
		{"no proxies trusted: the peer, whatever the header says", "192.0.2.1:5000", []string{"198.51.100.7"}, nil, "192.0.2.1"},
		{"a peer that is not a trusted proxy", "192.0.2.1:5000", []string{"198.51.100.7"}, proxies, "192.0.2.1"},
		{"a trusted proxy names its client", "10.1.2.3:5000", []string{"198.51.100.7"}, proxies, "198.51.100.7"},
		{"what the client wrote before it is ignored", "10.1.2.3:5000", []string{"203.0.113.9, 198.51.100.7"}, proxies, "198.51.100.7"},
		{"a chain of trusted proxies", "10.1.2.3:5000", []string{"203.0.113.9", "198.51.100.7, 10.9.9.9"}, proxies, "198.51.100.7"},
		{"a trusted proxy without the header", "10.1.2.3:5000", nil, proxies, "10.1.2.3"},
		{"nonsense from a trusted proxy keeps the proxy", "10.1.2.3:5000", []string{"evil"}, proxies, "10.1.2.3"},
		{"a port in the header", "[::1]:5000", []string{"[2001:db8::1]:443"}, proxies, "2001:db8::1"},
		{"IPv4 mapped into IPv6", "[::ffff:10.1.2.3]:5000", []string{"::ffff:198.51.100.7"}, proxies, "198.51.100.7"},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tc.peer
		for _, h := range tc.xff {
			r.Header.Add("X-Forwarded-For", h)
		}
		var got netip.Addr
		WithClientAddr(func() []netip.Prefix { return tc.trusted }, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = ClientAddr(r)
		})).ServeHTTP(httptest.NewRecorder(), r)
		if got.String() != tc.want {
			t.Errorf("%s: client %s, want %s", tc.name, got, tc.want)
		}
	}
}
