package hansei

import (
	"bytes"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// The export is read by Markdown renderers, some of which let raw HTML
// through. These tests render it with goldmark (CommonMark, with GitHub's
// tables, strikethrough and task lists, raw HTML allowed) and check that
// what people wrote shows as the text it is: it never becomes an element
// or a link.

// mdRender renders Markdown as a permissive renderer would.
func mdRender(t testing.TB, md string) string {
	t.Helper()
	gm := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList),
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	var b bytes.Buffer
	if err := gm.Convert([]byte(md), &b); err != nil {
		t.Fatalf("render: %v", err)
	}
	return b.String()
}

// mdTags lists the tags of rendered HTML, attributes and all: goldmark
// escapes '<' in text, so every '<' left is markup.
func mdTags(rendered string) []string {
	return regexp.MustCompile(`<[^>]*>`).FindAllString(rendered, -1)
}

// mdDocument is a published postmortem with user text a in every
// one-line field, b in every multi-line one, and c in the highlighted
// note, the severity and a remediation's link.
func mdDocument(a, b, c string) (Postmortem, []Event, []Remediation) {
	at := time.Date(2026, 3, 11, 10, 0, 0, 0, time.UTC)
	pm := Postmortem{Incident: 7, Title: a, Severity: c, Status: PostmortemPublished, Revision: 1, PublishedAt: &at,
		Authors: []string{"alice", a}, Sections: map[string]string{"summary": b, "impact": a, "lessons": b + "\n\n" + a},
		Whys:      []WhyNode{{ID: 1, Question: a, Answer: b, Factor: a}, {ID: 2, Parent: 1, Question: b, Answer: a}},
		Reviewers: []Reviewer{{User: a, ApprovedAt: &at}, {User: "bob"}},
		Override:  b, PublishedOver: &PublishOverride{Reason: b, By: a, At: at, BlockingFindings: []string{a, b}, SelfReviewedBy: []string{a}},
		Record: Record{KeyTimes: []KeyTime{{Name: "started", At: &at}}, Durations: []Duration{{From: "started", To: "resolved", Seconds: 60}}}}
	data, _ := json.Marshal(NoteAddedData{Text: c})
	events := []Event{{Incident: 7, Seq: 3, Type: EventNoteAdded, Actor: a, At: at, Data: data}}
	rems := []Remediation{
		{ID: 1, Title: a, Owner: a, Priority: c, Due: a, Status: RemediationOpen, Link: c},
		{ID: 2, Title: b, Owner: "bob", Priority: "P1", Due: "2026-04-01", Status: RemediationWontDo, Link: "https://tracker.example/A-1"},
	}
	return pm, events, rems
}

// mdStandIn keeps the shape of s (its whitespace, so its lines, blank
// lines and emptiness) and replaces every other character with x: the
// export of the stand-in has exactly the structure the export must have.
func mdStandIn(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return r
		}
		return 'x'
	}, s)
}

// mdCheck renders the export of a, b and c beside that of their stand-ins
// and fails if they differ in any element or link, or if the title and
// the summary do not read as written.
func mdCheck(t testing.TB, a, b, c string) {
	t.Helper()
	pm, evs, rems := mdDocument(a, b, c)
	got := mdRender(t, pm.Markdown(enWords(), evs, rems))
	spm, sevs, srems := mdDocument(mdStandIn(a), mdStandIn(b), mdStandIn(c))
	srems[0].Link = c // the link is checked, not stood in for: it may stay a link
	want := mdRender(t, spm.Markdown(enWords(), sevs, srems))
	if g, w := mdTags(got), mdTags(want); strings.Join(g, "") != strings.Join(w, "") {
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Fatalf("user text became markup: tag %d is %s, want %s\nexport:\n%s\nrendered:\n%s", i, g[i], w[i], pm.Markdown(enWords(), evs, rems), got)
			}
		}
		t.Fatalf("user text became markup: %d tags, want %d\nexport:\n%s\nrendered:\n%s", len(g), len(w), pm.Markdown(enWords(), evs, rems), got)
	}
	// CommonMark replaces NUL and bad UTF-8; only then may the text differ.
	if !utf8.ValidString(a) || !utf8.ValidString(b) || strings.ContainsRune(a+b, 0) {
		return
	}
	text := func(s string) string {
		return strings.Join(strings.Fields(html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(s, " "))), " ")
	}
	h1 := got[strings.Index(got, "<h1>") : strings.Index(got, "</h1>")+5]
	if want := strings.Join(strings.Fields("INC-7: "+a+" — postmortem"), " "); text(h1) != want {
		t.Fatalf("title reads %q, want %q", text(h1), want)
	}
	from := strings.Index(got, "<h2>Summary</h2>")
	to := strings.Index(got, "<h2>Impact</h2>")
	if want := strings.Join(strings.Fields(b), " "); want != "" && text(got[from:to]) != "Summary "+want {
		t.Fatalf("summary reads %q, want %q", text(got[from:to]), "Summary "+want)
	}
}

