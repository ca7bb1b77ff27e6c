package statuspage

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	hansei "github.com/hansei-dev/hansei"
)

// fakeStatus is a Source the test changes by hand.
type fakeStatus struct {
	mu      sync.Mutex
	snap    hansei.StatusSnapshot
	version int
}

func (f *fakeStatus) StatusSnapshot(context.Context, time.Time) (hansei.StatusSnapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.snap
	s.Version = fmt.Sprint(f.version)
	return s, nil
}

func (f *fakeStatus) StatusVersion(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprint(f.version), nil
}

func (f *fakeStatus) set(snap hansei.StatusSnapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap = snap
	f.version++
}

// Words that must never reach a public body.
const (
	secretNote      = "SECRET-NOTE db password rotated"
	secretSummary   = "SECRET-SUMMARY customer 4711"
	internalTitle   = "INTERNAL-TITLE primary OOM-killed"
	restrictedTitle = "RESTRICTED-TITLE acquisition leak"
	unpublished     = "UNPUBLISHED-TITLE nobody spoke yet"
	maintAuthor     = "secret-maintainer"
)

// timeline runs commands through the domain, as the store would, and
// returns the incident and its events.
func timeline(t testing.TB, number int64, at time.Time, cmds ...hansei.Command) (hansei.Incident, []hansei.Event) {
	t.Helper()
	admin := hansei.User{Name: "alice", Role: hansei.RoleAdmin}
	env := hansei.Env{Actor: admin, Scales: hansei.DefaultScales(), Users: func(name string) (hansei.User, error) {
		return hansei.User{Name: name, Role: hansei.RoleResponder}, nil
	}}
	inc := hansei.Incident{Number: number}
	var all []hansei.Event
	for i, c := range cmds {
		env.Now = at.Add(time.Duration(i) * time.Minute)
		evs, err := hansei.Decide(inc, env, c)
		if err != nil {
			t.Fatalf("INC-%d command %d (%T): %v", number, i, c, err)
		}
		for _, e := range evs {
			if inc, err = hansei.Apply(inc, e); err != nil {
				t.Fatal(err)
			}
		}
		all = append(all, evs...)
	}
	return inc, all
}

// leakySnapshot is what the store would read for a page with a public
// incident (with internal notes and an internal title), a restricted one,
// a never-published one, and a maintenance window.
func leakySnapshot(t testing.TB, now time.Time) hansei.StatusSnapshot {
	snap := hansei.StatusSnapshot{
		Components: []hansei.Component{
			{Key: "api", Name: "API", Group: "Platform", State: hansei.ComponentOperational, CreatedAt: now.Add(-48 * time.Hour), UpdatedAt: now.Add(-48 * time.Hour)},
			{Key: "checkout", Name: "Checkout", Group: "Platform", Description: "Paying for orders", CreatedAt: now.Add(-48 * time.Hour), UpdatedAt: now.Add(-48 * time.Hour)},
			{Key: "docs", Name: "Documentation", CreatedAt: now.Add(-48 * time.Hour), UpdatedAt: now.Add(-48 * time.Hour)},
		},
		UpdatedAt: now.Add(-time.Minute),
	}
	start := now.Add(-time.Hour)
	inc, evs := timeline(t, 1, start,
		hansei.Declare{Title: internalTitle, Summary: secretSummary, Severity: "SEV2"},
		hansei.AddNote{Text: secretNote},
		hansei.LinkComponents{Components: []string{"checkout"}},
		hansei.PublishUpdate{Title: "Checkout is slow", Status: hansei.StatusInvestigating, Text: "We are looking into slow checkouts."},
		hansei.AddNote{Text: secretNote + " again"},
		hansei.PublishUpdate{Status: hansei.StatusIdentified, Text: "A bad deploy; rolling back.",
			Components: map[string]hansei.ComponentState{"checkout": hansei.ComponentPartialOutage}},
	)
	restricted, restrictedEvs := timeline(t, 2, start, hansei.Declare{Title: restrictedTitle, Severity: "SEV1", Visibility: hansei.VisibilityRestricted},
		hansei.AddNote{Text: secretNote})
	silent, silentEvs := timeline(t, 3, start, hansei.Declare{Title: unpublished, Severity: "SEV1"},
		hansei.LinkComponents{Components: []string{"docs"}}, hansei.AddNote{Text: secretNote})
	for _, c := range []struct {
		inc hansei.Incident
		evs []hansei.Event
	}{{inc, evs}, {restricted, restrictedEvs}, {silent, silentEvs}} {
		if p, ok := hansei.PublicView(c.inc, c.evs); ok {
			snap.Incidents = append(snap.Incidents, p)
		}
	}
	if len(snap.Incidents) != 1 {
		t.Fatalf("PublicView let %d incidents through, want 1", len(snap.Incidents))
	}
	snap.Maintenance = []hansei.Maintenance{{ID: 7, Title: "Database upgrade", Text: "Writes pause for a minute.",
		Components: []string{"api"}, StartsAt: now.Add(24 * time.Hour), EndsAt: now.Add(25 * time.Hour),
		CreatedBy: maintAuthor, CreatedAt: now.Add(-2 * time.Hour)}}
	return snap
}

