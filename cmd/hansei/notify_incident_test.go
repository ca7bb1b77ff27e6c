package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
)

// notifyConfig writes a config with the test's mail sink and receivers.
func notifyConfig(t *testing.T, mail *mailSink, extra string) string {
	cfg := filepath.Join(t.TempDir(), "hansei.yaml")
	os.WriteFile(cfg, []byte("notify:\n  allow_private_hosts: [127.0.0.1] # the test receivers listen there\n"+
		"  smtp: {addr: \""+mail.ln.Addr().String()+"\", from: hansei@example.com}\n"+extra), 0o600)
	return cfg
}

// outboxDrained waits until nothing waits in the outbox.
func outboxDrained(t *testing.T, srv *server) {
	t.Helper()
	waitUntil(t, "every delivery", func() bool {
		var outbox struct{ Items []struct{ State string } }
		resp, err := srv.client(srv.AdminToken).Do(t.Context(), clientRequest("GET", "/api/v1/admin/outbox?state=pending"))
		return err == nil && json.Unmarshal(resp.Body, &outbox) == nil && len(outbox.Items) == 0
	})
}

// TestSEV1DeclaredReachesTheRuleRecipients: a rule sends a SEV1's
// declaration to three people and a named webhook. Each person gets one
// email in their own language, naming the severity with its definition
// in that language and linking to the incident; the webhook gets it once
// with everyone in to. A SEV3 declared next reaches none of them.
func TestSEV1DeclaredReachesTheRuleRecipients(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		clock := newTestClock()
		rc := &receiver{t: t, secret: "s3cret-for-tests", now: clock.Now}
		hook := httptest.NewServer(rc)
		defer hook.Close()
		mail := newMailSink(t)
		cfg := notifyConfig(t, mail, "  webhooks: [{name: incidents, url: \""+hook.URL+"\", secret: s3cret-for-tests}]\n"+
			"  rules:\n    - {severities: [SEV1, SEV2], users: [erin, jun, dora], channels: [incidents]}\n")
		srv := startServerAt(t, clock, dsn, "--config", cfg)
		langs := map[string]string{"erin": "en", "jun": "ja", "dora": "de"}
		for name, lang := range langs {
			srv.mustCLI(t, "", "users", "add", name, "--role", "responder", "--email", name+"@example.com", "--language", lang, "--db", srv.DSN)
		}
		// The admin writes in English; each reads their own language.
		srv.mustCLI(t, srv.AdminToken, "incident", "declare", "--severity", "SEV1", "Checkout down in every region")
		srv.mustCLI(t, srv.AdminToken, "incident", "declare", "--severity", "SEV3", "Slow search")
		outboxDrained(t, srv)
		sev1, _ := hansei.DefaultScales().Severity.Level("SEV1")
		subjects := map[string]string{"en": "INC-1 declared: Checkout down in every region",
			"ja": "INC-1 が宣言されました: Checkout down in every region", "de": "INC-1 ausgerufen: Checkout down in every region"}
		for name, lang := range langs {
			got := mail.to(name + "@example.com")
			if len(got) != 1 {
				t.Fatalf("%s got %d mails, want 1 (the SEV1's declaration only):\n%s", name, len(got), strings.Join(got, "\n---\n"))
			}
			if s := mailSubject(t, got[0]); s != subjects[lang] {
				t.Errorf("%s: subject %q, want %q", name, s, subjects[lang])
			}
			sevName, def := sev1.Localized(lang)
			for _, want := range []string{"SEV1 (" + sevName + "): " + def, srv.URL + "/incidents/1"} {
				if !strings.Contains(got[0], want) {
					t.Errorf("%s's mail (%s) lacks %q:\n%s", name, lang, want, got[0])
				}
			}
		}
		if got := rc.kinds(); !slices.Equal(got, []string{"incident.declared to erin,jun,dora"}) {
			t.Errorf("the named webhook got %q, want the SEV1's declaration only", got)
		}
	})
}

