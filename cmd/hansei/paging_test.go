package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// pagingService is a local stand-in for PagerDuty's Events API v2 or
// GoAlert's generic incoming API: it checks the documented request shape
// (method, path, query, headers, JSON body) and records what it accepted.
type pagingService struct {
	t     *testing.T
	path  string
	query string // the query a request must carry ("" for none)
	mu    sync.Mutex
	// failN answers 503 to this many requests first.
	failN    int
	attempts []string // Hansei-Delivery of every request
	accepted []string // of the accepted ones
	events   []map[string]any
}

func (p *pagingService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != p.path || r.URL.RawQuery != p.query ||
		r.Header.Get("Content-Type") != "application/json" {
		p.t.Errorf("%s %s?%s (Content-Type %q), want POST %s?%s as JSON", r.Method, r.URL.Path, r.URL.RawQuery,
			r.Header.Get("Content-Type"), p.path, p.query)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	p.attempts = append(p.attempts, r.Header.Get("Hansei-Delivery"))
	if p.failN > 0 {
		p.failN--
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	var ev map[string]any
	if err := json.Unmarshal(body, &ev); err != nil {
		p.t.Errorf("body %s: %v", body, err)
	}
	p.events = append(p.events, ev)
	p.accepted = append(p.accepted, r.Header.Get("Hansei-Delivery"))
	w.WriteHeader(http.StatusAccepted)
	fmt.Fprint(w, `{"status":"success","message":"Event processed"}`)
}

// received waits until the service accepted n events and returns them.
func (p *pagingService) received(t *testing.T, n int) []map[string]any {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		p.mu.Lock()
		got := slices.Clone(p.events)
		p.mu.Unlock()
		if len(got) >= n {
			if len(got) > n {
				t.Fatalf("%s received %d events, want %d: %v", p.path, len(got), n, got)
			}
			return got
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t.Fatalf("%s received %v, want %d events", p.path, p.events, n)
	return nil
}

// jsonEqual compares a decoded JSON value with want, written as JSON.
func jsonEqual(t *testing.T, what string, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got)
	wn, _ := json.Marshal(w)
	if string(g) != string(wn) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, wn)
	}
}

