package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// TestScreenshots writes the screenshots in docs/screenshots from a server
// with realistic data, at a desktop and a phone size. It is not a
// correctness test, and runs only when asked:
//
//	HANSEI_SCREENSHOTS=$PWD/docs/screenshots go test ./cmd/hansei/ -run TestScreenshots -count=1
//
// It also leaves full-page versions in $HANSEI_TEST_ARTIFACTS (see
// artifactsDir), for reviewing the layout below the fold.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("HANSEI_SCREENSHOTS")
	if dir == "" {
		t.Skip("set HANSEI_SCREENSHOTS=DIR to write the screenshots of the docs into DIR")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The server's clock starts 95 minutes ago and is moved on between the
	// steps, so that the timelines read like real incidents, and the open
	// intent is stated now: the page's countdown runs on the browser's clock.
	clock := newTestClock()
	clock.Add(-95 * time.Minute)
	srv := startServerAt(t, clock, sqldbtest.SQLite(t).DSN)
	user := func(name, zone string) *client.Client {
		out := srv.mustCLI(t, "", "users", "add", name, "--role", "responder", "--time-zone", zone, "--db", srv.DSN)
		return srv.client(strings.TrimSpace(out))
	}
	alice, bob, carla := user("alice", "Europe/Berlin"), user("bob", "Europe/Berlin"), user("carla", "Europe/London")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	at := func(d time.Duration) { clock.Add(d) }

	// Incident 1, over and done with: its postmortem and remediations.
	pmInc, err := alice.Declare(ctx, client.DeclareRequest{Title: "Card payments time out", Severity: "SEV2",
		Summary: "Card payments through the EU acquirer timed out; customers saw \"payment failed\".", Services: []string{"checkout", "payments"}})
	must(nil, err)
	n1 := pmInc.Number
	at(3 * time.Minute)
	must(alice.AddNote(ctx, n1, "Payments pool at 100%; requests queue for up to 30 s."))
	at(6 * time.Minute)
	must(alice.AddNote(ctx, n1, "Client retries triple the request rate to the payments service."))
	at(9 * time.Minute)
	must(alice.AddNote(ctx, n1, "Retries off by feature flag; the pool drains."))
	at(4 * time.Minute)
	must(alice.ChangeStatus(ctx, n1, "resolved", "Error rate normal for 30 minutes."))
	at(2 * time.Minute)
	must(alice.CreatePostmortem(ctx, n1))
	must(alice.PatchPostmortem(ctx, n1, map[string]any{
		"summary":   "Card payments through the EU acquirer timed out for 22 minutes. Bob should have been more careful with the failover.",
		"impact":    "About 40% of card payments in the EU failed for 22 minutes; about 3,100 orders.",
		"detection": "Customers reported failures 12 minutes before the saturation alert was seen; the on-call engineer forgot to check the payments dashboard.",
		"response":  "The failover ran without the replica-lag check, which the runbook does not list.",
		"recovery":  "Responders disabled client retries and the pool drained within 3 minutes.",
		"lessons":   "Saturation alerts page on-call; client retries back off.",
	}))
	pm, err := alice.AddWhy(ctx, n1, client.WhyRequest{Question: "Why did card payments time out?", Answer: "The payments connection pool was exhausted."})
	must(nil, err)
	root := pm.Whys[0].ID
	capacity := "capacity"
	must(alice.AddWhy(ctx, n1, client.WhyRequest{Parent: root, Question: "Why was the pool exhausted?",
		Answer: "Client retries without backoff tripled the load.", Factor: &capacity}))
	must(alice.AddWhy(ctx, n1, client.WhyRequest{Parent: root, Question: "Why did nobody see it for 12 minutes?",
		Answer: "The saturation alert went to a channel, not to the pager."}))

	// The review agenda of today: remediations for bob and carla, one
	// overdue, one with an outcome already recorded.
	today := clock.Now().Format("2006-01-02")
	ids := agendaFixture(t, alice, n1, today)
	must(bob.RemediationProgress(ctx, ids[0], "Backoff merged behind a flag; rollout on Friday.", "in_progress", ""))
	must(carla.RecordOutcome(ctx, today, ids[2], "on_track", "Alert rule reviewed by the payments team.", ""))

	// Incident 2, going on now: a commander and two responders, notes, a
	// severity change, and bob's stand-down waiting for the commander.
	at(50 * time.Minute)
	started := clock.Now().Add(-6 * time.Minute)
	inc, err := alice.Declare(ctx, client.DeclareRequest{Title: "Checkout fails for EU customers", Severity: "SEV3",
		Summary:  "Card payments to the EU acquirer time out; customers see \"payment failed\".",
		Services: []string{"checkout", "payments"}, StartedAt: &started})
	must(nil, err)
	n2 := inc.Number
	at(2 * time.Minute)
	must(bob.Join(ctx, n2, ""))
	must(alice.AddNote(ctx, n2, "Error rate for EU card payments at 12%; other regions normal."))
	at(3 * time.Minute)
	must(carla.Join(ctx, n2, ""))
	must(alice.AssignRole(ctx, n2, "communications", "carla"))
	at(2 * time.Minute)
	must(alice.ChangeSeverity(ctx, n2, "SEV2", "Error rate above 5% for 15 minutes and customers have no workaround."))
	at(4 * time.Minute)
	must(bob.AddNote(ctx, n2, "Rolled back payments-gateway 4.18 → 4.17; no change."))
	at(3 * time.Minute)
	must(carla.AddNote(ctx, n2, "Status page updated: degraded checkout for EU card payments."))
	at(5 * time.Minute)
	must(bob.AddNote(ctx, n2, "The acquirer confirms an incident on their side; they expect a fix within 30 minutes."))
	must(alice.ChangeStatus(ctx, n2, "identified", "Acquirer outage; waiting for their fix."))
	clock.Add(time.Since(clock.Now())) // about two minutes
	must(bob.StateIntent(ctx, n2, client.IntentRequest{Kind: "stand_down", AckFrom: "commander", WindowSeconds: 15 * 60,
		Text: "I have been on since 02:00 and would like to stand down. Carla has the context of the acquirer call. Objections?"}))

	c := newChrome(t, srv)
	w := c.newTab("alice")
	w.signInByLink("alice")
	full := artifactsDir()
	if err := os.MkdirAll(full, 0o755); err != nil {
		t.Fatal(err)
	}
	shots := []struct {
		name, path, wait string
		phoneScrollTo    string // where the phone's screen starts
	}{
		{"incident-intent", incidentPath(n2), "section.intent", ""},
		{"postmortem-lint", incidentPath(n1) + "/postmortem", "#sec-summary .finding", "#lint-summary"},
		{"review-agenda", "/reviews/" + today, "section.owner-group", ""},
	}
	for _, s := range shots {
		for _, size := range []struct {
			name          string
			width, height int64
			mobile        bool
		}{
			{"desktop", 1280, 900, false},
			{"phone", 390, 844, true},
		} {
			opts := []chromedp.EmulateViewportOption{}
			if size.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
			}
			w.do("size the window", chromedp.EmulateViewport(size.width, size.height, opts...),
				chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
					_, err := chromedp.Call(ctx, emulation.SetScrollbarsHidden, emulation.SetScrollbarsHiddenParams{Hidden: true})
					return err
				}))
			w.open(s.path)
			w.do("wait for "+s.wait, chromedp.WaitVisible(chromedp.CSS(s.wait)))
			if size.mobile && s.phoneScrollTo != "" {
				eval[chromedp.Void](w, `document.querySelector(`+js(s.phoneScrollTo)+`).scrollIntoView({block: "start"})`)
			}
			// Nothing may stick out sideways, with every <details> open (a
			// closed one keeps a layout for its hidden content): on a phone
			// that means scrolling sideways to read.
			if wide := eval[string](w, `(() => {
				const closed = [...document.querySelectorAll("details:not([open])")];
				closed.forEach(d => d.open = true);
				const out = [];
				for (const e of document.querySelectorAll("body *")) {
					const r = e.getBoundingClientRect();
					if (r.width > 0 && r.right > document.documentElement.clientWidth + 0.5)
						out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : "") + " right=" + Math.round(r.right));
				}
				closed.forEach(d => d.open = false);
				return out.slice(0, 10).join(", ");
			})()`); wide != "" {
				t.Errorf("%s at %s: elements wider than the screen (%dpx): %s", s.path, size.name, size.width, wide)
			}
			name := s.name + "-" + size.name + ".png"
			png := run1(t, w, chromedp.CaptureScreenshot())
			if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
				t.Fatal(err)
			}
			png = run1(t, w, chromedp.FullScreenshot(100))
			if err := os.WriteFile(filepath.Join(full, "full-"+name), png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s (full page: %s)", filepath.Join(dir, name), filepath.Join(full, "full-"+name))
		}
	}
}

func incidentPath(n int64) string { return "/incidents/" + itoa(n) }

// run1 runs one action that returns a value in the window.
func run1[T any](t *testing.T, b *tab, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", b.name, err)
	}
	return v
}
