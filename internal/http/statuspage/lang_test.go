package statuspage

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/internal/i18n"
	"github.com/valyala/fasthttp"
)

// answer is a response from either listener, as the tests read it.
type answer struct {
	code int
	hdr  http.Header
	body string
}

// askBoth asks the main address's handler and the --public-addr fast
// path the same request, so that a test holds both to the same answer.
func askBoth(t *testing.T, p *Page, target string, hdr ...string) (main, public answer) {
	t.Helper()
	rec := get(t, mountedStatus(t, p), "GET", target, hdr...)
	main = answer{rec.Code, rec.Header(), string(decoded(t, rec))}
	fp := newFastPublic(p)
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod("GET")
	ctx.Request.SetRequestURI(target)
	for i := 0; i+1 < len(hdr); i += 2 {
		ctx.Request.Header.Set(hdr[i], hdr[i+1])
	}
	fp.serve(&ctx)
	public = answer{ctx.Response.StatusCode(), http.Header{}, string(ctx.Response.Body())}
	for _, k := range []string{"Vary", "Etag", "Content-Type"} {
		public.hdr.Set(k, string(ctx.Response.Header.Peek(k)))
	}
	return main, public
}

func newFastPublic(p *Page) *fastPublic {
	fp := &fastPublic{p: p, observe: func(string, string, int, time.Duration) {}, routes: map[string]fastRoute{},
		fallback: func(ctx *fasthttp.RequestCtx) { ctx.SetStatusCode(599) }}
	for path, body := range p.paths {
		fp.routes[path] = fastRoute{pattern: "GET " + path, body: body}
	}
	return fp
}

// TestStatusLanguage: a visitor reads the page, an incident and the 404 in
// the language they ask for with ?lang=, else the first their browser
// accepts by quality, else the organisation's default; on both addresses.
func TestStatusLanguage(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{})
	const (
		en = "Active incidents"
		de = "Aktuelle Incidents"
		ja = "発生中のインシデント"
	)
	byLang := map[string]string{"en": en, "de": de, "ja": ja}
	for _, tc := range []struct {
		target, accept, want string
		named                bool
	}{
		{"/status", "", "en", false},
		{"/status", "de", "de", false},
		{"/status", "ja;q=0, de", "de", false},
		{"/status", "de-AT, en;q=0.5", "de", false},
		{"/status", "fr-FR, ja;q=0.7", "ja", false},
		{"/status", "fr", "en", false},
		{"/status", "*;q=0, garbage;;", "en", false},
		{"/status?lang=ja", "de", "ja", true},
		{"/status?x=1&lang=de", "", "de", true},
		{"/status?lang=xx", "ja", "ja", false}, // a language no catalog speaks: the next source
	} {
		main, public := askBoth(t, p, tc.target, "Accept-Language", tc.accept)
		for where, a := range map[string]answer{"main": main, "public": public} {
			if a.code != 200 || !strings.Contains(a.body, byLang[tc.want]) || !strings.Contains(a.body, `<html lang="`+tc.want+`">`) {
				t.Errorf("%s %s, Accept-Language %q: %d, want %s", where, tc.target, tc.accept, a.code, tc.want)
			}
			for l, w := range byLang {
				if l != tc.want && strings.Contains(a.body, w) {
					t.Errorf("%s %s, Accept-Language %q: has %s's %q", where, tc.target, tc.accept, l, w)
				}
			}
			// The body depends on Accept-Language unless ?lang= named it.
			vary := "Accept-Encoding, Accept-Language"
			if tc.named {
				vary = "Accept-Encoding"
			}
			if got := a.hdr.Get("Vary"); got != vary {
				t.Errorf("%s %s, Accept-Language %q: Vary %q, want %q", where, tc.target, tc.accept, got, vary)
			}
		}
		if main.body != public.body || main.hdr.Get("Etag") != public.hdr.Get("Etag") {
			t.Errorf("%s, Accept-Language %q: the two addresses answer differently", tc.target, tc.accept)
		}
	}
	// An incident and the 404 too.
	for _, path := range []string{"/status/incidents/1", "/status/incidents/99", "/status/nothing"} {
		rec := get(t, mountedStatus(t, p), "GET", path, "Accept-Language", "ja;q=0, de")
		if !strings.Contains(rec.Body.String(), `<html lang="de">`) {
			t.Errorf("%s in German: %d %.200s", path, rec.Code, rec.Body.String())
		}
	}
	// The links keep the language; the footer offers the others.
	german, _ := askBoth(t, p, "/status", "Accept-Language", "de")
	for _, want := range []string{`href="/status/incidents/1?lang=de"`, `<b lang="de">Deutsch</b>`,
		`<a href="/status?lang=ja" hreflang="ja" lang="ja">日本語</a>`, `href="/status/feed.atom?lang=de"`} {
		if !strings.Contains(german.body, want) {
			t.Errorf("the German page lacks %s", want)
		}
	}
	atom, _ := askBoth(t, p, "/status/feed.atom", "Accept-Language", "de")
	for _, want := range []string{"<id>https://status.example.com/status/incidents/1#update-", `href="https://status.example.com/status/incidents/1?lang=de#update-`} {
		if !strings.Contains(atom.body, want) {
			t.Errorf("the German feed lacks %s", want)
		}
	}
	// Each language has its own validators.
	tags := map[string]string{}
	for _, l := range []string{"en", "ja", "de"} {
		m, _ := askBoth(t, p, "/status?lang="+l)
		if other, seen := tags[m.hdr.Get("Etag")]; seen {
			t.Errorf("%s and %s share the ETag %s", l, other, m.hdr.Get("Etag"))
		}
		tags[m.hdr.Get("Etag")] = l
	}
	// A copy of the German page is not current for a Japanese reader.
	de1 := get(t, mountedStatus(t, p), "GET", "/status", "Accept-Language", "de")
	ja1 := get(t, mountedStatus(t, p), "GET", "/status", "Accept-Language", "ja", "If-None-Match", de1.Header().Get("ETag"))
	if ja1.Code != 200 || !strings.Contains(ja1.Body.String(), ja) {
		t.Errorf("Japanese with the German ETag: %d", ja1.Code)
	}
}

