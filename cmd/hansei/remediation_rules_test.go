package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/cli"
)

// TestRemediationDueRulesAndCancel replays issue 17's remediation story
// through run() and the real API and CLI: a due date before today is
// refused unless backdated, a date past the priority's window is saved
// with a warning (JSON and standard error), a mistaken remediation is
// cancelled with a reason by those who may — and leaves the export, the
// review agenda and the reminders while its own page shows it cancelled —
// and a second review outcome on the same day replaces the first, which
// stays in the review's history.
func TestRemediationDueRulesAndCancel(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		// The real time: the browser's sign-in link and session cookie live
		// in it, so the server's day is today's; dates are days from it.
		clock := newTestClock()
		day := func(n int) string { return clock.now.AddDate(0, 0, n).Format(time.DateOnly) }
		today, yesterday, later := day(0), day(-1), day(25)
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		defer hook.Close()
		cfg := filepath.Join(t.TempDir(), "hansei.yaml")
		os.WriteFile(cfg, []byte("notify:\n  allow_private_hosts: [127.0.0.1]\n"+
			"  webhooks: [{url: \""+hook.URL+"\", secret: s3cret-for-tests}]\n"+
			"  reminders: {before_days: 1, escalate_after_days: 1}\n"), 0o600)
		srv := startServerAt(t, clock, dsn, "--config", cfg)
		admin := srv.AdminToken
		bob := srv.addUser(t, "bob", "responder")
		carla := srv.addUser(t, "carla", "responder")
		vera := srv.addUser(t, "vera", "viewer")
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "Checkout failing") // admin commands it
		do := func(token, method, path, body string) (int, map[string]any) {
			t.Helper()
			resp, err := srv.client(token).Do(t.Context(), client.Request{Method: method, Path: path, Body: []byte(body)})
			if err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			var out map[string]any
			json.Unmarshal(resp.Body, &out)
			return resp.Status, out
		}
		fieldErr := func(out map[string]any, field string) string {
			e, _ := out["error"].(map[string]any)
			f, _ := e["fields"].(map[string]any)
			s, _ := f[field].(string)
			return s
		}

		// A due date before today: refused on the API and the CLI, naming
		// the field and the way out; allowed when backdated.
		status, out := do(bob, "POST", "/api/v1/remediations", `{"incident":1,"title":"Old","owner":"bob","priority":"P2","due":"`+yesterday+`"}`)
		if msg := fieldErr(out, "due"); status != 400 || !strings.Contains(msg, "before today ("+today) || !strings.Contains(msg, "backdate") {
			t.Fatalf("past due on the API: %d %v", status, out)
		}
		r := srv.cli(t, bob, "remediation", "add", "1", "Old", "--owner", "bob", "--priority", "P2", "--due", yesterday)
		if r.err == nil || !strings.Contains(errorLine(r.err), "before today") || cli.ExitCode(r.err) != 1 {
			t.Fatalf("past due on the CLI: %v", r.err)
		}
		srv.mustCLI(t, bob, "remediation", "add", "1", "Rotated the keys (done last week)", "--owner", "bob", "--priority", "P2",
			"--due", yesterday, "--backdate") // 1, overdue
		// Later than the priority's window (P1: 7 days): saved, with a
		// warning in JSON and on standard error, not on standard output.
		status, out = do(bob, "POST", "/api/v1/remediations", `{"incident":1,"title":"Alert on lag","owner":"bob","priority":"P1","due":"`+later+`"}`)
		ws, _ := out["warnings"].([]any)
		if status != 201 || len(ws) != 1 || !strings.Contains(ws[0].(map[string]any)["message"].(string), "done by "+day(7)) {
			t.Fatalf("window warning on the API: %d %v", status, out)
		} // 2
		r = srv.cli(t, bob, "remediation", "add", "1", "Cap the queue", "--owner", "bob", "--priority", "P1", "--due", later)
		if r.err != nil || !strings.Contains(r.stderr, "warning: due "+later+" is later than priority P1 expects") ||
			strings.Contains(r.stdout, "warning") || !strings.Contains(r.stdout, "Cap the queue") {
			t.Fatalf("window warning on the CLI: %v\nstdout: %s\nstderr: %s", r.err, r.stdout, r.stderr)
		} // 3
		if status, out = do(bob, "PATCH", "/api/v1/remediations/3", `{"title":"Cap the queue depth"}`); out["warnings"] != nil {
			t.Errorf("a change not touching due or priority warns: %d %v", status, out)
		}
		srv.mustCLI(t, bob, "remediation", "add", "1", "Rotate the keys", "--owner", "bob", "--priority", "P2",
			"--due", yesterday, "--backdate") // 4: a duplicate of 1, overdue

		// Cancel: a reason is required; only the owner, the commander or an
		// admin may.
		if status, out = do(bob, "POST", "/api/v1/remediations/4/cancel", `{}`); status != 400 || fieldErr(out, "reason") == "" {
			t.Fatalf("cancel without a reason: %d %v", status, out)
		}
		if r := srv.cli(t, bob, "remediation", "cancel", "4"); r.err == nil || !strings.Contains(errorLine(r.err), "--reason is required") {
			t.Fatalf("CLI cancel without --reason: %v", r.err)
		}
		for _, who := range []struct {
			name, token string
			status      int
		}{{"carla (neither owner nor commander)", carla, 403}, {"vera (a viewer)", vera, 403}} {
			if status, out := do(who.token, "POST", "/api/v1/remediations/4/cancel", `{"reason":"dup"}`); status != who.status {
				t.Errorf("%s cancels: %d %v, want %d", who.name, status, out, who.status)
			}
		}
		out2 := srv.mustCLI(t, bob, "remediation", "cancel", "4", "--reason", "filed twice; see 1")
		if !strings.Contains(out2, "remediation 4 cancelled: ") || !strings.Contains(out2, "Status: cancelled") {
			t.Fatalf("cancel printed:\n%s", out2)
		}
		if status, _ := do(admin, "POST", "/api/v1/remediations/4/cancel", `{"reason":"again"}`); status != 409 {
			t.Errorf("second cancel: %d, want 409", status)
		}
		if status, _ := do(bob, "PATCH", "/api/v1/remediations/4", `{"status":"open"}`); status != 409 {
			t.Errorf("reopening a cancelled remediation: %d, want 409", status)
		}
		if status, out := do(bob, "PATCH", "/api/v1/remediations/2", `{"status":"cancelled"}`); status != 400 || fieldErr(out, "status") == "" {
			t.Errorf("cancel by a status change: %d %v", status, out)
		}
		// The commander (admin) may cancel one they do not own.
		if status, _ := do(admin, "POST", "/api/v1/remediations/3/cancel", `{"reason":"folded into 2"}`); status != 200 {
			t.Errorf("the commander cancels: %d", status)
		}

		// Left out of the agenda, the overdue list and the reminders; kept,
		// cancelled, with its history.
		agenda, err := srv.client(admin).Review(t.Context(), today)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range agenda.Owners {
			for _, it := range g.Items {
				if it.Remediation.Status == hansei.RemediationCancelled {
					t.Errorf("cancelled remediation %d on the agenda", it.Remediation.ID)
				}
			}
		}
		// 1 is overdue; 2 is neither due nor stale; 3 and 4 are cancelled.
		if agendaIDs(agenda) != "1" {
			t.Errorf("agenda %s, want 1", agendaIDs(agenda))
		}
		overdue, err := srv.client(admin).Remediations(t.Context(), client.RemediationOptions{Overdue: true})
		if err != nil || len(overdue.Items) != 1 || overdue.Items[0].ID != 1 {
			t.Errorf("overdue: %+v, %v", overdue.Items, err)
		}
		clock.Add(time.Minute) // the reminder scan of today
		keys := func() string {
			_, out := do(admin, "GET", "/api/v1/admin/outbox", "")
			var ks []string
			items, _ := out["items"].([]any)
			for _, it := range items {
				ks = append(ks, it.(map[string]any)["key"].(string))
			}
			return strings.Join(ks, " ")
		}
		waitUntil(t, "the escalation of remediation 1", func() bool { return strings.Contains(keys(), "escalation:1:"+yesterday) })
		if k := keys(); strings.Contains(k, ":4:") || strings.Contains(k, ":3:") {
			t.Errorf("a cancelled remediation reminded or escalated: %s", k)
		}
		rem, err := srv.client(vera).Remediation(t.Context(), 4)
		if err != nil || rem.Status != hansei.RemediationCancelled || rem.Progress[len(rem.Progress)-1].Note != "cancelled: filed twice; see 1" {
			t.Errorf("remediation 4: %+v, %v", rem, err)
		}
		b := newBrowser(t, srv)
		b.signIn("bob")
		page := b.get("/remediations/4", http.StatusOK)
		mustContain(t, page, "cancelled page", `id="cancelled"`, "filed twice; see 1")
		if strings.Contains(page, `id="edit-form"`) || strings.Contains(page, `id="cancel-form"`) {
			t.Error("a cancelled remediation's page offers the edit or cancel form")
		}
		page = b.get("/remediations/2", http.StatusOK)
		mustContain(t, page, "the owner's page", `id="cancel-form"`)
		page = b.post("/remediations/2", url.Values{"due": {day(30)}}, http.StatusOK)
		mustContain(t, page, "warning after saving", "Remediation saved.", "is later than priority P1 expects")

		// The export lists the remediations asked for, not the cancelled.
		srv.mustCLI(t, admin, "incident", "status", "1", "resolved")
		srv.mustCLI(t, admin, "postmortem", "1", "create")
		md, err := srv.client(admin).ExportPostmortem(t.Context(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(md, "Rotated the keys (done last week)") || strings.Contains(md, "| Rotate the keys |") ||
			strings.Contains(md, "Cap the queue") {
			t.Errorf("export's remediations:\n%s", md)
		}

		// A contributing factor answered only by a cancelled remediation
		// has none, for the lint.
		capacity := "capacity"
		pm, err := srv.client(admin).AddWhy(t.Context(), 1, client.WhyRequest{Question: "Why did the queue grow?", Answer: "No cap.", Factor: &capacity})
		if err != nil {
			t.Fatal(err)
		}
		why := pm.Whys[len(pm.Whys)-1].ID
		factorFindings := func() int {
			fs, err := srv.client(admin).LintPostmortem(t.Context(), 1)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, f := range fs {
				if f.Rule == hansei.RuleFactorWithoutRemediation {
					n++
				}
			}
			return n
		}
		srv.mustCLI(t, bob, "remediation", "add", "1", "Cap the queue at 10k", "--owner", "bob", "--priority", "P2",
			"--due", day(10), "--why", strconv.FormatInt(why, 10)) // 5
		if n := factorFindings(); n != 0 {
			t.Errorf("%d factor findings with its remediation, want 0", n)
		}
		srv.mustCLI(t, bob, "remediation", "cancel", "5", "--reason", "duplicate of 3")
		if n := factorFindings(); n != 1 {
			t.Errorf("%d factor findings once its remediation is cancelled, want 1", n)
		}

		// A second outcome on the same day replaces the first; the first
		// stays in the review's history, on the API and the page.
		srv.mustCLI(t, admin, "review", today, "outcome", "1", "blocked", "waiting for the vendor")
		srv.mustCLI(t, carla, "review", today, "outcome", "1", "on_track", "vendor answered")
		shown := srv.mustCLI(t, carla, "remediation", "show", "1")
		if !strings.Contains(shown, "blocked — waiting for the vendor (replaced by carla,") {
			t.Errorf("the CLI does not show the replaced outcome:\n%s", shown)
		}
		agenda, err = srv.client(admin).Review(t.Context(), today)
		if err != nil {
			t.Fatal(err)
		}
		var mine []hansei.ReviewRecord
		for _, o := range agenda.Outcomes {
			if o.Remediation == 1 {
				mine = append(mine, o)
			}
		}
		if len(mine) != 2 || mine[0].Outcome != hansei.OutcomeBlocked || mine[0].ReplacedAt == nil || mine[0].ReplacedBy != "carla" ||
			mine[1].Outcome != hansei.OutcomeOnTrack || mine[1].ReplacedAt != nil {
			t.Errorf("review history of remediation 1: %+v", mine)
		}
		rem, err = srv.client(admin).Remediation(t.Context(), 1)
		if err != nil || rem.Status != hansei.RemediationOpen {
			t.Errorf("remediation 1 after blocked was replaced by on track: %+v, %v", rem.Status, err)
		}
		page = b.get("/reviews/"+today, http.StatusOK)
		mustContain(t, page, "review page", "Outcome: on track", `class="outcome-replaced hint"`, "waiting for the vendor", "replaced by carla")
	})
}

// agendaIDs are the remediation ids of an agenda, in order, joined by ",".
func agendaIDs(a client.ReviewAgenda) string {
	var ids []string
	for _, g := range a.Owners {
		for _, it := range g.Items {
			ids = append(ids, strconv.FormatInt(it.Remediation.ID, 10))
		}
	}
	return strings.Join(ids, ",")
}
