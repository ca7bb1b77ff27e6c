package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// Finding 2 of issue 15: /signin?next=/%09/evil.host sent a signed-in
// user, and a signed-out one after typing the password, to another site.
// A browser drops tabs and newlines from a URL and reads a backslash as a
// slash, so a Location of "/\t/evil.host" is "//evil.host" to it: another
// host. Every redirect that takes a target from the request must stay on
// this host.

// openRedirects are the targets the red team tried, as they would appear
// in a link (query-encoded), and others of their kind.
var openRedirects = []string{
	"/%09/evil.host",
	"/%0a/evil.host",
	"/%0d/evil.host",
	"/%0d%0a/evil.host",
	"%09//evil.host",
	"//evil.host",
	"///evil.host",
	"////evil.host/%2e%2e",
	"/\\evil.host",
	"/%5Cevil.host",
	"\\/evil.host",
	"\\\\evil.host",
	"/%2F/evil.host",
	"/%252F/evil.host",
	"/%255Cevil.host",
	"%2F%2Fevil.host",
	"https://evil.host/",
	"http:evil.host",
	"javascript:alert(1)",
	"data:text/html,<script>alert(1)</script>",
	"//evil.host@x",
	"/%00/evil.host",
	"%20//evil.host",
	"/%20/evil.host%09",
	"evil.host",
	"/.//evil.host",
	"/./%2F/evil.host",
}

// rawBrowser keeps cookies and reads each answer as it comes: it follows
// no redirect and, unlike http.Client, does not refuse a Location that
// net/url cannot parse, since a browser does follow those.
type rawBrowser struct {
	t   *testing.T
	jar http.CookieJar
}

func newRawBrowser(t *testing.T) *rawBrowser {
	jar, _ := cookiejar.New(nil)
	return &rawBrowser{t: t, jar: jar}
}

func (b *rawBrowser) get(u string) *http.Response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.t.Fatalf("GET %s: %v", u, err)
	}
	return b.do(req)
}

// postForm posts a form as the browser would from a page of the server.
func (b *rawBrowser) postForm(u string, form url.Values) *http.Response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", req.URL.Scheme+"://"+req.URL.Host)
	return b.do(req)
}

// csrf reads the CSRF token of the forms on the page at u.
func (b *rawBrowser) csrf(u string) string {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for _, c := range b.jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := csrfField.FindSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s (status %d)", u, resp.StatusCode)
	}
	return string(m[1])
}

func (b *rawBrowser) do(req *http.Request) *http.Response {
	b.t.Helper()
	for _, c := range b.jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	b.jar.SetCookies(req.URL, resp.Cookies())
	return resp
}

// sameHost checks that location, as a browser reads it (tabs and newlines
// dropped, backslashes as slashes), is a path on the server's host.
func sameHost(t *testing.T, srv *server, what, location string) {
	t.Helper()
	browserView := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(location)
	base, _ := url.Parse(srv.URL + "/signin")
	to, err := base.Parse(browserView)
	if err != nil || to.Host != base.Host || to.Scheme != base.Scheme || !strings.HasPrefix(location, "/") {
		t.Errorf("%s: redirected to %q (%v); want a path on %s", what, location, to, base.Host)
	}
}

func TestSignInRedirectsOnlyToThisHost(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		srv.addUser(t, "alice", "responder")
		const password = "correct horse battery staple"
		setPassword(t, srv, "alice", password)
		b := newRawBrowser(t)
		// Signed out: type the password on the form the link opened. Each
		// sign-in costs a bcrypt check (a quarter of a second), so this
		// path, which checks with the same function as the next, takes
		// every third target.
		for i, next := range openRedirects {
			if i%3 != 0 {
				continue
			}
			resp := b.postForm(srv.URL+"/signin", url.Values{"name": {"alice"}, "password": {password}, "next": {queryValue(next)}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign in with next=%s: status %d, want 303", next, resp.StatusCode)
			}
			sameHost(t, srv, "signed out, next="+next, resp.Header.Get("Location"))
		}
		// Signed in (the cookie from above): the link alone redirects.
		for _, next := range openRedirects {
			resp := b.get(srv.URL + "/signin?next=" + next)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("signed in, GET /signin?next=%s: status %d, want 303", next, resp.StatusCode)
			}
			sameHost(t, srv, "signed in, next="+next, resp.Header.Get("Location"))
		}
		// A path on this host is still where signing in leads.
		if got := b.get(srv.URL + "/signin?next=" + url.QueryEscape("/incidents/new?x=1#top")).Header.Get("Location"); got != "/incidents/new?x=1#top" {
			t.Errorf("signed in, next=/incidents/new?x=1#top redirected to %q", got)
		}
		// A refused form goes back to the page in its "back" field, or
		// in the Referer: the same check.
		csrf := b.csrf(srv.URL + "/settings")
		for _, back := range openRedirects {
			resp := b.postForm(srv.URL+"/incidents/99/notes", url.Values{"csrf": {csrf}, "text": {"x"}, "back": {queryValue(back)}})
			if resp.StatusCode == http.StatusSeeOther {
				sameHost(t, srv, "a refused form with back="+back, resp.Header.Get("Location"))
			} else if resp.StatusCode != http.StatusNotFound {
				t.Errorf("a refused form with back=%s: status %d, want 303 to a page here or the 404 page", back, resp.StatusCode)
			}
		}
	})
}

// queryValue is what the server reads from ?next=raw.
func queryValue(raw string) string {
	v, err := url.ParseQuery("next=" + raw)
	if err != nil {
		// Not a valid query: send it as it is.
		return raw
	}
	return v.Get("next")
}
