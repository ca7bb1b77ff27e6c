package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/client"
)

// TestWeakValidationRefused is finding 11 as it was found: an incident that
// started in year 0001 (its postmortem counted 292 years), due dates in
// 0001 and 9999, a reschedule into the past, and titles made only of
// zero-width or direction-control characters, of a NUL or with a line
// break. Each request is now refused with the JSON error contract naming
// the field and saying what would do, and nothing is stored; the pages and
// the command line refuse the same way.
func TestWeakValidationRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		admin := srv.client(srv.AdminToken)
		ctx := context.Background()
		if _, err := admin.Declare(ctx, client.DeclareRequest{Title: "Checkout failing", Severity: "SEV3"}); err != nil {
			t.Fatal(err)
		}
		owner, title, prio, due := "admin", "Alert on pool saturation", "P2", time.Now().AddDate(0, 0, 7).Format(time.DateOnly)
		if _, err := admin.CreateRemediation(ctx, client.RemediationRequest{Incident: 1, Title: &title, Owner: &owner, Priority: &prio, Due: &due}); err != nil {
			t.Fatal(err)
		}
		today := time.Now().UTC().Format(time.DateOnly)
		yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
		for _, tc := range []struct {
			name, method, path, body, field, message string
		}{
			{"started in year 0001", "POST", "/api/v1/incidents", `{"title":"x","severity":"SEV3","started_at":"0001-01-01T00:00:00Z"}`,
				"started_at", "give a time from 2000-01-01 to 2100-01-01"},
			{"detected in 9999", "POST", "/api/v1/incidents", `{"title":"x","severity":"SEV3","detected_at":"9999-12-31T00:00:00Z"}`,
				"detected_at", "out of range"},
			{"title of zero-width characters", "POST", "/api/v1/incidents", `{"title":"\u200b\u200c\u200d\ufeff","severity":"SEV3"}`,
				"title", "no visible character"},
			{"title of direction controls", "POST", "/api/v1/incidents", `{"title":"\u202e\u202d\u2066\u2067\u2069","severity":"SEV3"}`,
				"title", "no visible character"},
			{"title with NUL", "POST", "/api/v1/incidents", `{"title":"Checkout\u0000failing","severity":"SEV3"}`,
				"title", "NUL character"},
			{"title with line breaks", "POST", "/api/v1/incidents", `{"title":"Checkout\nfailing\r\n","severity":"SEV3"}`,
				"title", "line break"},
			{"note with NUL", "POST", "/api/v1/incidents/1/notes", `{"text":"a\u0000b"}`, "text", "NUL"},
			{"due in year 0001", "POST", "/api/v1/remediations", `{"incident":1,"title":"x","owner":"admin","priority":"P2","due":"0001-01-01"}`,
				"due", "from 2000-01-01 to 2100-01-01"},
			{"due in 9999", "PATCH", "/api/v1/remediations/1", `{"due":"9999-12-31"}`, "due", "out of range"},
			{"reschedule into the past", "POST", "/api/v1/reviews/" + today + "/outcomes", `{"remediation":1,"outcome":"reschedule","due":"2001-01-01"}`,
				"due", "in the past; give today"},
			{"reschedule to yesterday", "POST", "/api/v1/reviews/" + today + "/outcomes", `{"remediation":1,"outcome":"reschedule","due":"` + yesterday + `"}`,
				"due", "in the past"},
			{"remediation title of zero-width characters", "PATCH", "/api/v1/remediations/1", `{"title":"\u200b\u200b"}`, "title", "no visible character"},
			{"public update with a bell", "POST", "/api/v1/incidents/1/public-updates", `{"text":"ding\u0007"}`, "text", "control character (U+0007)"},
			{"maintenance from year 0001", "POST", "/api/v1/maintenance",
				`{"title":"Upgrade","starts_at":"0001-01-01T00:00:01Z","ends_at":"2030-01-01T00:00:00Z"}`, "starts_at", "out of range"},
			{"component name of direction controls", "POST", "/api/v1/components", `{"key":"api","name":"\u202e\u200f"}`, "name", "no visible character"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, err := admin.Do(ctx, client.Request{Method: tc.method, Path: tc.path, Body: []byte(tc.body)})
				if err != nil {
					t.Fatal(err)
				}
				var e apiError
				if resp.Status != http.StatusBadRequest || json.Unmarshal(resp.Body, &e) != nil || e.Error.Code != "invalid" {
					t.Fatalf("status %d, want 400 with the error contract: %s", resp.Status, resp.Body)
				}
				if e.Error.Fields[tc.field] == "" || !strings.Contains(e.Error.Message, tc.message) {
					t.Fatalf("error %q (fields %v) does not name %s with %q", e.Error.Message, e.Error.Fields, tc.field, tc.message)
				}
			})
		}
		list, err := admin.Incidents(ctx, client.ListOptions{})
		if err != nil || len(list.Items) != 1 || list.Items[0].LastSeq != 3 {
			t.Fatalf("refused input changed an incident or made one: %+v %v", list.Items, err)
		}
		if r, err := admin.Remediation(ctx, 1); err != nil || r.Due != due || r.Title != title {
			t.Fatalf("refused input changed the remediation: %+v %v", r, err)
		}

		// The pages: the declare form shows why, with what was typed.
		b := newBrowser(t, srv)
		b.signIn("admin")
		b.get("/incidents/new", http.StatusOK)
		page := b.post("/incidents", url.Values{"title": {"\u200b\u200f"}, "severity": {"SEV3"}}, http.StatusBadRequest)
		mustContain(t, page, `class="flash error"`, "title has no visible character")
		page = b.post("/settings", url.Values{"display_name": {"\u2066\u2069"}}, http.StatusOK)
		mustContain(t, page, `class="flash error"`, "display_name has no visible character")

		// The command line: one line, non-zero exit.
		if r := srv.cli(t, srv.AdminToken, "incident", "declare", "--severity", "SEV3", "\u200b\u200d"); r.err == nil ||
			!strings.Contains(errorLine(r.err), "title has no visible character") {
			t.Fatalf("cli declare: %v", r.err)
		}
	})
}
