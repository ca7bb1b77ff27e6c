package main

// The requests the golden-response test records after the seed, on the
// stopped clock: every read of the JSON API, the error contract for bad
// input, the pages signed in and out, and every public endpoint on both
// listeners.

func (g *golden) reads() {
	g.t.Helper()
	g.readAPI()
	g.readErrors()
	g.readPages()
	g.readPublic()
}

func (g *golden) get(as, path string) { g.do(goldenRequest{method: "GET", path: path, as: as}) }

func (g *golden) page(as, path string) {
	g.do(goldenRequest{method: "GET", path: path, as: as, page: true})
}

func (g *golden) readAPI() {
	g.get("bob", "/api/v1/me")
	g.get("kenji", "/api/v1/me")
	g.get("vera", "/api/v1/scales")
	g.get("vera", "/api/v1/scales?lang=ja")
	g.get("vera", "/api/v1/scales?lang=de")

	g.get("admin", "/api/v1/incidents")
	g.get("vera", "/api/v1/incidents") // the restricted incident is not listed
	g.get("admin", "/api/v1/incidents?status=resolved")
	g.get("admin", "/api/v1/incidents?severity=SEV3")
	g.get("admin", "/api/v1/incidents?q=checkout")
	g.get("admin", "/api/v1/incidents?limit=2")
	g.get("admin", "/api/v1/incidents?limit=2&cursor=3")
	for _, n := range []string{"1", "2", "3", "4"} {
		g.get("admin", "/api/v1/incidents/"+n)
	}
	g.get("vera", "/api/v1/incidents/2")
	// Events, postmortem changes and deliveries carry JSON the database
	// stores as it is: PostgreSQL in jsonb, which orders an object's keys
	// by length, then bytes; SQLite as the text written. Their bytes
	// differ by database, today as before.
	jsonb := "PostgreSQL's jsonb orders the keys of stored JSON"
	for _, p := range []string{"/api/v1/incidents/1/timeline", "/api/v1/incidents/1/timeline?after=5&limit=3", "/api/v1/incidents/3/timeline"} {
		g.do(goldenRequest{method: "GET", path: p, as: "vera", perDB: jsonb})
	}
	g.get("vera", "/api/v1/incidents/1/intents")
	g.do(goldenRequest{method: "GET", path: "/api/v1/incidents/1/stream?after=24", as: "vera", events: 5, perDB: jsonb})
	g.do(goldenRequest{method: "GET", path: "/api/v1/stream", as: "vera", header: []string{"Last-Event-ID", "38"}, events: 5, perDB: jsonb})

	g.get("vera", "/api/v1/incidents/1/postmortem")
	g.get("vera", "/api/v1/incidents/1/postmortem/lint")
	g.do(goldenRequest{method: "GET", path: "/api/v1/incidents/1/postmortem/history", as: "vera", perDB: jsonb})
	g.get("vera", "/api/v1/incidents/1/postmortem.md")
	g.get("admin", "/api/v1/incidents/3/postmortem")
	g.get("admin", "/api/v1/incidents/3/postmortem/lint")
	g.get("admin", "/api/v1/incidents/3/postmortem.md")
	g.get("vera", "/api/v1/postmortems")
	g.get("vera", "/api/v1/postmortems?since=2026-04-01")
	g.get("vera", "/api/v1/factors")

	g.get("vera", "/api/v1/remediations")
	g.get("carla", "/api/v1/remediations?owner=me")
	g.get("vera", "/api/v1/remediations?overdue=true")
	g.get("vera", "/api/v1/remediations?status=blocked")
	g.get("vera", "/api/v1/remediations?incident=1")
	g.get("vera", "/api/v1/remediations/1")
	g.get("vera", "/api/v1/reviews/2026-03-11")
	g.get("vera", "/api/v1/reviews/today")
	g.get("vera", "/api/v1/reviews/tomorrow")

	g.do(goldenRequest{method: "GET", path: "/api/v1/admin/outbox", as: "admin", perDB: jsonb})
	g.do(goldenRequest{method: "GET", path: "/api/v1/admin/outbox?state=delivered", as: "admin", perDB: jsonb})
	g.get("vera", "/api/v1/components")
	g.get("vera", "/api/v1/components/checkout")
	g.get("vera", "/api/v1/maintenance")
	g.get("vera", "/api/v1/maintenance?from=2026-03-12T02:30:00Z")

	g.do(goldenRequest{method: "GET", path: "/healthz"})
	g.do(goldenRequest{method: "GET", path: "/readyz"})
}

