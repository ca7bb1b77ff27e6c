package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// TestBrowserSignInStaysOnThisHost: finding 2 of issue 15, as it was
// confirmed in Chromium. A link to /signin?next=/%09/<another host> took a
// signed-in user, and a signed-out one after typing the password, to that
// other host. Here the other host is a server of the test's own, so that
// a redirect to it would load.
func TestBrowserSignInStaysOnThisHost(t *testing.T) {
	srv := startServer(t, sqldbtest.SQLite(t).DSN)
	srv.addUser(t, "alice", "responder")
	const password = "correct horse battery staple"
	setPassword(t, srv, "alice", password)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<title>evil</title>another site")
	}))
	defer evil.Close()
	evilHost := strings.TrimPrefix(evil.URL, "http://")
	home, _ := url.Parse(srv.URL)
	c := newChrome(t, srv)

	nexts := []string{"/%09/" + evilHost + "/", "/%5C" + evilHost + "/", "//" + evilHost + "/"}

	// Signed in: the link alone redirects.
	signedIn := c.newTab("alice, signed in")
	signedIn.signInByLink("alice")
	for _, next := range nexts {
		signedIn.open("/signin?next=" + next)
		if got := eval[string](signedIn, `location.host`); got != home.Host {
			t.Errorf("signed in, next=%s: the browser went to %s, want %s", next, got, home.Host)
		} else if p := signedIn.path(); p != "/incidents" {
			t.Errorf("signed in, next=%s: the browser is at %s, want /incidents", next, p)
		}
	}
	// Signed out: the link opens the form, she types her password. (The
	// pages' Content-Security-Policy, form-action 'self', already made
	// Chromium refuse to follow this redirect to another host; other
	// browsers need not.)
	for _, next := range nexts {
		alice := c.newTab("alice, signed out")
		alice.open("/signin?next=" + next)
		alice.do("type name and password",
			chromedp.SendKeys(chromedp.ID("name"), "alice"),
			chromedp.SendKeys(chromedp.ID("password"), password))
		alice.submit("sign in", buttonIn(`form[action="/signin"]`, "Sign in"))
		if got := eval[string](alice, `location.host`); got != home.Host {
			t.Errorf("signed out, next=%s: after signing in the browser is on %s, want %s", next, got, home.Host)
		} else if p := alice.path(); p != "/incidents" {
			t.Errorf("signed out, next=%s: after signing in the browser is at %s, want /incidents", next, p)
		}
	}
}
