package httpx

import (
	"net/url"
	"strings"
	"testing"
)

func TestLocalRedirect(t *testing.T) {
	kept := map[string]string{
		"/incidents":                   "/incidents",
		"/incidents/new?x=1#top":       "/incidents/new?x=1#top",
		"/incidents?q=checkout%20eu":   "/incidents?q=checkout%20eu",
		"/incidents?q=100%25":          "/incidents?q=100%25",
		"/admin/status#component-api":  "/admin/status#component-api",
		"/a/../incidents/":             "/incidents/",
		"/.//evil.example":             "/evil.example",
		"/reviews/2026-12-01?back=%2F": "/reviews/2026-12-01?back=%2F",
		"/":                            "/",
	}
	for in, want := range kept {
		if got, ok := LocalRedirect(in); !ok || got != want {
			t.Errorf("LocalRedirect(%.200q) = %.200q, %v; want %.200q", in, got, ok, want)
		}
	}
	for _, in := range []string{
		"", "incidents", "//evil.example", "///evil.example", "/\\evil.example", "\\/evil.example",
		"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example", " //evil.example",
		"/%09/evil.example", "/%0a/evil.example", "/%5Cevil.example", "/%5cevil.example", "/%2F/evil.example",
		"/%252F/evil.example", "/%255Cevil.example", "%2F%2Fevil.example", "/%00", "/a\x7f",
		"https://evil.example/", "http:evil.example", "http:/evil.example", "javascript:alert(1)",
		"data:text/html,x", "//user@evil.example", "/%zz", "/%25252525252F", "/" + strings.Repeat("a", maxRedirectTarget),
	} {
		if got, ok := LocalRedirect(in); ok {
			t.Errorf("LocalRedirect(%.200q) = %.200q; want it refused", in, got)
		}
	}
}

// FuzzLocalRedirect: whatever a request carries, what LocalRedirect keeps
// is a path on this host as net/url and as a browser read it, and keeping
// it again changes nothing.
//
//	go test -run '^$' -fuzz FuzzLocalRedirect -fuzztime 60s ./internal/http/httpx/
func FuzzLocalRedirect(f *testing.F) {
	for _, s := range []string{
		"/incidents", "/incidents/new?x=1#top", "//evil", "/\t/evil", "/%09/evil", "/\\evil", "/%5Cevil",
		"/%2F/evil", "/.//evil", "/./%2F/evil", "https://evil/", "/a/../../b", "/%252F%252Fevil", "/?%0a",
		"/#/\\", "/;//evil", "/@evil", "/%E3%81%82", "/\u3000/evil", "/\uff0f\uff0fevil",
		"/" + strings.Repeat("\xbf", maxRedirectTarget/3),
	} {
		f.Add(s)
	}
	base, _ := url.Parse("https://hansei.example/incidents/1")
	f.Fuzz(func(t *testing.T, target string) {
		got, ok := LocalRedirect(target)
		if !ok {
			if got != "" {
				t.Fatalf("refused %.200q but returned %.200q", target, got)
			}
			return
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") {
			t.Fatalf("LocalRedirect(%.200q) = %.200q: not a single leading slash", target, got)
		}
		for i := 0; i < len(got); i++ {
			if c := got[i]; c <= ' ' || c == 0x7f || c == '\\' {
				t.Fatalf("LocalRedirect(%.200q) = %.200q holds %.200q", target, got, c)
			}
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
			t.Fatalf("LocalRedirect(%.200q) = %.200q parses as %#v, %v", target, got, u, err)
		}
		// As the browser resolves it: tabs and newlines dropped,
		// backslashes as slashes (there are none left, but say so).
		seen := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		to, err := base.Parse(seen)
		if err != nil || to.Scheme != "https" || to.Host != "hansei.example" {
			t.Fatalf("LocalRedirect(%.200q) = %.200q leads to %v, %v", target, got, to, err)
		}
		// Decoded once more, by whatever reads it next, it still starts
		// with one slash.
		if d, err := url.PathUnescape(got); err == nil && (strings.HasPrefix(d, "//") || strings.HasPrefix(d, "/\\")) {
			t.Fatalf("LocalRedirect(%.200q) = %.200q decodes to %.200q", target, got, d)
		}
		if again, ok := LocalRedirect(got); !ok || again != got {
			t.Fatalf("LocalRedirect(%.200q) = %.200q, but LocalRedirect(%.200q) = %.200q, %v", target, got, got, again, ok)
		}
	})
}
