package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// TestPublicStatusPage walks the status page as the outside world sees
// it, through the real server: components, an incident with an internal
// note and a public update written by the communications role, a
// restricted incident, a maintenance window; the cached page catches up
// with every change, answers 304 to a current ETag, and the public
// listener serves only the public routes.
func TestPublicStatusPage(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		publicAddr := freeAddr(t)
		srv := startServer(t, dsn, "--public-addr", publicAddr)
		admin := srv.AdminToken
		carol := srv.addUser(t, "carol", "responder")
		const (
			secretNote  = "SECRET-NOTE the root password is in the ticket"
			secretTitle = "INTERNAL primary OOM-killed by the reporting job"
			restricted  = "RESTRICTED acquisition data exposed"
		)
		api := func(token, method, path string, body any, want int) []byte {
			t.Helper()
			return srv.callAPI(t, token, method, path, body, want)
		}
		api(admin, "POST", "/api/v1/components", map[string]any{"key": "checkout", "name": "Checkout", "group": "Shop"}, 201)
		api(admin, "POST", "/api/v1/components", map[string]any{"key": "search", "name": "Search", "group": "Shop"}, 201)

		api(admin, "POST", "/api/v1/incidents", map[string]any{"title": secretTitle, "severity": "SEV2"}, 201)
		api(admin, "POST", "/api/v1/incidents/1/roles", map[string]any{"role": "communications", "user": "carol"}, 200)
		api(admin, "POST", "/api/v1/incidents/1/notes", map[string]any{"text": secretNote}, 200)
		api(carol, "POST", "/api/v1/incidents/1/components", map[string]any{"components": []string{"checkout"}}, 200)
		api(carol, "POST", "/api/v1/incidents/1/public-updates", map[string]any{"title": "Checkout errors", "status": "identified",
			"text": "Some payments fail; we found the cause and are fixing it.", "components": map[string]string{"checkout": "partial_outage"}}, 200)

		api(admin, "POST", "/api/v1/incidents", map[string]any{"title": restricted, "severity": "SEV1", "visibility": "restricted"}, 201)
		api(admin, "POST", "/api/v1/incidents/2/notes", map[string]any{"text": secretNote}, 200)
		api(admin, "POST", "/api/v1/incidents/2/public-updates", map[string]any{"text": restricted}, 409)

		page := waitFor(t, srv.URL+"/status", "Some payments fail; we found the cause")
		for _, want := range []string{"Checkout errors", "Partial outage", "Partial System Outage", "Identified"} {
			if !strings.Contains(page, want) && !strings.Contains(page, strings.ToLower(want)) {
				t.Errorf("/status lacks %q", want)
			}
		}
		// Nothing internal anywhere, in any representation, on either
		// listener.
		public := "http://" + publicAddr
		for _, base := range []string{srv.URL, public} {
			for _, path := range []string{"/status", "/status/incidents/1", "/status/incidents/2", "/status.json", "/status/feed.atom",
				"/status/feed.rss", "/api/v2/summary.json", "/api/v2/incidents.json", "/api/v2/components.json"} {
				for _, enc := range []string{"identity", "gzip"} {
					body := fetch(t, base+path, "Accept-Encoding", enc)
					for _, secret := range []string{secretNote, secretTitle, restricted, "carol"} {
						if strings.Contains(body.text, secret) {
							t.Errorf("%s%s (%s) shows %q", base, path, enc, secret)
						}
					}
				}
			}
		}
		if r := fetch(t, srv.URL+"/status/incidents/2"); r.code != 404 {
			t.Errorf("restricted incident page: %d", r.code)
		}
		if r := fetch(t, srv.URL+"/status/incidents/1"); r.code != 200 || !strings.Contains(r.text, "Checkout errors") {
			t.Errorf("incident page: %d", r.code)
		}

		// Caching: a current ETag gets 304, and a change a new page.
		first := fetch(t, srv.URL+"/status.json")
		etag := first.header.Get("ETag")
		if etag == "" || first.header.Get("Cache-Control") == "" || first.header.Get("Last-Modified") == "" {
			t.Fatalf("/status.json headers %v", first.header)
		}
		if r := fetch(t, srv.URL+"/status.json", "If-None-Match", etag); r.code != 304 || r.text != "" {
			t.Errorf("If-None-Match the current ETag: %d", r.code)
		}
		api(admin, "PATCH", "/api/v1/components/search", map[string]any{"state": "degraded"}, 200)
		waitFor(t, srv.URL+"/status.json", `"key":"search","name":"Search","group":"Shop","state":"degraded"`)
		if r := fetch(t, srv.URL+"/status.json", "If-None-Match", etag); r.code != 200 {
			t.Errorf("the old ETag after a change: %d", r.code)
		}
		start := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
		api(admin, "POST", "/api/v1/maintenance", map[string]any{"title": "Database upgrade", "text": "Writes pause briefly.",
			"components": []string{"search"}, "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339)}, 201)
		waitFor(t, public+"/status", "Database upgrade")
		var summary struct {
			Status struct{ Indicator string } `json:"status"`
			Maint  []struct {
				Name, Status string
			} `json:"scheduled_maintenances"`
		}
		json.Unmarshal([]byte(fetch(t, public+"/api/v2/summary.json").text), &summary)
		if summary.Status.Indicator != "major" || len(summary.Maint) != 1 || summary.Maint[0].Status != "scheduled" {
			t.Errorf("v2 summary %+v", summary)
		}

		// The public listener serves the public routes and nothing else.
		for path, want := range map[string]int{"/status": 200, "/api/v2/status.json": 200, "/status/feed.atom": 200,
			"/api/v1/incidents": 404, "/incidents": 404, "/signin": 404, "/metrics": 404, "/": 404} {
			if r := fetch(t, public+path); r.code != want {
				t.Errorf("public %s: %d, want %d", path, r.code, want)
			}
		}
		css := fetch(t, public+"/status")
		if i := strings.Index(css.text, `href="/assets/app.css`); i < 0 {
			t.Error("the public page links no stylesheet")
		} else if r := fetch(t, public+css.text[i+6:i+6+strings.IndexByte(css.text[i+6:], '"')]); r.code != 200 || !strings.Contains(r.text, "public status page") {
			t.Errorf("the stylesheet on the public listener: %d", r.code)
		}
	})
}

