package main

import (
	"encoding/json"
	"mime"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// TestNotificationsInTheRecipientsLanguage: remediation reminders,
// escalations and digests reach each person in their own language, never
// the sender's, with the plural the number needs ("1 Tag überfällig", "2
// Tage überfällig"); a shared channel is written in the language the
// config gives it (Slack in notify.language, a webhook in its own), and the
// webhook's machine fields do not change with it. The mails in German and
// Japanese hold no sentence of the English notification messages.
func TestNotificationsInTheRecipientsLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		clock := newTestClock()
		clock.now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		rc := &receiver{t: t, secret: "s3cret-for-tests", now: clock.Now}
		hook := httptest.NewServer(rc)
		defer hook.Close()
		slack := &slackSink{}
		slackSrv := httptest.NewServer(slack)
		defer slackSrv.Close()
		mail := newMailSink(t)
		cfg := filepath.Join(t.TempDir(), "hansei.yaml")
		os.WriteFile(cfg, []byte("notify:\n  allow_private_hosts: [127.0.0.1] # the test receivers listen there\n"+
			"  language: de\n"+
			"  smtp: {addr: \""+mail.ln.Addr().String()+"\", from: hansei@example.com}\n"+
			"  webhooks: [{url: \""+hook.URL+"\", secret: s3cret-for-tests, language: ja}]\n"+
			"  slack: [\""+slackSrv.URL+"\"]\n"+
			"  reminders: {before_days: 1, escalate_after_days: 1, digest: true}\n"), 0o600)
		srv := startServerAt(t, clock, dsn, "--config", cfg)
		admin := srv.AdminToken
		for _, u := range []struct{ name, lang string }{{"dora", "de"}, {"jun", "ja"}} {
			srv.mustCLI(t, "", "users", "add", u.name, "--role", "responder", "--email", u.name+"@example.com",
				"--language", u.lang, "--db", srv.DSN)
		}
		// The admin, who writes in English, declares and assigns; what
		// each owner reads is in their own language.
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "Checkout failing")
		for _, r := range []struct{ title, owner, due string }{
			{"Back off client retries", "dora", "2026-11-19"},  // 1 day overdue on 2026-11-20
			{"Alert on pool saturation", "dora", "2026-11-18"}, // 2 days overdue
			{"Cap the queue", "dora", "2026-11-21"},            // due in 1 day
			{"Shard the sessions", "jun", "2026-11-21"},        // due in 1 day
			{"Drain the old nodes", "jun", "2026-11-18"},       // 2 days overdue
		} {
			srv.mustCLI(t, admin, "remediation", "add", "1", r.title, "--owner", r.owner, "--priority", "P2", "--due", r.due, "--backdate")
		}
		clock.Add(time.Minute) // the scan of 2026-11-20
		subjects := func(addr string) []string {
			var out []string
			for _, m := range mail.to(addr) {
				out = append(out, mailSubject(t, m))
			}
			return out
		}
		has := func(addr, want string) bool {
			for _, s := range subjects(addr) {
				if s == want {
					return true
				}
			}
			return false
		}
		want := map[string][]string{
			"dora@example.com": {"Maßnahme 1 ist 1 Tag überfällig", "Maßnahme 2 ist 2 Tage überfällig",
				"Maßnahme 3 ist in 1 Tag fällig"},
			"jun@example.com": {"改善策 4 の期限まであと 1 日です", "改善策 5 は期限を 2 日過ぎています"},
		}
		for addr, subjects := range want {
			for _, s := range subjects {
				waitUntil(t, addr+": "+s, func() bool { return has(addr, s) })
			}
		}
		// The day's digest was built at the first scan, before there was
		// anything to tell: the next day's has it all.
		clock.Add(24 * time.Hour)
		for addr, s := range map[string]string{"dora@example.com": "Ihre 3 offenen Maßnahmen", "jun@example.com": "未完了の改善策 2 件"} {
			waitUntil(t, addr+": "+s, func() bool { return has(addr, s) })
		}
		// The texts: the recipient's words around the data.
		body := map[string]string{}
		for addr := range want {
			body[addr] = strings.Join(mail.to(addr), "\n")
		}
		for addr, texts := range map[string][]string{
			"dora@example.com": {"„Back off client retries“ (INC-1, P2), verantwortlich dora, war am 2026-11-19 fällig.",
				"- #2 Alert on pool saturation (INC-1, P2, fällig am 2026-11-18, offen)", "Von hansei gesendet: "},
			"jun@example.com": {"「Shard the sessions」（INC-1、P2）の期限は 2026-11-21 です。あなたが責任者です。",
				"- #5 Drain the old nodes（INC-1、P2、期限 2026-11-18、未完了）", "hansei より送信: "},
		} {
			for _, text := range texts {
				if !strings.Contains(body[addr], text) {
					t.Errorf("%s got no %q:\n%s", addr, text, body[addr])
				}
			}
		}
		english := englishNotificationSentences(t)
		for addr, b := range body {
			text := b
			for _, s := range subjects(addr) {
				text += "\n" + s
			}
			for sentence, id := range english {
				if strings.Contains(text, sentence) {
					t.Errorf("%s's mail holds %q, English of %s", addr, sentence, id)
				}
			}
		}

		// Shared channels: Slack in notify.language (German), the webhook
		// in its own (Japanese), with the same machine fields as ever.
		waitUntil(t, "the escalation on Slack", func() bool {
			for _, text := range slack.all() {
				if strings.HasPrefix(text, "*Maßnahme 2 ist 2 Tage überfällig*\n") {
					return true
				}
			}
			return false
		})
		waitUntil(t, "the escalation on the webhook", func() bool { return rc.received("remediation.escalation to jun,admin") })
		rc.mu.Lock()
		defer rc.mu.Unlock()
		for _, n := range rc.got {
			if n.Kind != hansei.NotifyEscalation || n.To[0] != "jun" {
				continue
			}
			if n.Subject != "改善策 5 は期限を 2 日過ぎています" || n.Language != "ja" || n.Key != "escalation:5:2026-11-18" {
				t.Errorf("the webhook's escalation: %+v", n)
			}
			raw, _ := json.Marshal(n.Data)
			if !strings.Contains(string(raw), `"days":2`) || !strings.Contains(string(raw), `"remediation":5`) ||
				!strings.Contains(string(raw), `"due":"2026-11-18"`) {
				t.Errorf("the webhook's machine fields changed: %s", raw)
			}
		}
	})
}

// mailSubject is a message's subject, its encoded words decoded.
func mailSubject(t *testing.T, m string) string {
	subject := regexp.MustCompile(`(?m)^Subject: (.*)\r?$`).FindStringSubmatch(m)
	if subject == nil {
		t.Fatalf("a mail without a subject:\n%s", m)
	}
	s, err := new(mime.WordDecoder).DecodeHeader(strings.TrimSpace(subject[1]))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// englishNotificationSentences are the English catalog's notification
// messages, split at their placeholders into the sentences (two words or
// more) that a translation must not keep.
func englishNotificationSentences(t *testing.T) map[string]string {
	out := map[string]string{}
	placeholder := regexp.MustCompile(`\{\{[^}]*\}\}`)
	add := func(id, text string) {
		for _, f := range placeholder.Split(text, -1) {
			if f = strings.Trim(strings.Join(strings.Fields(f), " "), " :.,;()-#\""); strings.Contains(f, " ") {
				out[f] = id
			}
		}
	}
	eachEnglishText(t, func(id string) bool { return strings.HasPrefix(id, "notify.") }, add)
	if len(out) < 15 {
		t.Fatalf("only %d English sentences of notifications: the catalog's reading is broken", len(out))
	}
	return out
}
