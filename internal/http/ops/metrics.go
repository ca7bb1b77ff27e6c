package ops

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hansei-dev/hansei/internal/http/httpx"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics counts requests and their latencies on a Prometheus registry that
// the server owns (not client_golang's global one, so two servers in one
// process, as in the tests, count apart). The registry also carries the Go
// runtime, process and build-info collectors.
//
// Every label comes from a closed set, whatever a client sends, so that
// /metrics stays small: before, the raw HTTP method was a label, and 3,000
// requests with made-up methods grew it from 21 KB to 4.3 MB.
//
//   - route: a pattern given to the mux (routes.go, recorded by RouteMux);
//     "unmatched" for a request no pattern matched (a 404 or 405 from the
//     mux); "other" for anything else a caller passes.
//   - method: one of the methods net/http names (GET, HEAD, POST, PUT,
//     PATCH, DELETE, OPTIONS, CONNECT, TRACE), else "other".
//   - code: the status code if net/http knows its name (about 60 codes),
//     else its class ("4xx"), else "other"; handlers only write known codes.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// routes is the closed set of route labels. RouteMux fills it while
	// routes.go builds the mux, before anything is served; it is only read
	// afterwards.
	routes map[string]bool
	// codes holds the code label of each status from 100 to 599, made
	// once: formatting a code per request would allocate.
	codes []string
	// series caches each seriesKey's metrics (seriesKey → series).
	series sync.Map
}

// latencyBuckets are the upper bounds, in seconds, of the request latency
// histogram.
func latencyBuckets() []float64 {
	return []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}
}

// Route labels that are not patterns.
const (
	routeUnmatched = "unmatched"
	labelOther     = "other"
)

// NewMetrics returns the metrics, on a registry of their own.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hansei_http_requests_total",
			Help: "HTTP requests by method, route and status code.",
		}, []string{"method", "route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hansei_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route.",
			Buckets: latencyBuckets(),
		}, []string{"method", "route"}),
		routes: map[string]bool{routeUnmatched: true},
		codes:  make([]string, 600),
	}
	for code := 100; code < len(m.codes); code++ {
		m.codes[code] = strconv.Itoa(code)
		if http.StatusText(code) == "" {
			m.codes[code] = strconv.Itoa(code/100) + "xx"
		}
	}
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector())
	return m
}

// Observe records one request: its method, the route pattern that served
// it, its status and how long it took. The main address's middleware
// calls it with the mux's pattern; the public listener with the pattern of
// the public route it served (the same patterns), or "unmatched".
// Whatever it is given, the labels stay in their closed sets.
func (m *Metrics) Observe(method, route string, code int, d time.Duration) {
	k := seriesKey{knownMethod(method), m.knownRoute(route), m.codeLabel(code)}
	s, ok := m.series.Load(k)
	if !ok {
		s, _ = m.series.LoadOrStore(k, series{
			count:   m.requests.WithLabelValues(k.method, k.route, k.code),
			latency: m.latency.WithLabelValues(k.method, k.route),
		})
	}
	s.(series).count.Inc()
	s.(series).latency.Observe(d.Seconds())
}

// seriesKey names a request's series; its parts come from closed sets, so
// there are few of them.
type seriesKey struct{ method, route, code string }

// series are the metrics of one seriesKey, looked up once: finding them
// by label values hashes and checks the values on every request, which
// under an outage's flood of the public page was a measurable part of a
// request's cost.
type series struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

func (m *Metrics) knownRoute(route string) string {
	if route == "" {
		return routeUnmatched
	}
	if m.routes[route] {
		return route
	}
	return labelOther
}

// knownMethod is method if net/http names it, else "other". Methods are
// case-sensitive: "get" is not GET.
func knownMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return labelOther
}

// codeLabel is the status code if net/http knows it, else its class.
func (m *Metrics) codeLabel(code int) string {
	if code >= 100 && code < len(m.codes) {
		return m.codes[code]
	}
	return labelOther
}

// RouteMux is the ServeMux routes.go builds, remembering each pattern it is
// given as a route label.
type RouteMux struct {
	*http.ServeMux
	m *Metrics
}

// Mux returns a ServeMux that remembers each pattern it is given as a
// route label.
func (m *Metrics) Mux() RouteMux { return RouteMux{http.NewServeMux(), m} }

func (x RouteMux) Handle(pattern string, h http.Handler) {
	x.m.routes[pattern] = true
	x.ServeMux.Handle(pattern, h)
}

func (x RouteMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	x.Handle(pattern, http.HandlerFunc(h))
}

// serveMetrics writes the Prometheus metrics, with open incidents by
// severity read from the database at scrape time. promhttp gathers a
// snapshot first and writes it after, holding no lock, so a scraper that
// never reads blocks nobody (before, the metrics lock was held while
// writing, and such a client froze every request).
func (s *Handler) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	open, err := s.app.Incidents.OpenBySeverity(r.Context())
	if err != nil {
		return err
	}
	gauge := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "hansei_open_incidents",
		Help: "Incidents not yet resolved, by severity.",
	}, []string{"severity"})
	for _, key := range s.scales.Severity.Keys() {
		gauge.WithLabelValues(key).Set(float64(open[key]))
		delete(open, key)
	}
	for key, n := range open { // levels removed from the configured scale
		gauge.WithLabelValues(key).Set(float64(n))
	}
	scrape := prometheus.NewRegistry()
	scrape.MustRegister(gauge)
	promhttp.HandlerFor(prometheus.Gatherers{s.metrics.reg, scrape}, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(s.log.Handler(), slog.LevelError),
		ErrorHandling: promhttp.HTTPErrorOnError,
	}).ServeHTTP(w, r)
	return nil
}

// Middleware records each request's route, status and latency in the
// metrics and the log, and answers a panic with the JSON error contract.
func (m *Metrics) Middleware(log *slog.Logger, now func() time.Time, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := now()
		sw := &httpx.StatusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", p)
				if sw.Status == 0 {
					httpx.WriteError(log, sw, r, fmt.Errorf("panic: %v", p))
				}
			}
			route, status := sw.Outcome(r)
			d := now().Sub(start)
			m.Observe(r.Method, route, status, d)
			if route != "GET /healthz" && route != "GET /metrics" && route != "GET /readyz" {
				log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", status, "duration", d)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}
