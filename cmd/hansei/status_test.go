package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
)

// wantAPIRefusal checks that a CLI run failed with the API's status and a
// message that says what was wrong.
func wantAPIRefusal(t *testing.T, r cliResult, status int, says ...string) {
	t.Helper()
	if r.err == nil {
		t.Fatalf("accepted; want HTTP %d. stdout:\n%s", status, r.stdout)
	}
	if got := client.ErrorStatus(r.err); got != status {
		t.Fatalf("HTTP %d (%v); want %d", got, r.err, status)
	}
	for _, s := range says {
		if !strings.Contains(errorLine(r.err), s) {
			t.Errorf("message %q should say %q", errorLine(r.err), s)
		}
	}
}

// TestStatusPageAdministrationThroughTheBinary sets up the status page as
// a team would: an admin adds components, the communications role
// publishes updates naming them, others are refused, and a maintenance
// window is scheduled and cancelled, through the CLI and the API.
func TestStatusPageAdministrationThroughTheBinary(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		srv := startServer(t, dsn)
		admin := srv.AdminToken
		bob := srv.addUser(t, "bob", "responder")
		dave := srv.addUser(t, "dave", "responder")
		vera := srv.addUser(t, "vera", "viewer")

		// Components: admins shape the page.
		out := srv.mustCLI(t, admin, "component", "add", "api", "--name", "Public API", "--group", "Shop", "--position", "1",
			"--service", "checkout", "--service", "payments")
		for _, want := range []string{"Component api saved: Public API (group Shop, position 1), operational", "Services:  checkout, payments"} {
			if !strings.Contains(out, want) {
				t.Errorf("component add output lacks %q:\n%s", want, out)
			}
		}
		srv.mustCLI(t, admin, "component", "add", "web", "--name", "Website", "--group", "Shop", "--position", "2")
		srv.mustCLI(t, admin, "component", "add", "db", "--name", "Database", "--group", "Platform")
		wantAPIRefusal(t, srv.cli(t, bob, "component", "add", "x", "--name", "X"), http.StatusForbidden, "only admins")
		wantAPIRefusal(t, srv.cli(t, admin, "component", "add", "Bad Key", "--name", "X"), http.StatusBadRequest, "checkout-api")
		if r := srv.cli(t, admin, "component", "add", "x"); r.err == nil || !strings.Contains(r.err.Error(), "--name") {
			t.Errorf("component add without --name: %v", r.err)
		}

		// An incident with bob speaking for it.
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "--summary", "INTERNAL: bad deploy of payments 4.2", "Payments 4.2 broke checkout")
		srv.mustCLI(t, admin, "incident", "role", "1", "communications", "bob")
		srv.mustCLI(t, dave, "incident", "join", "1")
		srv.mustCLI(t, dave, "incident", "note", "1", "INTERNAL: rolling back")

		out = srv.mustCLI(t, bob, "incident", "update", "1", "--title", "Payments degraded",
			"--text", "Some card payments fail; we are working on it.", "--component", "api=partial_outage")
		for _, want := range []string{"INC-1 #", "public update (investigating): Some card payments fail", "Affects on the status page: api"} {
			if !strings.Contains(out, want) {
				t.Errorf("incident update output lacks %q:\n%s", want, out)
			}
		}
		// The commander may speak too, and the text may come last.
		out = srv.mustCLI(t, admin, "incident", "update", "1", "--status", "identified", "--json", "We found the cause.")
		var inc client.Incident
		if err := json.Unmarshal([]byte(out), &inc); err != nil {
			t.Fatalf("update --json: %v\n%s", err, out)
		}
		if len(inc.Events) != 1 || inc.Events[0].Type != hansei.EventPublicUpdate || strings.Join(inc.Components, ",") != "api" {
			t.Fatalf("update --json: events %+v, components %v", inc.Events, inc.Components)
		}

		// A responder without the role, and a viewer, are refused with a
		// reason; so is a public word on a restricted incident.
		wantAPIRefusal(t, srv.cli(t, dave, "incident", "update", "1", "--text", "Fixed, I think"), http.StatusForbidden,
			"only the communications role (bob) or the commander (admin) publishes public updates")
		_, err := srv.client(dave).PublishUpdate(ctx, 1, client.PublicUpdateRequest{Text: "Fixed, I think"})
		if client.ErrorStatus(err) != http.StatusForbidden {
			t.Errorf("dave through the API: %v", err)
		}
		wantAPIRefusal(t, srv.cli(t, vera, "incident", "update", "1", "--text", "hello"), http.StatusForbidden, "viewer")
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV1", "--restricted", "Customer data exposed")
		wantAPIRefusal(t, srv.cli(t, admin, "incident", "update", "2", "--text", "We are investigating."), http.StatusConflict,
			"INC-2 is restricted: nothing about it may appear on the public status page")
		wantAPIRefusal(t, srv.cli(t, admin, "incident", "affects", "2", "api"), http.StatusConflict, "restricted")

		// Bad input says what would be right.
		wantAPIRefusal(t, srv.cli(t, bob, "incident", "update", "1", "--text", "x", "--component", "nope=degraded"), http.StatusBadRequest,
			`unknown component "nope"; the components are api, db, web`)
		wantAPIRefusal(t, srv.cli(t, bob, "incident", "update", "1", "--text", "x", "--component", "api=down"), http.StatusBadRequest,
			`unknown component state "down"`)
		if r := srv.cli(t, bob, "incident", "update", "1", "--component", "api=degraded"); r.err == nil || !strings.Contains(r.err.Error(), "--text") {
			t.Errorf("update without text: %v", r.err)
		}
		resp, err := srv.client(bob).Do(ctx, client.Request{Method: http.MethodPost, Path: "/api/v1/incidents/1/public-updates",
			Body: []byte(`{"text": "x", "components": {"api": "partial_outage"}, "severity": "SEV1"}`)})
		if err != nil || resp.Status != http.StatusBadRequest || !strings.Contains(string(resp.Body), `unknown field \"severity\"`) {
			t.Errorf("unknown field: %d %s (%v)", resp.Status, resp.Body, err)
		}

		// Linking sets the components; the page shows them by the public
		// impact.
		out = srv.mustCLI(t, bob, "incident", "affects", "1", "web,api")
		if !strings.Contains(out, "INC-1 affects on the status page: api, web") {
			t.Errorf("affects output: %q", out)
		}
		srv.mustCLI(t, dave, "component", "set", "db", "degraded") // any responder
		wantAPIRefusal(t, srv.cli(t, vera, "component", "set", "db", "operational"), http.StatusForbidden, "viewer")
		wantAPIRefusal(t, srv.cli(t, dave, "component", "set", "nope", "degraded"), http.StatusNotFound, `there is no component "nope"`)
		out = srv.mustCLI(t, vera, "component", "list")
		for _, want := range []string{"KEY", "SHOWN", "db   Database", "degraded", "checkout,payments"} {
			if !strings.Contains(out, want) {
				t.Errorf("component list lacks %q:\n%s", want, out)
			}
		}
		list, err := srv.client(vera).Components(ctx)
		if err != nil {
			t.Fatal(err)
		}
		shown := map[string]hansei.ComponentState{}
		var order []string
		for _, c := range list {
			shown[c.Key] = c.EffectiveState
			order = append(order, c.Key)
		}
		if strings.Join(order, ",") != "db,api,web" {
			t.Errorf("order %v; want by group, then position", order)
		}
		// api: named partial_outage by an update; web: linked to an
		// incident whose public impact is major (from api's partial
		// outage, not from its severity); db: set degraded by hand.
		if shown["api"] != hansei.ComponentPartialOutage || shown["web"] != hansei.ComponentPartialOutage || shown["db"] != hansei.ComponentDegraded {
			t.Errorf("shown states %v", shown)
		}

		// Resolving publicly releases the components.
		srv.mustCLI(t, bob, "incident", "update", "1", "--status", "resolved", "--text", "Payments work again.")
		list, _ = srv.client(vera).Components(ctx)
		for _, c := range list {
			if want := map[string]hansei.ComponentState{"db": hansei.ComponentDegraded}[c.Key]; c.EffectiveState != want && !(want == "" && c.EffectiveState == hansei.ComponentOperational) {
				t.Errorf("after resolving: %s shows %s", c.Key, c.EffectiveState)
			}
		}

		// The updates are on the internal timeline too.
		out = srv.mustCLI(t, dave, "incident", "timeline", "1")
		if !strings.Contains(out, "public update (resolved): Payments work again.") || !strings.Contains(out, "affects on the status page: api, web") {
			t.Errorf("timeline lacks the public events:\n%s", out)
		}

		// Components through the API: PATCH of a name is an admin's.
		c := srv.client(admin)
		if _, err := srv.client(dave).PatchComponent(ctx, "web", client.ComponentRequest{Name: ptrTo("Site")}); client.ErrorStatus(err) != http.StatusForbidden {
			t.Errorf("dave renaming: %v", err)
		}
		web, err := c.PatchComponent(ctx, "web", client.ComponentRequest{Name: ptrTo("Site"), Services: &[]string{"frontend"}})
		if err != nil || web.Name != "Site" || web.Group != "Shop" || web.Position != 2 || strings.Join(web.Services, ",") != "frontend" {
			t.Fatalf("patched %+v, %v", web, err)
		}
		if _, err := c.PatchComponent(ctx, "web", client.ComponentRequest{}); client.ErrorStatus(err) != http.StatusBadRequest {
			t.Errorf("empty patch: %v", err)
		}
		resp, err = c.Do(ctx, client.Request{Method: http.MethodPost, Path: "/api/v1/components", Body: []byte(`{"key": "cdn", "name": "CDN"}`)})
		if err != nil || resp.Status != http.StatusCreated || resp.Header.Get("Location") != "/api/v1/components/cdn" {
			t.Errorf("create: %d %s %v", resp.Status, resp.Header.Get("Location"), err)
		}
		resp, err = c.Do(ctx, client.Request{Method: http.MethodPost, Path: "/api/v1/components", Body: []byte(`{"key": "cdn", "name": "Edge"}`)})
		if err != nil || resp.Status != http.StatusOK {
			t.Errorf("save again: %d %s %v", resp.Status, resp.Body, err)
		}
		srv.mustCLI(t, admin, "component", "rm", "cdn")
		if _, err := c.Component(ctx, "cdn"); client.ErrorStatus(err) != http.StatusNotFound {
			t.Errorf("after rm: %v", err)
		}
		wantAPIRefusal(t, srv.cli(t, dave, "component", "rm", "web"), http.StatusForbidden, "only admins")

		// Maintenance windows.
		start := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
		out = srv.mustCLI(t, bob, "maintenance", "add", "--title", "Database upgrade", "--start", start.Format(time.RFC3339),
			"--end", start.Add(time.Hour).Format(time.RFC3339), "--component", "db", "Writes pause for a minute.")
		for _, want := range []string{"Maintenance 1 scheduled: Database upgrade", "Components: db", "Text:      Writes pause for a minute."} {
			if !strings.Contains(out, want) {
				t.Errorf("maintenance add output lacks %q:\n%s", want, out)
			}
		}
		wantAPIRefusal(t, srv.cli(t, bob, "maintenance", "add", "--title", "X", "--start", start.Format(time.RFC3339),
			"--end", start.Format(time.RFC3339), "x"), http.StatusBadRequest, "must be after starts_at")
		wantAPIRefusal(t, srv.cli(t, bob, "maintenance", "add", "--title", "X", "--start", start.Format(time.RFC3339),
			"--end", start.Add(time.Hour).Format(time.RFC3339), "--component", "dbx", "x"), http.StatusBadRequest, `unknown component "dbx"`)
		wantAPIRefusal(t, srv.cli(t, vera, "maintenance", "add", "--title", "X", "--start", start.Format(time.RFC3339),
			"--end", start.Add(time.Hour).Format(time.RFC3339), "x"), http.StatusForbidden, "viewer")
		if r := srv.cli(t, bob, "maintenance", "add", "--title", "X", "--start", "tomorrow", "--end", "later", "x"); r.err == nil || !strings.Contains(r.err.Error(), "RFC 3339") {
			t.Errorf("bad time: %v", r.err)
		}
		out = srv.mustCLI(t, vera, "maintenance", "list")
		if !strings.Contains(out, "Database upgrade") || !strings.Contains(out, start.Format("2006-01-02 15:04:05 UTC")) {
			t.Errorf("maintenance list:\n%s", out)
		}
		var windows []hansei.Maintenance
		if err := json.Unmarshal([]byte(srv.mustCLI(t, vera, "maintenance", "list", "--json")), &windows); err != nil ||
			len(windows) != 1 || windows[0].CreatedBy != "bob" || !windows[0].StartsAt.Equal(start) || strings.Join(windows[0].Components, ",") != "db" {
			t.Fatalf("maintenance list --json: %+v, %v", windows, err)
		}
		if later, err := c.Maintenances(ctx, start.Add(3*time.Hour)); err != nil || len(later) != 0 {
			t.Errorf("windows ending after the window: %+v, %v", later, err)
		}
		wantAPIRefusal(t, srv.cli(t, vera, "maintenance", "rm", "1"), http.StatusForbidden)
		srv.mustCLI(t, bob, "maintenance", "rm", "1")
		wantAPIRefusal(t, srv.cli(t, bob, "maintenance", "rm", "1"), http.StatusNotFound, "there is no maintenance window 1")
		if out := srv.mustCLI(t, vera, "maintenance", "list"); !strings.Contains(out, "no maintenance windows") {
			t.Errorf("after rm: %s", out)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }
