package statuspage

import (
	"strings"

	"github.com/hansei-dev/hansei/internal/http/assets"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// publicRoutes is the public side's whole surface: each pattern and the
// body it serves. No authentication; every body comes from the cache.
func publicRoutes() []struct {
	pattern string
	body    statusBody
} {
	return []struct {
		pattern string
		body    statusBody
	}{
		{"GET /status", bodyPage},
		{"GET /status/incidents/{n}", bodyIncident},
		{"GET /status.json", bodyJSON},
		{"GET /status/feed.atom", bodyAtom},
		{"GET /status/feed.rss", bodyRSS},
		{"GET /api/v2/summary.json", bodyV2Summary},
		{"GET /api/v2/status.json", bodyV2Status},
		{"GET /api/v2/components.json", bodyV2Components},
		{"GET /api/v2/incidents.json", bodyV2Incidents},
		{"GET /api/v2/incidents/unresolved.json", bodyV2Unresolved},
		{"GET /api/v2/scheduled-maintenances.json", bodyV2Maintenances},
		{"GET /api/v2/scheduled-maintenances/upcoming.json", bodyV2Upcoming},
		{"GET /api/v2/scheduled-maintenances/active.json", bodyV2Active},
	}
}

// Routes is every public route, under the public limits, for the main
// address. The --public-addr listener serves the same handlers, and the
// stylesheet.
func (p *Page) Routes() httpx.Routes { return p.routes }

// mount makes the handler of each public route and puts it on the public
// listener's mux too.
func (p *Page) mount() {
	p.routes = httpx.Routes{}
	p.paths = map[string]statusBody{}
	p.public.Handle("GET /assets/", p.limited(assets.Handler().ServeHTTP))
	for _, r := range publicRoutes() {
		serve := p.serveIncident
		if r.body != bodyIncident {
			serve = p.serveBody(r.body)
			p.paths[strings.TrimPrefix(r.pattern, "GET ")] = r.body
		}
		h := p.limited(serve)
		p.routes[r.pattern] = h
		p.public.Handle(r.pattern, h)
	}
}
