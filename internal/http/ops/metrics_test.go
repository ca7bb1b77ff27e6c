package ops

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// TestMetricLabelsStayInClosedSets: whatever a caller passes to observe
// (the main address's middleware, or the public listener with its own
// route names), the labels are a mounted pattern, a known method and a
// known code or class, so no request can add a series of its own.
func TestMetricLabelsStayInClosedSets(t *testing.T) {
	m := NewMetrics()
	mux := m.Mux() // the routes mounted, as internal/server mounts every route
	for _, pattern := range []string{"GET /status", "GET /status/incidents/{n}", "POST /api/v1/incidents", "DELETE /api/v1/components/{key}"} {
		mux.Handle(pattern, http.NotFoundHandler())
	}
	for _, o := range []struct {
		method, route string
		code          int
	}{
		{"GET", "GET /status", 200},                // a public route, as the public listener names it
		{"HEAD", "GET /status/incidents/{n}", 304}, // HEAD answered by a GET pattern
		{"GET", "/status/incidents/7", 404},        // a path, not a pattern
		{"GET", "GET /not/mounted", 200},           // a pattern no one mounted
		{"BREW", "unmatched", 405},                 // a made-up method
		{"get", "", 299},                           // methods are case-sensitive; a code without a name
		{"POST", "POST /api/v1/incidents", 1000},   // not a status code at all
		{"DELETE", "DELETE /api/v1/components/{key}", 204},
	} {
		m.Observe(o.method, o.route, o.code, time.Millisecond)
	}
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	var got []string
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if strings.HasPrefix(line, "hansei_http_requests_total{") {
			got = append(got, line)
		}
	}
	want := []string{
		`hansei_http_requests_total{code="200",method="GET",route="GET /status"} 1`,
		`hansei_http_requests_total{code="200",method="GET",route="other"} 1`,
		`hansei_http_requests_total{code="204",method="DELETE",route="DELETE /api/v1/components/{key}"} 1`,
		`hansei_http_requests_total{code="2xx",method="other",route="unmatched"} 1`,
		`hansei_http_requests_total{code="304",method="HEAD",route="GET /status/incidents/{n}"} 1`,
		`hansei_http_requests_total{code="404",method="GET",route="other"} 1`,
		`hansei_http_requests_total{code="405",method="other",route="unmatched"} 1`,
		`hansei_http_requests_total{code="other",method="POST",route="POST /api/v1/incidents"} 1`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("series\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}
