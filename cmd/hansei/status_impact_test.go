package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPublicImpactApartFromSeverity is the story of issue 17: a SEV1
// inside that customers see as a minor slowdown of Checkout. The page,
// status.json and the Statuspage API say minor, whatever the severity;
// the public incident starts when the incident started, not at its first
// public update; resolved, it shows how long it really lasted.
func TestPublicImpactApartFromSeverity(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		clock := newTestClock()
		srv := startServerAt(t, clock, dsn)
		admin := srv.AdminToken
		bob := srv.addUser(t, "bob", "responder")
		api := func(token, method, path string, body any, want int) []byte {
			t.Helper()
			return srv.callAPI(t, token, method, path, body, want)
		}
		api(admin, "POST", "/api/v1/components", map[string]any{"key": "checkout", "name": "Checkout"}, 201)
		api(admin, "POST", "/api/v1/incidents", map[string]any{"title": "Primary database failover", "severity": "SEV1"}, 201)
		var inc struct {
			StartedAt time.Time `json:"started_at"`
		}
		json.Unmarshal(api(admin, "GET", "/api/v1/incidents/1", nil, 200), &inc)
		srv.mustCLI(t, admin, "incident", "role", "1", "communications", "bob")

		// Bad input first: an impact outside the four, on the API and
		// the CLI; a start in the future.
		body := api(bob, "POST", "/api/v1/incidents/1/public-updates", map[string]any{"text": "x", "impact": "severe"}, 400)
		for _, want := range []string{`"impact"`, "none, minor, major or critical"} {
			if !strings.Contains(string(body), want) {
				t.Errorf("impact severe: %s lacks %s", body, want)
			}
		}
		wantAPIRefusal(t, srv.cli(t, bob, "incident", "update", "1", "--impact", "severe", "--text", "x"), http.StatusBadRequest,
			"none, minor, major or critical")
		api(bob, "POST", "/api/v1/incidents/1/public-updates", map[string]any{"text": "x",
			"started_at": clock.Now().Add(time.Hour).Format(time.RFC3339)}, 400)
		api(bob, "POST", "/api/v1/incidents/1/public-updates", map[string]any{"text": "x", "started_at": "yesterday"}, 400)

		// Two minutes in, the first public update: minor, Checkout slow.
		clock.Add(2 * time.Minute)
		srv.mustCLI(t, bob, "incident", "update", "1", "--impact", "minor", "--component", "checkout=degraded",
			"--text", "Some checkouts are slow; we are on it.")
		page := waitFor(t, srv.URL+"/status", "Some checkouts are slow")
		for _, want := range []string{"Minor Service Outage", "Minor impact", "Degraded performance"} {
			if !strings.Contains(page, want) {
				t.Errorf("/status lacks %q", want)
			}
		}
		for _, not := range []string{"Major System Outage", "Critical impact", "SEV1"} {
			if strings.Contains(page, not) {
				t.Errorf("/status shows %q: the internal severity leaks", not)
			}
		}
		var own struct {
			Status    struct{ Indicator string } `json:"status"`
			Incidents []struct {
				Impact     string     `json:"impact"`
				StartedAt  time.Time  `json:"started_at"`
				ResolvedAt *time.Time `json:"resolved_at"`
			} `json:"incidents"`
		}
		json.Unmarshal([]byte(fetch(t, srv.URL+"/status.json").text), &own)
		if own.Status.Indicator != "minor" || len(own.Incidents) != 1 || own.Incidents[0].Impact != "minor" {
			t.Fatalf("status.json: %+v; want indicator and impact minor", own)
		}
		if !own.Incidents[0].StartedAt.Equal(inc.StartedAt) {
			t.Errorf("status.json started_at %s; want the incident's start %s, not the first update", own.Incidents[0].StartedAt, inc.StartedAt)
		}
		var v2 struct {
			Status    struct{ Indicator string } `json:"status"`
			Incidents []struct {
				Impact    string    `json:"impact"`
				StartedAt time.Time `json:"started_at"`
			} `json:"incidents"`
		}
		json.Unmarshal([]byte(fetch(t, srv.URL+"/api/v2/status.json").text), &v2)
		if v2.Status.Indicator != "minor" {
			t.Errorf("/api/v2/status.json indicator %q, want minor", v2.Status.Indicator)
		}
		json.Unmarshal([]byte(fetch(t, srv.URL+"/api/v2/summary.json").text), &v2)
		if v2.Status.Indicator != "minor" || len(v2.Incidents) != 1 || v2.Incidents[0].Impact != "minor" || !v2.Incidents[0].StartedAt.Equal(inc.StartedAt) {
			t.Errorf("/api/v2/summary.json: %+v; want minor, started at %s", v2, inc.StartedAt)
		}

		// Changing the severity inside changes nothing outside.
		api(admin, "POST", "/api/v1/incidents/1/severity", map[string]any{"severity": "SEV2", "reason": "contained"}, 200)
		api(admin, "POST", "/api/v1/incidents/1/severity", map[string]any{"severity": "SEV1", "reason": "not contained after all"}, 200)
		api(admin, "POST", "/api/v1/incidents/1/status", map[string]any{"status": "identified"}, 200)
		if got := fetch(t, srv.URL+"/api/v2/status.json").text; !strings.Contains(got, `"indicator":"minor"`) {
			t.Errorf("after internal changes: %s", got)
		}

		// Resolved nine minutes after the start: the page shows 9 min.
		clock.Add(7 * time.Minute)
		srv.mustCLI(t, bob, "incident", "update", "1", "--status", "resolved", "--component", "checkout=operational",
			"--text", "Checkout is fast again.")
		page = waitFor(t, srv.URL+"/status", "lasted 9 min")
		if !strings.Contains(page, "All Systems Operational") {
			t.Errorf("/status after resolution is not operational")
		}
		waitFor(t, srv.URL+"/status/incidents/1", "9 min")

		// The communications role backdates the start: the customers were
		// affected an hour before the incident was declared.
		earlier := inc.StartedAt.Add(-time.Hour).Truncate(time.Second)
		clock.Add(time.Minute)
		srv.mustCLI(t, bob, "incident", "update", "1", "--status", "resolved", "--started-at", earlier.Format(time.RFC3339),
			"--text", "Customers were affected from an hour before we declared.")
		waitFor(t, srv.URL+"/status", "lasted 1 h 9 min")
		json.Unmarshal([]byte(fetch(t, srv.URL+"/status.json").text), &own)
		if !own.Incidents[0].StartedAt.Equal(earlier) || own.Incidents[0].ResolvedAt == nil ||
			own.Incidents[0].ResolvedAt.Sub(own.Incidents[0].StartedAt).Round(time.Minute) != 69*time.Minute {
			t.Errorf("status.json after backdating: %+v; want started %s, resolved 69 min later", own.Incidents[0], earlier)
		}
		// Others may not set it.
		dave := srv.addUser(t, "dave", "responder")
		api(dave, "POST", "/api/v1/incidents/1/public-updates", map[string]any{"text": "x", "started_at": earlier.Format(time.RFC3339)}, 403)
	})
}

// TestCorrectedStartMovesThePublicStart: the commander corrects when the
// incident started (the alert was late); the public incident, which
// starts when the incident started, moves with it without a new update.
func TestCorrectedStartMovesThePublicStart(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		clock := newTestClock()
		srv := startServerAt(t, clock, dsn)
		admin := srv.AdminToken
		srv.mustCLI(t, admin, "component", "add", "checkout", "--name", "Checkout")
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV1", "Checkout failing")
		clock.Add(2 * time.Minute)
		srv.mustCLI(t, admin, "incident", "update", "1", "--impact", "major", "--text", "Checkout fails for some customers.")
		waitFor(t, srv.URL+"/status", "Checkout fails for some customers.")
		started := clock.Now().Add(-20 * time.Minute).UTC().Truncate(time.Second)
		srv.mustCLI(t, admin, "incident", "edit", "1", "--started-at", started.Format(time.RFC3339), "--reason", "the first errors were at this time")
		want, _ := json.Marshal(started)
		waitFor(t, srv.URL+"/status.json", `"started_at":`+string(want))
	})
}