// testStatusPage is a status page on a fake source, built once.
func testStatusPage(t testing.TB, snap hansei.StatusSnapshot, now time.Time, cfg Config) (*Page, *fakeStatus) {
	t.Helper()
	src := &fakeStatus{}
	src.set(snap)
	if cfg.URL == "" {
		cfg.URL = "https://status.example.com"
	}
	if cfg.Name == "" {
		cfg.Name = "Example"
	}
	p := New(src, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return now }, cfg)
	if err := p.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p, src
}

// publicPaths are every public route, with a known incident.
var publicPaths = []string{"/status", "/status/incidents/1", "/status.json", "/status/feed.atom", "/status/feed.rss",
	"/api/v2/summary.json", "/api/v2/status.json", "/api/v2/components.json", "/api/v2/incidents.json",
	"/api/v2/incidents/unresolved.json", "/api/v2/scheduled-maintenances.json",
	"/api/v2/scheduled-maintenances/upcoming.json", "/api/v2/scheduled-maintenances/active.json"}

// mountedStatus is the public handler with every public route.
func mountedStatus(t testing.TB, p *Page) http.Handler {
	t.Helper()
	return p.Handler()
}

func get(t testing.TB, h http.Handler, method, path string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// decoded is the response body without its content coding.
func decoded(t testing.TB, rec *httptest.ResponseRecorder) []byte {
	t.Helper()
	var r io.Reader
	switch ce := rec.Header().Get("Content-Encoding"); ce {
	case "":
		return rec.Body.Bytes()
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(rec.Body.Bytes()))
	default:
		t.Fatalf("unexpected Content-Encoding %q", ce)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStatusNeverLeaks(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{})
	h := mountedStatus(t, p)
	paths := append(publicPaths, "/status/incidents/2", "/status/incidents/3", "/status/incidents/99")
	for _, path := range paths {
		for _, enc := range []string{"", "gzip", "br"} {
			rec := get(t, h, "GET", path, "Accept-Encoding", enc)
			body := string(decoded(t, rec))
			for _, secret := range []string{secretNote, secretSummary, internalTitle, restrictedTitle, unpublished, maintAuthor, "alice"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s (%q): the body shows %q", path, enc, secret)
				}
			}
		}
	}
	page := string(decoded(t, get(t, h, "GET", "/status")))
	for _, want := range []string{"Checkout is slow", "A bad deploy; rolling back.", "We are looking into slow checkouts.",
		"Partial outage", "Database upgrade", `<time datetime="2026-11-02T11:05:00Z">2026-11-02 11:05 UTC</time>`,
		`title="2026-11-02: Partial outage"`, "Partial System Outage"} {
		if !strings.Contains(page, want) {
			t.Errorf("/status lacks %q", want)
		}
	}
	if strings.Index(page, "A bad deploy") > strings.Index(page, "We are looking into") {
		t.Error("updates are not newest first")
	}
	if strings.Contains(page, "<script") {
		t.Error("the public page carries a script")
	}
}

func TestStatusIncidentPages(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	snap := leakySnapshot(t, now)
	p, _ := testStatusPage(t, snap, now, Config{})
	h := mountedStatus(t, p)
	rec := get(t, h, "GET", "/status/incidents/1")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), fmt.Sprintf(`id="update-%d"`, snap.Incidents[0].Updates[1].Seq)) {
		t.Fatalf("incident 1: %d\n%s", rec.Code, rec.Body)
	}
	// Restricted, never published, unknown and malformed all look alike.
	var first string
	for _, path := range []string{"/status/incidents/2", "/status/incidents/3", "/status/incidents/99", "/status/incidents/x"} {
		rec := get(t, h, "GET", path)
		if rec.Code != 404 {
			t.Fatalf("%s: %d, want 404", path, rec.Code)
		}
		if first == "" {
			first = rec.Body.String()
		} else if rec.Body.String() != first {
			t.Errorf("%s: a different 404 tells that it exists", path)
		}
	}
	// The public handler knows nothing else.
	if rec := get(t, h, "GET", "/api/v1/incidents"); rec.Code != 404 {
		t.Errorf("/api/v1/incidents on the public handler: %d", rec.Code)
	}
}

