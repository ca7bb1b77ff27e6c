package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/cli"
)

// TestCorrections: the commander corrects an incident through the API and
// the command line; each correction is on the timeline with old and new,
// the projection and the postmortem's key times (and its "time to
// detect", in the Markdown export too) follow, and bad corrections are
// refused naming the field.
func TestCorrections(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		ctx := context.Background()
		admin := srv.AdminToken
		bob := srv.addUser(t, "bob", "responder")
		ac := srv.client(admin)
		now := time.Now().UTC().Truncate(time.Second)
		started := now.Add(-30 * time.Minute)
		inc, err := ac.Declare(ctx, client.DeclareRequest{Title: "Checkout failing", Severity: "SEV1",
			Summary: "~40% of payments fail", StartedAt: &started, DetectedAt: &started})
		if err != nil {
			t.Fatal(err)
		}
		patch := func(token, body string) (int, map[string]string) {
			t.Helper()
			resp, err := srv.client(token).Do(ctx, client.Request{Method: http.MethodPatch, Path: "/api/v1/incidents/1", Body: []byte(body)})
			if err != nil {
				t.Fatal(err)
			}
			var e struct {
				Error struct {
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			json.Unmarshal(resp.Body, &e)
			return resp.Status, e.Error.Fields
		}
		rfc := func(t time.Time) string { return `"` + t.Format(time.RFC3339) + `"` }

		// The API corrects the summary and the services.
		if status, _ := patch(admin, `{"summary": "~4% of payments failed", "services": ["checkout", "payments"], "reason": "the dashboard was per mille"}`); status != http.StatusOK {
			t.Fatalf("PATCH summary: %d", status)
		}
		if inc, _ = ac.Incident(ctx, 1); inc.Summary != "~4% of payments failed" || strings.Join(inc.Services, ",") != "checkout,payments" {
			t.Fatalf("after PATCH: summary %q, services %v", inc.Summary, inc.Services)
		}
		if l, err := ac.Incidents(ctx, client.ListOptions{Q: "per mille"}); err != nil || len(l.Items) != 0 {
			t.Errorf("search for the reason: %v, %d found", err, len(l.Items))
		}

		// Bad corrections: 400 naming the field, 403 for others.
		for _, tc := range []struct {
			name, token, body string
			status            int
			field             string
		}{
			{"detected in the future", admin, `{"detected_at": ` + rfc(now.Add(time.Hour)) + `, "reason": "r"}`, 400, "detected_at"},
			{"detected before started", admin, `{"detected_at": ` + rfc(started.Add(-time.Minute)) + `, "reason": "r"}`, 400, "detected_at"},
			{"mitigated before started", admin, `{"mitigated_at": ` + rfc(started.Add(-time.Minute)) + `, "reason": "r"}`, 400, "mitigated_at"},
			{"no reason", admin, `{"title": "New"}`, 400, "reason"},
			{"nothing to change", admin, `{"title": "Checkout failing", "reason": "r"}`, 400, ""},
			{"a time that is not one", admin, `{"started_at": "yesterday", "reason": "r"}`, 400, "started_at"},
			{"not the commander", bob, `{"title": "New", "reason": "r"}`, 403, ""},
		} {
			status, fields := patch(tc.token, tc.body)
			if status != tc.status || tc.field != "" && fields[tc.field] == "" {
				t.Errorf("%s: %d %v; want %d naming %q", tc.name, status, fields, tc.status, tc.field)
			}
		}

		// Resolved, with a postmortem whose time to detect is 0 s.
		if _, err := ac.ChangeStatus(ctx, 1, "resolved", "rolled back"); err != nil {
			t.Fatal(err)
		}
		srv.mustCLI(t, admin, "postmortem", "1", "create")
		if d := detectDuration(t, srv, admin); d != "0s" {
			t.Fatalf("time to detect before the correction = %s", d)
		}

		// The command line corrects the detected time, in the user's zone.
		detected := started.Add(9 * time.Minute)
		tokyo, _ := time.LoadLocation("Asia/Tokyo")
		out := srv.mustCLI(t, admin, "incident", "edit", "1", "--detected-at", detected.In(tokyo).Format(time.RFC3339), "--reason", "the alert fired at :09")
		want := "corrected detected time from " + started.Format("2006-01-02 15:04:05 UTC") + " to " + detected.Format("2006-01-02 15:04:05 UTC") + ": the alert fired at :09"
		if !strings.Contains(out, want) {
			t.Errorf("edit printed %q; want %q", out, want)
		}
		if d := detectDuration(t, srv, admin); d != "9m0s" {
			t.Errorf("time to detect after the correction = %s, want 9m0s", d)
		}
		md, err := ac.ExportPostmortem(ctx, 1)
		if err != nil || !strings.Contains(md, "| Started | Detected | 9m0s |") {
			t.Errorf("export: %v\n%s", err, md)
		}
		// The correction is on the timeline, old and new, in Japanese too.
		tl := srv.mustCLI(t, admin, "incident", "timeline", "1", "--lang", "ja")
		if !strings.Contains(tl, "検知日時を "+started.Format("2006-01-02 15:04:05 UTC")) {
			t.Errorf("Japanese timeline:\n%s", tl)
		}
		// After the resolution is refused.
		r := srv.cli(t, admin, "incident", "edit", "1", "--mitigated-at", time.Now().UTC().Add(time.Second).Format(time.RFC3339), "--reason", "r")
		if r.err == nil || !strings.Contains(errorLine(r.err), "mitigated_at") {
			t.Errorf("mitigated after the resolution: %v", r.err)
		}
		// The CLI's own bad input: one line, non-zero exit, nothing sent.
		for _, args := range [][]string{
			{"incident", "edit", "1", "--title", "X"},
			{"incident", "edit", "1", "--reason", "r"},
			{"incident", "edit", "1", "--started-at", "noon", "--reason", "r"},
		} {
			if r := srv.cli(t, admin, args...); r.err == nil || cli.ExitCode(r.err) == 0 || strings.Contains(errorLine(r.err), "\n") {
				t.Errorf("%v: %v", args, r.err)
			}
		}
	})
}