// TestIntentNotifiesThoseWhoMustAcknowledge: an intent that every active
// responder must acknowledge reaches each of the three once; its author
// hears of the objection, of its lifting, and that all acknowledged.
func TestIntentNotifiesThoseWhoMustAcknowledge(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		clock := newTestClock()
		mail := newMailSink(t)
		srv := startServerAt(t, clock, dsn, "--config", notifyConfig(t, mail, ""))
		tokens := map[string]string{}
		for _, name := range []string{"alice", "bob", "carol", "dave"} {
			out := srv.mustCLI(t, "", "users", "add", name, "--role", "responder", "--email", name+"@example.com", "--db", srv.DSN)
			tokens[name] = strings.TrimSpace(out)
		}
		srv.mustCLI(t, tokens["alice"], "incident", "declare", "--severity", "SEV3", "Queue backlog")
		for _, name := range []string{"bob", "carol", "dave"} {
			srv.callAPI(t, tokens[name], "POST", "/api/v1/incidents/1/responders", `{}`, 200)
		}
		srv.callAPI(t, tokens["alice"], "POST", "/api/v1/incidents/1/intents",
			`{"text":"Restart the consumers","kind":"action","ack_from":"all","window_seconds":3600}`, 201)
		outboxDrained(t, srv)
		awaiting := "INC-1: intent 1 awaits your acknowledgement"
		for _, name := range []string{"bob", "carol", "dave"} {
			got := mail.to(name + "@example.com")
			if len(got) != 1 || mailSubject(t, got[0]) != awaiting || !strings.Contains(got[0], "Restart the consumers") {
				t.Errorf("%s got %d mails, want one %q:\n%s", name, len(got), awaiting, strings.Join(got, "\n---\n"))
			}
		}
		aliceSubjects := func() []string {
			var out []string
			for _, m := range mail.to("alice@example.com") {
				out = append(out, mailSubject(t, m))
			}
			return out
		}
		srv.callAPI(t, tokens["bob"], "POST", "/api/v1/intents/1/object", `{"reason":"the consumers hold leases"}`, 200)
		outboxDrained(t, srv)
		if got := aliceSubjects(); !slices.Equal(got, []string{"INC-1: objection to your intent 1"}) {
			t.Fatalf("alice got %q after bob objected", got)
		}
		if m := mail.to("alice@example.com")[0]; !strings.Contains(m, "the consumers hold leases") {
			t.Errorf("the objection does not give its reason:\n%s", m)
		}
		srv.callAPI(t, tokens["bob"], "POST", "/api/v1/intents/1/lift-objection", ``, 200)
		outboxDrained(t, srv) // mails of one moment may arrive in any order; of two, in theirs
		for _, name := range []string{"bob", "carol", "dave"} {
			srv.callAPI(t, tokens[name], "POST", "/api/v1/intents/1/acknowledge", ``, 200)
		}
		outboxDrained(t, srv)
		want := []string{"INC-1: objection to your intent 1", "INC-1: objection to intent 1 lifted",
			"INC-1: intent 1 acknowledged by all; you may act"}
		if got := aliceSubjects(); !slices.Equal(got, want) {
			t.Errorf("alice got %q, want %q", got, want)
		}
		for _, name := range []string{"bob", "carol", "dave"} {
			if n := len(mail.to(name + "@example.com")); n != 1 {
				t.Errorf("%s got %d mails, want still 1", name, n)
			}
		}
	})
}