// TestPublicStatusPageAcrossInstances: with PostgreSQL, a change made
// through one instance reaches the other's cached page: a public update
// through its notification, a component's state through the version poll.
func TestPublicStatusPageAcrossInstances(t *testing.T) {
	pg, ok := sqldbtest.Postgres(t)
	if !ok {
		t.Skip("needs PostgreSQL")
	}
	a := startServer(t, pg.DSN)
	b := startServer(t, pg.DSN)
	admin := a.AdminToken
	call := func(method, path string, body any, want int) {
		t.Helper()
		raw, _ := json.Marshal(body)
		resp, err := a.client(admin).Do(context.Background(), client.Request{Method: method, Path: path, Body: raw})
		if err != nil || resp.Status != want {
			t.Fatalf("%s %s: %v %d %s", method, path, err, resp.Status, resp.Body)
		}
	}
	call("POST", "/api/v1/components", map[string]any{"key": "api", "name": "Public API"}, 201)
	waitFor(t, b.URL+"/status", "Public API")
	call("POST", "/api/v1/incidents", map[string]any{"title": "API errors", "severity": "SEV3"}, 201)
	call("POST", "/api/v1/incidents/1/public-updates", map[string]any{"text": "Written through instance A.",
		"components": map[string]string{"api": "degraded"}}, 200)
	waitFor(t, b.URL+"/status", "Written through instance A.")
	call("PATCH", "/api/v1/components/api", map[string]any{"state": "major_outage"}, 200)
	waitFor(t, b.URL+"/api/v2/status.json", `"indicator":"critical"`)
}

// freeAddr is a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type fetched struct {
	code   int
	header http.Header
	text   string
}

// fetch GETs url with headers given as name, value pairs. Bodies come
// decoded whatever the Content-Encoding (the transport decodes gzip only
// when it asked for it itself, so this asks through the header and
// decodes here).
func fetch(t *testing.T, url string, hdr ...string) fetched {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body := io.Reader(resp.Body)
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return fetched{code: resp.StatusCode, header: resp.Header, text: string(b)}
}

// waitFor polls url until its body contains want: the cache rebuilds in
// the background, within a few seconds of a change.
func waitFor(t *testing.T, url, want string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := fetch(t, url)
		if r.code == 200 && strings.Contains(r.text, want) {
			return r.text
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not show %q within 15s; it shows (%d):\n%s", url, want, r.code, r.text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
