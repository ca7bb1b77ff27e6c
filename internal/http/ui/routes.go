package ui

import "github.com/hansei-dev/hansei/internal/http/httpx"

// Routes is every page: sign-in, incidents, postmortems, remediations,
// reviews, settings and the admin pages. Forms post and redirect.
func (s *Handler) Routes() httpx.Routes {
	return httpx.Routes{
		// Web UI: server-rendered pages; forms post and redirect.
		"GET /{$}":          s.ui(s.home),
		"GET /signin":       s.public(s.signinForm),
		"POST /signin":      s.public(s.signin),
		"GET /signin/link":  s.public(s.signinLinkForm),
		"POST /signin/link": s.public(s.signinLink),
		"POST /signout":     s.ui(s.signout),
		"GET /settings":     s.ui(s.settingsPage),
		"POST /settings":    s.ui(s.saveSettings),
		"GET /scales":       s.ui(s.scalesPage),

		"GET /incidents":                 s.ui(s.incidentsPage),
		"GET /incidents/new":             s.ui(s.declarePage),
		"POST /incidents":                s.ui(s.declareForm),
		"GET /incidents/{n}":             s.ui(s.incidentPage),
		"GET /incidents/{n}/live":        s.ui(s.incidentLive),
		"GET /incidents/{n}/events":      s.streams.Incident(sessionCredential, ""),
		"POST /incidents/{n}/notes":      s.ui(s.noteForm),
		"POST /incidents/{n}/redactions": s.ui(s.redactForm),
		"POST /incidents/{n}/severity":   s.ui(s.severityForm),
		"POST /incidents/{n}/status":     s.ui(s.statusForm),
		"POST /incidents/{n}/roles":      s.ui(s.roleForm),
		"POST /incidents/{n}/join":       s.ui(s.joinForm),
		"POST /incidents/{n}/intents":    s.ui(s.intentForm),
		"POST /intents/{id}/{action}":    s.ui(s.intentActionForm),

		// Corrections and roles (issue 17).
		"POST /incidents/{n}/edit":                s.ui(s.editForm),
		"POST /incidents/{n}/roles/{role}/vacate": s.ui(s.vacateForm),

		// Postmortem pages (ui_postmortem.go).
		"GET /incidents/{n}/postmortem":                         s.ui(s.postmortemPage),
		"POST /incidents/{n}/postmortem":                        s.ui(s.createPostmortemForm),
		"GET /incidents/{n}/postmortem/export":                  s.ui(s.postmortemExportPage),
		"POST /incidents/{n}/postmortem/sections":               s.ui(s.saveSectionsForm),
		"POST /incidents/{n}/postmortem/highlights":             s.ui(s.highlightsForm),
		"POST /incidents/{n}/postmortem/reviewers":              s.ui(s.reviewersForm),
		"POST /incidents/{n}/postmortem/whys":                   s.ui(s.addWhyForm),
		"POST /incidents/{n}/postmortem/whys/{id}":              s.ui(s.updateWhyForm),
		"POST /incidents/{n}/postmortem/whys/{id}/delete":       s.ui(s.deleteWhyForm),
		"POST /incidents/{n}/postmortem/whys/{id}/remediations": s.ui(s.whyRemediationForm),
		"POST /incidents/{n}/postmortem/submit":                 s.ui(s.submitPostmortemForm),
		"POST /incidents/{n}/postmortem/approve":                s.ui(s.approvePostmortemForm),
		"POST /incidents/{n}/postmortem/publish":                s.ui(s.publishPostmortemForm),
		"POST /incidents/{n}/postmortem/amend":                  s.ui(s.amendPostmortemForm),

		// Remediation and review pages (ui_remediations.go, ui_reviews.go).
		"GET /remediations":                s.ui(s.remediationsPage),
		"GET /remediations/{id}":           s.ui(s.remediationPage),
		"POST /remediations/{id}":          s.ui(s.remediationEditForm),
		"POST /remediations/{id}/progress": s.ui(s.remediationProgressForm),
		"POST /remediations/{id}/cancel":   s.ui(s.remediationCancelForm),
		"GET /reviews":                     s.ui(s.reviewsIndex),
		"GET /reviews/{date}":              s.ui(s.reviewPage),
		"POST /reviews/{date}/outcomes":    s.ui(s.outcomeForm),

		// Status page in the web UI (ui_status_admin.go).
		"GET /admin/status":                          s.ui(s.statusAdminPage),
		"POST /admin/status/components":              s.ui(s.saveComponentForm),
		"POST /admin/status/components/{key}/state":  s.ui(s.componentStateForm),
		"POST /admin/status/components/{key}/delete": s.ui(s.deleteComponentForm),
		"POST /admin/status/maintenance":             s.ui(s.maintenanceForm),
		"POST /admin/status/maintenance/{id}/delete": s.ui(s.deleteMaintenanceForm),
		"POST /incidents/{n}/public-updates":         s.ui(s.publicUpdateForm),
		"POST /incidents/{n}/components":             s.ui(s.linkComponentsForm),

		// Admin pages (ui_admin.go).
		"GET /admin/users":               s.ui(s.adminUsersPage),
		"POST /admin/users":              s.ui(s.adminCreateUser),
		"POST /admin/users/{name}":       s.ui(s.adminUpdateUser),
		"POST /admin/users/{name}/link":  s.ui(s.adminUserLink),
		"GET /admin/tokens":              s.ui(s.adminTokensPage),
		"POST /admin/tokens":             s.ui(s.adminCreateToken),
		"POST /admin/tokens/{id}/revoke": s.ui(s.adminRevokeToken),
		"GET /admin/outbox":              s.ui(s.adminOutboxPage),
		"POST /admin/outbox/{id}/retry":  s.ui(s.adminRetryDelivery),
	}
}
