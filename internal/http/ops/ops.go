// Package ops serves operations: /healthz (the process is alive),
// /readyz (its database takes writes) and /metrics (Prometheus), and keeps the
// request metrics that every listener records into.
package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// Handler serves the operations endpoints.
type Handler struct {
	app     *app.App
	scales  hansei.Scales
	log     *slog.Logger
	metrics *Metrics
}

// New returns the operations handlers, reading open incidents from a and
// serving m.
func New(a *app.App, scales hansei.Scales, log *slog.Logger, m *Metrics) *Handler {
	return &Handler{app: a, scales: scales, log: log, metrics: m}
}

// Routes is every operations endpoint; none needs authentication.
func (s *Handler) Routes() httpx.Routes {
	return httpx.Routes{
		"GET /healthz": http.HandlerFunc(s.healthz),
		"GET /readyz":  s.page(s.readyz),
		"GET /metrics": s.page(s.serveMetrics),
	}
}

// page adapts a handler that returns an error for the non-API endpoints:
// errors become a short plain-text answer.
func (s *Handler) page(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			status := httpx.StatusOf(err)
			if status >= 500 {
				s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			http.Error(w, hansei.ErrorMessage(err), status)
		}
	})
}

// healthz says the process is alive; it touches nothing else.
func (s *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// readyz says whether the server can serve: its database takes writes
// and, on SQLite, is still the file it opened. It answers JSON, 200
// {"status":"ready"} or 503 {"status":"not ready","reason":…}; the reason
// names no path and no cause, which go to the log.
func (s *Handler) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.app.Incidents.Ready(ctx); err != nil {
		reason := hansei.ErrorMessage(err)
		if hansei.ErrorCode(err) == hansei.EINTERNAL && errors.Is(err, context.DeadlineExceeded) {
			reason = "the database did not answer within 2 seconds"
		}
		s.log.Warn("not ready", "reason", reason, "err", err)
		httpx.WriteJSON(w, http.StatusServiceUnavailable, readiness{Status: "not ready", Reason: reason})
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, readiness{Status: "ready"})
	return nil
}

// readiness is the body of /readyz.
type readiness struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}
