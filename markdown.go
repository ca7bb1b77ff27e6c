package hansei

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// SectionTitle is a section's heading.
func SectionTitle(key string) string {
	switch key {
	case "went_well":
		return "What went well"
	case "went_poorly":
		return "What went poorly"
	case "lucky":
		return "Where we got lucky"
	}
	return strings.ToUpper(key[:1]) + key[1:]
}

// Markdown renders the postmortem as one Markdown document: sections, key
// times in UTC, the timeline highlights (the events given), the why-tree as
// a nested list, the contributing factors and the incident's remediations.
//
// Everything people wrote is escaped (mdLine, mdBlock): the document goes
// to renderers that may allow raw HTML, so a `<script>`, a link written
// into a title or a `#` at the start of a section must show as the text it
// is, and only the structure this function writes is Markdown.
func (pm Postmortem) Markdown(highlights []Event, remediations []Remediation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# INC-%d: %s — postmortem\n\n", pm.Incident, mdLine(pm.Title))
	status := mdLine(string(pm.Status))
	if pm.PublishedAt != nil {
		status = fmt.Sprintf("published %s (revision %d)", pm.PublishedAt.UTC().Format("2006-01-02"), pm.Revision)
	}
	authors := make([]string, len(pm.Authors))
	for i, a := range pm.Authors {
		authors[i] = mdLine(a)
	}
	fmt.Fprintf(&b, "Severity: %s · Status: %s · Authors: %s\n\n", mdLine(pm.Severity), status, strings.Join(authors, ", "))
	pm.writeOverride(&b)
	for _, k := range SectionKeys() {
		fmt.Fprintf(&b, "## %s\n\n", SectionTitle(k))
		if text := mdBlock(pm.Sections[k]); text != "" {
			b.WriteString(text + "\n\n")
		} else {
			b.WriteString("_Not written._\n\n")
		}
	}

	b.WriteString("## Key times (UTC)\n\n| Key time | UTC |\n|---|---|\n")
	for _, kt := range pm.Record.KeyTimes {
		at := "—"
		if kt.At != nil {
			at = kt.At.UTC().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(&b, "| %s | %s |\n", mdLine(kt.Name), at)
	}
	if len(pm.Record.Durations) > 0 {
		b.WriteString("\n| From | To | Duration |\n|---|---|---|\n")
		for _, d := range pm.Record.Durations {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdLine(d.From), mdLine(d.To), time.Duration(d.Seconds)*time.Second)
		}
	}
	b.WriteString("\n## Timeline highlights\n\n")
	if len(highlights) == 0 {
		b.WriteString("_None picked._\n")
	}
	for _, e := range highlights {
		fmt.Fprintf(&b, "- `%s UTC` %s — %s\n", e.At.UTC().Format("2006-01-02 15:04:05"), mdLine(e.Actor), mdLine(DescribeEvent(e)))
	}

	b.WriteString("\n## Why-tree\n\n")
	if len(pm.Whys) == 0 {
		b.WriteString("_No whys asked._\n")
	}
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, n := range pm.Whys {
			if n.Parent != parent {
				continue
			}
			fmt.Fprintf(&b, "%s- **%s** %s", strings.Repeat("  ", depth), mdLine(n.Question), mdLine(n.Answer))
			if n.Factor != "" {
				fmt.Fprintf(&b, " _(contributing factor: %s)_", mdLine(n.Factor))
			}
			b.WriteString("\n")
			walk(n.ID, depth+1)
		}
	}
	walk(0, 0)

	b.WriteString("\n## Contributing factors\n\n")
	factors := 0
	for _, n := range pm.Whys {
		if n.Factor != "" {
			fmt.Fprintf(&b, "- **%s**: %s\n", mdLine(n.Factor), mdLine(n.Answer))
			factors++
		}
	}
	if factors == 0 {
		b.WriteString("_None marked._\n")
	}
	b.WriteString("\n## Remediations\n\n")
	if len(remediations) == 0 {
		b.WriteString("_None recorded._\n")
	} else {
		b.WriteString("| # | Remediation | Owner | Priority | Due | Status |\n|---|---|---|---|---|---|\n")
		for _, r := range remediations {
			title := mdLine(r.Title)
			if dest := mdLinkDestination(r.Link); dest != "" {
				title = "[" + title + "](" + dest + ")"
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s |\n", r.ID, title, mdLine(r.Owner), mdLine(r.Priority), mdLine(r.Due),
				mdLine(strings.ReplaceAll(string(r.Status), "_", " ")))
		}
	}
	if len(pm.Reviewers) > 0 {
		b.WriteString("\n## Reviewers\n\n")
		for _, r := range pm.Reviewers {
			state := "not approved"
			if r.ApprovedAt != nil {
				state = "approved " + r.ApprovedAt.UTC().Format("2006-01-02 15:04 UTC")
			}
			fmt.Fprintf(&b, "- %s: %s\n", mdLine(r.User), state)
		}
	}
	return b.String()
}

