package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/client"
)

// TestBrowserReadersLanguage: a Japanese and a German responder follow one
// incident in headless Chromium. Each reads the page in their own
// language, a form's message comes back in it, and a statement of intent
// that another responder states arrives live on both open pages in each
// one's words.
func TestBrowserReadersLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		token := srv.addUser(t, "alice", "responder")
		for _, u := range []struct{ name, lang string }{{"kenji", "ja"}, {"dora", "de"}} {
			srv.mustCLI(t, "", "users", "add", u.name, "--role", "responder", "--language", u.lang, "--db", srv.DSN)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		api := srv.client(token)
		inc, err := api.Declare(ctx, client.DeclareRequest{Title: "Checkout fails for EU customers", Severity: "SEV2"})
		if err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/incidents/%d", inc.Number)

		readers := []struct {
			user, lang, timeline, join, joined, intent, silence, stated string
		}{
			{"kenji", "ja", "タイムライン", "レスポンダーとして参加", "インシデントに参加しました。", "意図の表明", "沈黙は同意ではありません。",
				"意図表明 1（作業、承認：誰か一人）：「" + "Roll back payments to 4.1" + "」"},
			{"dora", "de", "Zeitleiste", "Als Responder beitreten", "Sie sind dem Incident beigetreten.", "Absichtserklärung", "Schweigen ist keine Zustimmung.",
				"Absichtserklärung 1 (Aktion, Bestätigung von irgendwem): „Roll back payments to 4.1“"},
		}
		c := newChrome(t, srv)
		tabs := map[string]*tab{}
		for _, r := range readers {
			b := c.newTab(r.user)
			tabs[r.user] = b
			b.signInByLink(r.user)
			b.open(page)
			if lang := eval[string](b, `document.documentElement.lang`); lang != r.lang {
				t.Errorf("%s's page is in %q, want %s", r.user, lang, r.lang)
			}
			if h := b.text("#tl-h"); h != r.timeline {
				t.Errorf("%s's timeline is headed %q, want %q", r.user, h, r.timeline)
			}
			b.submit("join as responder", button(r.join))
			if f := b.text(".flash"); f != r.joined {
				t.Errorf("after joining %s's page says %q, want %q", r.user, f, r.joined)
			}
			b.mark()
		}

		const text = "Roll back payments to 4.1"
		if _, err := api.StateIntent(ctx, inc.Number, client.IntentRequest{Text: text, Kind: "action", AckFrom: "any", WindowSeconds: 600}); err != nil {
			t.Fatal(err)
		}
		for _, r := range readers {
			b := tabs[r.user]
			b.waitUntil("the intent's banner", 5*time.Second,
				`(text) => [...document.querySelectorAll("section.intent")].some(s => s.innerText.includes(text))`, text)
			if !b.marked() {
				t.Fatalf("%s's page was reloaded; the banner must arrive on the open page", r.user)
			}
			banner := b.text("section.intent")
			for _, want := range []string{r.intent, r.silence} {
				if !strings.Contains(banner, want) {
					t.Errorf("%s's banner lacks %q:\n%s", r.user, want, banner)
				}
			}
			for _, english := range []string{"Statement of intent", "Silence is not consent", "Acknowledge"} {
				if strings.Contains(banner, english) {
					t.Errorf("%s's banner is in English (%q):\n%s", r.user, english, banner)
				}
			}
			// The event arrives live in the timeline too, in the reader's
			// words, with the data words (kind, who acknowledges) in them.
			b.waitUntil("the intent's timeline line", 5*time.Second,
				`(text) => [...document.querySelectorAll("#events .what")].some(s => s.innerText.includes(text))`, text)
			events := b.text("#events")
			if !strings.Contains(events, r.stated) {
				t.Errorf("%s's timeline lacks %q:\n%s", r.user, r.stated, events)
			}
			for _, english := range []string{"statement of intent", "ack from", " joined", "declared \""} {
				if strings.Contains(events, english) {
					t.Errorf("%s's timeline is in English (%q):\n%s", r.user, english, events)
				}
			}
		}
	})
}

// TestBrowserStatusPageLanguage: a visitor of the public status page in
// headless Chromium chooses 日本語 in the page's footer, reads the page in
// Japanese, follows an incident and stays in Japanese, then goes back to
// the page; the JSON link beside it stays the one JSON for every language.
func TestBrowserStatusPageLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		api := srv.client(srv.AdminToken)
		if _, err := api.Declare(ctx, client.DeclareRequest{Title: "Checkout fails", Severity: "SEV2"}); err != nil {
			t.Fatal(err)
		}
		if resp, err := api.Do(ctx, client.Request{Method: "POST", Path: "/api/v1/incidents/1/public-updates",
			Body: []byte(`{"title":"Payments fail","text":"Some card payments fail; we are on it."}`)}); err != nil || resp.Status >= 300 {
			t.Fatalf("public update: %v %d %s", err, resp.Status, resp.Body)
		}
		waitFor(t, srv.URL+"/status", "Payments fail")

		b := newChrome(t, srv).newTab("visitor")
		b.open("/status")
		b.follow("日本語")
		if lang, path := eval[string](b, `document.documentElement.lang`), b.path(); lang != "ja" || path != "/status?lang=ja" {
			t.Fatalf("after choosing 日本語: %s in %q", path, lang)
		}
		if h := b.text("#active"); h != "発生中のインシデント" {
			t.Errorf("the active incidents are headed %q", h)
		}
		b.follow("Payments fail")
		if lang, path := eval[string](b, `document.documentElement.lang`), b.path(); lang != "ja" || path != "/status/incidents/1?lang=ja" {
			t.Errorf("the incident: %s in %q, want Japanese", path, lang)
		}
		if s := b.text(".status-updates .status"); s != "調査中" {
			t.Errorf("the update's status reads %q, want 調査中", s)
		}
		b.follow("← 現在のステータス")
		if b.path() != "/status?lang=ja" {
			t.Errorf("back to the page: %s", b.path())
		}
		if href := eval[string](b, `[...document.querySelectorAll("a")].find(a => a.textContent === "JSON").getAttribute("href")`); href != "/status.json" {
			t.Errorf("the JSON link is %q", href)
		}
	})
}
