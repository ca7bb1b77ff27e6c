package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hansei-dev/hansei/client"
)

// TestStatusPageLanguage: a visitor reads the public page in the language
// they ask for (?lang=, then Accept-Language by quality, then the
// organisation's default, here a French catalog the config adds with half
// the messages), on the main address and on --public-addr alike; the
// JSON is the same in every language.
func TestStatusPageLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		halfCatalog(t, filepath.Join(dir, "fr.yaml"))
		cfg := filepath.Join(dir, "hansei.yaml")
		if err := os.WriteFile(cfg, []byte("languages:\n  - code: fr\n    catalog: fr.yaml\nstatus:\n  language: fr\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		publicAddr := freeAddr(t)
		srv := startServer(t, dsn, "--config", cfg, "--public-addr", publicAddr)
		for _, req := range []struct {
			path string
			body map[string]any
		}{
			{"/api/v1/incidents", map[string]any{"title": "Checkout errors", "severity": "SEV2"}},
			{"/api/v1/incidents/1/public-updates", map[string]any{"text": "Some payments fail; we are on it.", "impact": "major"}},
		} {
			raw, _ := json.Marshal(req.body)
			resp, err := srv.client(srv.AdminToken).Do(context.Background(), client.Request{Method: "POST", Path: req.path, Body: raw})
			if err != nil || resp.Status >= 300 {
				t.Fatalf("POST %s: %v %d %s", req.path, err, resp.Status, resp.Body)
			}
		}
		waitFor(t, "http://"+publicAddr+"/status/incidents/1", "Some payments fail")

		for _, base := range []string{srv.URL, "http://" + publicAddr} {
			for _, tc := range []struct {
				target, accept, lang, want, vary string
			}{
				{"/status", "de", "de", "Aktuelle Incidents", "Accept-Encoding, Accept-Language"},
				{"/status", "ja;q=0, de", "de", "Aktuelle Incidents", "Accept-Encoding, Accept-Language"},
				{"/status?lang=ja", "de", "ja", "発生中のインシデント", "Accept-Encoding"},
				{"/status", "", "fr", "Checkout errors", "Accept-Encoding, Accept-Language"},
				{"/status/incidents/1", "pt-BR, de;q=0.5", "de", "Aktueller Status", "Accept-Encoding, Accept-Language"},
				{"/status/feed.atom", "de", "de", `xml:lang="de"`, "Accept-Encoding, Accept-Language"},
				{"/status/feed.rss", "ja", "ja", "<language>ja</language>", "Accept-Encoding, Accept-Language"},
			} {
				body, h := fetchWith(t, base+tc.target, "Accept-Language", tc.accept)
				what := base + tc.target + " (Accept-Language: " + tc.accept + ")"
				if !strings.HasPrefix(tc.target, "/status/feed") {
					pageHas(t, body, what, `<html lang="`+tc.lang+`">`)
				}
				pageHas(t, body, what, tc.want)
				if m := rawID.FindString(body); m != "" {
					t.Errorf("%s shows the message ID %q", what, m)
				}
				if got := h.Get("Vary"); got != tc.vary {
					t.Errorf("%s: Vary %q, want %q", what, got, tc.vary)
				}
			}
			ref, _ := fetchWith(t, base+"/status.json")
			for _, accept := range []string{"ja", "de", "ja;q=0, de"} {
				if body, h := fetchWith(t, base+"/status.json", "Accept-Language", accept); body != ref || h.Get("Vary") != "Accept-Encoding" {
					t.Errorf("%s/status.json differs for Accept-Language %q", base, accept)
				}
			}
			pageHas(t, ref, "/status.json", `"indicator":"major"`, `"status":"investigating"`)
		}
	})
}

// fetchWith GETs url with the headers given as name and value pairs.
func fetchWith(t *testing.T, url string, hdr ...string) (string, http.Header) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] != "" {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b), resp.Header
}
