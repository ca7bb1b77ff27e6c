package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMetricsAbuseNeitherGrowsNorBlocks: 3,000 requests with made-up
// methods (no token needed) leave /metrics small, and a client that asks
// for /metrics and never reads the answer holds up no one else: /healthz
// and /metrics keep answering at once. Before, the method was a label
// (/metrics grew to 4.3 MB) and the metrics lock was held while writing,
// so that one client froze every request.
func TestMetricsAbuseNeitherGrowsNorBlocks(t *testing.T) {
	srv := startServer(t, "sqlite:"+t.TempDir()+"/hansei.db")
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}, Timeout: 10 * time.Second}
	defer hc.CloseIdleConnections()

	paths := []string{"/healthz", "/api/v1/incidents", "/status", "/nowhere", "/metrics"}
	const abusive, workers = 3000, 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < abusive; i += workers {
				req, _ := http.NewRequest("MADEUP"+strconv.Itoa(i), srv.URL+paths[i%len(paths)], nil)
				resp, err := hc.Do(req)
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	body := getBody(t, hc, srv.URL+"/metrics")
	t.Logf("/metrics: %d bytes after %d requests with made-up methods", len(body), abusive)
	if len(body) > 100<<10 {
		t.Errorf("/metrics is %d bytes after %d made-up methods, want under 100 KB", len(body), abusive)
	}
	if bytes.Contains(body, []byte("MADEUP")) {
		t.Error("a made-up method became a label")
	}
	if got := sumSeries(t, body, `hansei_http_requests_total{[^}]*method="other"[^}]*}`); got != abusive {
		t.Errorf("requests counted with method=\"other\": %v, want %d", got, abusive)
	}

	// A client that asks for /metrics, many times over, and never reads.
	stuck, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close() // before the server's shutdown, which would wait for it
	const pipelined = 1000
	go stuck.Write(bytes.Repeat([]byte("GET /metrics HTTP/1.1\r\nHost: hansei\r\n\r\n"), pipelined))

	var slowest time.Duration
	for i := range 20 {
		start := time.Now()
		if b := getBody(t, hc, srv.URL+"/healthz"); string(b) != "ok\n" {
			t.Fatalf("/healthz answered %q", b)
		}
		took := time.Since(start)
		slowest = max(slowest, took)
		if took > 50*time.Millisecond {
			t.Errorf("/healthz #%d took %v while a client did not read /metrics, want under 50ms", i+1, took)
		}
		getBody(t, hc, srv.URL+"/metrics")
	}
	t.Logf("/healthz: slowest of 20 answers %v while a client did not read /metrics", slowest)
	// The stuck client is stuck indeed: not all its answers went out.
	body = getBody(t, hc, srv.URL+"/metrics")
	if served := sumSeries(t, body, `hansei_http_requests_total{[^}]*route="GET /metrics"[^}]*}`); served >= pipelined {
		t.Errorf("%v answers to /metrics were sent, which the stuck client's %d fit in: the test did not block a writer", served, pipelined)
	}
}

// TestMetricsPassPromtool: /metrics, after requests of every kind, passes
// `promtool check metrics`, Prometheus's own check of the format and its
// naming conventions. scripts/test installs promtool (Debian's prometheus
// package) as root and passes its path in HANSEI_PROMTOOL; without it the
// test skips, except under CI=true, where it fails.
func TestMetricsPassPromtool(t *testing.T) {
	promtool := promtoolPath(t)
	srv := startServer(t, "sqlite:"+t.TempDir()+"/hansei.db")
	srv.mustCLI(t, srv.AdminToken, "incident", "declare", "--severity", "SEV2", "Queue backlog")
	for _, p := range []string{"/healthz", "/readyz", "/status", "/api/v1/incidents", "/nowhere", "/assets/nothing.css"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	body := getBody(t, http.DefaultClient, srv.URL+"/metrics")
	for _, want := range []string{
		`hansei_open_incidents{severity="SEV2"} 1`,
		`hansei_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`hansei_http_request_duration_seconds_bucket{method="GET",route="GET /healthz",le="0.001"}`,
		"go_goroutines ", "process_resident_memory_bytes ", "go_build_info{",
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

// promtoolPath finds promtool: HANSEI_PROMTOOL, or promtool on PATH.
// Without one the test skips, or fails under CI.
func promtoolPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("HANSEI_PROMTOOL"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("HANSEI_PROMTOOL=%s is not an executable: %v", p, err)
		}
		return p
	}
	if p, err := exec.LookPath("promtool"); err == nil {
		return p
	}
	if isCI() {
		t.Fatal("promtool not found (set HANSEI_PROMTOOL, or run ./scripts/test, which installs it as root); CI requires the metrics check")
	}
	t.Skip("promtool not found: metrics check skipped (install Debian's prometheus package or set HANSEI_PROMTOOL; ./scripts/test installs it as root)")
	return ""
}

func getBody(t *testing.T, hc *http.Client, u string) []byte {
	t.Helper()
	resp, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return body
}

// sumSeries adds up the values of the series whose name and labels match
// the pattern.
func sumSeries(t *testing.T, body []byte, pattern string) float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + pattern + ` (\S+)$`)
	var sum float64
	for _, m := range re.FindAllSubmatch(body, -1) {
		v, err := strconv.ParseFloat(string(m[1]), 64)
		if err != nil {
			t.Fatalf("series value %q: %v", m[1], err)
		}
		sum += v
	}
	return sum
}
