package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// Browser tests of the incident pages. The sign-in and declare test runs on
// SQLite only (the pages do the same on both databases, and ui_test.go
// covers both); the live test runs on every database, because live updates
// travel differently on PostgreSQL (LISTEN/NOTIFY) than on SQLite.

// TestBrowserSignInAndDeclare: sign in with a password through the form,
// declare an incident choosing a severity by its definition, and land on the
// incident page.
func TestBrowserSignInAndDeclare(t *testing.T) {
	srv := startServer(t, sqldbtest.SQLite(t).DSN)
	srv.addUser(t, "alice", "responder")
	const password = "correct horse battery staple"
	setPassword(t, srv, "alice", password)
	c := newChrome(t, srv)
	alice := c.newTab("alice")

	// Signed out, the declare form asks her to sign in first.
	alice.open("/incidents/new")
	if p := alice.path(); !strings.HasPrefix(p, "/signin") {
		t.Fatalf("signed out, /incidents/new went to %s, want the sign-in form", p)
	}
	alice.do("type a wrong password",
		chromedp.SendKeys(chromedp.ID("name"), "alice"),
		chromedp.SendKeys(chromedp.ID("password"), "not her password"))
	alice.submitWant("sign in with a wrong password", buttonIn(`form[action="/signin"]`, "Sign in"), 401)
	if msg := alice.text(".flash.error"); !strings.Contains(msg, "not right") {
		t.Errorf("a wrong password shows %q, want a message that the name or password is not right", msg)
	}
	if name := eval[string](alice, `document.getElementById("name").value`); name != "alice" {
		t.Errorf("after a wrong password the name field holds %q, want what she typed", name)
	}
	alice.do("type the password", chromedp.SendKeys(chromedp.ID("password"), password))
	alice.submit("sign in", buttonIn(`form[action="/signin"]`, "Sign in"))
	if p := alice.path(); p != "/incidents/new" {
		t.Fatalf("after signing in the browser is at %s, want back at /incidents/new", p)
	}

	// Each severity shows its name and definition beside its choice.
	sev := hansei.DefaultScales().Severity
	for _, l := range sev.Levels {
		got := alice.text(fmt.Sprintf(`label.level:has(input[value=%q])`, l.Key))
		for _, want := range []string{l.Key, l.Name, l.Definition} {
			if !strings.Contains(got, want) {
				t.Errorf("the choice %s reads %q; want it to show %q", l.Key, got, want)
			}
		}
	}
	major, err := sev.Level("SEV2")
	if err != nil {
		t.Fatal(err)
	}
	// Choose by clicking the definition, as people do, not the tiny radio.
	alice.do("fill in the declare form",
		chromedp.SendKeys(chromedp.ID("title"), "Checkout fails for EU customers"),
		chromedp.Click(chromedp.CSS(`label.level:has(input[value="SEV2"]) span`)),
		chromedp.SendKeys(chromedp.ID("summary"), "Payments time out at the card network."),
		chromedp.SendKeys(chromedp.ID("services"), "checkout, payments"))
	if !eval[bool](alice, `document.querySelector('input[name=severity][value="SEV2"]').checked`) {
		t.Fatalf("clicking the definition of SEV2 did not choose it")
	}
	alice.submit("declare", button("Declare"))

	if p := alice.path(); p != "/incidents/1" {
		t.Fatalf("after declaring the browser is at %s, want /incidents/1", p)
	}
	if h := alice.text("h1"); !strings.Contains(h, "INC-1") || !strings.Contains(h, "Checkout fails for EU customers") {
		t.Errorf("the incident page's heading is %q", h)
	}
	if f := alice.text(".flash"); !strings.Contains(f, "Declared INC-1") {
		t.Errorf("the incident page's message is %q, want it to confirm the declaration", f)
	}
	facts := alice.text("#live-facts")
	for _, want := range []string{"SEV2", "checkout, payments", "Payments time out at the card network.", "alice"} {
		if !strings.Contains(facts, want) {
			t.Errorf("the incident's facts lack %q:\n%s", want, facts)
		}
	}
	// The badge explains the severity to whoever points at it.
	if tip := eval[string](alice, `(document.querySelector("#live-facts .badge") || {}).textContent || ""`); !strings.Contains(tip, major.Definition) {
		t.Errorf("the severity badge carries %q, want SEV2's definition", tip)
	}
}

