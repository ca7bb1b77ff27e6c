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
	EventSource
	IntentIncident(ctx context.Context, id int64) (int64, error)
	CreatePostmortem(ctx context.Context, actor hansei.User, number int64) (hansei.Postmortem, error)
	Postmortem(ctx context.Context, viewer hansei.User, number int64) (hansei.Postmortem, error)
	PostmortemHistory(ctx context.Context, viewer hansei.User, number int64) ([]sqldb.PostmortemChangeRecord, error)
	CreateRemediation(ctx context.Context, actor hansei.User, incident int64, in hansei.RemediationInput) (hansei.Remediation, error)
	Remediation(ctx context.Context, viewer hansei.User, id int64) (hansei.Remediation, error)
	ChangeRemediation(ctx context.Context, actor hansei.User, id int64, in hansei.RemediationInput, note string) (hansei.Remediation, error)
	Remediations(ctx context.Context, viewer hansei.User, f hansei.RemediationFilter) ([]hansei.Remediation, error)
	ReviewDay(ctx context.Context, viewer hansei.User, date string) (sqldb.ReviewDay, error)
	RecordOutcome(ctx context.Context, actor hansei.User, date string, id int64, outcome hansei.ReviewOutcome, note, newDue string) (hansei.Remediation, error)
	Outbox(ctx context.Context, state string, limit int) ([]sqldb.Delivery, error)
	RetryDelivery(ctx context.Context, id int64) error
	PublishedPostmortems(ctx context.Context, viewer hansei.User, since time.Time) ([]hansei.Postmortem, error)
	ChangePostmortem(ctx context.Context, actor hansei.User, number int64, action string, change sqldb.PostmortemChange) (hansei.Postmortem, error)
	Idempotent(ctx context.Context, user hansei.User, key, requestHash string, fn func(context.Context) (sqldb.Response, error)) (sqldb.Response, bool, error)
	Ping(ctx context.Context) error
}

// Server holds the dependencies of the handlers.
type Server struct {
	store   Store
	scales  hansei.Scales
	log     *slog.Logger
	metrics *metrics
	now     func() time.Time
	handler http.Handler
	hub     *Hub

	// Reviews says when follow-up reviews are held and what they cover.
	Reviews hansei.ReviewPolicy

	// LintRules check postmortems; their level keys are the scales'.
	LintRules hansei.LintRules

	// Heartbeat is how often an idle stream sends a comment
	// (HeartbeatInterval unless a test shortens it).
	Heartbeat time.Duration
	indexTmpl *template.Template
}

// New returns a server; Handler gives its routes.
func New(store Store, scales hansei.Scales, log *slog.Logger, now func() time.Time) *Server {
	s := &Server{store: store, scales: scales, log: log, metrics: newMetrics(), now: now,
		indexTmpl: template.Must(template.New("index").Parse(indexHTML))}
	s.hub = NewHub(store, log)
	s.Heartbeat = HeartbeatInterval
	s.Reviews = hansei.DefaultReviewPolicy()
	s.SetLintRules(hansei.DefaultLintRules())
	s.handler = s.routes()
	return s
}

// Start makes the live streams follow committed events until ctx ends. Call
// it before serving, so that no event committed after it is missed.
func (s *Server) Start(ctx context.Context) error { return s.hub.Start(ctx, time.Second) }

// Run is Start, then waits until ctx ends and the streams are closed.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Start(ctx); err != nil {
		return err
	}
	s.hub.Wait()
	return nil
}

// Wake tells the live streams that events were committed; wire it to the
// store's AfterCommit and to PostgreSQL's notifications.
func (s *Server) Wake() { s.hub.Wake() }

// Handler returns the HTTP handler with every route.
func (s *Server) Handler() http.Handler { return s.handler }

// SetLintRules sets the postmortem lint's rules, taking the level keys that
// make a priority word precise from the configured scales.
func (s *Server) SetLintRules(rules hansei.LintRules) {
	s.LintRules = rules.WithScales(s.scales)
}
