package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// mailSink is a small real SMTP server (no TLS, no AUTH) that keeps every
// message by recipient.
type mailSink struct {
	ln   net.Listener
	mu   sync.Mutex
	mail map[string][]string // recipient → messages
}

func newMailSink(t *testing.T) *mailSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &mailSink{ln: ln, mail: map[string][]string{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.session(conn)
		}
	}()
	return s
}

func (s *mailSink) session(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(line string) { fmt.Fprintf(conn, "%s\r\n", line) }
	say("220 sink ESMTP")
	var to string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 sink")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			to = strings.ToLower(strings.Trim(strings.TrimSpace(line)[len("RCPT TO:"):], "<> "))
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			s.mu.Lock()
			s.mail[to] = append(s.mail[to], data.String())
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *mailSink) to(addr string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.mail[addr]...)
}

// slackSink is a Slack incoming webhook that keeps every message's text.
type slackSink struct {
	mu    sync.Mutex
	texts []string
}

func (s *slackSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var msg struct{ Text string }
	body, _ := io.ReadAll(r.Body)
	json.Unmarshal(body, &msg)
	s.mu.Lock()
	s.texts = append(s.texts, msg.Text)
	s.mu.Unlock()
	io.WriteString(w, "ok")
}

func (s *slackSink) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.texts...)
}

// waitUntil waits until cond holds, polling; what says what was awaited.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// received reports whether the webhook got a notification of kind to
// recipients.
func (rc *receiver) received(kindTo string) bool {
	for _, k := range rc.kinds() {
		if k == kindTo {
			return true
		}
	}
	return false
}

