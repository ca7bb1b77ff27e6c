// Package web serves hansei over HTTP: the JSON API, the health and metrics
// endpoints, and (as they land) the HTML pages. routes.go lists every route.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb"
)

// Store is what the web layer needs from storage.
type Store interface {
	hansei.IncidentService
	hansei.UserService
	Idempotent(ctx context.Context, user hansei.User, key, requestHash string, fn func(context.Context) (sqldb.Response, error)) (sqldb.Response, bool, error)
	Ping(ctx context.Context) error
}

// Server holds the dependencies of the handlers.
type Server struct {
	store     Store
	scales    hansei.Scales
	log       *slog.Logger
	metrics   *metrics
	now       func() time.Time
	handler   http.Handler
	indexTmpl *template.Template
}

// New returns a server; Handler gives its routes.
func New(store Store, scales hansei.Scales, log *slog.Logger, now func() time.Time) *Server {
	s := &Server{store: store, scales: scales, log: log, metrics: newMetrics(), now: now,
		indexTmpl: template.Must(template.New("index").Parse(indexHTML))}
	s.handler = s.routes()
	return s
}

// Handler returns the HTTP handler with every route.
func (s *Server) Handler() http.Handler { return s.handler }
