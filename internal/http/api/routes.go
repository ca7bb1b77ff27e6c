package api

import "github.com/hansei-dev/hansei/internal/http/httpx"

// Routes is the whole JSON API: /api/v1 and its live streams.
func (s *Handler) Routes() httpx.Routes {
	return httpx.Routes{
		// JSON API v1 (the contract: ../shared/DESIGN.md §4).
		"GET /api/v1/scales": s.api(s.getScales),
		"GET /api/v1/me":     s.api(s.getMe),

		"POST /api/v1/incidents":                s.api(s.declareIncident),
		"GET /api/v1/incidents":                 s.api(s.listIncidents),
		"GET /api/v1/incidents/{n}":             s.api(s.getIncident),
		"POST /api/v1/incidents/{n}/severity":   s.api(s.changeSeverity),
		"POST /api/v1/incidents/{n}/status":     s.api(s.changeStatus),
		"POST /api/v1/incidents/{n}/roles":      s.api(s.assignRole),
		"POST /api/v1/incidents/{n}/responders": s.api(s.joinIncident),
		"POST /api/v1/incidents/{n}/notes":      s.api(s.addNote),
		"POST /api/v1/incidents/{n}/redactions": s.api(s.redact),
		"GET /api/v1/incidents/{n}/timeline":    s.api(s.getTimeline),
		"GET /api/v1/incidents/{n}/stream":      s.streams.Incident(bearerToken, bearer),
		"GET /api/v1/stream":                    s.streams.All(bearerToken, bearer),

		// Corrections and roles (issue 17).
		"PATCH /api/v1/incidents/{n}":               s.api(s.correctIncident),
		"DELETE /api/v1/incidents/{n}/roles/{role}": s.api(s.vacateRole),

		"POST /api/v1/incidents/{n}/intents":       s.api(s.stateIntent),
		"GET /api/v1/incidents/{n}/intents":        s.api(s.listIntents),
		"POST /api/v1/intents/{id}/acknowledge":    s.api(s.intentAction(s.acknowledgeIntent)),
		"POST /api/v1/intents/{id}/object":         s.api(s.intentAction(s.objectIntent)),
		"POST /api/v1/intents/{id}/lift-objection": s.api(s.intentAction(s.liftObjection)),
		"POST /api/v1/intents/{id}/withdraw":       s.api(s.intentAction(s.withdrawIntent)),

		"POST /api/v1/incidents/{n}/postmortem":             s.api(s.createPostmortem),
		"GET /api/v1/incidents/{n}/postmortem":              s.api(s.getPostmortem),
		"PATCH /api/v1/incidents/{n}/postmortem":            s.api(s.patchPostmortem),
		"POST /api/v1/incidents/{n}/postmortem/whys":        s.api(s.addWhy),
		"PATCH /api/v1/incidents/{n}/postmortem/whys/{id}":  s.api(s.updateWhy),
		"DELETE /api/v1/incidents/{n}/postmortem/whys/{id}": s.api(s.deleteWhy),
		"POST /api/v1/incidents/{n}/postmortem/submit":      s.api(s.submitPostmortem),
		"POST /api/v1/incidents/{n}/postmortem/approve":     s.api(s.approvePostmortem),
		"POST /api/v1/incidents/{n}/postmortem/publish":     s.api(s.publishPostmortem),
		"POST /api/v1/incidents/{n}/postmortem/amend":       s.api(s.amendPostmortem),
		"GET /api/v1/incidents/{n}/postmortem/lint":         s.api(s.lintPostmortem),
		"GET /api/v1/incidents/{n}/postmortem/history":      s.api(s.postmortemHistory),
		"GET /api/v1/incidents/{n}/postmortem.md":           s.api(s.exportPostmortem),
		"POST /api/v1/remediations":                         s.api(s.createRemediation),
		"GET /api/v1/remediations":                          s.api(s.listRemediations),
		"GET /api/v1/remediations/{id}":                     s.api(s.getRemediation),
		"PATCH /api/v1/remediations/{id}":                   s.api(s.patchRemediation),
		"POST /api/v1/remediations/{id}/progress":           s.api(s.remediationProgress),
		"POST /api/v1/remediations/{id}/cancel":             s.api(s.cancelRemediation),

		"GET /api/v1/reviews/{date}":           s.api(s.getReview),
		"POST /api/v1/reviews/{date}/outcomes": s.api(s.recordOutcome),

		"GET /api/v1/admin/outbox":             s.api(s.listOutbox),
		"POST /api/v1/admin/outbox/{id}/retry": s.api(s.retryDelivery),

		// Event webhooks and the event catalog (webhooks.go, docs/webhooks.md).
		"GET /api/v1/admin/webhooks":         s.api(s.listWebhooks),
		"POST /api/v1/admin/webhooks":        s.api(s.createWebhook),
		"DELETE /api/v1/admin/webhooks/{id}": s.api(s.deleteWebhook),
		"GET /api/v1/events/schema":          s.api(s.eventSchema),

		"GET /api/v1/postmortems": s.api(s.listPostmortems),
		"GET /api/v1/factors":     s.api(s.listFactors),

		// Status page administration (status_api.go).
		"GET /api/v1/components":                    s.api(s.listComponents),
		"POST /api/v1/components":                   s.api(s.saveComponent),
		"GET /api/v1/components/{key}":              s.api(s.getComponent),
		"PATCH /api/v1/components/{key}":            s.api(s.patchComponent),
		"DELETE /api/v1/components/{key}":           s.api(s.deleteComponent),
		"POST /api/v1/incidents/{n}/public-updates": s.api(s.publishPublicUpdate),
		"POST /api/v1/incidents/{n}/components":     s.api(s.linkIncidentComponents),
		"GET /api/v1/maintenance":                   s.api(s.listMaintenance),
		"POST /api/v1/maintenance":                  s.api(s.createMaintenance),
		"DELETE /api/v1/maintenance/{id}":           s.api(s.deleteMaintenance),

		// Anything else under the API gets a JSON 404, not an HTML one.
		"/api/": s.api(s.apiNotFound),
	}
}