// readErrors: the error contract, for requests a client gets wrong.
func (g *golden) readErrors() {
	g.get("", "/api/v1/incidents")
	g.do(goldenRequest{method: "GET", path: "/api/v1/incidents", header: []string{"Authorization", "Bearer hsi_notatoken"}})
	g.do(goldenRequest{method: "GET", path: "/api/v1/incidents", header: []string{"Authorization", "Basic YWRtaW46YWRtaW4="}})
	g.get("admin", "/api/v1/nothing/here")
	g.do(goldenRequest{method: "DELETE", path: "/api/v1/incidents", as: "admin"})
	g.get("admin", "/api/v1/incidents/99")
	g.get("admin", "/api/v1/incidents/INC-x")
	g.get("admin", "/api/v1/incidents?limit=0")
	g.get("admin", "/api/v1/incidents?status=sleeping")
	g.get("admin", "/api/v1/incidents/1/timeline?cursor=-4")
	g.get("admin", "/api/v1/reviews/someday")
	g.get("admin", "/api/v1/postmortems?since=last-year")
	g.get("vera", "/api/v1/admin/outbox")
	g.get("admin", "/api/v1/incidents/4/postmortem")
	g.get("admin", "/api/v1/components/nope")
	g.api("admin", "POST", "/api/v1/incidents/4/severity", `{"severity":"SEV9","reason":"x"}`, 0)
	g.api("admin", "POST", "/api/v1/incidents", `{"title":"Broken JSON",`, 0)
	g.api("admin", "POST", "/api/v1/incidents", `{"title":"x","severity":"SEV3","colour":"red"}`, 0)
	g.api("admin", "POST", "/api/v1/incidents", ``, 0)
	g.api("admin", "POST", "/api/v1/incidents/4/status", `{"status":"closed"}`, 0)
	g.api("vera", "POST", "/api/v1/incidents/4/notes", `{"text":"viewers only read"}`, 0)
	g.api("bob", "POST", "/api/v1/components", `{"key":"db","name":"Database"}`, 0)
	g.api("admin", "PATCH", "/api/v1/incidents/1/postmortem", `{"impact":"stale","version":1}`, 0)
	g.api("bob", "POST", "/api/v1/intents/2/acknowledge", ``, 0)
	g.api("admin", "POST", "/api/v1/remediations", `{"incident":4,"title":"x","owner":"ghost","priority":"P1","due":"2026-04-01"}`, 0)
	g.api("admin", "POST", "/api/v1/maintenance", `{"title":"Backwards","starts_at":"2026-03-12T03:00:00Z","ends_at":"2026-03-12T02:00:00Z"}`, 0)
	g.do(goldenRequest{method: "POST", path: "/api/v1/incidents", as: "kenji", body: `{"title":"Other body","severity":"SEV4"}`,
		header: []string{"Idempotency-Key", "golden-declare-3"}})
}

// readPages: the pages as a browser without JavaScript gets them.
func (g *golden) readPages() {
	for _, p := range []string{"/", "/incidents", "/incidents?status=resolved&severity=SEV1", "/incidents?q=search", "/incidents/new",
		"/incidents/1", "/incidents/1/live", "/incidents/2", "/incidents/3", "/incidents/4",
		"/incidents/1/postmortem", "/incidents/1/postmortem/export", "/incidents/3/postmortem", "/incidents/4/postmortem",
		"/remediations", "/remediations?mine=1", "/remediations?overdue=1", "/remediations/1", "/remediations/3",
		"/reviews", "/reviews/2026-03-11", "/scales", "/settings",
		"/admin/users", "/admin/tokens", "/admin/outbox", "/admin/status", "/incidents/99"} {
		g.page("admin", p)
	}
	g.do(goldenRequest{method: "GET", path: "/incidents/1/events?after=24", as: "vera", page: true, events: 5,
		perDB: "PostgreSQL's jsonb orders the keys of stored JSON"})
	g.page("bob", "/remediations?mine=1")
	g.page("vera", "/incidents/1")
	g.page("vera", "/incidents/2")
	g.page("vera", "/admin/users")
	g.page("kenji", "/incidents/3")
	g.page("kenji", "/incidents/3/postmortem")
	g.page("kenji", "/scales")
	g.page("", "/incidents/1")
	g.page("", "/signin")
	g.do(goldenRequest{method: "GET", path: "/signin?next=/incidents/1", header: []string{"Accept-Language", "ja,en;q=0.5"}})
}

// readPublic: the public status page and its feeds and JSON, on the main
// address and on the public listener, plain and gzipped, with a validator.
func (g *golden) readPublic() {
	paths := []string{"/status", "/status/incidents/1", "/status/incidents/2", "/status/incidents/3", "/status/incidents/4",
		"/status/incidents/99", "/status.json", "/status/feed.atom", "/status/feed.rss",
		"/api/v2/summary.json", "/api/v2/status.json", "/api/v2/components.json", "/api/v2/incidents.json",
		"/api/v2/incidents/unresolved.json", "/api/v2/scheduled-maintenances.json",
		"/api/v2/scheduled-maintenances/upcoming.json", "/api/v2/scheduled-maintenances/active.json"}
	for _, p := range paths {
		g.do(goldenRequest{method: "GET", path: p})
	}
	for _, p := range append(paths, "/api/v1/incidents", "/incidents", "/nothing") {
		g.do(goldenRequest{method: "GET", path: p, base: g.public})
	}
	for _, base := range []string{"", g.public} {
		g.do(goldenRequest{method: "GET", path: "/status", base: base, header: []string{"Accept-Encoding", "gzip"}})
		g.do(goldenRequest{method: "GET", path: "/status.json", base: base, header: []string{"Accept-Encoding", "gzip, br"}})
		resp, _ := g.send(goldenRequest{method: "GET", path: "/status.json", base: base})
		g.do(goldenRequest{method: "GET", path: "/status.json", base: base, header: []string{"If-None-Match", resp.Header.Get("ETag")}})
	}
}
