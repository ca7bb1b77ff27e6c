package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/cli"
)

// TestPostmortemStory runs the seed's path through the binary: a resolved
// incident with a stand-down intent → a draft drawn from its record → a
// branching why-tree → lint flags blaming words → edits that cross are
// refused → review → publication, which closes the incident → the
// Markdown export → an amendment.
func TestPostmortemStory(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		admin := srv.AdminToken
		bob := srv.addUser(t, "bob", "responder")
		carla := srv.addUser(t, "carla", "responder")
		ctx := context.Background()
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "--summary", "Card payments timed out for 40 minutes", "Checkout failing")
		srv.mustCLI(t, bob, "incident", "join", "1")
		srv.mustCLI(t, bob, "intent", "1", "--stand-down", "travel to a medical appointment")
		srv.mustCLI(t, admin, "ack", "1")
		srv.mustCLI(t, admin, "incident", "note", "1", "Payments pool at 100% since 09:02 UTC")
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV4", "Still open")

		if r := srv.cli(t, admin, "postmortem", "2", "create"); r.err == nil || !strings.Contains(errorLine(r.err), "resolve it before") {
			t.Fatalf("postmortem of an open incident: %v", r.err)
		}
		if r := srv.cli(t, admin, "postmortem", "1"); r.err == nil || !strings.Contains(errorLine(r.err), "no postmortem yet") {
			t.Fatalf("postmortem before create: %v", r.err)
		}
		srv.mustCLI(t, admin, "incident", "status", "1", "resolved")
		out := srv.mustCLI(t, admin, "postmortem", "1", "create")
		if !strings.Contains(out, "Status: draft") || !strings.Contains(out, "Card payments timed out") {
			t.Fatalf("create:\n%s", out)
		}
		c := srv.client(admin)
		pm, err := c.Postmortem(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(pm.Record.Intents) != 1 || !strings.Contains(pm.Record.Intents[0].Text, "stand-down") ||
			!strings.Contains(pm.Record.Intents[0].Text, "acknowledged by admin") {
			t.Fatalf("the draft lacks the stand-down intent: %+v", pm.Record.Intents)
		}
		if len(pm.Record.Candidates) != 1 || pm.Record.KeyTimes[5].At == nil {
			t.Fatalf("record: %+v", pm.Record)
		}
		if r := srv.cli(t, admin, "postmortem", "1", "create"); r.err == nil || !strings.Contains(errorLine(r.err), "already has a postmortem") {
			t.Fatalf("second create: %v", r.err)
		}

		// A branching why-tree.
		srv.mustCLI(t, admin, "why", "1", "Why did checkout fail?", "The payments connection pool was exhausted.")
		srv.mustCLI(t, admin, "why", "1", "--parent", "1", "--factor", "capacity", "Why was the pool exhausted?", "Client retries multiplied the load.")
		out = srv.mustCLI(t, bob, "why", "1", "--parent", "1", "--factor", "detection", "Why was it not seen sooner?", "The saturation alert went to a dashboard only.")
		// A change confirms what changed, in one line, not the whole postmortem.
		if out != "INC-1: why-tree node #3 added under #1: Why was it not seen sooner?\n" {
			t.Fatalf("why confirms:\n%s", out)
		}
		if out := srv.mustCLI(t, bob, "postmortem", "1"); !strings.Contains(out, "    #2 Why was the pool exhausted?") || !strings.Contains(out, "    #3 Why was it not seen sooner?") {
			t.Fatalf("why-tree:\n%s", out)
		}
		if r := srv.cli(t, admin, "why", "1", "--parent", "9", "q", "a"); r.err == nil || !strings.Contains(errorLine(r.err), "no why 9") {
			t.Fatalf("why under a missing parent: %v", r.err)
		}

		// Lint flags blaming and imprecise words.
		srv.mustCLI(t, bob, "postmortem", "1", "set", "response",
			"Bob failed to check the replica lag. Human error; he should have been more careful. Fix ASAP.")
		findings, err := c.LintPostmortem(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		rules := map[string]bool{}
		blocking := false
		for _, f := range findings {
			rules[f.Rule] = true
			blocking = blocking || f.Blocking
			if f.Section == "response" && f.Text != "" {
				text := []rune("Bob failed to check the replica lag. Human error; he should have been more careful. Fix ASAP.")
				if string(text[f.Start:f.End]) != f.Text {
					t.Errorf("finding %s: span %d-%d is %q, text %q", f.Rule, f.Start, f.End, string(text[f.Start:f.End]), f.Text)
				}
			}
		}
		for _, want := range []string{"blame-phrase", "blame-person", "imprecise-priority", "missing-section"} {
			if !rules[want] {
				t.Errorf("lint did not report %s: %+v", want, findings)
			}
		}
		if !blocking {
			t.Error("no blocking finding for blaming words")
		}
		// Blocking findings fail lint (exit 1), so that it can gate a
		// pipeline; the findings are printed all the same.
		r := srv.cli(t, admin, "postmortem", "1", "lint")
		if !strings.Contains(r.stdout, "suggestion:") {
			t.Errorf("lint output:\n%s", r.stdout)
		}
		if r.err == nil || cli.ExitCode(r.err) != 1 || !strings.Contains(errorLine(r.err), "block publishing") {
			t.Errorf("lint with blocking findings: %v (exit %d), want exit 1 saying they block publishing", r.err, cli.ExitCode(r.err))
		}
		if r := srv.cli(t, admin, "postmortem", "1", "lint", "--json"); r.err == nil || !strings.Contains(r.stdout, `"blocking": true`) {
			t.Errorf("lint --json with blocking findings: %v\n%s", r.err, r.stdout)
		}

		// Two authors never silently overwrite each other: a save based on an older version
		// merges where nobody else changed the section, and is refused, with both texts, where bob did.
		stale := pm.Version
		_, err = c.PatchPostmortem(ctx, 1, map[string]any{"response": "The failover ran.", "impact": "x", "version": stale})
		var conflict *client.Error
		if !errors.As(err, &conflict) || conflict.Status != 409 || len(conflict.Conflicts) != 1 ||
			conflict.Conflicts[0].Section != "response" || conflict.Conflicts[0].Yours != "The failover ran." ||
			!strings.HasPrefix(conflict.Conflicts[0].Theirs, "Bob failed to check") || conflict.Fields["sections"] != "response" {
			t.Fatalf("stale save of bob's section: %#v, want 409 with both texts", err)
		}
		if pm, err = c.PatchPostmortem(ctx, 1, map[string]any{"impact": "x", "version": stale}); err != nil || pm.Impact != "x" ||
			!strings.HasPrefix(pm.Response, "Bob failed to check") {
			t.Fatalf("stale save of another section: %v, impact %q, response %q", err, pm.Impact, pm.Response)
		}
		if r := srv.cli(t, admin, "postmortem", "1", "set", "response", "Mine.", "--base-version", fmt.Sprint(stale)); r.err == nil ||
			!strings.Contains(errorLine(r.err), "(response)") {
			t.Fatalf("CLI set from a stale base: %v", r.err)
		}

		// Neutral words, every required section, a reviewer.
		for k, v := range map[string]string{
			"response":  "The replica-lag check was not part of the failover runbook, so it was not run before the failover.",
			"impact":    "About 40% of card payments failed for 40 minutes.",
			"detection": "Customers reported failures 12 minutes before the saturation alert was seen.",
			"recovery":  "Responders disabled client retries and the pool drained within 3 minutes.",
			"lessons":   "Saturation alerts page on-call; retries back off.",
		} {
			srv.mustCLI(t, admin, "postmortem", "1", "set", k, v)
		}
		srv.mustCLI(t, admin, "postmortem", "1", "highlight", "5,8")
		if r := srv.cli(t, admin, "postmortem", "1", "submit"); r.err == nil || !strings.Contains(errorLine(r.err), "reviewer") {
			t.Fatalf("submit without reviewers: %v", r.err)
		}
		// Reviewers are others than the authors (everyone who wrote part of it).
		if r := srv.cli(t, admin, "postmortem", "1", "reviewers", "bob"); r.err == nil || !strings.Contains(errorLine(r.err), "bob wrote part of this postmortem") {
			t.Fatalf("an author named reviewer: %v", r.err)
		}
		srv.mustCLI(t, admin, "postmortem", "1", "reviewers", "carla")
		srv.mustCLI(t, admin, "postmortem", "1", "submit")
		if r := srv.cli(t, bob, "postmortem", "1", "approve"); r.err == nil || !strings.Contains(errorLine(r.err), "not a reviewer") {
			t.Fatalf("approval by a non-reviewer: %v", r.err)
		}
		if r := srv.cli(t, admin, "postmortem", "1", "publish"); r.err == nil || !strings.Contains(errorLine(r.err), "waiting for the approval of carla") {
			t.Fatalf("publish before approval: %v", r.err)
		}
		srv.mustCLI(t, carla, "postmortem", "1", "approve")
		// The contributing factors have no remediations yet: that blocks.
		if r := srv.cli(t, admin, "postmortem", "1", "publish"); r.err == nil || !strings.Contains(errorLine(r.err), "blocking lint finding") {
			t.Fatalf("publish over blocking findings: %v", r.err)
		}
		// A remediation needs one existing owner, a level of the priority scale and a due date.
		for _, bad := range []struct{ args, want string }{
			{"--priority P1 --due 2026-12-01", "exactly one accountable owner"},
			{"--owner ghost --priority P1 --due 2026-12-01", `no user named "ghost"`},
			{"--owner bob --priority urgent --due 2026-12-01", "P0 ("},
			{"--owner bob --priority P1 --due tomorrow", "due must be a date"},
		} {
			args := append([]string{"remediation", "add", "1", "Back off client retries"}, strings.Fields(bad.args)...)
			if r := srv.cli(t, admin, args...); r.err == nil || !strings.Contains(errorLine(r.err), bad.want) {
				t.Errorf("remediation add %s: %v, want %q", bad.args, r.err, bad.want)
			}
		}
		out = srv.mustCLI(t, admin, "remediation", "add", "1", "Back off client retries", "--owner", "bob", "--priority", "P1",
			"--due", "2026-12-01", "--backdate", "--why", "2", "--link", "https://tracker.example/PAY-231")
		if !strings.Contains(out, "Owner: bob · Priority: P1 · Due: 2026-12-01 · Status: open") {
			t.Fatalf("remediation add:\n%s", out)
		}
		out = srv.mustCLI(t, bob, "remediation", "progress", "1", "Exponential backoff merged", "--status", "in_progress")
		if !strings.Contains(out, "INC-1: progress recorded on remediation 1: Back off client retries") || !strings.Contains(out, "Status: in progress") {
			t.Fatalf("progress:\n%s", out)
		}
		if r := srv.cli(t, bob, "remediation", "progress", "1", "stuck", "--status", "blocked"); r.err == nil || !strings.Contains(errorLine(r.err), "needs a reason") {
			t.Fatalf("blocked without a reason: %v", r.err)
		}
		out = srv.mustCLI(t, bob, "remediation", "update", "1", "--owner", "carla", "carla owns the client library")
		if !strings.Contains(out, "INC-1: remediation 1 updated: Back off client retries") || !strings.Contains(out, "Owner: carla") {
			t.Fatalf("handover:\n%s", out)
		}
		if out := srv.mustCLI(t, carla, "remediation", "show", "1"); !strings.Contains(out, "carla owns the client library") {
			t.Fatalf("the handover's note:\n%s", out)
		}
		if out := srv.mustCLI(t, carla, "remediation", "list", "--mine"); !strings.Contains(out, "Back off client retries") {
			t.Fatalf("carla's list:\n%s", out)
		}
		// The detection factor still has none; publish with an explicit, recorded override.
		findings, err = c.LintPostmortem(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range findings {
			if f.Rule == "factor-without-remediation" && f.Node == 2 {
				t.Fatalf("why 2 has a remediation now, yet: %+v", f)
			}
		}
		out = srv.mustCLI(t, admin, "postmortem", "1", "publish", "--override", "the alert routing fix is tracked in OPS-77")
		if !strings.Contains(out, "INC-1: postmortem published (version") {
			t.Fatalf("publish:\n%s", out)
		}
		if out := srv.mustCLI(t, admin, "postmortem", "1"); !strings.Contains(out, "Status: published, version") || !strings.Contains(out, "revision 1") {
			t.Fatalf("published postmortem:\n%s", out)
		}
		inc, err := c.Incident(ctx, 1)
		if err != nil || inc.Status != hansei.StatusClosed {
			t.Fatalf("publishing did not close the incident: %s %v", inc.Status, err)
		}

		md, err := c.ExportPostmortem(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"# INC-1: Checkout failing — postmortem", "| Resolved | 20", "## Timeline highlights",
			"- **Why did checkout fail?** The payments connection pool was exhausted.",
			"  - **Why was the pool exhausted?** Client retries multiplied the load. _(contributing factor: capacity)_",
			"## Contributing factors", "Published over blocking lint findings: the alert routing fix is tracked in OPS-77",
			"| 1 | [Back off client retries](https://tracker.example/PAY-231) | carla | P1 | 2026-12-01 | in progress |"} {
			if !strings.Contains(md, want) {
				t.Errorf("export lacks %q:\n%s", want, md)
			}
		}

		// Every change is on record, with its author and time.
		var history struct {
			Items []struct {
				Version int64
				Actor   string
				Action  string
			}
		}
		getJSONFirst := func(path string, v any) {
			resp, err := c.Do(ctx, client.Request{Method: "GET", Path: path})
			if err != nil || resp.Status != 200 || json.Unmarshal(resp.Body, v) != nil {
				t.Fatalf("GET %s: %d %s %v", path, resp.Status, resp.Body, err)
			}
		}
		getJSONFirst("/api/v1/incidents/1/postmortem/history", &history)
		var actions []string
		for _, h := range history.Items {
			actions = append(actions, h.Actor+":"+h.Action)
		}
		if got := strings.Join(actions, " "); !strings.HasPrefix(got, "admin:create admin:why.add admin:why.add bob:why.add bob:edit") ||
			!strings.HasSuffix(got, "carla:approve admin:remediation.link admin:publish") {
			t.Fatalf("history: %s", got)
		}

		// Learning across incidents: search published postmortems, count factors.
		getJSON := func(path string, v any) {
			t.Helper()
			resp, err := c.Do(ctx, client.Request{Method: "GET", Path: path})
			if err != nil || resp.Status != 200 {
				t.Fatalf("GET %s: %d %s %v", path, resp.Status, resp.Body, err)
			}
			if err := json.Unmarshal(resp.Body, v); err != nil {
				t.Fatal(err)
			}
		}
		var found struct {
			Items []struct {
				Incident int64
				Factors  []string
			}
		}
		getJSON("/api/v1/postmortems?q=connection+POOL&factor=capacity", &found)

		if len(found.Items) != 1 || found.Items[0].Incident != 1 || strings.Join(found.Items[0].Factors, ",") != "capacity,detection" {
			t.Fatalf("search: %+v", found)
		}
		getJSON("/api/v1/postmortems?factor=tooling", &found)
		if len(found.Items) != 0 {
			t.Fatalf("factor=tooling found %+v", found)
		}
		var factors struct{ Totals map[string]int }
		getJSON("/api/v1/factors", &factors)
		if factors.Totals["capacity"] != 1 || factors.Totals["detection"] != 1 {
			t.Fatalf("factors: %+v", factors)
		}

		// Publishing scheduled a follow-up review on the next working day.
		next := hansei.DefaultReviewPolicy().NextWorkingDay(time.Now())
		out = srv.mustCLI(t, carla, "review", next)
		if !strings.Contains(out, "scheduled: postmortem of INC-1 published") {
			t.Fatalf("review %s:\n%s", next, out)
		}
		// On the due date the remediation is on its owner's agenda, with its last progress.
		out = srv.mustCLI(t, carla, "review", "2026-12-01")
		if !strings.Contains(out, "\ncarla\n  #1 INC-1 Back off client retries [P1, due 2026-12-01, in progress] — due") ||
			!strings.Contains(out, "last: ") {
			t.Fatalf("agenda:\n%s", out)
		}
		// A reschedule moves the due date forward from today, never into the past.
		later := time.Now().AddDate(0, 0, 14).Format(time.DateOnly)
		out = srv.mustCLI(t, carla, "review", "2026-12-01", "outcome", "1", "reschedule", "rollout waits for the freeze", "--due", later)
		if !strings.Contains(out, "INC-1: review of 2026-12-01: remediation 1 is reschedule: Back off client retries") {
			t.Errorf("outcome confirmation:\n%s", out)
		}
		out = srv.mustCLI(t, carla, "remediation", "show", "1")
		if !strings.Contains(out, "Due: "+later) || !strings.Contains(out, "review 2026-12-01: reschedule — rollout waits for the freeze") {
			t.Fatalf("outcome:\n%s", out)
		}
		if r := srv.cli(t, carla, "review", "2026-12-01", "outcome", "1", "reschedule"); r.err == nil || !strings.Contains(errorLine(r.err), "new due date") {
			t.Fatalf("reschedule without a date: %v", r.err)
		}
		if out := srv.mustCLI(t, carla, "review", "2026-12-01"); strings.Contains(out, "#1 ") {
			t.Fatalf("a rescheduled remediation is still on the agenda:\n%s", out)
		}

		// Published: edits need an amendment with a reason.
		if r := srv.cli(t, admin, "postmortem", "1", "set", "lucky", "x"); r.err == nil || !strings.Contains(errorLine(r.err), "amend") {
			t.Fatalf("edit after publishing: %v", r.err)
		}
		var amended client.Postmortem
		if err := json.Unmarshal([]byte(srv.mustCLI(t, admin, "postmortem", "1", "amend", "--reason", "the replica-lag check was found in another runbook", "--json")), &amended); err != nil {
			t.Fatal(err)
		}
		if amended.Status != hansei.PostmortemDraft || amended.Revision != 1 || len(amended.PendingApprovals) != 1 {
			t.Fatalf("amended: %+v", amended)
		}
	})
}

// TestPostmortemEditor: `hansei postmortem N edit` opens $EDITOR on the
// sections and saves what changed.
func TestPostmortemEditor(t *testing.T) {
	srv := startServer(t, "sqlite:"+t.TempDir()+"/h.db")
	admin := srv.AdminToken
	srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV3", "Queue backlog")
	srv.mustCLI(t, admin, "incident", "status", "1", "resolved")
	srv.mustCLI(t, admin, "postmortem", "1", "create")
	var stdout, stderr strings.Builder
	env := envFunc(map[string]string{"HANSEI_URL": srv.URL, "HANSEI_TOKEN": admin,
		"EDITOR": `sed -i 's/^## lucky$/## lucky\nThe backlog peaked outside business hours./'`})
	if err := run(context.Background(), []string{"postmortem", "1", "--edit"}, env, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("edit: %v\n%s", err, stderr.String())
	}
	pm, err := srv.client(admin).Postmortem(context.Background(), 1)
	if err != nil || pm.Lucky != "The backlog peaked outside business hours." || pm.Version != 2 {
		t.Fatalf("after editing: lucky %q, version %d, %v", pm.Lucky, pm.Version, err)
	}
}
