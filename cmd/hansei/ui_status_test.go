package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestStatusPagesInTheWebUI: an admin adds a component and schedules
// maintenance in the pages; the communications role publishes a public
// update from the incident page, which lands on the timeline; a responder
// without the role is not offered the form and is refused if they post it.
func TestStatusPagesInTheWebUI(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		srv.addUser(t, "carla", "responder")
		srv.addUser(t, "dave", "responder")
		admin := newBrowser(t, srv)
		admin.signIn("admin")

		admin.get("/admin/status", http.StatusOK)
		page := admin.post("/admin/status/components", url.Values{"key": {"checkout"}, "name": {"Checkout"}, "group": {"Payments"}}, http.StatusOK)
		if !strings.Contains(page, `id="component-checkout"`) {
			t.Fatalf("the new component is not listed:\n%s", page)
		}
		page = admin.post("/admin/status/components", url.Values{"key": {"Bad Key"}, "name": {"x"}}, http.StatusOK)
		if !strings.Contains(page, `class="flash error"`) || !strings.Contains(page, "lower-case letters") {
			t.Errorf("a bad key did not come back as a message naming the rule")
		}
		admin.get("/admin/status", http.StatusOK)
		page = admin.post("/admin/status/maintenance", url.Values{"title": {"Database upgrade"},
			"starts_at": {"2031-01-02T02:00"}, "ends_at": {"2031-01-02T01:00"}, "components": {"checkout"}}, http.StatusOK)
		if !strings.Contains(page, "ends_at") {
			t.Errorf("a window ending before it starts was not refused with the field named")
		}

		admin.post("/incidents", url.Values{"title": {"Card payments failing at acquirer"}, "severity": {"SEV2"}}, http.StatusOK)
		admin.post("/incidents/1/roles", url.Values{"role": {"communications"}, "user": {"carla"}}, http.StatusOK)
		admin.post("/incidents/1/notes", url.Values{"text": {"internal: acquirer account 4411 is over quota"}}, http.StatusOK)

		dave := newBrowser(t, srv)
		dave.signIn("dave")
		if page = dave.get("/incidents/1", http.StatusOK); strings.Contains(page, `id="public-update"`) {
			t.Errorf("a responder without the communications role is offered the public update form")
		}
		page = dave.post("/incidents/1/public-updates", url.Values{"text": {"hello world"}}, http.StatusForbidden)
		if !strings.Contains(page, "only the communications role (carla) or the commander (admin)") {
			t.Errorf("the refusal does not say who may publish")
		}
		if page = dave.get("/incidents/1", http.StatusOK); strings.Contains(page, "hello world") {
			t.Errorf("a responder without the role published a public update")
		}

		carla := newBrowser(t, srv)
		carla.signIn("carla")
		if page = carla.get("/incidents/1", http.StatusOK); !strings.Contains(page, `id="public-update"`) {
			t.Fatalf("the communications role is not offered the public update form")
		}
		page = carla.post("/incidents/1/public-updates", url.Values{"title": {"Card payments failing"},
			"text": {"Some card payments fail; we are working with our payment provider."}, "state_checkout": {"partial_outage"}}, http.StatusOK)
		if !strings.Contains(page, "public update") || !strings.Contains(page, "we are working with our payment provider") {
			t.Errorf("the public update is not on the incident's timeline")
		}
	})
}