// TestRestrictedIncidentsStayOutOfNotifications reproduces the finding: a
// remediation of a restricted incident ("CONFIDENTIAL …"), handed to an
// owner who is not a member, was sent with its title and number to every
// webhook and Slack target, and by email to that owner, who gets 404
// reading it. Every kind of notification is driven through the real
// server — the handover, the reminder, the due-date reminder, the
// escalation and the digest — and what reaches the webhook, Slack and the
// owner's mailbox names no restricted incident; the commander, a member,
// still gets the whole escalation.
func TestRestrictedIncidentsStayOutOfNotifications(t *testing.T) {
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
			"  smtp: {addr: \""+mail.ln.Addr().String()+"\", from: hansei@example.com}\n"+
			"  webhooks: [{url: \""+hook.URL+"\", secret: s3cret-for-tests}]\n"+
			"  slack: [\""+slackSrv.URL+"\"]\n"+
			"  reminders: {digest: true}\n"), 0o600)
		srv := startServerAt(t, clock, dsn, "--config", cfg)
		admin := srv.AdminToken
		newUser := func(name string) string {
			out := srv.mustCLI(t, "", "users", "add", name, "--role", "responder", "--email", name+"@example.com", "--db", srv.DSN)
			return strings.TrimSpace(out)
		}
		alice, carla := newUser("alice"), newUser("carla")
		// INC-1 is restricted: alice declares it, so she is its commander
		// and its only member besides admins. INC-2 is internal.
		srv.mustCLI(t, alice, "incident", "declare", "--severity", "SEV1", "--restricted", "CONFIDENTIAL acquisition data room down")
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV3", "Checkout failing")
		srv.mustCLI(t, alice, "remediation", "add", "1", "CONFIDENTIAL rotate the deal-room keys", "--owner", "alice", "--priority", "P1", "--due", "2026-12-01")
		srv.mustCLI(t, alice, "remediation", "update", "1", "--owner", "carla") // the handover to a non-member
		srv.mustCLI(t, admin, "remediation", "add", "2", "Back off client retries", "--owner", "carla", "--priority", "P2", "--due", "2026-12-20")
		if resp, _ := srv.client(carla).Do(t.Context(), clientRequest("GET", "/api/v1/remediations/1")); resp.Status != 404 {
			t.Fatalf("carla, not a member, reads remediation 1: %d", resp.Status)
		}
		waitUntil(t, "the handover", func() bool { return rc.received("remediation.handover to carla") })
		for _, step := range []struct {
			day  time.Duration
			want string
		}{
			{24 * time.Hour, "remediation.digest to carla"},               // 2026-11-21
			{7 * 24 * time.Hour, "remediation.reminder to carla"},         // 2026-11-28: three days before
			{3 * 24 * time.Hour, "remediation.due to carla"},              // 2026-12-01
			{2 * 24 * time.Hour, "remediation.escalation to carla,alice"}, // 2026-12-03: two days overdue
		} {
			clock.Add(step.day)
			waitUntil(t, step.want, func() bool { return rc.received(step.want) })
		}
		waitUntil(t, "every delivery", func() bool {
			var outbox struct{ Items []struct{ State string } }
			resp, err := srv.client(admin).Do(t.Context(), clientRequest("GET", "/api/v1/admin/outbox?state=pending"))
			return err == nil && json.Unmarshal(resp.Body, &outbox) == nil && len(outbox.Items) == 0
		})

		// What identifies INC-1 or its remediation: its title's words, its
		// number, and the remediation's id and due date.
		leak := regexp.MustCompile(`CONFIDENTIAL|deal-room|acquisition|INC-1\b|[Rr]emediation 1\b|#1 |due (on )?2026-12-01|"due":"2026-12-01"|"remediation":1\b`)
		const notice = "A restricted incident needs your attention"
		link := srv.URL + "/remediations"
		restrictedSeen := map[string]bool{}
		rc.mu.Lock()
		for _, n := range rc.got {
			body, _ := json.Marshal(n)
			if m := leak.FindString(string(body)); m != "" {
				t.Errorf("the webhook got %q of the restricted incident: %s", m, body)
			}
			if n.Subject == notice {
				restrictedSeen[n.Kind] = true
				if !strings.Contains(n.Text, link) || !strings.HasPrefix(n.Key, "restricted:") {
					t.Errorf("a notice without the link to sign in, or with a telling key: %s", body)
				}
			}
			if n.Kind == hansei.NotifyDigest && (!strings.Contains(n.Text, "Back off client retries (INC-2") || !strings.Contains(n.Text, "restricted incidents")) {
				t.Errorf("the digest on the webhook: %q; want INC-2's item and a line for the restricted ones", n.Text)
			}
		}
		rc.mu.Unlock()
		for _, kind := range []string{hansei.NotifyHandover, hansei.NotifyReminder, hansei.NotifyDue, hansei.NotifyEscalation} {
			if !restrictedSeen[kind] {
				t.Errorf("no restricted notice of kind %s reached the webhook", kind)
			}
		}
		texts := slack.all()
		if len(texts) != len(rc.kinds()) {
			t.Errorf("Slack got %d messages, the webhook %d", len(texts), len(rc.kinds()))
		}
		for _, text := range texts {
			if m := leak.FindString(text); m != "" {
				t.Errorf("Slack got %q of the restricted incident: %s", m, text)
			}
		}
		carlaMail := mail.to("carla@example.com")
		notices := 0
		for _, m := range carlaMail {
			if s := leak.FindString(m); s != "" {
				t.Errorf("carla, not a member, was mailed %q of the restricted incident:\n%s", s, m)
			}
			if strings.Contains(m, "Subject: "+notice) {
				notices++
			}
		}
		if notices < 4 { // the handover, the reminder, the due date, the escalation
			t.Errorf("carla got %d notices about the restricted incident, want 4 or more:\n%s", notices, strings.Join(carlaMail, "\n---\n"))
		}
		// alice is its commander and a member: her copy of the escalation
		// is whole.
		whole := false
		for _, m := range mail.to("alice@example.com") {
			whole = whole || strings.Contains(m, "CONFIDENTIAL rotate the deal-room keys") && strings.Contains(m, "INC-1")
		}
		if !whole {
			t.Errorf("alice, the commander, did not get the whole escalation: %q", mail.to("alice@example.com"))
		}
	})
}
