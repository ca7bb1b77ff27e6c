package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// eventReceiver is an event webhook's receiver that answers 500 while
// failing is set, and keeps every attempt and what it accepted.
type eventReceiver struct {
	failing  atomic.Bool
	mu       sync.Mutex
	attempts []string // delivery ids, in arrival order
	accepted []eventDelivery
}

type eventDelivery struct {
	id, timestamp, signature string
	body                     []byte
}

func (rc *eventReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.attempts = append(rc.attempts, r.Header.Get("Hansei-Delivery"))
	if rc.failing.Load() {
		http.Error(w, "down", http.StatusInternalServerError)
		return
	}
	rc.accepted = append(rc.accepted, eventDelivery{r.Header.Get("Hansei-Delivery"), r.Header.Get("Hansei-Timestamp"),
		r.Header.Get("Hansei-Signature"), body})
}

func (rc *eventReceiver) counts() (attempts, accepted int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.attempts), len(rc.accepted)
}

// verifyWebhook is written from docs/webhooks.md ("Verifying a delivery")
// alone: HMAC-SHA256 keyed with the secret over the Hansei-Timestamp
// header, a dot and the raw body, in lower-case hex after "sha256=", and a
// timestamp within five minutes of now.
func verifyWebhook(secret, timestamp, signature string, body []byte, now time.Time) bool {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return hmac.Equal([]byte("sha256="+hex.EncodeToString(mac.Sum(nil))), []byte(signature))
}

