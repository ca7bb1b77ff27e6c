package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/notify"
)

// receiver is a real HTTP webhook receiver that checks every signature.
type receiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	got    []hansei.Notification
	ids    []string
	failN  int // answer 503 to this many requests first
	now    func() time.Time
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if !notify.Verify(rc.secret, r.Header.Get("Hansei-Timestamp"), r.Header.Get("Hansei-Signature"), body, rc.now(), 5*time.Minute) {
		rc.t.Errorf("a delivery with a bad signature: %s", r.Header)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.failN > 0 {
		rc.failN--
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	var n hansei.Notification
	if err := json.Unmarshal(body, &n); err != nil {
		rc.t.Errorf("body: %v", err)
	}
	rc.got = append(rc.got, n)
	rc.ids = append(rc.ids, r.Header.Get("Hansei-Delivery"))
}

func (rc *receiver) kinds() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, n := range rc.got {
		out = append(out, n.Kind+" to "+strings.Join(n.To, ","))
	}
	return out
}

// waitKinds waits until the receiver has exactly want, in order.
func (rc *receiver) waitKinds(t *testing.T, want ...string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Join(rc.kinds(), "; ") == strings.Join(want, "; ") {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("webhook received\n  %s\nwant\n  %s", strings.Join(rc.kinds(), "; "), strings.Join(want, "; "))
}

// TestRemindersAndEscalationsReachAWebhookOnce moves the clock through a
// remediation's due date: a reminder before it, one on it, an escalation
// to the owner and the commander when overdue — each once, signed, with a
// stable delivery id — plus the handover notice; a receiver that fails
// first still gets everything by retry.
func TestRemindersAndEscalationsReachAWebhookOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		clock := newTestClock()
		clock.now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		// The receiver checks timestamps against the server's clock, which
		// the test moves.
		rc := &receiver{t: t, secret: "s3cret-for-tests", failN: 1, now: clock.Now}
		hook := httptest.NewServer(rc)
		defer hook.Close()
		dir := t.TempDir()
		cfg := filepath.Join(dir, "hansei.yaml")
		os.WriteFile(cfg, []byte("notify:\n  allow_private_hosts: [127.0.0.1] # the test receivers listen there\n  webhooks:\n    - url: "+hook.URL+"\n      secret: s3cret-for-tests\n"), 0o600)
		srv := startServerAt(t, clock, dsn, "--config", cfg)
		admin := srv.AdminToken
		srv.addUser(t, "bob", "responder")
		carla := srv.addUser(t, "carla", "responder")
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "Checkout failing")
		srv.mustCLI(t, admin, "remediation", "add", "1", "Back off client retries", "--owner", "bob", "--priority", "P1", "--due", "2026-12-01")
		srv.mustCLI(t, carla, "remediation", "update", "1", "--owner", "carla")
		// Wait until the failed attempt is on record (its retry time is set
		// from the clock), then move the clock past the backoff.
		for deadline := time.Now().Add(15 * time.Second); ; {
			var outbox struct {
				Items []struct {
					LastError string `json:"last_error"`
				}
			}
			resp, err := srv.client(admin).Do(t.Context(), clientRequest("GET", "/api/v1/admin/outbox"))
			if err == nil && json.Unmarshal(resp.Body, &outbox) == nil && len(outbox.Items) == 1 && outbox.Items[0].LastError != "" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the failed first attempt was never recorded")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if len(rc.kinds()) != 0 {
			t.Fatal("the first attempt failed, yet the notification counts as received")
		}
		clock.Add(time.Minute) // past the backoff: the retry goes through
		rc.waitKinds(t, "remediation.handover to carla")

		clock.Add(8 * 24 * time.Hour) // 2026-11-28: three days before
		rc.waitKinds(t, "remediation.handover to carla", "remediation.reminder to carla")
		clock.Add(3 * 24 * time.Hour) // 2026-12-01: due
		rc.waitKinds(t, "remediation.handover to carla", "remediation.reminder to carla", "remediation.due to carla")
		clock.Add(2 * 24 * time.Hour) // 2026-12-03: two days overdue
		rc.waitKinds(t, "remediation.handover to carla", "remediation.reminder to carla", "remediation.due to carla",
			"remediation.escalation to carla,admin")
		clock.Add(2 * time.Hour) // the scan runs again the same day: nothing new
		time.Sleep(600 * time.Millisecond)
		if n := len(rc.kinds()); n != 4 {
			t.Fatalf("%d notifications after a second scan the same day, want 4: %v", n, rc.kinds())
		}
		seen := map[string]bool{}
		for _, id := range rc.ids {
			if id == "" || seen[id] {
				t.Fatalf("delivery ids %v: empty or repeated", rc.ids)
			}
			seen[id] = true
		}
		var outbox struct{ Items []struct{ State string } }
		resp, err := srv.client(admin).Do(t.Context(), clientRequest("GET", "/api/v1/admin/outbox"))
		if err != nil || resp.Status != 200 || json.Unmarshal(resp.Body, &outbox) != nil || len(outbox.Items) != 4 {
			t.Fatalf("admin outbox: %d %s %v", resp.Status, resp.Body, err)
		}
		for _, d := range outbox.Items {
			if d.State != "delivered" {
				t.Fatalf("outbox: %s", resp.Body)
			}
		}
		if resp, _ := srv.client(carla).Do(t.Context(), clientRequest("GET", "/api/v1/admin/outbox")); resp.Status != 403 {
			t.Fatalf("a responder read the outbox: %d", resp.Status)
		}
	})
}

// TestTwoInstancesNotifyOnce: two servers on one PostgreSQL, each with its
// scheduler and deliverer, send every notification exactly once.
func TestTwoInstancesNotifyOnce(t *testing.T) {
	pg, ok := sqldbtestPostgres(t)
	if !ok {
		t.Skip("needs PostgreSQL")
	}
	clock := newTestClock()
	clock.now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	rc := &receiver{t: t, secret: "s", now: clock.Now}
	hook := httptest.NewServer(rc)
	defer hook.Close()
	cfg := filepath.Join(t.TempDir(), "hansei.yaml")
	os.WriteFile(cfg, []byte("notify:\n  allow_private_hosts: [127.0.0.1] # the test receivers listen there\n  webhooks:\n    - url: "+hook.URL+"\n      secret: s\n"), 0o600)
	a := startServerAt(t, clock, pg, "--config", cfg)
	b := startServerAt(t, clock, pg, "--config", cfg)
	admin := a.AdminToken
	a.addUser(t, "bob", "responder")
	a.mustCLI(t, admin, "incident", "declare", "--severity", "SEV2", "Checkout failing")
	for _, srv := range []*server{a, b} {
		srv.mustCLI(t, admin, "remediation", "add", "1", "Back off client retries", "--owner", "bob", "--priority", "P1", "--due", "2026-12-01")
	}
	clock.Add(8 * 24 * time.Hour) // both instances scan: two reminders, each once
	rc.waitKinds(t, "remediation.reminder to bob", "remediation.reminder to bob")
	time.Sleep(1500 * time.Millisecond) // more scans and delivery rounds on both instances
	if n := len(rc.kinds()); n != 2 {
		t.Fatalf("%d deliveries, want 2: %v", n, rc.kinds())
	}
}
