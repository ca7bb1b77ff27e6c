package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// BenchmarkIncidentPage measures the incident page of an incident with
// 5,000 timeline events, as a signed-in browser gets it over HTTP, beside
// /healthz in the same run as the reference for the HTTP round trip.
//
//	go test -run '^$' -bench IncidentPage -benchtime 200x ./cmd/hansei/
//
// With HANSEI_BENCH_POSTGRES=1 (and HANSEI_TEST_POSTGRES_URL) it runs on
// PostgreSQL instead.
func BenchmarkIncidentPage(b *testing.B) {
	dsn := sqldbtest.SQLite(b).DSN
	if os.Getenv("HANSEI_BENCH_POSTGRES") != "" {
		if pg, ok := sqldbtest.Postgres(b); ok {
			dsn = pg.DSN
		}
	}
	srv := startServer(b, dsn)
	ctx := context.Background()
	c := srv.client(srv.AdminToken)
	inc, err := c.Declare(ctx, client.DeclareRequest{Title: "Checkout failing", Severity: "SEV1"})
	if err != nil {
		b.Fatal(err)
	}
	const events = 5000
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < events-1; i += 8 {
				if _, err := c.AddNote(ctx, inc.Number, fmt.Sprintf("note %d: error rate at %d%% on checkout-api; rolling back payments to 4.1", i, i%40)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	br := newBrowser(b, srv)
	br.signIn("admin")
	page := fmt.Sprintf("%s/incidents/%d", srv.URL, inc.Number)

	measure := func(url string) (p50, p99 time.Duration, size int) {
		lat := make([]time.Duration, 0, b.N)
		for range b.N {
			start := time.Now()
			resp, err := br.http.Get(url)
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("GET %s: %d", url, resp.StatusCode)
			}
			lat = append(lat, time.Since(start))
			size = int(n)
		}
		slices.Sort(lat)
		return lat[len(lat)/2], lat[len(lat)*99/100], size
	}
	b.ResetTimer()
	p50, p99, size := measure(page)
	b.StopTimer()
	_, refP99, _ := measure(srv.URL + "/healthz")
	var assets int
	for _, a := range []string{"/assets/app.css", "/assets/app.js"} {
		resp, err := br.http.Get(srv.URL + a)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		assets += int(n)
	}
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(refP99.Microseconds())/1000, "healthz-p99-ms")
	b.ReportMetric(float64(size)/1024, "html-KiB")
	b.ReportMetric(float64(size+assets)/1024, "page-KiB")
}
