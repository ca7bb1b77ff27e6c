package web

import "net/http"

// routes is the whole HTTP surface on one screen.
func (s *Server) routes() http.Handler {
	mux := s.metrics.newMux() // its patterns are the route labels of the metrics

	// Operations: no authentication, no request logging noise.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /readyz", s.page(s.readyz))
	mux.Handle("GET /metrics", s.page(s.serveMetrics))

	// Public status page (status.go): no auth, served from the cache.
	// These routes, and only these, also make up the --public-addr
	// listener, under the public rate and concurrency limits.
	public := s.status.mount(mux, s.assets())
	public("GET /status", bodyPage)
	public("GET /status/incidents/{n}", bodyIncident)
	public("GET /status.json", bodyJSON)
	public("GET /status/feed.atom", bodyAtom)
	public("GET /status/feed.rss", bodyRSS)
	public("GET /api/v2/summary.json", bodyV2Summary)
	public("GET /api/v2/status.json", bodyV2Status)
	public("GET /api/v2/components.json", bodyV2Components)
	public("GET /api/v2/incidents.json", bodyV2Incidents)
	public("GET /api/v2/incidents/unresolved.json", bodyV2Unresolved)
	public("GET /api/v2/scheduled-maintenances.json", bodyV2Maintenances)
	public("GET /api/v2/scheduled-maintenances/upcoming.json", bodyV2Upcoming)
	public("GET /api/v2/scheduled-maintenances/active.json", bodyV2Active)

	// Web UI: server-rendered pages; forms post and redirect.
	mux.Handle("GET /assets/", s.assets())
	mux.Handle("GET /{$}", s.ui(s.home))
	mux.Handle("GET /signin", s.public(s.signinForm))
	mux.Handle("POST /signin", s.public(s.signin))
	mux.Handle("GET /signin/link", s.public(s.signinLinkForm))
	mux.Handle("POST /signin/link", s.public(s.signinLink))
	mux.Handle("POST /signout", s.ui(s.signout))
	mux.Handle("GET /settings", s.ui(s.settingsPage))
	mux.Handle("POST /settings", s.ui(s.saveSettings))
	mux.Handle("GET /scales", s.ui(s.scalesPage))

	mux.Handle("GET /incidents", s.ui(s.incidentsPage))
	mux.Handle("GET /incidents/new", s.ui(s.declarePage))
	mux.Handle("POST /incidents", s.ui(s.declareForm))
	mux.Handle("GET /incidents/{n}", s.ui(s.incidentPage))
	mux.Handle("GET /incidents/{n}/live", s.ui(s.incidentLive))
	mux.Handle("GET /incidents/{n}/events", s.uiStream(s.streamIncident))
	mux.Handle("POST /incidents/{n}/notes", s.ui(s.noteForm))
	mux.Handle("POST /incidents/{n}/severity", s.ui(s.severityForm))
	mux.Handle("POST /incidents/{n}/status", s.ui(s.statusForm))
	mux.Handle("POST /incidents/{n}/roles", s.ui(s.roleForm))
	mux.Handle("POST /incidents/{n}/join", s.ui(s.joinForm))
	mux.Handle("POST /incidents/{n}/intents", s.ui(s.intentForm))
	mux.Handle("POST /intents/{id}/{action}", s.ui(s.intentActionForm))

	// Postmortem pages (ui_postmortem.go).
	mux.Handle("GET /incidents/{n}/postmortem", s.ui(s.postmortemPage))
	mux.Handle("POST /incidents/{n}/postmortem", s.ui(s.createPostmortemForm))
	mux.Handle("GET /incidents/{n}/postmortem/export", s.ui(s.postmortemExportPage))
	mux.Handle("POST /incidents/{n}/postmortem/sections", s.ui(s.saveSectionsForm))
	mux.Handle("POST /incidents/{n}/postmortem/highlights", s.ui(s.highlightsForm))
	mux.Handle("POST /incidents/{n}/postmortem/reviewers", s.ui(s.reviewersForm))
	mux.Handle("POST /incidents/{n}/postmortem/whys", s.ui(s.addWhyForm))
	mux.Handle("POST /incidents/{n}/postmortem/whys/{id}", s.ui(s.updateWhyForm))
	mux.Handle("POST /incidents/{n}/postmortem/whys/{id}/delete", s.ui(s.deleteWhyForm))
	mux.Handle("POST /incidents/{n}/postmortem/whys/{id}/remediations", s.ui(s.whyRemediationForm))
	mux.Handle("POST /incidents/{n}/postmortem/submit", s.ui(s.submitPostmortemForm))
	mux.Handle("POST /incidents/{n}/postmortem/approve", s.ui(s.approvePostmortemForm))
	mux.Handle("POST /incidents/{n}/postmortem/publish", s.ui(s.publishPostmortemForm))
	mux.Handle("POST /incidents/{n}/postmortem/amend", s.ui(s.amendPostmortemForm))

	// Remediation and review pages (ui_remediations.go, ui_reviews.go).
	mux.Handle("GET /remediations", s.ui(s.remediationsPage))
	mux.Handle("GET /remediations/{id}", s.ui(s.remediationPage))
	mux.Handle("POST /remediations/{id}", s.ui(s.remediationEditForm))
	mux.Handle("POST /remediations/{id}/progress", s.ui(s.remediationProgressForm))
	mux.Handle("GET /reviews", s.ui(s.reviewsIndex))
	mux.Handle("GET /reviews/{date}", s.ui(s.reviewPage))
	mux.Handle("POST /reviews/{date}/outcomes", s.ui(s.outcomeForm))

	// Status page in the web UI (ui_status_admin.go).
	mux.Handle("GET /admin/status", s.ui(s.statusAdminPage))
	mux.Handle("POST /admin/status/components", s.ui(s.saveComponentForm))
	mux.Handle("POST /admin/status/components/{key}/state", s.ui(s.componentStateForm))
	mux.Handle("POST /admin/status/components/{key}/delete", s.ui(s.deleteComponentForm))
	mux.Handle("POST /admin/status/maintenance", s.ui(s.maintenanceForm))
	mux.Handle("POST /admin/status/maintenance/{id}/delete", s.ui(s.deleteMaintenanceForm))
	mux.Handle("POST /incidents/{n}/public-updates", s.ui(s.publicUpdateForm))
	mux.Handle("POST /incidents/{n}/components", s.ui(s.linkComponentsForm))

	// Admin pages (ui_admin.go).
	mux.Handle("GET /admin/users", s.ui(s.adminUsersPage))
	mux.Handle("POST /admin/users", s.ui(s.adminCreateUser))
	mux.Handle("POST /admin/users/{name}", s.ui(s.adminUpdateUser))
	mux.Handle("POST /admin/users/{name}/link", s.ui(s.adminUserLink))
	mux.Handle("GET /admin/tokens", s.ui(s.adminTokensPage))
	mux.Handle("POST /admin/tokens", s.ui(s.adminCreateToken))
	mux.Handle("POST /admin/tokens/{id}/revoke", s.ui(s.adminRevokeToken))
	mux.Handle("GET /admin/outbox", s.ui(s.adminOutboxPage))
	mux.Handle("POST /admin/outbox/{id}/retry", s.ui(s.adminRetryDelivery))

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

	// Status page administration (status_api.go).
	mux.Handle("GET /api/v1/components", s.api(s.listComponents))
	mux.Handle("POST /api/v1/components", s.api(s.saveComponent))
	mux.Handle("GET /api/v1/components/{key}", s.api(s.getComponent))
	mux.Handle("PATCH /api/v1/components/{key}", s.api(s.patchComponent))
	mux.Handle("DELETE /api/v1/components/{key}", s.api(s.deleteComponent))
	mux.Handle("POST /api/v1/incidents/{n}/public-updates", s.api(s.publishPublicUpdate))
	mux.Handle("POST /api/v1/incidents/{n}/components", s.api(s.linkIncidentComponents))
	mux.Handle("GET /api/v1/maintenance", s.api(s.listMaintenance))
	mux.Handle("POST /api/v1/maintenance", s.api(s.createMaintenance))
	mux.Handle("DELETE /api/v1/maintenance/{id}", s.api(s.deleteMaintenance))

	// Anything else under the API gets a JSON 404, not an HTML one.
	mux.Handle("/api/", s.api(s.apiNotFound))

	return s.observe(mux)
}