// writeOverride says, at the top, what the publication went past and why.
func (pm Postmortem) writeOverride(b *strings.Builder) {
	o := pm.PublishedOver
	if o == nil {
		if pm.Override != "" { // recorded before the override said more
			fmt.Fprintf(b, "> Published over blocking lint findings: %s\n\n", mdLine(pm.Override))
		}
		return
	}
	what := "Published over blocking lint findings"
	if len(o.BlockingFindings) == 0 {
		what = "Published on its authors' own review"
	}
	fmt.Fprintf(b, "> %s: %s\n>\n> %s, %s.\n", what, mdLine(o.Reason), mdLine(upperFirst(o.Summary())), o.At.UTC().Format("2006-01-02 15:04 UTC"))
	if len(o.BlockingFindings) > 0 {
		b.WriteString(">\n")
		for _, f := range o.BlockingFindings {
			fmt.Fprintf(b, "> - %s\n", mdLine(f))
		}
	}
	b.WriteString("\n")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// mdLine writes text as one line of literal Markdown text, fit for a
// heading, a list item or a table cell: runs of whitespace (line breaks
// included) become one space, and what Markdown would read as markup is
// escaped.
func mdLine(s string) string {
	return mdEscape(strings.Join(strings.Fields(s), " "))
}

// mdBlock writes multi-line text as literal Markdown paragraphs: each line
// is escaped and keeps its break (a hard break, so that a list someone
// typed still shows one item a line), and blank lines part paragraphs.
// The break is two spaces, not a backslash: after a line that ends with
// an escaped backslash, renderers disagree on whether one more backslash
// breaks the line.
func mdBlock(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var paras [][]string
	var cur []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			if len(cur) > 0 {
				paras = append(paras, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, mdEscape(line))
	}
	if len(cur) > 0 {
		paras = append(paras, cur)
	}
	out := make([]string, len(paras))
	for i, p := range paras {
		out[i] = strings.Join(p, "  \n")
	}
	return strings.Join(out, "\n\n")
}

// mdEscape escapes one line (no line breaks, no leading space) so that a
// CommonMark or GitHub renderer shows it as the text it is: a backslash
// before every character that starts inline markup anywhere (emphasis,
// code, links, images, raw HTML and autolinks, entities, strikethrough,
// table cells), and before what starts a block at the start of a line
// (headings, quotes, lists, thematic breaks, setext underlines).
func mdEscape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '&', '|', '~':
			b.WriteByte('\\')
		case '#', '>', '-', '+', '=':
			if i == 0 {
				b.WriteByte('\\')
			}
		case '.', ')':
			// "1. text" or "1) text" starts an ordered list.
			if i > 0 && strings.Trim(s[:i], "0123456789") == "" {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdLinkDestination is a remediation's link as a Markdown link
// destination, or "" when it is not an http(s) URL (a link stored before
// links were checked is shown as its title alone). Characters that could
// end the destination, the link or the table cell it sits in are
// percent-encoded.
func mdLinkDestination(link string) string {
	u, err := url.Parse(link)
	if link == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	var b strings.Builder
	for _, c := range []byte(u.String()) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte("<>()[]\\`|", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