// TestStatusDefaultLanguage: the organisation's default is what a visitor
// who asks for nothing the page speaks reads.
func TestStatusDefaultLanguage(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{Language: "ja"})
	for _, accept := range []string{"", "fr", "en;q=0"} {
		main, public := askBoth(t, p, "/status", "Accept-Language", accept)
		if !strings.Contains(main.body, "発生中のインシデント") || main.body != public.body {
			t.Errorf("Accept-Language %q: not the Japanese default", accept)
		}
	}
	if main, _ := askBoth(t, p, "/status", "Accept-Language", "en"); !strings.Contains(main.body, "Active incidents") {
		t.Error("Accept-Language en on a Japanese page: not English")
	}
}

// TestStatusFeedsAndRefusalsInLanguage: the feeds and a 429 are in the
// visitor's language too.
func TestStatusFeedsAndRefusalsInLanguage(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{ClientRateLimit: 1})
	feeds := map[string][]string{
		"/status/feed.atom": {`xml:lang="de"`, "Checkout is slow – identifiziert", "Checkout: Teilweiser Ausfall",
			"Geplante Wartung: Database upgrade", "Geplante Wartung von 2026-11-03 12:00 UTC bis 2026-11-03 13:00 UTC."},
		"/status/feed.rss": {"<language>de</language>", "Example: Störungen und Wartungen", "Checkout is slow – identifiziert"},
	}
	for path, wants := range feeds {
		p.perClient = nil // the limit is for the refusal below
		main, public := askBoth(t, p, path, "Accept-Language", "ja;q=0, de")
		for _, want := range wants {
			if !strings.Contains(main.body, want) || !strings.Contains(public.body, want) {
				t.Errorf("%s in German lacks %q:\n%s", path, want, main.body)
			}
		}
	}
	p.perClient = newClientLimiter(1)
	var refused []answer
	for range 5 {
		main, public := askBoth(t, p, "/status", "Accept-Language", "de")
		for _, a := range []answer{main, public} {
			if a.code == http.StatusTooManyRequests {
				refused = append(refused, a)
			}
		}
	}
	if len(refused) == 0 {
		t.Fatal("no request refused")
	}
	for _, a := range refused {
		if !strings.HasPrefix(a.body, "Zu viele Anfragen von Ihrer Adresse") {
			t.Errorf("429 in German: %q", a.body)
		}
	}
}

// TestStatusJSONSameInEveryLanguage: the JSON APIs are data for
// machines: the same bytes, validators and Vary whatever the language.
func TestStatusJSONSameInEveryLanguage(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{Language: "de"})
	for _, path := range []string{"/status.json", "/api/v2/summary.json", "/api/v2/status.json", "/api/v2/components.json", "/api/v2/incidents.json"} {
		ref, _ := askBoth(t, p, path)
		if !strings.Contains(ref.body, `"indicator":"major"`) && !strings.Contains(ref.body, `"status":`) {
			t.Errorf("%s: no machine fields: %.200s", path, ref.body)
		}
		for _, h := range [][]string{{"Accept-Language", "ja"}, {"Accept-Language", "ja;q=0, de"}, {"Accept-Language", "en"}} {
			for _, target := range []string{path, path + "?lang=ja"} {
				main, public := askBoth(t, p, target, h...)
				for _, a := range []answer{main, public} {
					if a.body != ref.body || a.hdr.Get("Etag") != ref.hdr.Get("Etag") || a.hdr.Get("Vary") != "Accept-Encoding" {
						t.Errorf("%s %v: differs from the default language's (Vary %q)", target, h, a.hdr.Get("Vary"))
					}
				}
			}
		}
	}
}

