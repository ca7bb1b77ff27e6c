package hansei

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Words prints messages by ID in a reader's language, with arguments as
// name and value pairs; an i18n.Printer is one. An argument that is a
// Word (or any message by ID) is printed in the same language.
type Words interface {
	T(id string, args ...any) string
	Has(id string) bool
}

// in is a data word in w's language, or the value itself where no
// catalog names it.
func (wd Word) in(w Words) string {
	if w.Has(wd.MessageID()) {
		return w.T(wd.MessageID())
	}
	return wd.String()
}

// In is the description printed with w.
func (d EventDescription) In(w Words) string { return w.T(d.ID, pairs(d.Args)...) }

func pairs(args map[string]any) []any {
	out := make([]any, 0, 2*len(args))
	for k, v := range args {
		out = append(out, k, v)
	}
	return out
}

// SectionTitle is a section's heading in English, for the command line
// that prints no catalogs yet; the export prints word.pm_section.KEY.
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

// Markdown renders the postmortem as one Markdown document in w's
// language: sections, key times in UTC, the timeline highlights (the
// events given), the why-tree as a nested list, the contributing factors
// and the incident's remediations.
//
// Everything people wrote is escaped (mdLine, mdBlock): the document goes
// to renderers that may allow raw HTML, so a `<script>`, a link written
// into a title or a `#` at the start of a section must show as the text it
// is, and only the structure this function writes is Markdown. The
// catalogs' words are plain text too, and escaped alike.
func (pm Postmortem) Markdown(w Words, highlights []Event, remediations []Remediation) string {
	t := func(id string, args ...any) string { return mdLine(w.T(id, args...)) }
	word := func(kind, value string) string { return mdLine(Word{kind, value}.in(w)) }
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", t("export.title", "Number", pm.Incident, "Title", pm.Title))
	status := word("postmortem_state", string(pm.Status))
	if pm.PublishedAt != nil {
		status = t("export.published_revision", "Date", pm.PublishedAt.UTC().Format("2006-01-02"), "Revision", pm.Revision)
	}
	authors := make([]string, len(pm.Authors))
	for i, a := range pm.Authors {
		authors[i] = mdLine(a)
	}
	fmt.Fprintf(&b, "%s: %s · %s: %s · %s: %s\n\n", t("common.severity"), mdLine(pm.Severity), t("common.status"), status,
		t("export.authors"), strings.Join(authors, ", "))
	pm.writeOverride(&b, t)
	for _, k := range SectionKeys() {
		fmt.Fprintf(&b, "## %s\n\n", word("pm_section", k))
		if text := mdBlock(pm.Sections[k]); text != "" {
			b.WriteString(text + "\n\n")
		} else {
			fmt.Fprintf(&b, "_%s_\n\n", t("export.not_written"))
		}
	}

	fmt.Fprintf(&b, "## %s\n\n| %s | UTC |\n|---|---|\n", t("export.key_times"), t("export.key_time"))
	for _, kt := range pm.Record.KeyTimes {
		at := "—"
		if kt.At != nil {
			at = kt.At.UTC().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(&b, "| %s | %s |\n", word("key_time", kt.Name), at)
	}
	if len(pm.Record.Durations) > 0 {
		fmt.Fprintf(&b, "\n| %s | %s | %s |\n|---|---|---|\n", t("export.from"), t("export.to"), t("export.duration"))
		for _, d := range pm.Record.Durations {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", word("key_time", d.From), word("key_time", d.To), time.Duration(d.Seconds)*time.Second)
		}
	}
	fmt.Fprintf(&b, "\n## %s\n\n", t("export.timeline_highlights"))
	if len(highlights) == 0 {
		fmt.Fprintf(&b, "_%s_\n", t("export.none_picked"))
	}
	for _, e := range highlights {
		fmt.Fprintf(&b, "- `%s UTC` %s — %s\n", e.At.UTC().Format("2006-01-02 15:04:05"), mdLine(e.Actor), mdLine(DescribeEvent(e).In(w)))
	}

	fmt.Fprintf(&b, "\n## %s\n\n", t("common.why_tree"))
	if len(pm.Whys) == 0 {
		fmt.Fprintf(&b, "_%s_\n", t("export.no_whys"))
	}
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, n := range pm.Whys {
			if n.Parent != parent {
				continue
			}
			fmt.Fprintf(&b, "%s- **%s** %s", strings.Repeat("  ", depth), mdLine(n.Question), mdLine(n.Answer))
			if n.Factor != "" {
				fmt.Fprintf(&b, " _(%s)_", t("export.contributing_factor", "Factor", Word{"factor", n.Factor}))
			}
			b.WriteString("\n")
			walk(n.ID, depth+1)
		}
	}
	walk(0, 0)

	fmt.Fprintf(&b, "\n## %s\n\n", t("export.contributing_factors"))
	factors := 0
	for _, n := range pm.Whys {
		if n.Factor != "" {
			fmt.Fprintf(&b, "- **%s**: %s\n", word("factor", n.Factor), mdLine(n.Answer))
			factors++
		}
	}
	if factors == 0 {
		fmt.Fprintf(&b, "_%s_\n", t("export.none_marked"))
	}
	fmt.Fprintf(&b, "\n## %s\n\n", t("common.remediations"))
	if len(remediations) == 0 {
		fmt.Fprintf(&b, "_%s_\n", t("export.none_recorded"))
	} else {
		fmt.Fprintf(&b, "| # | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n", t("export.remediation"), t("common.owner"),
			t("common.priority"), t("common.due_heading"), t("common.status"))
		for _, r := range remediations {
			title := mdLine(r.Title)
			if dest := mdLinkDestination(r.Link); dest != "" {
				title = "[" + title + "](" + dest + ")"
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s |\n", r.ID, title, mdLine(r.Owner), mdLine(r.Priority), mdLine(r.Due),
				word("remediation_status", string(r.Status)))
		}
	}
	if len(pm.Reviewers) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n", t("export.reviewers"))
		for _, r := range pm.Reviewers {
			state := t("export.not_approved")
			if r.ApprovedAt != nil {
				state = t("export.approved_at", "At", r.ApprovedAt.UTC().Format("2006-01-02 15:04 UTC"))
			}
			fmt.Fprintf(&b, "- %s: %s\n", mdLine(r.User), state)
		}
	}
	return b.String()
}

// writeOverride says, at the top, what the publication went past and why.
func (pm Postmortem) writeOverride(b *strings.Builder, t func(id string, args ...any) string) {
	o := pm.PublishedOver
	if o == nil {
		if pm.Override != "" { // recorded before the override said more
			fmt.Fprintf(b, "> %s: %s\n\n", t("export.published_over_findings"), mdLine(pm.Override))
		}
		return
	}
	what := t("export.published_over_findings")
	if len(o.BlockingFindings) == 0 {
		what = t("export.published_on_own_review")
	}
	fmt.Fprintf(b, "> %s: %s\n>\n> %s\n", what, mdLine(o.Reason),
		t("export.published_by", "By", o.By, "At", o.At.UTC().Format("2006-01-02 15:04 UTC")))
	if len(o.SelfReviewedBy) > 0 {
		fmt.Fprintf(b, "> %s\n", t("export.approved_only_by_authors", "Users", strings.Join(o.SelfReviewedBy, ", ")))
	}
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
