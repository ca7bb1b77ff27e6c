package sqldb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/server"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// benchEventsPerIncident makes 1,000,000 events of the default 100,000
// incidents.
const benchEventsPerIncident = 10

// BenchmarkListIncidents measures the latency of the incident list over
// real HTTP, with HANSEI_BENCH_INCIDENTS incidents (default 100,000) of 10
// timeline events each, read by a responder with an API token:
//
//   - http-healthz: GET /healthz on the same server, the floor of HTTP and
//     routing (the reference);
//   - http-list:    GET /api/v1/incidents?limit=50;
//   - http-search:  GET /api/v1/incidents?limit=50&q=checkout (about 1% of
//     titles name checkout);
//   - store-list, store-search: db.Incidents alone, without HTTP.
//
// Each reports p50-ms and p99-ms over its b.N sequential requests; run it
// with -benchtime=Nx for N samples. The goal is http p99 < 25 ms on SQLite.
//
// The SQLite database is loaded once and cached in os.TempDir() under a
// name that carries the size and sqldb.BulkFingerprint; the benchmark only
// reads it. PostgreSQL is loaded afresh in every run.
func BenchmarkListIncidents(b *testing.B) {
	incidents := benchSize(b, "HANSEI_BENCH_INCIDENTS", 100000)
	b.Run("sqlite", func(b *testing.B) {
		path, token := cachedSQLite(b, incidents)
		db, err := sqldb.Open(context.Background(), "sqlite:"+path)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchList(b, db, token)
	})
	b.Run("postgres", func(b *testing.B) {
		pg, ok := sqldbtest.Postgres(b)
		if !ok {
			b.Skip("HANSEI_TEST_POSTGRES_URL is not set; scripts/bench starts a PostgreSQL")
		}
		db := benchOpen(b, pg.DSN)
		token := loadBenchData(b, db, incidents)
		// Let the planner see the data, as autovacuum would soon.
		if _, err := db.RawExec(context.Background(), `VACUUM ANALYZE`); err != nil {
			b.Fatal(err)
		}
		benchList(b, db, token)
	})
}

// loadBenchData creates the author and a reader, bulk-loads the incidents
// and returns the reader's API token. The reader is a responder and member
// of no incident, so restricted incidents are filtered out for them.
func loadBenchData(b *testing.B, db *sqldb.DB, incidents int) string {
	b.Helper()
	ctx := context.Background()
	author := benchUser(b, db, "alice", hansei.RoleResponder)
	_, token, err := sqldbtest.CreateUser(ctx, db, hansei.User{Name: "reader", Role: hansei.RoleResponder})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := db.BulkLoad(ctx, incidents, benchEventsPerIncident, author); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d incidents and %d events into %s in %s", incidents, incidents*benchEventsPerIncident,
		db.Dialect(), time.Since(start).Round(time.Millisecond))
	return token
}

