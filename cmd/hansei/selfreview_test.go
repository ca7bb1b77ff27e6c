package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hansei-dev/hansei/client"
)

// selfReviewStart gives a resolved INC-1 whose postmortem alice drafted and
// wrote, ready for review, and alice's API client.
func selfReviewStart(t *testing.T, srv *server) (alice string, c *client.Client) {
	t.Helper()
	admin := srv.AdminToken
	alice = srv.addUser(t, "alice", "responder")
	srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV3", "Queue backlog")
	srv.mustCLI(t, admin, "incident", "status", "1", "resolved")
	srv.mustCLI(t, alice, "postmortem", "1", "create")
	for k, v := range map[string]string{"summary": "The queue backed up for an hour.", "impact": "Emails were late.",
		"detection": "An alert fired.", "response": "Consumers were scaled up.", "recovery": "The backlog drained.", "lessons": "Scale on queue depth."} {
		srv.mustCLI(t, alice, "postmortem", "1", "set", k, v)
	}
	return alice, srv.client(alice)
}

// TestAuthorCannotReviewOwnPostmortem is finding 10 as it was found: the
// author names herself the sole reviewer, approves and publishes with an
// override. The API, the pages and the command line refuse the first
// step, saying who may review; nothing is published.
func TestAuthorCannotReviewOwnPostmortem(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		_, c := selfReviewStart(t, srv)
		ctx := context.Background()

		_, err := c.PatchPostmortem(ctx, 1, map[string]any{"reviewers": []string{"alice"}})
		e := wantAPIError(t, err, http.StatusBadRequest, "reviewers")
		if !strings.Contains(e.Error.Message, "alice wrote part of this postmortem") || !strings.Contains(e.Error.Message, "not its authors") {
			t.Errorf("message %q", e.Error.Message)
		}
		if _, err := c.PostmortemAction(ctx, 1, "approve", struct{}{}); client.ErrorStatus(err) != http.StatusConflict {
			t.Errorf("approve: %v, want 409", err)
		}
		if _, err := c.PostmortemAction(ctx, 1, "publish", map[string]string{"override": "trust me"}); client.ErrorStatus(err) != http.StatusConflict {
			t.Errorf("publish: %v, want 409", err)
		}

		// The page says the same, and offers alice no checkbox for herself.
		b := newBrowser(t, srv)
		b.signIn("alice")
		page := b.get("/incidents/1/postmortem", http.StatusOK)
		mustContain(t, page, `value="alice" disabled`, "its authors cannot review it")
		page = b.post("/incidents/1/postmortem/reviewers", url.Values{"reviewers": {"alice"}}, http.StatusOK)
		mustContain(t, page, `class="flash error"`, "alice wrote part of this postmortem")

		// The command line, in one line.
		if r := srv.cli(t, srv.AdminToken, "postmortem", "1", "reviewers", "alice"); r.err == nil || !strings.Contains(errorLine(r.err), "alice wrote part of this postmortem") {
			t.Errorf("cli: %v", r.err)
		}
		pm, err := c.Postmortem(ctx, 1)
		if err != nil || pm.Status != "draft" || len(pm.Reviewers) != 0 || pm.PublishedAt != nil {
			t.Fatalf("after the attempts: %+v %v", pm, err)
		}
	})
}

// TestSelfReviewAllowedIsAnOverride: where the configuration allows
// self-review, the author may review her own postmortem, but publishing
// it on her approval alone needs a reason, which is recorded with who and
// when, and shown in the API, on the page, in the export and on the
// incident's timeline.
func TestSelfReviewAllowedIsAnOverride(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		cfg := filepath.Join(t.TempDir(), "hansei.yaml")
		if err := os.WriteFile(cfg, []byte("postmortems:\n  allow_self_review: true\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		srv := startServer(t, dsn, "--config", cfg)
		alice, c := selfReviewStart(t, srv)
		ctx := context.Background()
		srv.mustCLI(t, alice, "postmortem", "1", "reviewers", "alice")
		srv.mustCLI(t, alice, "postmortem", "1", "submit")
		srv.mustCLI(t, alice, "postmortem", "1", "approve")

		_, err := c.PostmortemAction(ctx, 1, "publish", map[string]string{"override": " \u200b "})
		wantAPIError(t, err, http.StatusBadRequest, "override")
		_, err = c.PostmortemAction(ctx, 1, "publish", struct{}{})
		if e := wantAPIError(t, err, http.StatusConflict, ""); !strings.Contains(e.Error.Message, "only the postmortem's own authors (alice) approved it") {
			t.Errorf("message %q", e.Error.Message)
		}
		b := newBrowser(t, srv)
		b.signIn("alice")
		page := b.get("/incidents/1/postmortem", http.StatusOK)
		mustContain(t, page, "Only the postmortem&#39;s own authors approved it.", `id="pm-override"`)

		pm, err := c.PostmortemAction(ctx, 1, "publish", map[string]string{"override": "We are a team of one this week."})
		if err != nil {
			t.Fatal(err)
		}
		o := pm.PublishedOver
		if pm.Status != "published" || pm.Override != "We are a team of one this week." || o == nil || o.By != "alice" ||
			o.Reason != pm.Override || !slices.Equal(o.SelfReviewedBy, []string{"alice"}) || o.At.IsZero() {
			t.Fatalf("published: %s, override %q, published_over %+v", pm.Status, pm.Override, o)
		}
		page = b.get("/incidents/1/postmortem", http.StatusOK)
		mustContain(t, page, `id="pm-published-over"`, "Published on its authors&#39; own review", "We are a team of one this week.",
			"Approved only by its own authors")
		md, err := c.ExportPostmortem(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, md, "> Published on its authors' own review: We are a team of one this week.",
			"> Published by alice, ", "> Approved only by its authors: alice")
		tl, err := c.Timeline(ctx, 1, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		last := tl.Items[len(tl.Items)-1]
		if !strings.Contains(string(last.Data), "over a review by its own authors (alice): We are a team of one this week.") {
			t.Errorf("the closing event does not record the override: %s %s", last.Type, last.Data)
		}
	})
}

// wantAPIError checks an API refusal's status and, if field is given,
// that the JSON error contract names it.
func wantAPIError(t *testing.T, err error, status int, field string) apiError {
	t.Helper()
	if client.ErrorStatus(err) != status {
		t.Fatalf("error %v, want status %d", err, status)
	}
	var e apiError
	e.Error.Message = err.Error()
	var ce *client.Error
	if errors.As(err, &ce) {
		e.Error.Code, e.Error.Message, e.Error.Fields = ce.Code, ce.Message, ce.Fields
	}
	if field != "" && e.Error.Fields[field] == "" {
		t.Fatalf("error %q does not name %q (fields %v)", e.Error.Message, field, e.Error.Fields)
	}
	return e
}
