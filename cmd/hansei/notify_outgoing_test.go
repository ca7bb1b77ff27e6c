package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestWebhookRedirectsAreNotFollowed reproduces the finding: a webhook
// receiver answered 307 to an internal address, and hansei re-POSTed the
// signed body there. Now the 307 is a failed delivery whose error says
// where it pointed, and the internal server hears nothing.
func TestWebhookRedirectsAreNotFollowed(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		var reached atomic.Int64
		internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reached.Add(1)
			io.Copy(io.Discard, r.Body)
		}))
		defer internal.Close()
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, internal.URL+"/admin/run", http.StatusTemporaryRedirect)
		}))
		defer hook.Close()
		cfg := filepath.Join(t.TempDir(), "hansei.yaml")
		os.WriteFile(cfg, []byte("notify:\n  allow_private_hosts: [127.0.0.1] # the test receivers listen there\n"+
			"  webhooks: [{url: \""+hook.URL+"\", secret: s}]\n"), 0o600)
		clock := newTestClock() // before the due date: the handover is the only notification
		clock.now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		srv := startServerAt(t, clock, dsn, "--config", cfg)
		admin := srv.AdminToken
		srv.addUser(t, "bob", "responder")
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "Checkout failing")
		srv.mustCLI(t, admin, "remediation", "add", "1", "Back off retries", "--owner", "admin", "--priority", "P1", "--due", "2026-12-01")
		srv.mustCLI(t, admin, "remediation", "update", "1", "--owner", "bob") // a handover: one delivery
		var lastError string
		waitUntil(t, "the delivery's first attempt", func() bool {
			var outbox struct {
				Items []struct {
					State     string
					LastError string `json:"last_error"`
				}
			}
			resp, err := srv.client(admin).Do(t.Context(), clientRequest("GET", "/api/v1/admin/outbox"))
			if err != nil || json.Unmarshal(resp.Body, &outbox) != nil || len(outbox.Items) != 1 {
				return false
			}
			lastError = outbox.Items[0].LastError
			return lastError != "" || outbox.Items[0].State == "delivered"
		})
		for _, want := range []string{"HTTP 307", internal.URL + "/admin/run", "redirects are not followed"} {
			if !strings.Contains(lastError, want) {
				t.Errorf("the delivery's error %q does not say %q", lastError, want)
			}
		}
		if n := reached.Load(); n != 0 {
			t.Fatalf("the redirect's target got %d requests", n)
		}
	})
}

// TestNonPublicTargetsStopTheStart: a config whose webhook names the
// cloud's metadata address (or loopback) without allowing it does not
// start, and says what to add.
func TestNonPublicTargetsStopTheStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hansei.yaml")
	os.WriteFile(path, []byte("notify:\n  webhooks:\n    - url: http://169.254.169.254/latest/meta-data\n      secret: s\n"), 0o600)
	var stdout, stderr strings.Builder
	err := run(context.Background(), []string{"serve", "--config", path, "--db", filepath.Join(dir, "h.db"), "--addr", "127.0.0.1:0"},
		envFunc(nil), strings.NewReader(""), &stdout, &stderr)
	if err == nil {
		t.Fatal("serve started with a webhook to 169.254.169.254")
	}
	line := errorLine(err)
	for _, want := range []string{"hansei.yaml:3", "notify.webhooks[0].url", "a link-local address", "notify.allow_private_hosts"} {
		if !strings.Contains(line, want) {
			t.Errorf("error %q lacks %q", line, want)
		}
	}
}

// TestSlackGetsRespondersTextInert reproduces the finding: a remediation
// titled with <!channel> and a disguised link reached Slack as a
// broadcast and a link. Now Slack gets them escaped.
func TestSlackGetsRespondersTextInert(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		slack := &slackSink{}
		slackSrv := httptest.NewServer(slack)
		defer slackSrv.Close()
		cfg := filepath.Join(t.TempDir(), "hansei.yaml")
		os.WriteFile(cfg, []byte("notify:\n  allow_private_hosts: [127.0.0.1] # the test receivers listen there\n"+
			"  slack: [\""+slackSrv.URL+"\"]\n"), 0o600)
		clock := newTestClock() // before the due date: the handover is the only notification
		clock.now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		srv := startServerAt(t, clock, dsn, "--config", cfg)
		admin := srv.AdminToken
		srv.addUser(t, "bob", "responder")
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "Checkout failing")
		srv.mustCLI(t, admin, "remediation", "add", "1", "<!channel> read <http://evil.example|https://status.example.com> & <@U024BE7LH>",
			"--owner", "admin", "--priority", "P1", "--due", "2026-12-01")
		srv.mustCLI(t, admin, "remediation", "update", "1", "--owner", "bob")
		waitUntil(t, "the Slack message", func() bool { return len(slack.all()) == 1 })
		text := slack.all()[0]
		if strings.ContainsAny(text, "<>") {
			t.Errorf("Slack got a control sequence: %q", text)
		}
		want := `&lt;!channel&gt; read &lt;http://evil.example|https://status.example.com&gt; &amp; &lt;@U024BE7LH&gt;`
		if !strings.Contains(text, want) {
			t.Errorf("Slack got %q, want the title escaped: %q", text, want)
		}
	})
}
