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
	// A mix of browsers' Accept-Language headers, each language's page
	// chosen in turn (issue 16).
	mix := []string{"de-DE,de;q=0.9,en;q=0.8", "ja,en-US;q=0.9,en;q=0.8", "en-US,en;q=0.9", "ja;q=0, de", "fr-FR, de;q=0.7"}
	for _, tc := range []struct {
		name, enc string
		cfg       Config
		langs     []string
	}{{"identity", "", Config{}, nil}, {"gzip", "gzip, deflate, br;q=0", Config{}, nil},
		{"limited", "", Config{RateLimit: 10_000_000, ClientRateLimit: 10_000_000}, nil},
		{"languages", "gzip, deflate, br;q=0", Config{}, mix}} {
		p, _ := testStatusPage(b, benchSnapshot(b, now), now, tc.cfg)
		fp := &fastPublic{p: p, observe: func(string, string, int, time.Duration) {}, routes: map[string]fastRoute{}}
		for path, body := range p.paths {
			fp.routes[path] = fastRoute{pattern: "GET " + path, body: body}
		}
		b.Run(tc.name, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.Header.SetMethod("GET")
				ctx.Request.SetRequestURI("/status")
				if tc.enc != "" {
					ctx.Request.Header.Set("Accept-Encoding", tc.enc)
				}
				if len(tc.langs) > 0 {
					ctx.Request.Header.Set("Accept-Language", tc.langs[i%len(tc.langs)])
					i++
				}
				fp.serve(&ctx)
				if ctx.Response.StatusCode() != 200 {
					b.Fatalf("status %d", ctx.Response.StatusCode())
				}
			}
		})
	}
}
