package main

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/sqldb"
)

// browser is a cookie-keeping HTTP client that uses the pages as a browser
// without JavaScript would: GET a page, post its forms, follow redirects.
type browser struct {
	t    testing.TB
	srv  *server
	http *http.Client
	csrf string
	back string // the "back" field of the last page's forms
}

// signInLink makes a one-time sign-in link for name, as `hansei users link`
// does, straight in the server's database.
func signInLink(t testing.TB, srv *server, name string) string {
	t.Helper()
	db, err := sqldb.Open(context.Background(), srv.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	token, _, err := usersOf(db).SignInLink(context.Background(), app.Console(), name)
	if err != nil {
		t.Fatal(err)
	}
	return srv.URL + "/signin/link?token=" + url.QueryEscape(token)
}

func newBrowser(t testing.TB, srv *server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, srv: srv, http: &http.Client{Jar: jar}}
}

// signIn follows a sign-in link: the page shows a button, the button posts.
func (b *browser) signIn(name string) {
	b.t.Helper()
	link := signInLink(b.t, b.srv, name)
	page := b.get(link, http.StatusOK)
	token := formValue(b.t, page, "token")
	b.post("/signin/link", url.Values{"token": {token}}, http.StatusOK)
}

var (
	csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	backField = regexp.MustCompile(`name="back" value="([^"]+)"`)
)

func (b *browser) get(path string, want int) string {
	b.t.Helper()
	if strings.HasPrefix(path, "/") {
		path = b.srv.URL + path
	}
	resp, err := b.http.Get(path)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.read(resp, "GET "+path, want)
}

// post sends a form as a browser would, with the CSRF token of the last
// page seen and that page as the Referer.
func (b *browser) post(path string, form url.Values, want int) string {
	b.t.Helper()
	if form.Get("csrf") == "" && b.csrf != "" {
		form.Set("csrf", b.csrf)
	}
	if form.Get("back") == "" && b.back != "" {
		form.Set("back", b.back)
	}
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.srv.URL)
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.read(resp, "POST "+path, want)
}

func (b *browser) read(resp *http.Response, what string, want int) string {
	b.t.Helper()
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		b.t.Fatalf("%s: status %d, want %d\n%s", what, resp.StatusCode, want, body)
	}
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	if m := backField.FindSubmatch(body); m != nil {
		b.back = html.UnescapeString(string(m[1]))
	}
	return string(body)
}

func formValue(t testing.TB, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no field %q in the page:\n%s", name, page)
	}
	return m[1]
}

func TestPagesWithoutJavaScript(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		srv.addUser(t, "alice", "responder")
		b := newBrowser(t, srv)

		// Signed out, a page sends you to sign in and back.
		page := b.get("/incidents/new", http.StatusOK)
		if !strings.Contains(page, `action="/signin"`) || !strings.Contains(page, `value="/incidents/new"`) {
			t.Fatalf("signed out, /incidents/new did not show the sign-in form that returns there:\n%s", page)
		}
		b.signIn("alice")
		page = b.get("/incidents/new", http.StatusOK)
		for _, want := range []string{"SEV1", "Critical", "Declare"} {
			if !strings.Contains(page, want) {
				t.Errorf("declare form lacks %q", want)
			}
		}
		page = b.post("/incidents", url.Values{"title": {"Checkout failing"}, "severity": {"SEV2"}}, http.StatusOK)
		if !strings.Contains(page, "INC-1") || !strings.Contains(page, "Checkout failing") {
			t.Fatalf("after declaring, the incident page does not show INC-1:\n%s", page)
		}
		b.post("/incidents/1/notes", url.Values{"text": {"Rolled back the deploy"}}, http.StatusOK)
		page = b.get("/incidents/1", http.StatusOK)
		if !strings.Contains(page, "Rolled back the deploy") {
			t.Errorf("the note is not on the timeline")
		}
		// A form without the CSRF token is refused and changes nothing.
		b.post("/incidents/1/notes", url.Values{"text": {"forged"}, "csrf": {"wrong"}}, http.StatusForbidden)
		if page = b.get("/incidents/1", http.StatusOK); strings.Contains(page, "forged") {
			t.Errorf("a forged form added a note")
		}
		// Bad input comes back as a message on the same page.
		page = b.post("/incidents/1/severity", url.Values{"severity": {"SEV9"}, "reason": {"x"}}, http.StatusOK)
		if !strings.Contains(page, `class="flash error"`) || !strings.Contains(page, "SEV9") {
			t.Errorf("an unknown severity did not come back as an error message on the incident page")
		}
		b.post("/signout", url.Values{}, http.StatusOK)
		if page = b.get("/incidents", http.StatusOK); !strings.Contains(page, `action="/signin"`) {
			t.Errorf("after signing out, /incidents did not ask to sign in")
		}
	})
}