// TestBrowserIntentLive: two responders in two browsers. Bob states that he
// wants to stand down; alice's open page shows it within a second, without
// a reload; she acknowledges, and bob's open page shows that live too. Then
// alice's browser loses the network for a while and, back online, catches
// up with what happened meanwhile.
func TestBrowserIntentLive(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		aliceToken := srv.addUser(t, "alice", "responder")
		srv.addUser(t, "bob", "responder")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		api := srv.client(aliceToken)
		inc, err := api.Declare(ctx, client.DeclareRequest{Title: "Checkout fails for EU customers", Severity: "SEV2"})
		if err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/incidents/%d", inc.Number)

		c := newChrome(t, srv)
		alice, bob := c.newTab("alice"), c.newTab("bob")
		// Alice reaches the server through a network that the test can cut.
		network := newNetCut(t, srv.URL)
		alice.base = network.URL()
		alice.signInByLink("alice")
		bob.signInByLink("bob")
		alice.open(page)
		alice.mark()
		bob.open(page)

		// Bob joins with the page's button; alice sees him arrive, which
		// also shows that her page follows the incident.
		bob.submit("join as responder", button("Join as responder"))
		if f := bob.text(".flash"); !strings.Contains(f, "You joined") {
			t.Errorf("after joining bob's page says %q", f)
		}
		alice.waitUntil("bob appears among the responders", 5*time.Second,
			`() => /\bbob\b/.test(document.querySelector("#live-facts ul.people").innerText)`)

		// Bob states the intent through the form.
		const intent = "I wish to stand down to travel to a medical appointment. Objections?"
		bob.do("write a stand-down intent",
			chromedp.SetValue(chromedp.ID("intent-kind"), "stand_down"),
			chromedp.SendKeys(chromedp.ID("intent-text"), intent),
			chromedp.SetValue(chromedp.ID("intent-ack"), "commander"))
		// Alice's page notes the moment the banner appears.
		eval[chromedp.Void](alice, fmt.Sprintf(`(() => {
			const text = %s;
			window.hanseiSeenAt = 0;
			const look = () => {
				if (!window.hanseiSeenAt && [...document.querySelectorAll("section.intent")].some(s => s.innerText.includes(text)))
					window.hanseiSeenAt = Date.now();
			};
			new MutationObserver(look).observe(document.body, {childList: true, subtree: true, characterData: true});
			look();
		})()`, js(intent)))
		clicked := time.Now()
		bob.submit("state the intent", button("State intent"))
		bobLanded := time.Now()
		bob.mark()
		// Within a second of bob's page coming back, alice's shows it.
		alice.waitUntil("the banner with bob's intent", time.Second,
			`(text) => [...document.querySelectorAll("section.intent")].some(s => s.innerText.includes(text))`, intent)
		seen := time.UnixMilli(int64(eval[float64](alice, `window.hanseiSeenAt`)))
		t.Logf("intent latency: bob's click → banner on alice's page %d ms (bob's post and redirect took %d ms; banner %+d ms after bob's page loaded)",
			seen.Sub(clicked).Milliseconds(), bobLanded.Sub(clicked).Milliseconds(), seen.Sub(bobLanded).Milliseconds())
		if !alice.marked() {
			t.Fatal("alice's page was reloaded; the banner must arrive on the open page")
		}
		banner := alice.text("section.intent")
		for _, want := range []string{"bob", "Waiting for", "alice", "Silence is not consent"} {
			if !strings.Contains(banner, want) {
				t.Errorf("alice's banner lacks %q:\n%s", want, banner)
			}
		}

		// Alice acknowledges; bob's open page shows the outcome live.
		alice.submit("acknowledge", buttonIn("section.intent", "Acknowledge"))
		took := bob.waitUntil("the banner goes and the timeline says bob stood down", 5*time.Second,
			`() => document.querySelectorAll("section.intent").length === 0 &&
				/acknowledged intent \d+/.test(document.getElementById("events").innerText) &&
				document.getElementById("events").innerText.includes("bob stood down")`)
		t.Logf("acknowledgement reached bob's page %d ms after alice's page came back", took.Milliseconds())
		if !bob.marked() {
			t.Fatal("bob's page was reloaded; the acknowledgement must arrive on the open page")
		}
		if !eval[bool](bob, `[...document.querySelectorAll("#live-facts ul.people li")].some(li =>
				li.querySelector(".person")?.textContent === "bob" && li.querySelector(".state.st-stood_down"))`) {
			t.Errorf("bob's page lists the responders as %q; want bob stood down", bob.text("#live-facts ul.people"))
		}

		// A note through the API reaches alice's open page.
		alice.mark()
		noted, err := api.AddNote(ctx, inc.Number, "Error rate back under 1%")
		if err != nil {
			t.Fatal(err)
		}
		alice.waitUntil("the note appears", 5*time.Second,
			`() => document.getElementById("events").innerText.includes("Error rate back under 1%")`)

		// Alice's network drops: the stream breaks and the page says so.
		// Meanwhile someone adds a note.
		network.cut()
		alice.waitUntil("the page says the connection is lost", 10*time.Second,
			`() => !document.getElementById("conn").hidden`)
		if _, err := api.AddNote(ctx, inc.Number, "Noted while alice was offline"); err != nil {
			t.Fatal(err)
		}
		if eval[bool](alice, `document.getElementById("events").innerText.includes("Noted while alice was offline")`) {
			t.Fatal("the note reached alice's page although her network is down")
		}
		// Back online, the stream reconnects (EventSource retries every two
		// seconds, sending Last-Event-ID) and the page fetches what it missed.
		_, before := network.requests(0)
		network.restore()
		took = alice.waitUntil("the note from the offline time appears", 15*time.Second,
			`() => document.getElementById("events").innerText.includes("Noted while alice was offline")`)
		t.Logf("back online, the missed note appeared after %d ms", took.Milliseconds())
		alice.waitUntil("the connection message goes away", 5*time.Second, `() => document.getElementById("conn").hidden`)
		if !alice.marked() {
			t.Fatal("alice's page was reloaded; it must catch up by itself")
		}
		after, _ := network.requests(before)
		resumed := false
		for _, head := range after {
			resumed = resumed || strings.HasPrefix(head, fmt.Sprintf("GET %s/events", page)) &&
				strings.Contains(strings.ToLower(head), fmt.Sprintf("\r\nlast-event-id: %d\r\n", noted.LastSeq))
		}
		if !resumed {
			t.Errorf("alice's stream did not come back with Last-Event-ID: %d (the last event she had); requests since the network came back:\n%s",
				noted.LastSeq, strings.Join(after, "\n\n"))
		}
		if n := eval[int](alice, `document.querySelectorAll('#events li[data-seq]').length - new Set([...document.querySelectorAll('#events li[data-seq]')].map(li => li.dataset.seq)).size`); n != 0 {
			t.Errorf("after reconnecting alice's timeline shows %d events twice", n)
		}
	})
}