// TestRestrictedIncidentNotificationsNameNothing: the incident's own
// notifications follow the visibility rule: a rule's recipient who is not
// a member and a shared webhook hear only that a restricted incident needs
// attention; a member given a role gets the whole message.
func TestRestrictedIncidentNotificationsNameNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		clock := newTestClock()
		rc := &receiver{t: t, secret: "s3cret-for-tests", now: clock.Now}
		hook := httptest.NewServer(rc)
		defer hook.Close()
		mail := newMailSink(t)
		cfg := notifyConfig(t, mail, "  webhooks: [{url: \""+hook.URL+"\", secret: s3cret-for-tests}]\n"+
			"  rules:\n    - {severities: [SEV1], users: [erin]}\n")
		srv := startServerAt(t, clock, dsn, "--config", cfg)
		tokens := map[string]string{}
		for _, name := range []string{"alice", "bob", "erin"} {
			out := srv.mustCLI(t, "", "users", "add", name, "--role", "responder", "--email", name+"@example.com", "--db", srv.DSN)
			tokens[name] = strings.TrimSpace(out)
		}
		srv.mustCLI(t, tokens["alice"], "incident", "declare", "--severity", "SEV1", "--restricted", "CONFIDENTIAL merger data room down")
		srv.callAPI(t, tokens["alice"], "POST", "/api/v1/incidents/1/responders", `{"user":"bob"}`, 200)
		srv.callAPI(t, tokens["alice"], "POST", "/api/v1/incidents/1/roles", `{"role":"scribe","user":"bob"}`, 200)
		srv.callAPI(t, tokens["alice"], "POST", "/api/v1/incidents/1/status", `{"status":"identified"}`, 200)
		outboxDrained(t, srv)
		leak := regexp.MustCompile(`CONFIDENTIAL|merger|data room|INC-1\b|"incident":1\b|/incidents/1\b`)
		const notice = "A restricted incident needs your attention"
		for _, m := range mail.to("erin@example.com") {
			if s := leak.FindString(m); s != "" || mailSubject(t, m) != notice {
				t.Errorf("erin, not a member, was mailed %q of the restricted incident:\n%s", s, m)
			}
		}
		if n := len(mail.to("erin@example.com")); n != 1 {
			t.Errorf("erin got %d mails, want the declaration's notice", n)
		}
		kinds := map[string]bool{}
		rc.mu.Lock()
		for _, n := range rc.got {
			body, _ := json.Marshal(n)
			if s := leak.FindString(string(body)); s != "" || n.Subject != notice {
				t.Errorf("the webhook got %q of the restricted incident: %s", s, body)
			}
			kinds[n.Kind] = true
		}
		rc.mu.Unlock()
		for _, k := range []string{hansei.NotifyDeclared, hansei.NotifyRoleAssigned, hansei.NotifyStatusChanged} {
			if !kinds[k] {
				t.Errorf("the webhook got no notice of %s (got %v)", k, kinds)
			}
		}
		var whole bool
		for _, m := range mail.to("bob@example.com") {
			whole = whole || strings.Contains(m, "CONFIDENTIAL merger data room down") && strings.Contains(m, srv.URL+"/incidents/1")
		}
		if !whole {
			t.Errorf("bob, a member, did not get the whole message: %q", mail.to("bob@example.com"))
		}
	})
}

// TestBadNotifyRuleStopsTheStart: a rule naming a severity the scale does
// not have does not start, and says the line and what is allowed.
func TestBadNotifyRuleStopsTheStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hansei.yaml")
	os.WriteFile(path, []byte("notify:\n  webhooks: [{name: incidents, url: \"https://hooks.example.com/h\", secret: s}]\n"+
		"  rules:\n    - severities: [SEV0]\n      channels: [incidents]\n"), 0o600)
	var stdout, stderr strings.Builder
	err := run(context.Background(), []string{"serve", "--config", path, "--db", filepath.Join(dir, "h.db"), "--addr", "127.0.0.1:0"},
		envFunc(nil), strings.NewReader(""), &stdout, &stderr)
	if err == nil {
		t.Fatal("serve started with a rule for SEV0")
	}
	line := errorLine(err)
	for _, want := range []string{"hansei.yaml:4", "notify.rules[0].severities[0]", `unknown severity "SEV0"`, "SEV1, SEV2, SEV3, SEV4"} {
		if !strings.Contains(line, want) {
			t.Errorf("error %q lacks %q", line, want)
		}
	}
}