// TestMarkdownExportEscapesUserText: the break-outs of the finding, each
// written where people write, render as their own text.
func TestMarkdownExportEscapesUserText(t *testing.T) {
	for _, s := range []string{
		"<script>alert(1)</script>",
		`<img src=x onerror="alert(1)">`,
		"[click](javascript:alert(1))",
		"![x](https://evil.example/t.png)",
		"<https://evil.example>",
		"`code` and `` ` `` break out`",
		"# heading", "> quote", "- item", "+ item", "* item", "1. item", "2) item", "---", "===", "***", "___",
		"<!-- comment", "<div>", "&lt;script&gt;", "&#x3C;b&#x3E;", "a | b", "~~struck~~", "**bold** _em_",
		"[ref]: https://evil.example", "[^1]", "    indented code", "```\nfenced\n```", "~~~", "line\\", "<a href=x>",
		"a\n=====", "a\n-----", "- [ ] task", "\\*not\\*", "x\r\n# y", "x\r# y",
	} {
		t.Run(s, func(t *testing.T) {
			mdCheck(t, s, s+"\n"+s, s)
			mdCheck(t, s, "text\n\n"+s, "https://tracker.example/"+s)
		})
	}
	pm, evs, rems := mdDocument("<script>alert(1)</script>", "# heading\n<img src=x onerror=alert(1)>", "[x](javascript:alert(1))")
	md := pm.Markdown(enWords(), evs, rems)
	out := mdRender(t, md)
	for _, bad := range []string{"<script", "<img", "javascript:", "<h1>heading"} {
		if strings.Contains(strings.ReplaceAll(out, "&lt;", "<"), bad) && !strings.Contains(out, html.EscapeString(bad)) {
			t.Errorf("rendered export holds %s:\n%s", bad, out)
		}
	}
	for _, want := range []string{`# INC-7: \<script>alert(1)\</script> — postmortem`, "\\# heading  \n\\<img src=x onerror=alert(1)>",
		"| 1 | \\<script>alert(1)\\</script> | \\<script>alert(1)\\</script> | \\[x\\](javascript:alert(1)) |"} {
		if !strings.Contains(md, want) {
			t.Errorf("export lacks %q:\n%s", want, md)
		}
	}
	// A link that is not http(s) is not made a link; an http(s) one is,
	// with what could end it encoded.
	if got := mdLinkDestination("javascript:alert(1)"); got != "" {
		t.Errorf("javascript: link kept as %q", got)
	}
	if got := mdLinkDestination("https://tracker.example/a)b<c>|d e"); got != "https://tracker.example/a%29b%3Cc%3E%7Cd%20e" {
		t.Errorf("destination %q", got)
	}
}

// FuzzMarkdownExport: whatever people write, rendering the export yields
// the elements and links of its structure, and no other.
func FuzzMarkdownExport(f *testing.F) {
	for _, s := range []string{"Checkout failing", "<script>alert(1)</script>", "[a](javascript:x)", "`a``b`", "# x\n- y\n> z",
		"1. a\n2) b", "a\n===", "&amp;", "a|b", "https://tracker.example/a_(b)", "\x00", "\xff", "*_~`\\[]<>&|#+-=!.)"} {
		f.Add(s, s+"\n\n"+s, s)
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		if len(a)+len(b)+len(c) > 4000 {
			return
		}
		mdCheck(t, a, b, c)
	})
}
