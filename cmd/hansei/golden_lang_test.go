package main

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// The pages in Japanese and German, on the golden test's data: not one
// of their words may be an English sentence from the English catalog.
// The data (titles, notes, names) and the domain's own prose (timeline
// sentences, lint findings, domain errors), which the catalogs do not hold
// yet, are not compared: only what the catalog would have translated.

// sameInEnglish are the words a language writes as English does; the
// language selector's "English"; and data that happens to read as a
// message: a user named admin, a component named Search, the built-in
// scale's "nobody" (who is paged; the scales' own words are data of the
// config, not of the catalogs).
func sameInEnglish(lang string) []string {
	data := []string{"English", "admin", "Search", "nobody"}
	switch lang {
	case "de":
		return append(data, "Incident", "Incidents", "Name", "optional", "Postmortem", "Review", "Reviews", "Status",
			"Position", "Reviewer", "Version", "Tracker", "Admin")
	case "ja":
		return append(data, "Statuspage API")
	}
	return data
}

// englishCatalog reads the English catalog's texts: whole messages, and
// for those with placeholders the text between them.
func (g *golden) englishCatalog() (whole map[string]string, fragments map[string]string) {
	g.t.Helper()
	whole, fragments = map[string]string{}, map[string]string{}
	placeholder := regexp.MustCompile(`\{\{[^}]*\}\}`)
	add := func(id, text string) {
		if !strings.Contains(text, "{{") {
			whole[normalText(text)] = id
			return
		}
		for _, f := range placeholder.Split(text, -1) {
			// A fragment of two words or more is a sentence of its own;
			// a lone word ("to", "of") could be anything.
			if f = normalText(f); strings.Contains(f, " ") {
				fragments[f] = id
			}
		}
	}
	// The command line's words are left out: no page prints them.
	eachEnglishText(g.t, func(id string) bool { return !strings.HasPrefix(id, "cli.") }, add)
	return whole, fragments
}

// normalText trims a text node as the eye reads it: without the spaces
// and punctuation around it.
func normalText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.Trim(s, " :.,;·()–—↑↓#+")
}

var (
	// markdownTexts parts a line of the export where Markdown or the
	// export's layout does: the texts between are read as a page's.
	markdownTexts = regexp.MustCompile(`\s*(?:\||\*\*|^#+ |^- |^> |·|: |` + "`" + `[^` + "`" + `]*` + "`" + `)\s*`)
	scriptOrStyle = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`)
	tagOrText     = regexp.MustCompile(`<[^>]*>|[^<]+`)
	wordAttr      = regexp.MustCompile(`\b(placeholder|aria-label|title|alt|data-msg|data-expired|data-format-ms|data-format-s)="([^"]*)"`)
)

// pageTexts are what a reader sees and hears of a page: its text nodes and
// the attributes that a screen reader or a tooltip speaks.
func pageTexts(page string) []string {
	var out []string
	for _, part := range tagOrText.FindAllString(scriptOrStyle.ReplaceAllString(page, ""), -1) {
		if strings.HasPrefix(part, "<") {
			for _, m := range wordAttr.FindAllStringSubmatch(part, -1) {
				out = append(out, html.UnescapeString(m[2]))
			}
			continue
		}
		out = append(out, html.UnescapeString(part))
	}
	return out
}

// readLanguages reads the pages in ja and de, as a signed-in admin asking
// for the language with ?lang= and as a visitor whose browser asks for it,
// and fails on every English sentence of the catalog they show.
func (g *golden) readLanguages() {
	g.t.Helper()
	whole, fragments := g.englishCatalog()
	pages := []string{"/incidents", "/incidents?status=resolved", "/incidents/new", "/incidents/1", "/incidents/2",
		"/incidents/3", "/incidents/4", "/incidents/1?before=10", "/incidents/1/postmortem", "/incidents/3/postmortem",
		"/incidents/4/postmortem", "/incidents/1/live", "/remediations", "/remediations?mine=1", "/remediations?overdue=1", "/remediations/1",
		"/remediations/3", "/reviews/2026-03-11", "/reviews/2026-03-14", "/scales", "/settings", "/admin/users",
		"/admin/tokens", "/admin/outbox", "/admin/status", "/incidents/99"}
	for _, lang := range []string{"ja", "de"} {
		check := func(what, page string) {
			if !strings.Contains(page, `<html lang="`+lang+`">`) && !strings.Contains(what, "/live") {
				g.t.Errorf("%s: the page is not in %s:\n%s", what, lang, page)
				return
			}
			for _, text := range pageTexts(page) {
				n := normalText(text)
				if id, ok := whole[n]; ok && !slices.Contains(sameInEnglish(lang), n) {
					g.t.Errorf("%s: English on the page: %q (%s)", what, n, id)
				}
				for f, id := range fragments {
					if strings.Contains(n, f) {
						g.t.Errorf("%s: English on the page: %q in %q (%s)", what, f, n, id)
					}
				}
			}
		}
		for _, p := range pages {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			resp, body := g.send(goldenRequest{method: "GET", path: p + sep + "lang=" + lang, as: "admin", page: true})
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound {
				g.t.Errorf("GET %s in %s: status %d", p, lang, resp.StatusCode)
			}
			check(p+" in "+lang, string(body))
		}
		// The Markdown export, from the page and from the API (the token
		// user's language is English: ?lang= asks for another).
		for _, p := range []string{"/incidents/1/postmortem/export", "/incidents/3/postmortem/export",
			"/api/v1/incidents/1/postmortem.md", "/api/v1/incidents/3/postmortem.md"} {
			req := goldenRequest{method: "GET", path: p + "?lang=" + lang, as: "admin", page: !strings.HasPrefix(p, "/api/")}
			resp, body := g.send(req)
			if resp.StatusCode != http.StatusOK {
				g.t.Errorf("GET %s in %s: status %d", p, lang, resp.StatusCode)
			}
			for _, line := range strings.Split(string(body), "\n") {
				for _, part := range markdownTexts.Split(line, -1) {
					check(p+" in "+lang, "<html lang=\""+lang+"\">"+html.EscapeString(part))
				}
			}
		}
		// The lint's findings from the API: message and suggestion in the
		// language asked for.
		for _, p := range []string{"/api/v1/incidents/3/postmortem/lint"} {
			resp, body := g.send(goldenRequest{method: "GET", path: p + "?lang=" + lang, as: "admin"})
			var out struct {
				Findings []struct{ Message, Suggestion string }
			}
			if err := json.Unmarshal(body, &out); err != nil || resp.StatusCode != http.StatusOK || len(out.Findings) == 0 {
				g.t.Errorf("GET %s in %s: status %d, %d findings, %v", p, lang, resp.StatusCode, len(out.Findings), err)
			}
			for _, f := range out.Findings {
				check(p+" in "+lang, "<html lang=\""+lang+"\">"+html.EscapeString(f.Message)+"<p>"+html.EscapeString(f.Suggestion))
			}
		}
		for _, p := range []string{"/signin", "/signin?next=/incidents/1", "/signin/link?token=nope"} {
			_, body := g.send(goldenRequest{method: "GET", path: p, header: []string{"Accept-Language", "en;q=0.2, " + lang}})
			check(p+" signed out, Accept-Language "+lang, string(body))
		}
	}
}