// TestEventWebhooksSurviveAFailingEndpoint: an endpoint answers 500 for a
// while (the test clock moves a minute and more of retries), then
// recovers: every event of the incidents it may hear of arrives once
// accepted, in each incident's order, none lost, signed as documented,
// with the same delivery id on every attempt; a restricted incident's
// events never reach it; a filtered endpoint gets only what it asked for.
func TestEventWebhooksSurviveAFailingEndpoint(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		rc := &eventReceiver{}
		rc.failing.Store(true)
		hook := httptest.NewServer(rc)
		defer hook.Close()
		filtered := &eventReceiver{}
		filteredHook := httptest.NewServer(filtered)
		defer filteredHook.Close()
		cfg := filepath.Join(t.TempDir(), "hansei.yaml")
		os.WriteFile(cfg, []byte("notify:\n  allow_private_hosts: [127.0.0.1] # the test receivers listen there\n"), 0o600)
		clock := newTestClock()
		srv := startServerAt(t, clock, dsn, "--config", cfg)
		api := func(method, path, body string) (int, []byte) {
			t.Helper()
			req := clientRequest(method, path)
			if body != "" {
				req.Body = []byte(body)
			}
			resp, err := srv.client(srv.AdminToken).Do(t.Context(), req)
			if err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			return resp.Status, resp.Body
		}

		// Bad input names the field.
		for body, field := range map[string]string{
			`{"url": "ftp://hooks.example.com/x"}`:                         "url",
			`{"url": "https://hooks.example.com/x", "events": ["nope"]}`:   "events",
			`{"url": "https://hooks.example.com/x", "severities": ["S9"]}`: "severities",
			`{"url": "http://127.0.0.2/x"}`:                                "url",
		} {
			status, resp := api("POST", "/api/v1/admin/webhooks", body)
			var e struct {
				Error struct{ Fields map[string]string }
			}
			json.Unmarshal(resp, &e)
			if status != http.StatusUnprocessableEntity || e.Error.Fields[field] == "" {
				t.Errorf("%s: HTTP %d %s, want 422 naming %s", body, status, resp, field)
			}
		}

		const secret = "a-long-random-test-secret"
		status, resp := api("POST", "/api/v1/admin/webhooks", `{"url": "`+hook.URL+`/events", "secret": "`+secret+`"}`)
		var created struct {
			ID     int64
			Secret string
		}
		json.Unmarshal(resp, &created)
		if status != http.StatusCreated || created.Secret != secret {
			t.Fatalf("create: HTTP %d %s", status, resp)
		}
		if status, resp := api("POST", "/api/v1/admin/webhooks", `{"url": "`+filteredHook.URL+`", "events": ["note.added"], "severities": ["SEV1"]}`); status != http.StatusCreated ||
			!strings.Contains(string(resp), `"secret":"hwh_`) {
			t.Fatalf("create filtered: HTTP %d %s", status, resp)
		}
		if _, list := api("GET", "/api/v1/admin/webhooks", ""); strings.Contains(string(list), secret) || strings.Contains(string(list), "hwh_") {
			t.Errorf("the list shows a secret: %s", list)
		}

		// Two incidents and a restricted one, events interleaved, while the
		// endpoint fails.
		api("POST", "/api/v1/incidents", `{"title": "Checkout failing", "severity": "SEV1"}`)
		api("POST", "/api/v1/incidents", `{"title": "Search slow", "severity": "SEV3"}`)
		api("POST", "/api/v1/incidents", `{"title": "SECRET breach", "severity": "SEV1", "visibility": "restricted"}`)
		waitUntil(t, "a failed attempt", func() bool { n, _ := rc.counts(); return n > 0 })
		for i := range 3 {
			for _, n := range []int{1, 2, 3} {
				if status, resp := api("POST", fmt.Sprintf("/api/v1/incidents/%d/notes", n), fmt.Sprintf(`{"text": "SECRET? note %d"}`, i)); status != http.StatusOK {
					t.Fatalf("note: HTTP %d %s", status, resp)
				}
			}
		}
		// Minutes of failures: each retry after the backoff (at most 15 s,
		// 30 s, 60 s, 120 s for the first four). The clock moves only once
		// the failure is recorded, else the retry would be due later.
		recorded := func() int {
			_, list := api("GET", "/api/v1/admin/webhooks", "")
			var hooks struct {
				Items []struct{ ID, Attempts int64 }
			}
			json.Unmarshal(list, &hooks)
			for _, h := range hooks.Items {
				if h.ID == created.ID {
					return int(h.Attempts)
				}
			}
			return 0
		}
		for k := 1; k <= 5; k++ {
			waitUntil(t, fmt.Sprintf("failed attempt %d", k), func() bool { return recorded() >= k })
			if k < 5 {
				clock.Add(2 * time.Minute)
			}
		}
		_, list := api("GET", "/api/v1/admin/webhooks", "")
		if !strings.Contains(string(list), "HTTP 500") || !strings.Contains(string(list), `"attempts":`) {
			t.Errorf("the list does not show the failures: %s", list)
		}
		// The outbox page shows the endpoint's failures and its attempts.
		b := newBrowser(t, srv)
		b.signIn("admin")
		page := b.get("/admin/outbox", http.StatusOK)
		section := page[strings.Index(page, `<section id="webhooks">`):]
		for _, want := range []string{`id="webhook-` + strconv.FormatInt(created.ID, 10) + `"`, "HTTP 500", `class="failed"`, "ev_" + strconv.FormatInt(created.ID, 10) + "_"} {
			if !strings.Contains(section, want) {
				t.Errorf("the outbox page's webhooks lack %q:\n%s", want, section)
			}
		}
		rc.failing.Store(false)
		clock.Add(2 * time.Hour) // past any backoff
		want := 0
		for _, n := range []int{1, 2} {
			_, tl := api("GET", fmt.Sprintf("/api/v1/incidents/%d/timeline", n), "")
			var timeline struct{ Items []json.RawMessage }
			json.Unmarshal(tl, &timeline)
			want += len(timeline.Items)
		}
		waitUntil(t, "every event", func() bool { _, n := rc.counts(); return n >= want })

		rc.mu.Lock()
		defer rc.mu.Unlock()
		if len(rc.accepted) != want {
			t.Errorf("accepted %d deliveries, want %d", len(rc.accepted), want)
		}
		lastSeq := map[int64]int64{}
		firstFailed := rc.attempts[0]
		for _, d := range rc.accepted {
			if !verifyWebhook(secret, d.timestamp, d.signature, d.body, clock.Now()) {
				t.Errorf("delivery %s: the signature does not verify", d.id)
			}
			var body struct {
				Event struct {
					Incident, Seq int64
					Type          string
				}
				Incident struct {
					Number int64
					Ref    string
					Title  string
				}
			}
			if err := json.Unmarshal(d.body, &body); err != nil {
				t.Fatal(err)
			}
			e := body.Event
			if e.Incident == 3 || strings.Contains(string(d.body), "SECRET breach") {
				t.Errorf("the restricted incident's event reached the endpoint: %s", d.body)
			}
			if e.Seq != lastSeq[e.Incident]+1 {
				t.Errorf("INC-%d: event %d arrived after %d", e.Incident, e.Seq, lastSeq[e.Incident])
			}
			lastSeq[e.Incident] = e.Seq
			if body.Incident.Number != e.Incident || body.Incident.Ref == "" || body.Incident.Title == "" {
				t.Errorf("the incident is missing from %s", d.body)
			}
		}
		if rc.accepted[0].id != firstFailed {
			t.Errorf("the first accepted delivery is %s, the first attempt was %s: the id changed on retry", rc.accepted[0].id, firstFailed)
		}
		for _, id := range rc.attempts[:len(rc.attempts)-want] {
			if id != firstFailed {
				t.Errorf("a failed attempt carried %s, not the first event's %s: a later event overtook it", id, firstFailed)
			}
		}
		// Deleting: once; then it is gone from the list.
		path := "/api/v1/admin/webhooks/" + strconv.FormatInt(created.ID, 10)
		if status, resp := api("DELETE", path, ""); status != http.StatusOK {
			t.Errorf("DELETE: HTTP %d %s", status, resp)
		}
		if status, _ := api("DELETE", path, ""); status != http.StatusNotFound {
			t.Errorf("DELETE again: HTTP %d, want 404", status)
		}
		if _, list := api("GET", "/api/v1/admin/webhooks", ""); strings.Contains(string(list), hook.URL) {
			t.Errorf("the deleted endpoint is still listed: %s", list)
		}
		// The filtered endpoint: the three notes of the SEV1 incident 1.
		filtered.mu.Lock()
		defer filtered.mu.Unlock()
		if len(filtered.accepted) != 3 {
			t.Errorf("the filtered endpoint got %d deliveries, want the 3 notes of INC-1", len(filtered.accepted))
		}
		for _, d := range filtered.accepted {
			if !strings.Contains(string(d.body), `"type":"note.added"`) || !strings.Contains(string(d.body), `"incident":1,`) {
				t.Errorf("the filtered endpoint got %s", d.body)
			}
		}
	})
}

