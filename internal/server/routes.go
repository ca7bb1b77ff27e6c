package server

import (
	"net/http"

	"github.com/hansei-dev/hansei/internal/http/assets"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// routes is the whole HTTP surface on one screen.
func (s *Web) routes() (http.Handler, error) {
	mux := s.metrics.Mux() // its patterns are the route labels of the metrics

	// Operations (internal/http/ops): no authentication, no request
	// logging noise.
	err := httpx.Mount(mux, s.ops.Routes(),
		"GET /healthz",
		"GET /readyz",
		"GET /metrics",
	)
	if err != nil {
		return nil, err
	}

	// Public status page (internal/http/statuspage): no authentication,
	// served from the cache. These routes, and only these, also make up
	// the --public-addr listener, under the public rate and concurrency
	// limits.
	err = httpx.Mount(mux, s.status.Routes(),
		"GET /status",
		"GET /status/incidents/{n}",
		"GET /status.json",
		"GET /status/feed.atom",
		"GET /status/feed.rss",
		"GET /api/v2/summary.json",
		"GET /api/v2/status.json",
		"GET /api/v2/components.json",
		"GET /api/v2/incidents.json",
		"GET /api/v2/incidents/unresolved.json",
		"GET /api/v2/scheduled-maintenances.json",
		"GET /api/v2/scheduled-maintenances/upcoming.json",
		"GET /api/v2/scheduled-maintenances/active.json",
	)
	if err != nil {
		return nil, err
	}

	// The stylesheet and script of the pages and the public page.
	mux.Handle("GET /assets/", assets.Handler())

	// Web UI (internal/http/ui): server-rendered pages; forms post and
	// redirect.
	err = httpx.Mount(mux, s.ui.Routes(),
		// Web UI: server-rendered pages; forms post and redirect.
		"GET /{$}",
		"GET /signin",
		"POST /signin",
		"GET /signin/link",
		"POST /signin/link",
		"POST /signout",
		"GET /settings",
		"POST /settings",
		"GET /scales",

		"GET /incidents",
		"GET /incidents/new",
		"POST /incidents",
		"GET /incidents/{n}",
		"GET /incidents/{n}/live",
		"GET /incidents/{n}/events",
		"POST /incidents/{n}/notes",
		"POST /incidents/{n}/redactions",
		"POST /incidents/{n}/severity",
		"POST /incidents/{n}/status",
		"POST /incidents/{n}/roles",
		"POST /incidents/{n}/roles/{role}/vacate",
		"POST /incidents/{n}/edit",
		"POST /incidents/{n}/join",
		"POST /incidents/{n}/intents",
		"POST /intents/{id}/{action}",

		// Postmortem pages (ui_postmortem.go).
		"GET /incidents/{n}/postmortem",
		"POST /incidents/{n}/postmortem",
		"GET /incidents/{n}/postmortem/export",
		"POST /incidents/{n}/postmortem/sections",
		"POST /incidents/{n}/postmortem/highlights",
		"POST /incidents/{n}/postmortem/reviewers",
		"POST /incidents/{n}/postmortem/whys",
		"POST /incidents/{n}/postmortem/whys/{id}",
		"POST /incidents/{n}/postmortem/whys/{id}/delete",
		"POST /incidents/{n}/postmortem/whys/{id}/remediations",
		"POST /incidents/{n}/postmortem/submit",
		"POST /incidents/{n}/postmortem/approve",
		"POST /incidents/{n}/postmortem/publish",
		"POST /incidents/{n}/postmortem/amend",

		// Remediation and review pages (ui_remediations.go, ui_reviews.go).
		"GET /remediations",
		"GET /remediations/{id}",
		"POST /remediations/{id}",
		"POST /remediations/{id}/progress",
		"POST /remediations/{id}/cancel",
		"GET /reviews",
		"GET /reviews/{date}",
		"POST /reviews/{date}/outcomes",

		// Status page in the web UI (ui_status_admin.go).
		"GET /admin/status",
		"POST /admin/status/components",
		"POST /admin/status/components/{key}/state",
		"POST /admin/status/components/{key}/delete",
		"POST /admin/status/maintenance",
		"POST /admin/status/maintenance/{id}/delete",
		"POST /incidents/{n}/public-updates",
		"POST /incidents/{n}/components",

		// Admin pages (ui_admin.go).
		"GET /admin/users",
		"POST /admin/users",
		"POST /admin/users/{name}",
		"POST /admin/users/{name}/link",
		"GET /admin/tokens",
		"POST /admin/tokens",
		"POST /admin/tokens/{id}/revoke",
		"GET /admin/outbox",
		"POST /admin/outbox/{id}/retry",
	)
	if err != nil {
		return nil, err
	}

	// JSON API (internal/http/api), ../shared/DESIGN.md §4.
	err = httpx.Mount(mux, s.api.Routes(),
		// JSON API v1 (../shared/DESIGN.md §4).
		"GET /api/v1/scales",
		"GET /api/v1/me",

		"POST /api/v1/incidents",
		"GET /api/v1/incidents",
		"GET /api/v1/incidents/{n}",
		"PATCH /api/v1/incidents/{n}",
		"POST /api/v1/incidents/{n}/severity",
		"POST /api/v1/incidents/{n}/status",
		"POST /api/v1/incidents/{n}/roles",
		"DELETE /api/v1/incidents/{n}/roles/{role}",
		"POST /api/v1/incidents/{n}/responders",
		"POST /api/v1/incidents/{n}/notes",
		"POST /api/v1/incidents/{n}/redactions",
		"GET /api/v1/incidents/{n}/timeline",
		"GET /api/v1/incidents/{n}/stream",
		"GET /api/v1/stream",

		"POST /api/v1/incidents/{n}/intents",
		"GET /api/v1/incidents/{n}/intents",
		"POST /api/v1/intents/{id}/acknowledge",
		"POST /api/v1/intents/{id}/object",
		"POST /api/v1/intents/{id}/lift-objection",
		"POST /api/v1/intents/{id}/withdraw",

		"POST /api/v1/incidents/{n}/postmortem",
		"GET /api/v1/incidents/{n}/postmortem",
		"PATCH /api/v1/incidents/{n}/postmortem",
		"POST /api/v1/incidents/{n}/postmortem/whys",
		"PATCH /api/v1/incidents/{n}/postmortem/whys/{id}",
		"DELETE /api/v1/incidents/{n}/postmortem/whys/{id}",
		"POST /api/v1/incidents/{n}/postmortem/submit",
		"POST /api/v1/incidents/{n}/postmortem/approve",
		"POST /api/v1/incidents/{n}/postmortem/publish",
		"POST /api/v1/incidents/{n}/postmortem/amend",
		"GET /api/v1/incidents/{n}/postmortem/lint",
		"GET /api/v1/incidents/{n}/postmortem/history",
		"GET /api/v1/incidents/{n}/postmortem.md",
		"POST /api/v1/remediations",
		"GET /api/v1/remediations",
		"GET /api/v1/remediations/{id}",
		"PATCH /api/v1/remediations/{id}",
		"POST /api/v1/remediations/{id}/progress",
		"POST /api/v1/remediations/{id}/cancel",

		"GET /api/v1/reviews/{date}",
		"POST /api/v1/reviews/{date}/outcomes",

		"GET /api/v1/admin/outbox",
		"POST /api/v1/admin/outbox/{id}/retry",

		// Event webhooks and the event catalog (docs/webhooks.md).
		"GET /api/v1/admin/webhooks",
		"POST /api/v1/admin/webhooks",
		"DELETE /api/v1/admin/webhooks/{id}",
		"GET /api/v1/events/schema",

		"GET /api/v1/postmortems",
		"GET /api/v1/factors",

		// Status page administration (status_api.go).
		"GET /api/v1/components",
		"POST /api/v1/components",
		"GET /api/v1/components/{key}",
		"PATCH /api/v1/components/{key}",
		"DELETE /api/v1/components/{key}",
		"POST /api/v1/incidents/{n}/public-updates",
		"POST /api/v1/incidents/{n}/components",
		"GET /api/v1/maintenance",
		"POST /api/v1/maintenance",
		"DELETE /api/v1/maintenance/{id}",

		// Anything else under the API gets a JSON 404, not an HTML one.
		"/api/",
	)
	if err != nil {
		return nil, err
	}

	// Every handler may ask who the client is (httpx.ClientAddr): the
	// sign-in limits count by it. Outside the metrics, which read the
	// route from the request the mux saw.
	return httpx.WithClientAddr(s.trustedProxies, s.metrics.Middleware(s.log, s.now, mux)), nil
}
