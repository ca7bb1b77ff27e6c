package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hansei-dev/hansei/client"
)

// TestRestrictedIdsAnswerAsMissing reproduces the finding: acting on a
// restricted incident's intent as a non-member answered "there is no
// incident INC-1", so an intent id told a restricted incident apart from
// an id never given out. Now every route that takes an id of something
// inside an incident (intents, remediations, review outcomes, the why-tree
// of a postmortem) answers a non-member of a restricted incident exactly
// as it answers an id that does not exist — the same status and the same
// body but for the id.
func TestRestrictedIdsAnswerAsMissing(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		admin := srv.AdminToken
		bob := srv.client(srv.addUser(t, "bob", "responder")) // a responder, not a member
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV1", "--restricted", "CONFIDENTIAL data room down")
		do := func(c *client.Client, method, path, body string) (int, string) {
			t.Helper()
			resp, err := c.Do(t.Context(), client.Request{Method: method, Path: path, Body: []byte(body)})
			if err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			return resp.Status, string(resp.Body)
		}
		srv.addUser(t, "alice", "responder")
		if s, b := do(srv.client(admin), "POST", "/api/v1/incidents/1/responders", `{"user":"alice"}`); s != 200 {
			t.Fatalf("alice joins: %d %s", s, b)
		}
		if s, b := do(srv.client(admin), "POST", "/api/v1/incidents/1/intents",
			`{"text":"Fail over the data room","kind":"action","ack_from":"any","window_seconds":3600}`); s != 201 {
			t.Fatalf("state an intent: %d %s", s, b)
		}
		srv.mustCLI(t, admin, "remediation", "add", "1", "Rotate the keys", "--owner", "admin", "--priority", "P1", "--due", "2026-12-01", "--backdate")

		const missing = "987654" // an id never given out
		for _, rt := range []struct{ method, path, body string }{
			{"POST", "/api/v1/intents/{id}/acknowledge", `{}`},
			{"POST", "/api/v1/intents/{id}/object", `{"reason":"not yet"}`},
			{"POST", "/api/v1/intents/{id}/lift-objection", `{}`},
			{"POST", "/api/v1/intents/{id}/withdraw", `{}`},
			{"GET", "/api/v1/remediations/{id}", ``},
			{"PATCH", "/api/v1/remediations/{id}", `{"status":"in_progress"}`},
			{"POST", "/api/v1/remediations/{id}/progress", `{"note":"looked"}`},
			{"POST", "/api/v1/remediations/{id}/cancel", `{"reason":"filed twice"}`},
			{"POST", "/api/v1/reviews/today/outcomes", `{"remediation":{id},"outcome":"on_track","note":"fine"}`},
			{"GET", "/api/v1/incidents/{id}", ``},
			{"GET", "/api/v1/incidents/{id}/intents", ``},
			{"PATCH", "/api/v1/incidents/{id}/postmortem/whys/1", `{"text":"why"}`},
			{"POST", "/api/v1/incidents/{id}/remediations", `{"title":"t","owner":"bob","priority":"P1","due":"2026-12-01"}`},
		} {
			at := func(id string) (int, string) {
				return do(bob, rt.method, strings.ReplaceAll(rt.path, "{id}", id), strings.ReplaceAll(rt.body, "{id}", id))
			}
			gotStatus, got := at("1")
			wantStatus, want := at(missing)
			want = strings.ReplaceAll(want, missing, "1")
			if gotStatus != wantStatus || got != want {
				t.Errorf("%s %s as a non-member: %d %s\nfor an id that does not exist: %d %s", rt.method, rt.path, gotStatus, got, wantStatus, want)
			}
			// A route under /incidents/{n} echoes the number it was given,
			// for a missing incident too; any other names none.
			if !strings.HasPrefix(rt.path, "/api/v1/incidents/{id}") && strings.Contains(got, "INC-1") || strings.Contains(got, "CONFIDENTIAL") {
				t.Errorf("%s %s names the restricted incident: %s", rt.method, rt.path, got)
			}
		}
		if s, b := do(bob, "POST", "/api/v1/intents/1/acknowledge", `{}`); s != 404 || !strings.Contains(b, `"there is no intent 1"`) {
			t.Errorf("acknowledging the restricted incident's intent: %d %s, want 404 there is no intent 1", s, b)
		}

		// /metrics answers without a token: the restricted SEV1 is not
		// counted, an internal SEV2 is.
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "Checkout failing")
		resp, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for severity, want := range map[string]string{"SEV1": "0", "SEV2": "1"} {
			re := regexp.MustCompile(`(?m)^hansei_open_incidents\{severity="` + severity + `"\} (\S+)$`)
			if m := re.FindSubmatch(body); m == nil || string(m[1]) != want {
				t.Errorf("hansei_open_incidents{severity=%q} = %q, want %s", severity, m, want)
			}
		}
	})
}