// detectDuration is the postmortem's started → detected duration as the
// API returns it.
func detectDuration(t *testing.T, srv *server, token string) string {
	t.Helper()
	pm, err := srv.client(token).Postmortem(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range pm.Record.Durations {
		if d.From == "started" && d.To == "detected" {
			return (time.Duration(d.Seconds) * time.Second).String()
		}
	}
	t.Fatalf("no started → detected duration in %+v", pm.Record.Durations)
	return ""
}

// TestRolesFromConfig: only configured roles are assigned, in any case;
// an unknown one is refused naming the configured roles; a role is
// vacated, the commander's never.
func TestRolesFromConfig(t *testing.T) {
	config := filepath.Join(t.TempDir(), "hansei.yaml")
	if err := os.WriteFile(config, []byte("roles:\n  - name: liaison\n    description: Talks to the vendor.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn, "--config", config)
		ctx := context.Background()
		admin := srv.AdminToken
		srv.addUser(t, "dave", "responder")
		if _, err := srv.client(admin).Declare(ctx, client.DeclareRequest{Title: "Search slow", Severity: "SEV3"}); err != nil {
			t.Fatal(err)
		}
		r := srv.cli(t, admin, "incident", "role", "1", "comms", "dave")
		if r.err == nil || cli.ExitCode(r.err) != 1 || !strings.Contains(errorLine(r.err), "commander, communications, scribe, liaison") {
			t.Fatalf("role comms: %v (exit %d)", r.err, cli.ExitCode(r.err))
		}
		srv.mustCLI(t, admin, "incident", "role", "1", "Scribe", "dave")
		srv.mustCLI(t, admin, "incident", "role", "1", "LIAISON", "dave")
		inc, _ := srv.client(admin).Incident(ctx, 1)
		if inc.Roles["scribe"] != "dave" || inc.Roles["liaison"] != "dave" {
			t.Fatalf("roles = %v", inc.Roles)
		}
		out := srv.mustCLI(t, admin, "incident", "vacate", "1", "scribe")
		if !strings.Contains(out, "scribe vacated (held by dave)") {
			t.Errorf("vacate printed %q", out)
		}
		if inc, _ = srv.client(admin).Incident(ctx, 1); inc.Roles["scribe"] != "" || inc.Roles["commander"] == "" {
			t.Errorf("roles after vacating = %v", inc.Roles)
		}
		r = srv.cli(t, admin, "incident", "vacate", "1", "commander")
		if r.err == nil || !strings.Contains(errorLine(r.err), "hand it over instead: hansei incident role 1 commander USER") {
			t.Errorf("vacate commander: %v", r.err)
		}
		// The API says the same; a role nobody holds is a conflict.
		for path, want := range map[string]int{"/api/v1/incidents/1/roles/commander": 400, "/api/v1/incidents/1/roles/scribe": 409,
			"/api/v1/incidents/1/roles/liaison": 200} {
			resp, err := srv.client(admin).Do(ctx, client.Request{Method: http.MethodDelete, Path: path})
			if err != nil || resp.Status != want {
				t.Errorf("DELETE %s: %v %d; want %d", path, err, resp.Status, want)
			}
		}
		resp, _ := srv.client(admin).Do(ctx, client.Request{Method: http.MethodPost, Path: "/api/v1/incidents/1/roles", Body: []byte(`{"role": "comms", "user": "dave"}`)})
		if resp.Status != 400 || !strings.Contains(string(resp.Body), "commander, communications, scribe, liaison") {
			t.Errorf("POST role comms: %d %s", resp.Status, resp.Body)
		}
		// The server's list is seen with hansei scales.
		if out := srv.mustCLI(t, admin, "scales"); !strings.Contains(out, "liaison") {
			t.Errorf("scales lists no liaison:\n%s", out)
		}
		tl, _ := srv.client(admin).Timeline(ctx, 1, 0, 100)
		vacated := 0
		for _, e := range tl.Items {
			if e.Type == hansei.EventRoleVacated {
				vacated++
			}
		}
		if vacated != 2 {
			t.Errorf("%d role.vacated events, want 2", vacated)
		}
	})
}
