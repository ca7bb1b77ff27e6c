package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
)

// pmSectionsForm is every section of the postmortem form, as a browser
// sends them, with the version the page was loaded at.
func pmSectionsForm(version string, sections map[string]string) url.Values {
	f := url.Values{"version": {version}}
	for _, k := range hansei.SectionKeys() {
		f.Set(k, sections[k])
	}
	return f
}

func mustContain(t *testing.T, page, what string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Fatalf("%s: the page lacks %q:\n%s", what, w, page)
		}
	}
}

func mustNotContain(t *testing.T, page, what string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(page, w) {
			t.Fatalf("%s: the page has %q, and should not:\n%s", what, w, page)
		}
	}
}

// TestPostmortemPagesWithoutJavaScript writes a postmortem through the web
// pages alone: the draft from the page, sections with a blaming phrase
// flagged inline, a why-tree with a factor and its remediation, review,
// approval by the reviewer in their own browser, publication and the
// read-only result; a stale save shows the conflict, and a viewer gets no
// forms.
func TestPostmortemPagesWithoutJavaScript(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		admin := srv.AdminToken
		srv.addUser(t, "alice", "responder")
		srv.addUser(t, "bob", "responder")
		srv.addUser(t, "carla", "responder")
		srv.addUser(t, "vera", "viewer")
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "--summary", "Card payments timed out", "Checkout failing")
		srv.mustCLI(t, admin, "incident", "note", "1", "Payments pool at 100% since 09:02 UTC")

		alice := newBrowser(t, srv)
		alice.signIn("alice")

		// Not resolved yet: the domain's message, no button.
		page := alice.get("/incidents/1/postmortem", http.StatusOK)
		mustContain(t, page, "open incident", "resolve it before writing its postmortem")
		mustNotContain(t, page, "open incident", `id="pm-create"`)

		srv.mustCLI(t, admin, "incident", "status", "1", "resolved")
		page = alice.get("/incidents/1/postmortem", http.StatusOK)
		mustContain(t, page, "no postmortem yet", "prefilled from the timeline", `id="pm-create"`, "Create the draft")

		// The draft, from the page.
		page = alice.post("/incidents/1/postmortem", url.Values{}, http.StatusOK)
		mustContain(t, page, "the new draft", `id="pm-sections"`, `id="pm-save"`, `id="lint-summary"`,
			`name="summary"`, "Card payments timed out", // the summary starts as the incident's
			"Payments pool at 100% since 09:02 UTC", // a candidate highlight
			`id="why-add"`, `id="pm-reviewers"`, `id="pm-submit"`, "Export as Markdown")
		if !regexp.MustCompile(`class="finding blocking"[^>]*data-rule="missing-section"`).MatchString(page) {
			t.Fatalf("an empty required section is not flagged:\n%s", page)
		}
		version := formValue(t, page, "version")

		// A blaming phrase is flagged under its section, with the text marked and a suggestion.
		sections := map[string]string{
			"summary":   "Card payments timed out for 40 minutes.",
			"impact":    "About 40% of card payments failed for 40 minutes.",
			"detection": "Customers reported failures 12 minutes before the saturation alert was seen.",
			"response":  "Bob should have been more careful with the failover.",
			"recovery":  "Responders disabled client retries and the pool drained within 3 minutes.",
			"lessons":   "Saturation alerts page on-call; retries back off.",
		}
		page = alice.post("/incidents/1/postmortem/sections", pmSectionsForm(version, sections), http.StatusOK)
		mustContain(t, page, "after saving", "Saved.", "Bob should have been more careful with the failover.")
		response := page[strings.Index(page, `id="sec-response"`):]
		response = response[:strings.Index(response, `id="sec-recovery"`)]
		if !regexp.MustCompile(`<mark>[^<]*should have[^<]*</mark>`).MatchString(response) {
			t.Fatalf("the blaming phrase is not marked in the response section:\n%s", response)
		}
		mustContain(t, response, "the response section", `class="finding blocking"`, "blame-person",
			"Say what was done and what was known at the time") // the suggestion of "should have"
		mustContain(t, page, "the summary", "blocking publication")

		// A save from a page loaded before the same section was saved is refused, and nothing typed is lost:
		// the typed text is in the form, the saved one beside it.
		stale := map[string]string{"response": "The failover ran without the replica-lag check."}
		page = alice.post("/incidents/1/postmortem/sections", pmSectionsForm(version, stale), http.StatusConflict)
		mustContain(t, page, "stale save", `class="flash error"`, "Someone else changed the same sections", `id="conflict-response"`,
			"Your text", "Saved meanwhile by someone else", "The failover ran without the replica-lag check.",
			"Bob should have been more careful with the failover.")
		if !regexp.MustCompile(`name="response"[^>]*>\n` + regexp.QuoteMeta(stale["response"]) + `</textarea>`).MatchString(page) {
			t.Errorf("the conflict page's form does not hold the text typed for the response:\n%s", page)
		}
		if back := formValue(t, page, "back"); back != "/incidents/1/postmortem" {
			t.Errorf("the conflict page's forms return to %q, not to the postmortem page", back)
		}
		version = formValue(t, page, "version")

		// Neutral words: the finding is gone.
		sections["response"] = "The replica-lag check was not part of the failover runbook, so it was not run."
		page = alice.post("/incidents/1/postmortem/sections", pmSectionsForm(version, sections), http.StatusOK)
		mustNotContain(t, page, "after rewording", "blame-person", "blame-phrase", `data-rule="missing-section"`)

		// A why, a why beneath it marked as a contributing factor, and its remediation.
		page = alice.post("/incidents/1/postmortem/whys", url.Values{"question": {"Why did checkout fail?"}, "answer": {"The payments pool was exhausted."}}, http.StatusOK)
		mustContain(t, page, "first why", `id="why-1"`, "Why did checkout fail?", `id="why-1-add"`)
		page = alice.post("/incidents/1/postmortem/whys", url.Values{"parent": {"1"}, "question": {"Why was the pool exhausted?"}, "answer": {"Client retries multiplied the load."}}, http.StatusOK)
		nested := regexp.MustCompile(`(?s)<li class="why" id="why-1">.*<ul>\s*<li class="why" id="why-2">`)
		if !nested.MatchString(page) {
			t.Fatalf("why 2 is not nested under why 1:\n%s", page)
		}
		page = alice.post("/incidents/1/postmortem/whys/2", url.Values{"question": {"Why was the pool exhausted?"},
			"answer": {"Client retries multiplied the load."}, "contributing": {"1"}, "factor": {"capacity"}}, http.StatusOK)
		mustContain(t, page, "factor", "Contributing factor: capacity", `data-rule="factor-without-remediation"`)
		page = alice.post("/incidents/1/postmortem/whys/2/remediations", url.Values{"title": {"Back off client retries"},
			"owner": {"bob"}, "priority": {"P1"}, "due": {"2026-12-01"}, "backdate": {"true"}}, http.StatusOK)
		mustContain(t, page, "remediation", "Remediation 1 added.", "Back off client retries", "2026-12-01")
		mustNotContain(t, page, "remediation", `data-rule="factor-without-remediation"`)
		why2 := page[strings.Index(page, `id="why-2"`):]
		if i := strings.Index(why2, "Back off client retries"); i < 0 || i > strings.Index(why2, `id="why-2-add"`) {
			t.Fatalf("the remediation is not shown with why 2:\n%s", why2)
		}
		// Bad input comes back as the domain's message.
		page = alice.post("/incidents/1/postmortem/whys/2/remediations", url.Values{"title": {"x"}, "owner": {"ghost"}, "priority": {"P1"}, "due": {"2026-12-01"}}, http.StatusOK)
		mustContain(t, page, "unknown owner", `class="flash error"`, `no user named &#34;ghost&#34;`)

		// A highlight, a reviewer, submit.
		seq := regexp.MustCompile(`name="highlights" value="(\d+)"`).FindStringSubmatch(page)
		if seq == nil {
			t.Fatalf("no highlight candidates:\n%s", page)
		}
		page = alice.post("/incidents/1/postmortem/highlights", url.Values{"highlights": {seq[1]}}, http.StatusOK)
		mustContain(t, page, "highlights", "Highlights saved.", `value="`+seq[1]+`" checked`)
		page = alice.post("/incidents/1/postmortem/submit", url.Values{}, http.StatusOK)
		mustContain(t, page, "submit without reviewers", `class="flash error"`, "name at least one reviewer")
		page = alice.post("/incidents/1/postmortem/reviewers", url.Values{"reviewers": {"carla"}}, http.StatusOK)
		mustContain(t, page, "reviewers", "Reviewers saved.", `value="carla" checked`)
		page = alice.post("/incidents/1/postmortem/submit", url.Values{}, http.StatusOK)
		mustContain(t, page, "submitted", "Submitted for review.", "in review", `id="pm-publish"`, "Waiting for the approval of")
		mustNotContain(t, page, "submitted", `id="pm-approve"`) // alice is not a reviewer
		page = alice.post("/incidents/1/postmortem/publish", url.Values{}, http.StatusOK)
		mustContain(t, page, "publish before approval", `class="flash error"`, "waiting for the approval of carla")

		// The reviewer approves in her own browser.
		carla := newBrowser(t, srv)
		carla.signIn("carla")
		page = carla.get("/incidents/1/postmortem", http.StatusOK)
		mustContain(t, page, "carla's page", `id="pm-approve"`)
		page = carla.post("/incidents/1/postmortem/approve", url.Values{}, http.StatusOK)
		mustContain(t, page, "approved", "Approved.", "approved version")
		mustNotContain(t, page, "approved", `id="pm-approve"`)

		// Publish: read-only, with an amend form; the incident is closed.
		alice.get("/incidents/1/postmortem", http.StatusOK)
		page = alice.post("/incidents/1/postmortem/publish", url.Values{}, http.StatusOK)
		mustContain(t, page, "published", "Published. The incident is closed.", "published", `id="pm-amend"`,
			"The replica-lag check was not part of the failover runbook")
		mustNotContain(t, page, "published", `id="pm-sections"`, `id="why-add"`, `id="pm-reviewers"`, `id="pm-submit"`,
			`id="pm-publish"`, `id="why-1-edit"`, "<textarea")
		inc, err := srv.client(admin).Incident(context.Background(), 1)
		if err != nil || inc.Status != hansei.StatusClosed {
			t.Fatalf("publishing from the page did not close the incident: %s %v", inc.Status, err)
		}

		// The Markdown export downloads as a file.
		resp, err := alice.http.Get(srv.URL + "/incidents/1/postmortem/export")
		if err != nil {
			t.Fatal(err)
		}
		body := alice.read(resp, "export", http.StatusOK)
		if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); !strings.HasPrefix(ct, "text/markdown") ||
			!strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "INC-1-postmortem.md") {
			t.Errorf("export headers: %q, %q", ct, cd)
		}
		mustContain(t, body, "export", "# INC-1: Checkout failing — postmortem", "Back off client retries")

		// A viewer reads it, without forms, and cannot change it.
		vera := newBrowser(t, srv)
		vera.signIn("vera")
		page = vera.get("/incidents/1/postmortem", http.StatusOK)
		mustContain(t, page, "viewer", "The replica-lag check was not part of the failover runbook", "Why did checkout fail?")
		mustNotContain(t, page, "viewer", `id="pm-amend"`, `id="pm-sections"`, `id="why-add"`, "<textarea")
		vera.post("/incidents/1/postmortem/amend", url.Values{"reason": {"mine now"}}, http.StatusForbidden)

		// Amend: a draft again, editable.
		page = alice.get("/incidents/1/postmortem", http.StatusOK)
		page = alice.post("/incidents/1/postmortem/amend", url.Values{"reason": {"the check was found in another runbook"}}, http.StatusOK)
		mustContain(t, page, "amended", `id="pm-sections"`, "the check was found in another runbook", `id="pm-submit"`)
		page = vera.get("/incidents/1/postmortem", http.StatusOK)
		mustNotContain(t, page, "viewer of a draft", `id="pm-sections"`, `id="why-add"`, `id="pm-reviewers"`, `id="pm-submit"`, "<textarea")
		vera.post("/incidents/1/postmortem/whys", url.Values{"question": {"q"}, "answer": {"a"}}, http.StatusForbidden)
	})
}

