package web

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// latencyBuckets are the upper bounds, in seconds, of the request latency
// histogram.
func latencyBuckets() []float64 {
	return []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}
}

// metrics counts requests and their latencies by route, written in the
// Prometheus text format by hand: a few counters do not need a client
// library.
type metrics struct {
	mu       sync.Mutex
	buckets  []float64
	requests map[requestKey]uint64
	latency  map[routeKey]*histogram
}

type routeKey struct{ method, route string }
type requestKey struct {
	routeKey
	code int
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	count  uint64
	sum    float64
}

func newMetrics() *metrics {
	return &metrics{buckets: latencyBuckets(), requests: map[requestKey]uint64{}, latency: map[routeKey]*histogram{}}
}

func (m *metrics) observe(method, route string, code int, d time.Duration) {
	rk := routeKey{method, route}
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{rk, code}]++
	h := m.latency[rk]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(m.buckets))}
		m.latency[rk] = h
	}
	for i, b := range m.buckets {
		if sec <= b {
			h.counts[i]++
			break
		}
	}
	h.count++
	h.sum += sec
}

func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP hansei_http_requests_total HTTP requests by route and status code.")
	fmt.Fprintln(w, "# TYPE hansei_http_requests_total counter")
	reqKeys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		reqKeys = append(reqKeys, k)
	}
	sort.Slice(reqKeys, func(i, j int) bool {
		a, b := reqKeys[i], reqKeys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.code < b.code
	})
	for _, k := range reqKeys {
		fmt.Fprintf(w, "hansei_http_requests_total{method=%q,route=%q,code=\"%d\"} %d\n", k.method, k.route, k.code, m.requests[k])
	}
	fmt.Fprintln(w, "# HELP hansei_http_request_duration_seconds HTTP request latency by route.")
	fmt.Fprintln(w, "# TYPE hansei_http_request_duration_seconds histogram")
	routes := make([]routeKey, 0, len(m.latency))
	for k := range m.latency {
		routes = append(routes, k)
	}
	sort.Slice(routes, func(i, j int) bool {
		if routes[i].route != routes[j].route {
			return routes[i].route < routes[j].route
		}
		return routes[i].method < routes[j].method
	})
	for _, k := range routes {
		h := m.latency[k]
		var cum uint64
		for i, b := range m.buckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "hansei_http_request_duration_seconds_bucket{method=%q,route=%q,le=%q} %d\n", k.method, k.route, formatFloat(b), cum)
		}
		fmt.Fprintf(w, "hansei_http_request_duration_seconds_bucket{method=%q,route=%q,le=\"+Inf\"} %d\n", k.method, k.route, h.count)
		fmt.Fprintf(w, "hansei_http_request_duration_seconds_sum{method=%q,route=%q} %s\n", k.method, k.route, formatFloat(h.sum))
		fmt.Fprintf(w, "hansei_http_request_duration_seconds_count{method=%q,route=%q} %d\n", k.method, k.route, h.count)
	}
}

func formatFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// serveMetrics writes the Prometheus metrics, with open incidents by
// severity read from the database at scrape time.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	open, err := s.app.Incidents.OpenBySeverity(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w)
	fmt.Fprintln(w, "# HELP hansei_open_incidents Incidents not yet resolved, by severity.")
	fmt.Fprintln(w, "# TYPE hansei_open_incidents gauge")
	for _, key := range s.scales.Severity.Keys() {
		fmt.Fprintf(w, "hansei_open_incidents{severity=%q} %d\n", key, open[key])
		delete(open, key)
	}
	for key, n := range open { // levels removed from the configured scale
		fmt.Fprintf(w, "hansei_open_incidents{severity=%q} %d\n", key, n)
	}
	return nil
}

// statusWriter remembers the status code written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (sw *statusWriter) WriteHeader(code int) {
	if sw.status == 0 {
		sw.status = code
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	return sw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush for streams.
func (sw *statusWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

// observe records each request's route, status and latency in the metrics
// and the log.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", p)
				if sw.status == 0 {
					httpx.WriteError(s.log, sw, r, fmt.Errorf("panic: %v", p))
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			d := s.now().Sub(start)
			s.metrics.observe(r.Method, route, sw.status, d)
			if route != "GET /healthz" && route != "GET /metrics" && route != "GET /readyz" {
				s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", d)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}
