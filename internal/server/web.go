package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/http/api"
	"github.com/hansei-dev/hansei/internal/http/ops"
	"github.com/hansei-dev/hansei/internal/http/statuspage"
	"github.com/hansei-dev/hansei/internal/http/ui"
	"github.com/hansei-dev/hansei/internal/i18n"
	"github.com/hansei-dev/hansei/internal/live"
)

// Store is what the web layer is built on: the use cases' storage and the
// live streams' event source.
type Store interface {
	app.Store
	live.EventSource
}

// Web is hansei's HTTP side: every audience's handlers, the live hub and
// the public status page, joined by routes.go. Web holds the dependencies of the handlers.
type Web struct {
	app     *app.App
	scales  hansei.Scales
	log     *slog.Logger
	metrics *ops.Metrics
	ops     *ops.Handler
	now     func() time.Time
	handler http.Handler
	hub     *live.Hub

	// Streams serve the live event streams; tests shorten their
	// Heartbeat.
	Streams *live.Streams

	api *api.Handler
	ui  *ui.Handler

	// status serves the public status page from memory (status.go).
	status *statuspage.Page

	// trusted are the proxies whose X-Forwarded-For names the client.
	trusted []netip.Prefix
}

// New returns a server; Handler gives its routes.
func NewWeb(store Store, scales hansei.Scales, log *slog.Logger, now func() time.Time) *Web {
	a := app.New(app.Config{Store: store, Scales: scales, LintRules: hansei.DefaultLintRules(), Log: log, Now: now})
	s := &Web{app: a, scales: scales, log: log, metrics: ops.NewMetrics(), now: now}
	s.hub = live.NewHub(store, log)
	s.Streams = live.New(a, s.hub, log)
	s.status = statuspage.New(a.StatusPage, log, now, statuspage.Config{})
	s.ops = ops.New(a, scales, log, s.metrics)
	s.api = api.New(a, scales, log, now, s.Streams)
	var err error
	if s.ui, err = ui.New(a, scales, log, now, s.Streams); err != nil {
		panic(err) // the templates are embedded: a parse error is a build mistake
	}
	if s.handler, err = s.routes(); err != nil {
		panic(err) // the route list and the packages disagree: a build mistake
	}
	return s
}

// Start makes the live streams follow committed events until ctx ends and
// builds the status page's first set (the scheduler keeps it current: see
// StatusPage). Call it before serving, so that no event committed after it
// is missed.
func (s *Web) Start(ctx context.Context) error {
	if err := s.hub.Start(ctx, time.Second); err != nil {
		return err
	}
	s.status.Start(ctx)
	return nil
}

// Run is Start, then waits until ctx ends and the streams are closed.
func (s *Web) Run(ctx context.Context) error {
	if err := s.Start(ctx); err != nil {
		return err
	}
	s.hub.Wait()
	return nil
}

// Wake tells the live streams that events were committed; wire it to the
// store's AfterCommit and to PostgreSQL's notifications.
func (s *Web) Wake() { s.hub.Wake(); s.status.Changed() }

// Handler returns the HTTP handler with every route.
func (s *Web) Handler() http.Handler { return s.handler }

// App returns the use cases the handlers call.
func (s *Web) App() *app.App { return s.app }

// StatusChanged tells the status page that components or maintenance
// windows changed; the admin API calls it after a change. (Incident
// events reach it through Wake.)
func (s *Web) StatusChanged() { s.status.Changed() }

// SetCatalogs gives the pages the deployment's languages (i18n.New over
// the config's catalogs; the public page gets them with its Config). Call
// it before Start.
func (s *Web) SetCatalogs(c *i18n.Catalogs) {
	s.ui.SetCatalogs(c)
	s.api.SetCatalogs(c)
}

// StatusPage is the public status page, for the scheduler to keep current.
func (s *Web) StatusPage() *statuspage.Page { return s.status }

// SetStatusConfig sets the status page's name, address and limits. Call it
// before Start.
func (s *Web) SetStatusConfig(c statuspage.Config) { s.status.Configure(c) }

// ServePublic serves the public status routes on ln (the --public-addr
// listener) until ctx ends; see StatusPage.ServePublic.
func (s *Web) ServePublic(ctx context.Context, ln net.Listener) error {
	return s.status.ServePublic(ctx, ln, s.metrics.Observe)
}

// SetSignIn sets the limits on password and token guessing, and the
// proxies trusted to name the client they count by. Call it before
// serving.
func (s *Web) SetSignIn(l hansei.SignInLimits, trustedProxies []netip.Prefix) {
	s.app.Users.SetSignInLimits(l)
	s.trusted = trustedProxies
}

func (s *Web) trustedProxies() []netip.Prefix { return s.trusted }