func TestStatusConditionalRequests(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	p, src := testStatusPage(t, leakySnapshot(t, now), now, Config{})
	h := mountedStatus(t, p)
	for _, path := range publicPaths {
		rec := get(t, h, "GET", path)
		etag := rec.Header().Get("ETag")
		if rec.Code != 200 || !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") {
			t.Fatalf("%s: %d, ETag %q", path, rec.Code, etag)
		}
		vary := "Accept-Encoding"
		if !strings.HasSuffix(path, ".json") {
			vary += ", Accept-Language"
		}
		for k, want := range map[string]string{"Cache-Control": statusCacheControl, "Vary": vary,
			"Content-Length": fmt.Sprint(rec.Body.Len()), "Last-Modified": "Mon, 02 Nov 2026 11:59:00 GMT"} {
			if got := rec.Header().Get(k); got != want {
				t.Errorf("%s: %s %q, want %q", path, k, got, want)
			}
		}
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			nm := get(t, h, "GET", path, "If-None-Match", inm)
			if nm.Code != 304 || nm.Body.Len() != 0 || nm.Header().Get("ETag") != etag || nm.Header().Get("Cache-Control") != statusCacheControl {
				t.Errorf("%s If-None-Match %s: %d %v", path, inm, nm.Code, nm.Header())
			}
		}
		if stale := get(t, h, "GET", path, "If-None-Match", `"stale"`); stale.Code != 200 || stale.Body.Len() == 0 {
			t.Errorf("%s: a stale ETag got %d", path, stale.Code)
		}
		// If-Modified-Since counts only without If-None-Match.
		if c := get(t, h, "GET", path, "If-Modified-Since", "Mon, 02 Nov 2026 11:59:00 GMT").Code; c != 304 {
			t.Errorf("%s If-Modified-Since Last-Modified: %d", path, c)
		}
		if c := get(t, h, "GET", path, "If-Modified-Since", "Mon, 02 Nov 2026 11:58:59 GMT").Code; c != 200 {
			t.Errorf("%s If-Modified-Since earlier: %d", path, c)
		}
		if c := get(t, h, "GET", path, "If-Modified-Since", "Mon, 02 Nov 2026 11:59:00 GMT", "If-None-Match", `"stale"`).Code; c != 200 {
			t.Errorf("%s: If-Modified-Since overrode If-None-Match: %d", path, c)
		}
		head := get(t, h, "HEAD", path)
		if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Length") != fmt.Sprint(rec.Body.Len()) || head.Header().Get("ETag") != etag {
			t.Errorf("%s HEAD: %d, %d bytes, %v", path, head.Code, head.Body.Len(), head.Header())
		}
	}
	// A change makes a new ETag and a new Last-Modified.
	before := get(t, h, "GET", "/status").Header().Get("ETag")
	snap := leakySnapshot(t, now)
	snap.Components[2].State = hansei.ComponentMajorOutage
	snap.UpdatedAt = now
	src.set(snap)
	if err := p.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := get(t, h, "GET", "/status", "If-None-Match", before)
	if after.Code != 200 || after.Header().Get("ETag") == before || after.Header().Get("Last-Modified") != "Mon, 02 Nov 2026 12:00:00 GMT" {
		t.Errorf("after a change: %d, %v", after.Code, after.Header())
	}
}

func TestStatusEncodings(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{})
	h := mountedStatus(t, p)
	for _, path := range []string{"/status", "/status.json", "/status/feed.atom", "/api/v2/summary.json"} {
		identity := get(t, h, "GET", path)
		tags := map[string]bool{}
		for _, tc := range []struct{ accept, want string }{
			{"", ""}, {"gzip", "gzip"}, {"br", "br"}, {"gzip, deflate, br", "br"}, {"br;q=0.5, gzip", "gzip"},
			{"br;q=0, gzip;q=0.1", "gzip"}, {"*", "br"}, {"*;q=0.5, br;q=0", "gzip"}, {"identity", ""},
			{"gzip;q=0, br;q=0", ""}, {"x-gzip", "gzip"}, {"BR", "br"}, {"deflate", ""}, {"gzip;q=0.001, identity;q=0", "gzip"},
		} {
			rec := get(t, h, "GET", path, "Accept-Encoding", tc.accept)
			if got := rec.Header().Get("Content-Encoding"); got != tc.want {
				t.Errorf("%s Accept-Encoding %q: Content-Encoding %q, want %q", path, tc.accept, got, tc.want)
			}
			if !bytes.Equal(decoded(t, rec), identity.Body.Bytes()) {
				t.Errorf("%s %q: decodes to other bytes than identity", path, tc.accept)
			}
			// The pages and feeds are in the visitor's language; the JSON
			// is the same in every language.
			vary := "Accept-Encoding"
			if !strings.HasSuffix(path, ".json") {
				vary = "Accept-Encoding, Accept-Language"
			}
			if got := rec.Header().Get("Vary"); got != vary {
				t.Errorf("%s: Vary %q, want %q", path, got, vary)
			}
			tags[rec.Header().Get("ETag")] = true
			if tc.want != "" && rec.Body.Len() >= identity.Body.Len() {
				t.Errorf("%s %s: %d bytes, identity %d", path, tc.want, rec.Body.Len(), identity.Body.Len())
			}
		}
		if len(tags) != 3 {
			t.Errorf("%s: ETags %v, want one per representation", path, tags)
		}
		// An ETag of another representation is not this one's.
		gz := get(t, h, "GET", path, "Accept-Encoding", "gzip").Header().Get("ETag")
		if c := get(t, h, "GET", path, "Accept-Encoding", "br", "If-None-Match", gz).Code; c != 200 {
			t.Errorf("%s: the gzip ETag validated the brotli body (%d)", path, c)
		}
	}
}