// TestPagingHandOff: a SEV1 declared opens a page in PagerDuty and in
// GoAlert with the incident's dedup key, its resolution resolves both with
// the same key, a SEV3 pages nobody, and a restricted incident's page
// names no title or number. PagerDuty fails the first request: the page
// arrives once, by retry, with the same delivery id.
func TestPagingHandOff(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		clock := newTestClock()
		pd := &pagingService{t: t, path: "/v2/enqueue", failN: 1}
		ga := &pagingService{t: t, path: "/api/v2/generic/incoming", query: "token=t0ken%2Bga"}
		pdSrv, gaSrv := httptest.NewServer(pd), httptest.NewServer(ga)
		defer pdSrv.Close()
		defer gaSrv.Close()
		cfg := filepath.Join(t.TempDir(), "hansei.yaml")
		os.WriteFile(cfg, []byte(`url: https://hansei.example.test
notify:
  allow_private_hosts: [127.0.0.1] # the test's services listen there
  paging:
    - name: pd-primary
      kind: pagerduty
      url: `+pdSrv.URL+`/v2/enqueue
      routing_key: R0UTING-KEY
      severities: [SEV1]
    - name: goalert
      kind: goalert
      url: `+gaSrv.URL+`
      token: t0ken+ga
      severities: [SEV1, SEV2]
`), 0o600)
		srv := startServerAt(t, clock, dsn, "--config", cfg)
		admin := srv.AdminToken
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV3", "Slow search")   // INC-1: nobody
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV1", "Checkout down") // INC-2: both

		// PagerDuty's first answer is 503: the failure is on record, then
		// the retry after the backoff goes through, with the same id.
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			pd.mu.Lock()
			tried := len(pd.attempts)
			pd.mu.Unlock()
			if tried == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("PagerDuty was never tried")
			}
		}
		ga.received(t, 1)
		clock.Add(time.Minute)
		trigger := pd.received(t, 1)[0]
		jsonEqual(t, "PagerDuty trigger", trigger, `{"routing_key": "R0UTING-KEY", "event_action": "trigger",
			"dedup_key": "hansei-hansei.example.test-INC-2",
			"payload": {"summary": "Incident INC-2 (SEV1): Checkout down", "source": "hansei.example.test", "severity": "critical",
				"component": "hansei", "class": "incident",
				"custom_details": {"incident": 2, "severity": "SEV1",
					"details": "Incident INC-2, severity SEV1, in hansei: https://hansei.example.test/incidents/2"}},
			"client": "hansei", "client_url": "https://hansei.example.test/incidents/2",
			"links": [{"href": "https://hansei.example.test/incidents/2", "text": "Incident INC-2 (SEV1): Checkout down"}]}`)
		pd.mu.Lock()
		if len(pd.attempts) != 2 || pd.attempts[0] == "" || pd.attempts[0] != pd.attempts[1] || len(pd.accepted) != 1 {
			t.Errorf("PagerDuty attempts %v, accepted %v: want one delivery id, tried twice, accepted once", pd.attempts, pd.accepted)
		}
		pd.mu.Unlock()

		// Raised to SEV2: GoAlert pages for it, PagerDuty does not.
		srv.mustCLI(t, admin, "incident", "severity", "1", "SEV2", "--reason", "search is down for everyone")
		// A restricted SEV1: the page says its severity and nothing else.
		srv.mustCLI(t, admin, "incident", "declare", "--severity", "SEV1", "--restricted", "Payroll export leaked")
		restricted := pd.received(t, 2)[1]
		payload, _ := restricted["payload"].(map[string]any)
		raw, _ := json.Marshal(restricted)
		if strings.Contains(string(raw), "Payroll") || strings.Contains(string(raw), "INC-3") ||
			payload["summary"] != "A restricted SEV1 incident needs your attention" || payload["severity"] != "critical" ||
			!strings.HasPrefix(restricted["dedup_key"].(string), "hansei-") {
			t.Errorf("restricted page: %s", raw)
		}

		srv.mustCLI(t, admin, "incident", "status", "2", "resolved")
		srv.mustCLI(t, admin, "incident", "status", "3", "resolved")
		srv.mustCLI(t, admin, "incident", "status", "1", "resolved")
		pdGot := pd.received(t, 4)
		jsonEqual(t, "PagerDuty resolve", pdGot[2], `{"routing_key": "R0UTING-KEY", "event_action": "resolve",
			"dedup_key": "hansei-hansei.example.test-INC-2"}`)
		if pdGot[3]["event_action"] != "resolve" || pdGot[3]["dedup_key"] != restricted["dedup_key"] {
			t.Errorf("restricted resolve %v, want the trigger's dedup key %v", pdGot[3], restricted["dedup_key"])
		}
		gaGot := ga.received(t, 6)
		jsonEqual(t, "GoAlert trigger", gaGot[0], `{"summary": "Incident INC-2 (SEV1): Checkout down",
			"details": "Incident INC-2, severity SEV1, in hansei: https://hansei.example.test/incidents/2",
			"dedup": "hansei-hansei.example.test-INC-2"}`)
		jsonEqual(t, "GoAlert trigger for the raised one", gaGot[1]["dedup"], `"hansei-hansei.example.test-INC-1"`)
		jsonEqual(t, "GoAlert close", gaGot[3], `{"summary": "Incident INC-2 (SEV1): Checkout down",
			"details": "Incident INC-2, severity SEV1, in hansei: https://hansei.example.test/incidents/2",
			"dedup": "hansei-hansei.example.test-INC-2", "action": "close"}`)
		if gaGot[5]["action"] != "close" || gaGot[5]["dedup"] != "hansei-hansei.example.test-INC-1" {
			t.Errorf("GoAlert close of INC-1: %v", gaGot[5])
		}

		// Every page was written once: 4 to PagerDuty, 6 to GoAlert, none
		// for the SEV3 declaration.
		var outbox struct {
			Items []struct{ Channel, Target, State string }
		}
		resp, err := srv.client(admin).Do(t.Context(), clientRequest("GET", "/api/v1/admin/outbox"))
		if err != nil || json.Unmarshal(resp.Body, &outbox) != nil || len(outbox.Items) != 10 {
			t.Fatalf("outbox: %v %s", err, resp.Body)
		}
		for _, d := range outbox.Items {
			if d.State != "delivered" || (d.Target != "pd-primary" && d.Target != "goalert") {
				t.Errorf("outbox row %+v", d)
			}
			if strings.Contains(string(resp.Body), "R0UTING") || strings.Contains(string(resp.Body), "t0ken") {
				t.Fatal("a secret is in the outbox")
			}
		}
	})
}

// A paging rule naming a severity the scale does not have stops the
// start, with its line and the levels there are.
func TestPagingRuleWithUnknownSeverityStopsStartup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hansei.yaml")
	os.WriteFile(path, []byte("notify:\n  paging:\n    - name: pd\n      kind: pagerduty\n      routing_key: k\n      severities: [SEV0]\n"), 0o600)
	var stdout, stderr strings.Builder
	err := run(t.Context(), []string{"serve", "--config", path, "--db", filepath.Join(dir, "h.db"), "--create", "--addr", "127.0.0.1:0"},
		envFunc(nil), strings.NewReader(""), &stdout, &stderr)
	if err == nil {
		t.Fatal("serve started with a paging rule for SEV0")
	}
	want := `hansei.yaml:6: notify.paging[0].severities[0]: unknown severity "SEV0"; the severity levels are SEV1, SEV2, SEV3, SEV4`
	if line := errorLine(err); !strings.Contains(line, want) {
		t.Errorf("error %q, want %q", line, want)
	}
}
