package web

import "net/http"

// routes is the whole HTTP surface on one screen.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	// Operations: no authentication, no request logging noise.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /readyz", s.page(s.readyz))
	mux.Handle("GET /metrics", s.page(s.serveMetrics))
	mux.Handle("GET /{$}", s.page(s.index))

	// JSON API v1 (../shared/DESIGN.md §4).
	mux.Handle("GET /api/v1/scales", s.api(s.getScales))
	mux.Handle("GET /api/v1/me", s.api(s.getMe))

	mux.Handle("POST /api/v1/incidents", s.api(s.declareIncident))
	mux.Handle("GET /api/v1/incidents", s.api(s.listIncidents))
	mux.Handle("GET /api/v1/incidents/{n}", s.api(s.getIncident))
	mux.Handle("POST /api/v1/incidents/{n}/severity", s.api(s.changeSeverity))
	mux.Handle("POST /api/v1/incidents/{n}/status", s.api(s.changeStatus))
	mux.Handle("POST /api/v1/incidents/{n}/roles", s.api(s.assignRole))
	mux.Handle("POST /api/v1/incidents/{n}/responders", s.api(s.joinIncident))
	mux.Handle("POST /api/v1/incidents/{n}/notes", s.api(s.addNote))
	mux.Handle("GET /api/v1/incidents/{n}/timeline", s.api(s.getTimeline))
	mux.Handle("GET /api/v1/incidents/{n}/stream", s.stream(s.streamIncident))
	mux.Handle("GET /api/v1/stream", s.stream(s.streamAll))

	mux.Handle("POST /api/v1/incidents/{n}/intents", s.api(s.stateIntent))
	mux.Handle("GET /api/v1/incidents/{n}/intents", s.api(s.listIntents))
	mux.Handle("POST /api/v1/intents/{id}/acknowledge", s.api(s.intentAction(s.acknowledgeIntent)))
	mux.Handle("POST /api/v1/intents/{id}/object", s.api(s.intentAction(s.objectIntent)))
	mux.Handle("POST /api/v1/intents/{id}/lift-objection", s.api(s.intentAction(s.liftObjection)))
	mux.Handle("POST /api/v1/intents/{id}/withdraw", s.api(s.intentAction(s.withdrawIntent)))

	mux.Handle("POST /api/v1/incidents/{n}/postmortem", s.api(s.createPostmortem))
	mux.Handle("GET /api/v1/incidents/{n}/postmortem", s.api(s.getPostmortem))
	mux.Handle("PATCH /api/v1/incidents/{n}/postmortem", s.api(s.patchPostmortem))
	mux.Handle("POST /api/v1/incidents/{n}/postmortem/whys", s.api(s.addWhy))
	mux.Handle("PATCH /api/v1/incidents/{n}/postmortem/whys/{id}", s.api(s.updateWhy))
	mux.Handle("DELETE /api/v1/incidents/{n}/postmortem/whys/{id}", s.api(s.deleteWhy))
	mux.Handle("POST /api/v1/incidents/{n}/postmortem/submit", s.api(s.submitPostmortem))
	mux.Handle("POST /api/v1/incidents/{n}/postmortem/approve", s.api(s.approvePostmortem))
	mux.Handle("POST /api/v1/incidents/{n}/postmortem/publish", s.api(s.publishPostmortem))
	mux.Handle("POST /api/v1/incidents/{n}/postmortem/amend", s.api(s.amendPostmortem))
	mux.Handle("GET /api/v1/incidents/{n}/postmortem/lint", s.api(s.lintPostmortem))
	mux.Handle("GET /api/v1/incidents/{n}/postmortem/history", s.api(s.postmortemHistory))
	mux.Handle("GET /api/v1/incidents/{n}/postmortem.md", s.api(s.exportPostmortem))
	mux.Handle("POST /api/v1/remediations", s.api(s.createRemediation))
	mux.Handle("GET /api/v1/remediations", s.api(s.listRemediations))
	mux.Handle("GET /api/v1/remediations/{id}", s.api(s.getRemediation))
	mux.Handle("PATCH /api/v1/remediations/{id}", s.api(s.patchRemediation))
	mux.Handle("POST /api/v1/remediations/{id}/progress", s.api(s.remediationProgress))

	mux.Handle("GET /api/v1/reviews/{date}", s.api(s.getReview))
	mux.Handle("POST /api/v1/reviews/{date}/outcomes", s.api(s.recordOutcome))

	mux.Handle("GET /api/v1/admin/outbox", s.api(s.listOutbox))
	mux.Handle("POST /api/v1/admin/outbox/{id}/retry", s.api(s.retryDelivery))

	mux.Handle("GET /api/v1/postmortems", s.api(s.listPostmortems))
	mux.Handle("GET /api/v1/factors", s.api(s.listFactors))

	// Anything else under the API gets a JSON 404, not an HTML one.
	mux.Handle("/api/", s.api(s.apiNotFound))

	return s.observe(mux)
}