// TestPostmortemPageOverride publishes over a blocking finding with a
// recorded reason, and deletes a branch of the why-tree.
func TestPostmortemPageOverride(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		admin := srv.AdminToken
		srv.addUser(t, "alice", "responder")
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV3", "Queue backlog")
		srv.mustCLI(t, admin, "incident", "status", "1", "resolved")
		srv.mustCLI(t, admin, "postmortem", "1", "create")
		srv.mustCLI(t, admin, "why", "1", "Why did the queue back up?", "The consumers were scaled down.")
		srv.mustCLI(t, admin, "why", "1", "--parent", "1", "Why were they scaled down?", "A schedule ran at the wrong hour.")
		srv.mustCLI(t, admin, "postmortem", "1", "reviewers", "alice")
		srv.mustCLI(t, admin, "postmortem", "1", "submit")

		b := newBrowser(t, srv)
		b.signIn("alice")
		page := b.get("/incidents/1/postmortem", http.StatusOK)
		mustContain(t, page, "in review", "This deletes the why and the one beneath it.", `id="pm-approve"`)
		// Deleting the branch is an edit: alice is now one of its authors,
		// and an author does not review her own writing. The page no
		// longer offers the approval, and says why.
		page = b.post("/incidents/1/postmortem/whys/1/delete", url.Values{"cascade": {"true"}}, http.StatusOK)
		mustNotContain(t, page, `id="why-1"`, `id="why-2"`, `id="pm-approve"`)
		mustContain(t, page, `id="pm-approve-refused"`, "alice wrote part of this postmortem")
		page = b.post("/incidents/1/postmortem/approve", url.Values{}, http.StatusForbidden)
		mustContain(t, page, "alice wrote part of this postmortem", "cannot approve it")
		srv.addUser(t, "bert", "responder")
		srv.mustCLI(t, admin, "postmortem", "1", "reviewers", "bert")
		b = newBrowser(t, srv)
		b.signIn("bert")
		page = b.post("/incidents/1/postmortem/approve", url.Values{}, http.StatusOK)
		mustContain(t, page, "blocking", `id="pm-override"`)
		page = b.post("/incidents/1/postmortem/publish", url.Values{}, http.StatusOK)
		mustContain(t, page, "publish without a reason", `class="flash error"`, "blocking lint finding")
		page = b.post("/incidents/1/postmortem/publish", url.Values{"override": {"written up in the ops review"}}, http.StatusOK)
		mustContain(t, page, "published with an override", "Published over blocking findings", "written up in the ops review", `id="pm-amend"`)
	})
}
