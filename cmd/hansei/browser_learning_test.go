package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// Browser tests of the learning pages: the postmortem editor and the review
// agenda, through the element ids that templates/postmortem.html and
// templates/review.html document at their top. They run on SQLite only:
// ui_postmortem_test.go and ui_pages_test.go run the same pages on both
// databases without JavaScript.

// resolvedIncident declares an incident as user, with a note, and resolves
// it, so that its postmortem can be written; it returns its number.
func resolvedIncident(t *testing.T, api *client.Client) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inc, err := api.Declare(ctx, client.DeclareRequest{Title: "Checkout failing", Severity: "SEV2",
		Summary: "Card payments timed out for EU customers.", Services: []string{"checkout", "payments"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, note := range []string{
		"Payments pool at 100% since 09:02 UTC.",
		"Client retries triple the request rate to the payments service.",
		"Retries disabled by feature flag; the pool drains.",
	} {
		if _, err := api.AddNote(ctx, inc.Number, note); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := api.ChangeStatus(ctx, inc.Number, "resolved", "Error rate normal for 30 minutes."); err != nil {
		t.Fatal(err)
	}
	return inc.Number
}

// blamingResponse is a response section that the lint flags: it names a
// person and says what they should have done.
const blamingResponse = "Bob should have been more careful with the failover."

// TestBrowserPostmortem: write a postmortem in the browser: the draft, the
// sections (a blaming sentence is flagged inline, with the words marked,
// and the flag goes when it is reworded), a why-tree with a contributing
// factor and its remediation, a reviewer who approves in his own browser,
// and publication.
func TestBrowserPostmortem(t *testing.T) {
	srv := startServer(t, sqldbtest.SQLite(t).DSN)
	aliceToken := srv.addUser(t, "alice", "responder")
	srv.addUser(t, "bob", "responder")
	n := resolvedIncident(t, srv.client(aliceToken))
	page := fmt.Sprintf("/incidents/%d/postmortem", n)

	c := newChrome(t, srv)
	alice := c.newTab("alice")
	alice.signInByLink("alice")
	alice.open(fmt.Sprintf("/incidents/%d", n))
	alice.follow("Postmortem")
	alice.submit("create the draft", buttonIn("#pm-create", "Create the draft"))
	if p := alice.path(); p != page {
		t.Fatalf("after creating the draft the browser is at %s, want %s", p, page)
	}
	if s := eval[string](alice, `document.getElementById("pm-summary").value`); !strings.Contains(s, "Card payments timed out for EU customers.") {
		t.Errorf("the draft's summary starts as %q, want the incident's summary", s)
	}

	// The sections, one with a blaming sentence.
	sections := []struct{ key, text string }{
		{"impact", "About 40% of card payments in the EU failed for 40 minutes."},
		{"detection", "Customers reported failures 12 minutes before the saturation alert was seen."},
		{"response", blamingResponse},
		{"recovery", "Responders disabled client retries and the pool drained within 3 minutes."},
		{"lessons", "Saturation alerts page on-call; retries back off."},
	}
	for _, s := range sections {
		alice.fill("pm-"+s.key, s.text)
	}
	alice.submit("save the sections", buttonIn("#pm-sections", "Save all sections"))
	if f := alice.text(".flash"); !strings.Contains(f, "Saved") {
		t.Errorf("after saving the page says %q", f)
	}
	finding := alice.text("#sec-response .finding.blocking")
	if !strings.Contains(finding, "blame-person") && !strings.Contains(finding, "blame-phrase") {
		t.Fatalf("the blaming sentence is not flagged in the response section; the section reads:\n%s", alice.text("#sec-response"))
	}
	if m := alice.text("#sec-response .finding mark"); !strings.Contains(blamingResponse, m) || m == "" {
		t.Errorf("the finding marks %q, want words of the blaming sentence", m)
	}
	if s := alice.text("#lint-summary"); !strings.Contains(s, "blocking") {
		t.Errorf("the lint summary reads %q, want it to count the blocking finding", s)
	}
	// Visible, not merely in the page: it is where she is writing.
	if !eval[bool](alice, `(() => { const r = document.querySelector("#sec-response .finding").getBoundingClientRect(); return r.width > 0 && r.height > 0; })()`) {
		t.Errorf("the finding takes no space on the page")
	}
	alice.fill("pm-response", "The replica-lag check was not part of the failover runbook, so it was not run.")
	alice.submit("save the reworded section", buttonIn("#pm-sections", "Save all sections"))
	if eval[int](alice, `document.querySelectorAll('#sec-response .finding').length`) != 0 {
		t.Errorf("after rewording, the response section still has findings:\n%s", alice.text("#sec-response"))
	}

	// The why-tree: a why, a why beneath it, marked as a contributing
	// factor, and a remediation for it.
	alice.fill("why-add-q", "Why did checkout fail?")
	alice.fill("why-add-a", "The payments pool was exhausted.")
	alice.submit("add a why", buttonIn("#why-add", "Add why"))
	alice.openDetails("why-1-add")
	alice.fill("why-1-add-q", "Why was the pool exhausted?")
	alice.fill("why-1-add-a", "Client retries multiplied the load.")
	alice.submit("add a why beneath", buttonIn("#why-1-add", "Add why"))
	if !eval[bool](alice, `!!document.querySelector("#why-1 > ul > li#why-2")`) {
		t.Fatalf("why 2 is not beneath why 1:\n%s", alice.text("#whys"))
	}
	alice.openDetails("why-2-edit")
	alice.do("mark a contributing factor",
		chromedp.Click(chromedp.ID("why-2-cf")),
		chromedp.SetValue(chromedp.ID("why-2-f"), "capacity"))
	alice.submit("save the why", buttonIn("#why-2-edit", "Save why"))
	if s := alice.text("#why-2"); !strings.Contains(s, "Contributing factor") {
		t.Fatalf("why 2 is not marked as a contributing factor:\n%s", s)
	}
	due := time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02")
	alice.openDetails("why-2-rem")
	alice.fill("why-2-rt", "Back off client retries")
	alice.do("fill in the remediation",
		chromedp.SetValue(chromedp.ID("why-2-ro"), "bob"),
		chromedp.Click(chromedp.CSS(`#why-2-rem label.level:has(input[value="P1"]) span`)),
		chromedp.SetValue(chromedp.ID("why-2-rd"), due))
	alice.submit("add the remediation", buttonIn("#why-2-rem", "Add remediation"))
	if s := alice.text("#why-2"); !strings.Contains(s, "Back off client retries") || !strings.Contains(s, due) {
		t.Fatalf("the remediation is not shown with why 2:\n%s", s)
	}

	// Review: bob approves in his browser, alice publishes.
	alice.do("choose bob as reviewer", chromedp.Click(chromedp.ID("rv-bob")))
	alice.submit("save the reviewers", buttonIn("#pm-reviewers", "Save reviewers"))
	alice.submit("submit for review", buttonIn("#pm-review", "Submit for review"))
	if s := alice.text("#pm-review"); !strings.Contains(s, "Waiting for the approval of") {
		t.Errorf("after submitting, the review section reads:\n%s", s)
	}
	bob := c.newTab("bob")
	bob.signInByLink("bob")
	bob.open(page)
	bob.submit("approve", buttonIn("#pm-review", "Approve"))
	if s := bob.text("#pm-review"); !strings.Contains(s, "approved version") {
		t.Errorf("after bob approved, the review section reads:\n%s", s)
	}
	alice.open(page)
	alice.submit("publish", buttonIn("#pm-review", "Publish"))
	if f := alice.text(".flash"); !strings.Contains(f, "Published") {
		t.Fatalf("after publishing the page says %q", f)
	}
	if eval[int](alice, `document.querySelectorAll("textarea, #pm-sections, #why-add").length`) != 0 {
		t.Errorf("the published postmortem still offers its editing forms")
	}
	if !eval[bool](alice, `!!document.getElementById("pm-amend")`) {
		t.Errorf("the published postmortem offers no amendment")
	}
}

// agendaFixture puts remediations on the review agenda of date: two for
// bob (one of them overdue) and one for carla. It returns their ids in
// that order.
func agendaFixture(t *testing.T, api *client.Client, incident int64, date string) []int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	overdue := time.Now().UTC().AddDate(0, 0, -3).Format("2006-01-02")
	var ids []int64
	for _, r := range []struct{ title, owner, priority, due string }{
		{"Back off client retries", "bob", "P1", date},
		{"Runbook for the payments failover", "bob", "P2", overdue},
		{"Alert on the payments pool saturation", "carla", "P2", date},
	} {
		rem, err := api.CreateRemediation(ctx, client.RemediationRequest{Incident: incident, Title: &r.title,
			Owner: &r.owner, Priority: &r.priority, Due: &r.due, Backdate: true}) // some are overdue on purpose
		if err != nil {
			t.Fatalf("create remediation %q: %v", r.title, err)
		}
		ids = append(ids, rem.ID)
	}
	return ids
}

// TestBrowserReviewOutcome: on the review agenda, bob records an outcome
// for an item; the page comes back at that item, scrolled to it, with the
// outcome shown in place. A reschedule without a date is refused beside
// the item, with the cursor in the date field.
func TestBrowserReviewOutcome(t *testing.T) {
	srv := startServer(t, sqldbtest.SQLite(t).DSN)
	admin := srv.client(srv.AdminToken)
	srv.addUser(t, "bob", "responder")
	srv.addUser(t, "carla", "responder")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inc, err := admin.Declare(ctx, client.DeclareRequest{Title: "Checkout failing", Severity: "SEV2"})
	if err != nil {
		t.Fatal(err)
	}
	date := time.Now().UTC().AddDate(0, 0, 7).Format("2006-01-02")
	ids := agendaFixture(t, admin, inc.Number, date)
	last := ids[len(ids)-1] // carla's, at the bottom: the page must scroll to it

	c := newChrome(t, srv)
	bob := c.newTab("bob")
	bob.signInByLink("bob")
	bob.open("/reviews/" + date)
	for _, id := range ids {
		if !eval[bool](bob, fmt.Sprintf(`!!document.querySelector("section#rem-%d.agenda-item")`, id)) {
			t.Fatalf("remediation %d is not on the agenda of %s:\n%s", id, date, bob.text("main"))
		}
	}
	if owners := eval[string](bob, `[...document.querySelectorAll("section.owner-group")].map(s => s.dataset.owner).join(",")`); owners != "bob,carla" {
		t.Errorf("the agenda is grouped by %q, want bob,carla", owners)
	}

	item := fmt.Sprintf("#rem-%d", last)
	bob.do("choose an outcome",
		chromedp.SetValue(chromedp.CSS(item+` select[name=outcome]`), "on_track"),
		chromedp.SendKeys(chromedp.CSS(item+` input[name=note]`), "alert rule merged, rollout Friday"))
	bob.submit("record the outcome", buttonIn(item, "Record"))
	if h := eval[string](bob, `location.pathname + location.hash`); h != "/reviews/"+date+item {
		t.Fatalf("after recording, the browser is at %s, want the item %s", h, "/reviews/"+date+item)
	}
	if out := bob.text(item + " .outcome"); !strings.Contains(out, "on track") || !strings.Contains(out, "alert rule merged, rollout Friday") {
		t.Errorf("the item shows the outcome %q", out)
	}
	if !eval[bool](bob, fmt.Sprintf(`(() => { const r = document.querySelector(%s).getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; })()`, js(item))) {
		t.Errorf("the page did not come back scrolled to the item")
	}

	// Reschedule without a date: the message beside the item, the cursor in
	// the date field, the note kept.
	first := fmt.Sprintf("#rem-%d", ids[0])
	bob.do("choose reschedule",
		chromedp.SetValue(chromedp.CSS(first+` select[name=outcome]`), "reschedule"),
		chromedp.SendKeys(chromedp.CSS(first+` input[name=note]`), "waits for the freeze"))
	bob.submitWant("reschedule without a date", buttonIn(first, "Record"), 400)
	if e := bob.text(first + " .item-error"); !strings.Contains(e, "due date") {
		t.Errorf("the refused reschedule says %q beside the item", e)
	}
	// The browser applies autofocus when it next renders, after the load.
	bob.waitUntil("the cursor is in the item's date field", 5*time.Second,
		`(id) => document.activeElement && document.activeElement.id === id`, fmt.Sprintf("d-%d", ids[0]))
	if v := eval[string](bob, fmt.Sprintf(`document.querySelector(%s).value`, js(first+` input[name=note]`))); v != "waits for the freeze" {
		t.Errorf("after the refused reschedule the note reads %q", v)
	}
}
