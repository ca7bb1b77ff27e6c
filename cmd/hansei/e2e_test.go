package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
)

// TestIncidentResponseThroughTheBinary walks the foundation's scenario as a
// team would: first start, users, declare, join, roles, notes, severity and
// status changes, and the timeline, through the CLI and the API.
func TestIncidentResponseThroughTheBinary(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		if srv.AdminToken == "" {
			t.Fatal("first run printed no admin token")
		}
		admin := srv.AdminToken
		bob := srv.addUser(t, "bob", "responder")
		dave := srv.addUser(t, "dave", "responder")
		vera := srv.addUser(t, "vera", "viewer")

		out := srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "--service", "checkout,payments",
			"--summary", "Card payments time out", "Checkout failing")
		for _, want := range []string{"Declared INC-1: Checkout failing", "SEV2 (Major):", "Commander: admin"} {
			if !strings.Contains(out, want) {
				t.Errorf("declare output lacks %q:\n%s", want, out)
			}
		}
		srv.mustCLI(t, bob, "incident", "join", "1")
		srv.mustCLI(t, admin, "incident", "join", "1", "--user", "dave")
		out = srv.mustCLI(t, bob, "incident", "note", "INC-1", "Error rate 12% on checkout-api since 09:02 UTC")
		if !strings.Contains(out, "note: Error rate 12%") {
			t.Errorf("note output: %q", out)
		}
		out = srv.mustCLI(t, admin, "incident", "severity", "1", "SEV1", "--reason", "all regions affected")
		if !strings.Contains(out, "severity SEV2 → SEV1: all regions affected") {
			t.Errorf("severity output: %q", out)
		}
		srv.mustCLI(t, admin, "incident", "role", "1", "commander", "bob")
		srv.mustCLI(t, bob, "incident", "role", "1", "scribe", "dave")
		srv.mustCLI(t, bob, "incident", "status", "1", "identified", "--message", "bad deploy of payments 4.2")
		srv.mustCLI(t, bob, "incident", "status", "1", "monitoring")

		// A refused transition names the allowed ones and exits non-zero.
		r := srv.cli(t, bob, "incident", "status", "1", "closed")
		if r.err == nil || !strings.Contains(errorLine(r.err), "investigating, identified, resolved") {
			t.Errorf("status closed: err %v", r.err)
		}
		// Viewers read but do not act.
		r = srv.cli(t, vera, "incident", "note", "1", "hello")
		if r.err == nil || !strings.Contains(errorLine(r.err), "viewer") {
			t.Errorf("viewer note: err %v", r.err)
		}
		out = srv.mustCLI(t, vera, "incident", "show", "1")
		for _, want := range []string{"INC-1: Checkout failing", "SEV1 (Critical):", "Status:    monitoring",
			"commander=bob", "scribe=dave", "dave (active)", "commander handed over from admin to bob", "Services:  checkout, payments"} {
			if !strings.Contains(out, want) {
				t.Errorf("show output lacks %q:\n%s", want, out)
			}
		}

		// The API view of the same incident.
		c := srv.client(dave)
		inc, err := c.Incident(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if inc.Severity != "SEV1" || inc.Status != hansei.StatusMonitoring || inc.Roles["commander"] != "bob" || inc.MitigatedAt == nil {
			t.Fatalf("incident %+v", inc.Incident)
		}
		if len(inc.Responders) != 3 || inc.Responders[2].User != "dave" || inc.Responders[2].State != "active" {
			t.Fatalf("responders %+v", inc.Responders)
		}
		tl, err := c.Timeline(context.Background(), 1, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for i, e := range tl.Items {
			if e.Seq != int64(i+1) {
				t.Fatalf("timeline seq %d at %d", e.Seq, i)
			}
			types = append(types, e.Type)
		}
		want := "incident.declared responder.joined role.assigned responder.joined responder.joined note.added severity.changed " +
			"role.assigned role.assigned status.changed status.changed"
		if strings.Join(types, " ") != want {
			t.Fatalf("timeline types\n got %s\nwant %s", strings.Join(types, " "), want)
		}
		page, err := c.Timeline(context.Background(), 1, 9, 100)
		if err != nil || len(page.Items) != 2 || page.Items[0].Seq != 10 {
			t.Fatalf("timeline after 9: %+v %v", page, err)
		}

		// Listing and searching, in text and JSON.
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV4", "Search index lagging")
		out = srv.mustCLI(t, vera, "incident", "list", "--q", "checkout")
		if !strings.Contains(out, "INC-1") || strings.Contains(out, "INC-2") {
			t.Errorf("list --q checkout:\n%s", out)
		}
		var list client.List[client.Incident]
		if err := json.Unmarshal([]byte(srv.mustCLI(t, vera, "incident", "list", "--json", "--severity", "SEV4")), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 1 || list.Items[0].Number != 2 {
			t.Fatalf("list --severity SEV4 --json: %+v", list)
		}

		// Scales in Japanese.
		scales, err := c.Scales(context.Background(), "ja")
		if err != nil || scales.Severity.Levels[0].Key != "SEV1" || !containsJapanese(scales.Severity.Levels[0].Name) {
			t.Fatalf("scales ja: %+v %v", scales.Severity.Levels[0], err)
		}
		me, err := c.Me(context.Background())
		if err != nil || me.Name != "dave" || me.Role != hansei.RoleResponder {
			t.Fatalf("me = %+v, %v", me, err)
		}
	})
}

func containsJapanese(s string) bool {
	return regexp.MustCompile(`\p{Han}|\p{Hiragana}|\p{Katakana}`).MatchString(s)
}

func TestOperationsEndpoints(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		srv.mustCLI(t, srv.AdminToken, "incident", "declare", "--severity", "SEV3", "Slow search")
		for path, want := range map[string]string{
			"/healthz": "ok",
			"/readyz":  "ready",
			"/metrics": `hansei_open_incidents{severity="SEV3"} 1`,
		} {
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
				t.Errorf("GET %s: %d %q, want %q", path, resp.StatusCode, body, want)
			}
			if path == "/metrics" && !strings.Contains(string(body), `hansei_http_requests_total{code="201",method="POST",route="POST /api/v1/incidents"} 1`) {
				t.Errorf("metrics lack the declare request:\n%s", body)
			}
		}
	})
}

func TestRestartKeepsDataAndPrintsNoNewToken(t *testing.T) {
	dsn := "sqlite:" + t.TempDir() + "/hansei.db"
	first := startServer(t, dsn)
	first.mustCLI(t, first.AdminToken, "incident", "declare", "--severity", "SEV3", "Before restart")
	// Stop the first server by ending its test scope: start a second on the
	// same file (SQLite allows both; the point is what the second prints).
	second := startServer(t, dsn)
	if second.AdminToken != "" {
		t.Fatal("a second start printed a new admin token")
	}
	out := second.mustCLI(t, first.AdminToken, "incident", "show", "1")
	if !strings.Contains(out, "Before restart") {
		t.Fatalf("data lost across restart:\n%s", out)
	}
}
