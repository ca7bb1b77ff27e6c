package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hansei-dev/hansei/client"
)

// TestBrowserPublicImpact: the communications role publishes from the
// incident page's form a minor impact with Checkout degraded on a SEV1,
// and the public page in headless Chromium says minor; then resolves it
// with the public start set an hour back, and "Past incidents" shows the
// real duration.
func TestBrowserPublicImpact(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		srv.addUser(t, "bob", "responder")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		admin := srv.client(srv.AdminToken)
		for _, req := range []struct{ path, body string }{
			{"/api/v1/components", `{"key":"checkout","name":"Checkout"}`},
			{"/api/v1/incidents", `{"title":"Primary database failover","severity":"SEV1"}`},
			{"/api/v1/incidents/1/roles", `{"role":"communications","user":"bob"}`},
		} {
			if resp, err := admin.Do(ctx, client.Request{Method: "POST", Path: req.path, Body: []byte(req.body)}); err != nil || resp.Status >= 300 {
				t.Fatalf("POST %s: %v %d %s", req.path, err, resp.Status, resp.Body)
			}
		}

		b := newChrome(t, srv).newTab("bob")
		b.signInByLink("bob")
		b.open("/incidents/1")
		b.do("fill the public update",
			chromedp.SetValue(chromedp.ID("pu-impact"), "minor"),
			chromedp.SetValue(chromedp.ID("pu-checkout"), "degraded"),
			chromedp.SendKeys(chromedp.ID("pu-text"), "Some checkouts are slow; we are on it."))
		b.submit("publish", buttonIn("#public-update", "Publish"))

		waitFor(t, srv.URL+"/status", "Some checkouts are slow")
		b.open("/status")
		if h := b.text("#overall"); !strings.Contains(h, "Minor Service Outage") {
			t.Errorf("the banner reads %q, want Minor Service Outage (the incident is SEV1 inside)", h)
		}
		if tag := b.text(".status-incident .tag"); tag != "Minor impact" {
			t.Errorf("the incident's impact reads %q, want Minor impact", tag)
		}
		for _, path := range []string{"/status.json", "/api/v2/status.json"} {
			var doc struct {
				Status struct{ Indicator string } `json:"status"`
			}
			json.Unmarshal([]byte(fetch(t, srv.URL+path).text), &doc)
			if doc.Status.Indicator != "minor" {
				t.Errorf("%s indicator %q, want minor", path, doc.Status.Indicator)
			}
		}

		// Resolved, with the public start an hour back (bob's zone is UTC).
		var inc struct {
			StartedAt time.Time `json:"started_at"`
		}
		resp, err := admin.Do(ctx, client.Request{Method: "GET", Path: "/api/v1/incidents/1"})
		if err != nil {
			t.Fatal(err)
		}
		json.Unmarshal(resp.Body, &inc)
		start := time.Now().UTC().Add(-time.Hour).Truncate(time.Minute)
		b.open("/incidents/1")
		b.do("fill the resolving update",
			chromedp.SetValue(chromedp.ID("pu-status"), "resolved"),
			chromedp.SetValue(chromedp.ID("pu-started"), start.Format("2006-01-02T15:04")),
			chromedp.SendKeys(chromedp.ID("pu-text"), "Checkout is fast again."))
		b.submit("publish the resolution", buttonIn("#public-update", "Publish"))
		waitFor(t, srv.URL+"/status", "lasted 1 h")
		// Another address than the first visit's: the page may be cached
		// for a few seconds, as it should.
		b.open("/status?lang=en")
		if past := b.text(".status-past"); !strings.Contains(past, "lasted 1 h") {
			t.Errorf("Past incidents reads %q, want it to say it lasted an hour", past)
		}
		b.follow("Primary database failover")
		if facts := b.text(".status-times"); !strings.Contains(facts, start.Format("2006-01-02 15:04")) || !strings.Contains(facts, "1 h") {
			t.Errorf("the incident's times read %q, want the start %s and a duration of an hour", facts, start.Format("2006-01-02 15:04"))
		}
	})
}
