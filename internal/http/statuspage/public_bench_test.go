package statuspage

import (
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// BenchmarkPublicFastPath measures the --public-addr handler alone on a
// cached /status (no sockets): what hansei adds per request on top of
// fasthttp and the kernel. allocs/op should be 0.
// The "limited" case has the rate limits on (high enough never to refuse),
// the per-client one included.
func BenchmarkPublicFastPath(b *testing.B) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, enc string
		cfg       Config
	}{{"identity", "", Config{}}, {"gzip", "gzip, deflate, br;q=0", Config{}},
		{"limited", "", Config{RateLimit: 10_000_000, ClientRateLimit: 10_000_000}}} {
		p, _ := testStatusPage(b, benchSnapshot(b, now), now, tc.cfg)
		fp := &fastPublic{p: p, observe: func(string, string, int, time.Duration) {}, routes: map[string]fastRoute{}}
		for path, body := range p.paths {
			fp.routes[path] = fastRoute{pattern: "GET " + path, body: body}
		}
		b.Run(tc.name, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			b.ReportAllocs()
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.Header.SetMethod("GET")
				ctx.Request.SetRequestURI("/status")
				if tc.enc != "" {
					ctx.Request.Header.Set("Accept-Encoding", tc.enc)
				}
				fp.serve(&ctx)
				if ctx.Response.StatusCode() != 200 {
					b.Fatalf("status %d", ctx.Response.StatusCode())
				}
			}
		})
	}
}
