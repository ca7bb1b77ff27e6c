package main

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestCorrectAndVacateOnThePage: without JavaScript, the commander
// corrects the record from the incident page (times in their zone, shown
// beside UTC), others get no such form, and a held role other than the
// commander's is vacated with its button.
func TestCorrectAndVacateOnThePage(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		srv.addUser(t, "alice", "responder")
		srv.addUser(t, "bob", "responder")
		b := newBrowser(t, srv)
		b.signIn("alice")
		page := b.post("/incidents", url.Values{"title": {"Checkout failing"}, "severity": {"SEV2"}}, http.StatusOK)
		if !strings.Contains(page, `id="correct"`) || !strings.Contains(page, `type="datetime-local"`) {
			t.Fatalf("the commander's page has no correction form:\n%s", page)
		}
		started := formValue(t, page, "started_at")
		at, err := time.Parse(localInput, started)
		if err != nil {
			t.Fatalf("started_at %q: %v", started, err)
		}
		detected := at.Add(-time.Minute).Format(localInput)
		// Detected before started: refused, naming the field, nothing changed.
		page = b.post("/incidents/1/edit", url.Values{"title": {"Checkout failing"}, "started_at": {started}, "detected_at": {detected}, "reason": {"r"}}, http.StatusOK)
		if !strings.Contains(page, `class="flash error"`) {
			t.Errorf("detected before started was not refused on the page")
		}
		// Started 10 minutes earlier and a new title; the unchanged fields
		// are not corrections.
		page = b.post("/incidents/1/edit", url.Values{"title": {"Checkout failing in the EU"}, "summary": {""}, "services": {""},
			"started_at": {at.Add(-10 * time.Minute).Format(localInput)}, "detected_at": {formValue(t, page, "detected_at")},
			"reason": {"the graphs show it began earlier"}}, http.StatusOK)
		text := html.UnescapeString(page)
		for _, want := range []string{"Incident corrected.", "Checkout failing in the EU", "corrected started time from", "corrected title from Checkout failing to Checkout failing in the EU: the graphs show it began earlier"} {
			if !strings.Contains(text, want) {
				t.Errorf("after correcting, the page lacks %q", want)
			}
		}
		if strings.Contains(text, "corrected detected time") || strings.Contains(text, "corrected summary") {
			t.Errorf("an unchanged field was recorded as a correction")
		}

		// Roles: the scribe is vacated with its button; the commander has none.
		page = b.post("/incidents/1/roles", url.Values{"role": {"scribe"}, "user": {"bob"}}, http.StatusOK)
		if !strings.Contains(page, `action="/incidents/1/roles/scribe/vacate"`) || strings.Contains(page, `roles/commander/vacate`) {
			t.Fatalf("vacate buttons: want one for the scribe, none for the commander")
		}
		page = b.post("/incidents/1/roles/scribe/vacate", url.Values{}, http.StatusOK)
		if !strings.Contains(page, "Role vacated.") || !strings.Contains(page, "scribe vacated (held by bob)") {
			t.Errorf("vacating the scribe did not show on the page")
		}
		page = b.post("/incidents/1/roles/commander/vacate", url.Values{}, http.StatusOK)
		if !strings.Contains(html.UnescapeString(page), "hand it over instead") {
			t.Errorf("vacating the commander was not refused with what to do instead")
		}

		// Another responder gets no correction form, and the edit is refused.
		other := newBrowser(t, srv)
		other.signIn("bob")
		if page = other.get("/incidents/1", http.StatusOK); strings.Contains(page, `id="correct"`) {
			t.Errorf("a responder who is not the commander is offered the correction form")
		}
		page = other.post("/incidents/1/edit", url.Values{"title": {"Mine"}, "reason": {"r"}}, http.StatusForbidden)
	})
}

// localInput is the page's datetime-local layout.
const localInput = "2006-01-02T15:04:05"
