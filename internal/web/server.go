// Package web serves hansei over HTTP: the JSON API, the health and metrics
// endpoints, and (as they land) the HTML pages. routes.go lists every route.
package web

import (
	"context"
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
	statusAdminStore // status_api.go
	StatusSource     // status.go
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
	CheckPassword(ctx context.Context, name, password string) (hansei.User, error)
	RedeemSignInLink(ctx context.Context, token string) (hansei.User, error)
	CreateSession(ctx context.Context, userID int64) (sqldb.Session, error)
	SessionUser(ctx context.Context, token string) (hansei.User, sqldb.Session, error)
	DeleteSession(ctx context.Context, token string) error
	CreateSignInLink(ctx context.Context, name string, ttl time.Duration) (string, time.Time, error)
	CreateToken(ctx context.Context, name, label string) (string, error)
	Tokens(ctx context.Context) ([]sqldb.TokenInfo, error)
	RevokeToken(ctx context.Context, id int64) error
	UpdateUser(ctx context.Context, name string, c sqldb.UserChange) (hansei.User, error)
	UsersWithPassword(ctx context.Context) (map[string]bool, error)
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

	pages       pages
	crossOrigin *http.CrossOriginProtection

	// status serves the public status page from memory (status.go).
	status *StatusPage
}

// New returns a server; Handler gives its routes.
func New(store Store, scales hansei.Scales, log *slog.Logger, now func() time.Time) *Server {
	pg, err := parsePages(assetVersions())
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a build mistake
	}
	s := &Server{store: store, scales: scales, log: log, metrics: newMetrics(), now: now,
		pages: pg, crossOrigin: http.NewCrossOriginProtection()}
	s.hub = NewHub(store, log)
	s.Heartbeat = HeartbeatInterval
	s.Reviews = hansei.DefaultReviewPolicy()
	s.SetLintRules(hansei.DefaultLintRules())
	s.status = NewStatusPage(store, scales, log, now, StatusConfig{})
	s.handler = s.routes()
	return s
}

// Start makes the live streams follow committed events until ctx ends and
// builds the status page's first set (the scheduler keeps it current: see
// StatusPage). Call it before serving, so that no event committed after it
// is missed.
func (s *Server) Start(ctx context.Context) error {
	if err := s.hub.Start(ctx, time.Second); err != nil {
		return err
	}
	s.status.Start(ctx)
	return nil
}

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
func (s *Server) Wake() { s.hub.Wake(); s.status.Changed() }

// Handler returns the HTTP handler with every route.
func (s *Server) Handler() http.Handler { return s.handler }

// SetLintRules sets the postmortem lint's rules, taking the level keys that
// make a priority word precise from the configured scales.
func (s *Server) SetLintRules(rules hansei.LintRules) {
	s.LintRules = rules.WithScales(s.scales)
}