// cachedSQLite returns a loaded SQLite database and the reader's token,
// loading it first if no cached copy exists. Only a complete load is
// renamed into place; copies of other versions of the same size are removed.
func cachedSQLite(b *testing.B, incidents int) (path, token string) {
	b.Helper()
	fingerprint, err := sqldb.BulkFingerprint()
	if err != nil {
		b.Fatal(err)
	}
	dir := os.TempDir()
	prefix := fmt.Sprintf("hansei-bench-sqlite-%dx%d-", incidents, benchEventsPerIncident)
	path = filepath.Join(dir, prefix+fingerprint+".db")
	tokenPath := path + ".token"
	if raw, err := os.ReadFile(tokenPath); err == nil {
		if _, err := os.Stat(path); err == nil {
			b.Logf("using the cached database %s", path)
			return path, strings.TrimSpace(string(raw))
		}
	}

	tmp, err := os.MkdirTemp(dir, prefix+"loading-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(tmp, "hansei.db"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		b.Fatal(err)
	}
	token = loadBenchData(b, db, incidents)
	// Move everything from the write-ahead log into the file, which is
	// then complete on its own.
	if _, err := db.RawExec(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		db.Close()
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}

	stale, _ := filepath.Glob(filepath.Join(dir, prefix+"*.db*"))
	for _, f := range stale {
		if !strings.Contains(f, "-loading-") {
			os.Remove(f)
		}
	}
	if err := os.WriteFile(tokenPath, []byte(token+"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(filepath.Join(tmp, "hansei.db"), path); err != nil {
		b.Fatal(err)
	}
	b.Logf("cached the database as %s", path)
	return path, token
}

// benchList serves db over real HTTP and measures each request kind.
func benchList(b *testing.B, db *sqldb.DB, token string) {
	b.Helper()
	ctx := context.Background()
	reader, err := db.UserByName(ctx, "reader")
	if err != nil {
		b.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	srv := httptest.NewServer(server.NewWeb(db, hansei.DefaultScales(), logger, time.Now).Handler())
	defer srv.Close()
	transport := &http.Transport{MaxIdleConnsPerHost: 2}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: time.Minute}
	get := func(path string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s: %s", path, resp.Status, body)
		}
		return body, err
	}
	const (
		healthz = "/healthz"
		list    = "/api/v1/incidents?limit=50"
		search  = "/api/v1/incidents?limit=50&q=checkout"
	)

	// Check that the requests do what they claim, and warm the caches.
	titles := func(path string) []string {
		body, err := get(path)
		if err != nil {
			b.Fatal(err)
		}
		var page struct {
			Items []struct{ Title string }
		}
		if err := json.Unmarshal(body, &page); err != nil {
			b.Fatal(err)
		}
		out := make([]string, len(page.Items))
		for i, it := range page.Items {
			out[i] = it.Title
		}
		return out
	}
	if got := titles(list); len(got) == 0 {
		b.Fatal("the list is empty")
	}
	found := titles(search)
	if len(found) == 0 {
		b.Fatal("the search for checkout finds nothing")
	}
	for _, title := range found {
		if !strings.Contains(strings.ToLower(title), "checkout") {
			b.Fatalf("the search for checkout found %q", title)
		}
	}
	for range 20 {
		for _, p := range []string{healthz, list, search} {
			if _, err := get(p); err != nil {
				b.Fatal(err)
			}
		}
	}

	httpGet := func(path string) func() error {
		return func() error { _, err := get(path); return err }
	}
	storeList := func(q string) func() error {
		return func() error {
			incs, _, err := db.Incidents(ctx, reader, hansei.IncidentFilter{Limit: 50, Q: q})
			if err == nil && len(incs) == 0 {
				err = fmt.Errorf("db.Incidents(q=%q) found nothing", q)
			}
			return err
		}
	}
	b.Run("http-healthz", func(b *testing.B) { measureLatency(b, httpGet(healthz)) })
	b.Run("http-list", func(b *testing.B) { measureLatency(b, httpGet(list)) })
	b.Run("http-search", func(b *testing.B) { measureLatency(b, httpGet(search)) })
	b.Run("store-list", func(b *testing.B) { measureLatency(b, storeList("")) })
	b.Run("store-search", func(b *testing.B) { measureLatency(b, storeList("checkout")) })
}

// measureLatency calls fn b.N times in sequence and reports the median and
// the 99th percentile of the calls, in milliseconds.
func measureLatency(b *testing.B, fn func() error) {
	samples := make([]time.Duration, b.N)
	b.ResetTimer()
	for i := range samples {
		start := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		samples[i] = time.Since(start)
	}
	b.StopTimer()
	slices.Sort(samples)
	b.ReportMetric(percentile(samples, 0.50), "p50-ms")
	b.ReportMetric(percentile(samples, 0.99), "p99-ms")
}

// percentile returns the nearest-rank percentile of sorted samples, in ms.
func percentile(sorted []time.Duration, p float64) float64 {
	i := int(math.Ceil(float64(len(sorted))*p)) - 1
	i = min(max(i, 0), len(sorted)-1)
	return float64(sorted[i]) / float64(time.Millisecond)
}