// TestStatusAddedLanguage: a language the deployment adds with half the
// page's words shows its own where it has them and English elsewhere,
// never a message ID; it can be the organisation's default.
func TestStatusAddedLanguage(t *testing.T) {
	fr, err := i18n.CheckCatalog("fr.yaml", "fr", []byte("meta.language_name: Français\n"+
		"statuspage.active_incidents: «fr» Incidents en cours\nstatuspage.components: «fr» Composants\n"+
		"statuspage.refused_client_rate: «fr» Trop de requêtes.\n"))
	if err != nil {
		t.Fatal(err)
	}
	cats, err := i18n.New([]*i18n.Catalog{fr}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	rawID := regexp.MustCompile(`\b(statuspage|word|meta)\.[a-z0-9_]+`)
	for _, cfg := range []Config{{Catalogs: cats}, {Catalogs: cats, Language: "fr"}} {
		p, _ := testStatusPage(t, leakySnapshot(t, now), now, cfg)
		for _, target := range []string{"/status?lang=fr", "/status/incidents/1?lang=fr", "/status/feed.atom?lang=fr", "/status/feed.rss?lang=fr"} {
			main, public := askBoth(t, p, target, "Accept-Language", "fr-CA")
			for _, a := range []answer{main, public} {
				if m := rawID.FindString(a.body); m != "" {
					t.Errorf("%s shows the message ID %q", target, m)
				}
				if target == "/status?lang=fr" && (!strings.Contains(a.body, "«fr» Incidents en cours") || !strings.Contains(a.body, "Scheduled maintenance")) {
					t.Errorf("%s: not French with English for the rest", target)
				}
			}
		}
		main, _ := askBoth(t, p, "/status", "Accept-Language", "fr-CA, de;q=0.5")
		if !strings.Contains(main.body, "«fr» Composants") {
			t.Error("Accept-Language fr-CA: not the French page")
		}
		if cfg.Language == "fr" {
			main, _ := askBoth(t, p, "/status", "Accept-Language", "pt")
			if !strings.Contains(main.body, `<html lang="fr">`) {
				t.Error("the French default: not French")
			}
		}
	}
}

// TestStatusLanguageFastPathAllocs: choosing the language costs the
// --public-addr listener no allocation once a header value is known.
func TestStatusLanguageFastPathAllocs(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	p, _ := testStatusPage(t, leakySnapshot(t, now), now, Config{})
	fp := newFastPublic(p)
	var ctx fasthttp.RequestCtx
	headers := []string{"de", "ja;q=0, de", "en-US,en;q=0.9", "ja,en-US;q=0.9,en;q=0.8", ""}
	targets := []string{"/status", "/status?lang=ja", "/status/feed.atom"}
	i := 0
	serve := func() {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.Header.SetMethod("GET")
		ctx.Request.SetRequestURI(targets[i%len(targets)])
		if h := headers[i%len(headers)]; h != "" {
			ctx.Request.Header.Set("Accept-Language", h)
		}
		i++
		fp.serve(&ctx)
	}
	for range 30 {
		serve()
	}
	if a := testing.AllocsPerRun(300, serve); a != 0 {
		t.Errorf("%.1f allocations a request", a)
	}
	if !bytes.Contains(ctx.Response.Body(), []byte("<html")) && !bytes.Contains(ctx.Response.Body(), []byte("<feed")) {
		t.Errorf("body: %.100s", ctx.Response.Body())
	}
}

// TestLangCacheBounded: a client that sends a new Accept-Language with
// every request gets answers, and the map stays bounded.
func TestLangCacheBounded(t *testing.T) {
	pl := newPageLangs(i18n.MustBuiltin(), []string{"en", "ja", "de"}, "en")
	for i := range 2 * langCacheMax {
		h := strings.Repeat("x", i%7+1) + "-" + string(rune('a'+i%26)) + ", de;q=0." + string(rune('1'+i%9))
		if l, _ := pl.choose("", h); pl.langs[l] != "de" {
			t.Fatalf("%q: %s", h, pl.langs[l])
		}
	}
	if n := len(*pl.accept.m.Load()); n > langCacheMax {
		t.Errorf("%d entries", n)
	}
}
