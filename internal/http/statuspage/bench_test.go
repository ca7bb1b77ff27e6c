package statuspage

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/ops"
)

// benchSnapshot is the page scripts/bench-status serves: 20 components in
// four groups and 50 past incidents with three public updates each.
func benchSnapshot(t testing.TB, now time.Time) hansei.StatusSnapshot {
	var snap hansei.StatusSnapshot
	for i := range 20 {
		snap.Components = append(snap.Components, hansei.Component{Key: fmt.Sprintf("component-%02d", i),
			Name: fmt.Sprintf("Component %02d", i), Group: fmt.Sprintf("Group %d", i/5), Position: i % 5,
			Description: "A part of the product that customers use every day.", CreatedAt: now.AddDate(-1, 0, 0), UpdatedAt: now.AddDate(-1, 0, 0)})
	}
	for n := int64(50); n >= 1; n-- {
		start := now.Add(-time.Duration(n) * 40 * time.Hour)
		key := fmt.Sprintf("component-%02d", n%20)
		inc, evs := timeline(t, n, start,
			hansei.Declare{Title: fmt.Sprintf("Internal title %d", n), Severity: fmt.Sprintf("SEV%d", 1+n%4)},
			hansei.LinkComponents{Components: []string{key}},
			hansei.PublishUpdate{Title: fmt.Sprintf("Errors on component %d", n%20), Status: hansei.StatusInvestigating,
				Text: "We are investigating elevated error rates for some customers."},
			hansei.PublishUpdate{Status: hansei.StatusIdentified, Text: "The cause is a faulty configuration change; we are reverting it.",
				Components: map[string]hansei.ComponentState{key: hansei.ComponentPartialOutage}},
			hansei.PublishUpdate{Status: hansei.StatusResolved, Text: "The change is reverted and error rates are back to normal.",
				Components: map[string]hansei.ComponentState{key: hansei.ComponentOperational}},
		)
		p, ok := hansei.PublicView(inc, evs)
		if !ok {
			t.Fatal("not public")
		}
		snap.Incidents = append(snap.Incidents, p)
		snap.UpdatedAt = p.UpdatedAt
	}
	return snap
}

// BenchmarkStatusBuild is the cost of one rebuild: render every body, and
// compress those that changed (fresh) or none (unchanged); in one language
// (lang=1) and in the three built-in ones (lang=3), the pages and feeds
// once in each, the JSON once (issue 16: lang=3 fresh < 3× lang=1 fresh).
func BenchmarkStatusBuild(b *testing.B) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	var p *Page
	for _, langs := range [][]string{{"en"}, {"en", "ja", "de"}} {
		p, _ = testStatusPage(b, benchSnapshot(b, now), now, Config{Languages: langs})
		if len(p.langs.langs) != len(langs) {
			b.Fatalf("%d languages", len(p.langs.langs))
		}
		b.Run(fmt.Sprintf("lang=%d/unchanged", len(langs)), func(b *testing.B) {
			for b.Loop() {
				if err := p.Rebuild(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("lang=%d/fresh", len(langs)), func(b *testing.B) {
			for b.Loop() {
				p.packed = nil
				if err := p.Rebuild(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	set := p.cur.Load()
	for _, body := range []statusBody{bodyPage, bodyJSON, bodyV2Summary} {
		e := set.byLang[p.langs.def].bodies[body]
		b.Logf("body %d: identity %d B, gzip %d B, br %d B", body, len(e.reps[encIdentity].body), len(e.reps[encGzip].body), len(e.reps[encBrotli].body))
	}
}

// discard is the cheapest ResponseWriter: the handler's own cost, without
// a recorder's copying.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkStatusPage measures GET /status: the handler alone
// (handler-*), behind the mux and the observe middleware as routes.go
// mounts it (observed-*), and over real loopback HTTP with keep-alive
// clients (http: req/s is the figure to compare with a static file
// server; scripts/bench-status does that against nginx).
func BenchmarkStatusPage(b *testing.B) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(b, benchSnapshot(b, now), now, Config{})
	direct := mountedStatus(b, p)
	observed := ops.NewMetrics().Middleware(slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, direct)
	for _, tc := range []struct {
		name string
		h    http.Handler
		hdr  string
	}{
		{"handler-identity", direct, ""}, {"handler-gzip", direct, "gzip, deflate, br;q=0"}, {"handler-br", direct, "gzip, deflate, br"},
		{"observed-identity", observed, ""},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/status", nil)
			if tc.hdr != "" {
				req.Header.Set("Accept-Encoding", tc.hdr)
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				// One header map, cleared: net/http makes one per
				// response, so allocations reported here are the
				// handler's own.
				w := &discard{h: http.Header{}}
				for pb.Next() {
					clear(w.h)
					tc.h.ServeHTTP(w, req)
				}
			})
		})
	}
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{{"http-handler", direct}, {"http-observed", observed}} {
		b.Run(tc.name, func(b *testing.B) { benchHTTP(b, tc.h) })
	}
}

// benchHTTP serves h on loopback and has 64 keep-alive connections fetch
// /status as fast as they can.
func benchHTTP(b *testing.B, h http.Handler) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/status"
	const conns = 64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}}
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range conns {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				resp, err := client.Get(url)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}
