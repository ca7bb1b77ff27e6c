package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"

	"github.com/hansei-dev/hansei/client"
)

// TestExportEscapesUserText is finding 12 as it was found: HTML and link
// break-outs written into an incident and its postmortem went into the
// Markdown export raw, and a renderer that allows raw HTML ran them. The
// export from the API, the page and the command line now shows them as
// the text they are: rendered as a permissive renderer would, it holds no
// element or link that the text did not ask for as text.
func TestExportEscapesUserText(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		admin := srv.AdminToken
		c := srv.client(admin)
		ctx := context.Background()
		if _, err := c.Declare(ctx, client.DeclareRequest{Title: "<script>alert(1)</script> checkout", Severity: "SEV3"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddNote(ctx, 1, "see [the runbook](javascript:alert(document.cookie))"); err != nil {
			t.Fatal(err)
		}
		srv.mustCLI(t, admin, "incident", "status", "1", "resolved")
		srv.mustCLI(t, admin, "postmortem", "1", "create")
		if _, err := c.PatchPostmortem(ctx, 1, map[string]any{
			"summary":    "# Pwned\n<img src=x onerror=alert(1)>\n> quoted\n- listed\n1. numbered",
			"impact":     "`code` breaks ``out`` of `spans and <b>bold</b> & &lt;entities&gt;",
			"highlights": []int64{4},
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddWhy(ctx, 1, client.WhyRequest{Question: "Why <iframe src=//evil.example>?", Answer: "**because** _of_ ~~this~~ | table"}); err != nil {
			t.Fatal(err)
		}
		title, owner, priority, due, link := "![pixel](https://evil.example/p.png) <a href=javascript:x>fix</a>", "admin", "P2", "2026-12-01", "https://tracker.example/A-1)<x>"
		if _, err := c.CreateRemediation(ctx, client.RemediationRequest{Incident: 1, Title: &title, Owner: &owner, Priority: &priority, Due: &due, Link: &link, Backdate: true}); err != nil {
			t.Fatal(err)
		}

		api, err := c.ExportPostmortem(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, srv)
		b.signIn("admin")
		page := b.get("/incidents/1/postmortem/export", http.StatusOK)
		cli := srv.mustCLI(t, admin, "postmortem", "1", "export")
		if page != api || strings.TrimSpace(cli) != strings.TrimSpace(api) {
			t.Fatalf("the exports differ:\nAPI:\n%s\npage:\n%s\nCLI:\n%s", api, page, cli)
		}
		for _, want := range []string{
			`# INC-1: \<script>alert(1)\</script> checkout — postmortem`,
			"\\# Pwned  \n\\<img src=x onerror=alert(1)>  \n\\> quoted  \n\\- listed  \n1\\. numbered",
			"\\`code\\` breaks \\`\\`out\\`\\` of \\`spans and \\<b>bold\\</b> \\& \\&lt;entities\\&gt;",
			`see \[the runbook\](javascript:alert(document.cookie))`,
			`- **Why \<iframe src=//evil.example>?** \*\*because\*\* \_of\_ \~\~this\~\~ \| table`,
			`| [!\[pixel\](https://evil.example/p.png) \<a href=javascript:x>fix\</a>](https://tracker.example/A-1%29%3Cx%3E) |`,
		} {
			if !strings.Contains(api, want) {
				t.Errorf("export lacks\n%s\nin\n%s", want, api)
			}
		}
		gm := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough),
			goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
		var out bytes.Buffer
		if err := gm.Convert([]byte(api), &out); err != nil {
			t.Fatal(err)
		}
		tags := map[string]int{}
		for _, m := range regexp.MustCompile(`<([a-z0-9]+)[ >]`).FindAllStringSubmatch(out.String(), -1) {
			tags[m[1]]++
		}
		for _, bad := range []string{"script", "img", "iframe", "b", "del", "blockquote", "ol"} { // em and code are the export's own
			if tags[bad] > 0 {
				t.Errorf("the rendered export has <%s>:\n%s", bad, out.String())
			}
		}
		// One link: the remediation's own, to its tracker.
		if links := regexp.MustCompile(`<a href="([^"]*)"`).FindAllStringSubmatch(out.String(), -1); len(links) != 1 ||
			links[0][1] != "https://tracker.example/A-1%29%3Cx%3E" {
			t.Errorf("links %v, want only the tracker's", links)
		}
		if tags["h1"] != 1 || strings.Contains(out.String(), "<h1>Pwned") {
			t.Errorf("a section made a heading:\n%s", out.String())
		}
	})
}