// TestEventWebhooksSurviveARestart: events committed while the endpoint
// fails, and the server then stopped, arrive after the restart, in order,
// each under the delivery id its failed attempts carried.
func TestEventWebhooksSurviveARestart(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		rc := &eventReceiver{}
		rc.failing.Store(true)
		hook := httptest.NewServer(rc)
		defer hook.Close()
		cfg := filepath.Join(t.TempDir(), "hansei.yaml")
		os.WriteFile(cfg, []byte("notify:\n  allow_private_hosts: [127.0.0.1] # the test receiver listens there\n"), 0o600)
		clock := newTestClock()
		first := startServerAt(t, clock, dsn, "--config", cfg)
		admin := first.AdminToken
		post := func(srv *server, path, body string) {
			t.Helper()
			req := clientRequest("POST", path)
			req.Body = []byte(body)
			if resp, err := srv.client(admin).Do(t.Context(), req); err != nil || resp.Status >= 300 {
				t.Fatalf("POST %s: %v %d %s", path, err, resp.Status, resp.Body)
			}
		}
		post(first, "/api/v1/admin/webhooks", `{"url": "`+hook.URL+`"}`)
		post(first, "/api/v1/incidents", `{"title": "Checkout failing", "severity": "SEV2"}`)
		waitUntil(t, "a failed attempt", func() bool { n, _ := rc.counts(); return n > 0 })
		post(first, "/api/v1/incidents/1/notes", `{"text": "still failing"}`)
		first.stop()

		rc.failing.Store(false)
		clock.Add(2 * time.Hour)
		second := startServerAt(t, clock, dsn, "--config", cfg)
		resp, err := second.client(admin).Do(t.Context(), clientRequest("GET", "/api/v1/incidents/1/timeline"))
		if err != nil {
			t.Fatal(err)
		}
		var timeline struct{ Items []json.RawMessage }
		json.Unmarshal(resp.Body, &timeline)
		want := len(timeline.Items)
		waitUntil(t, "every event after the restart", func() bool { _, n := rc.counts(); return n >= want })
		rc.mu.Lock()
		defer rc.mu.Unlock()
		for i, d := range rc.accepted {
			var body struct{ Event struct{ Seq int64 } }
			json.Unmarshal(d.body, &body)
			if body.Event.Seq != int64(i+1) {
				t.Errorf("delivery %d carries event %d", i, body.Event.Seq)
			}
		}
		if len(rc.accepted) != want || rc.accepted[0].id != rc.attempts[0] {
			t.Errorf("accepted %d of %d events; first id %s, first attempt %s", len(rc.accepted), want, rc.accepted[0].id, rc.attempts[0])
		}
	})
}

// TestEventSchemaIsServed: GET /api/v1/events/schema is a JSON Schema with
// one definition per event type.
func TestEventSchemaIsServed(t *testing.T) {
	srv := startServer(t, filepath.Join(t.TempDir(), "h.db"))
	resp, err := srv.client(srv.AdminToken).Do(t.Context(), clientRequest("GET", "/api/v1/events/schema"))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("GET /api/v1/events/schema: %v %d", err, resp.Status)
	}
	var doc struct {
		Schema string                     `json:"$schema"`
		Defs   map[string]json.RawMessage `json:"$defs"`
		OneOf  []json.RawMessage          `json:"oneOf"`
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		t.Fatal(err)
	}
	for _, typ := range hansei.EventTypes() {
		if !strings.Contains(string(doc.Defs[typ]), `"const":"`+typ+`"`) {
			t.Errorf("the schema has no definition fixing type %s", typ)
		}
	}
	if doc.Schema == "" || len(doc.OneOf) != len(hansei.EventTypes()) {
		t.Errorf("$schema %q, %d alternatives for %d types", doc.Schema, len(doc.OneOf), len(hansei.EventTypes()))
	}
}
