package hansei

import (
	"fmt"
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
func (pm Postmortem) Markdown(highlights []Event, remediations []Remediation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# INC-%d: %s — postmortem\n\n", pm.Incident, oneLine(pm.Title))
	status := string(pm.Status)
	if pm.PublishedAt != nil {
		status = fmt.Sprintf("published %s (revision %d)", pm.PublishedAt.UTC().Format("2006-01-02"), pm.Revision)
	}
	fmt.Fprintf(&b, "Severity: %s · Status: %s · Authors: %s\n\n", pm.Severity, status, strings.Join(pm.Authors, ", "))
	pm.writeOverride(&b)
	for _, k := range SectionKeys() {
		fmt.Fprintf(&b, "## %s\n\n", SectionTitle(k))
		if text := strings.TrimSpace(pm.Sections[k]); text != "" {
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
		fmt.Fprintf(&b, "| %s | %s |\n", kt.Name, at)
	}
	if len(pm.Record.Durations) > 0 {
		b.WriteString("\n| From | To | Duration |\n|---|---|---|\n")
		for _, d := range pm.Record.Durations {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", d.From, d.To, time.Duration(d.Seconds)*time.Second)
		}
	}
	b.WriteString("\n## Timeline highlights\n\n")
	if len(highlights) == 0 {
		b.WriteString("_None picked._\n")
	}
	for _, e := range highlights {
		fmt.Fprintf(&b, "- `%s UTC` %s — %s\n", e.At.UTC().Format("2006-01-02 15:04:05"), e.Actor, oneLine(DescribeEvent(e)))
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
			fmt.Fprintf(&b, "%s- **%s** %s", strings.Repeat("  ", depth), oneLine(n.Question), oneLine(n.Answer))
			if n.Factor != "" {
				fmt.Fprintf(&b, " _(contributing factor: %s)_", n.Factor)
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
			fmt.Fprintf(&b, "- **%s**: %s\n", n.Factor, oneLine(n.Answer))
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
			title := oneLine(r.Title)
			if r.Link != "" {
				title = "[" + title + "](" + r.Link + ")"
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s |\n", r.ID, title, r.Owner, r.Priority, r.Due, strings.ReplaceAll(string(r.Status), "_", " "))
		}
	}
	if len(pm.Reviewers) > 0 {
		b.WriteString("\n## Reviewers\n\n")
		for _, r := range pm.Reviewers {
			state := "not approved"
			if r.ApprovedAt != nil {
				state = "approved " + r.ApprovedAt.UTC().Format("2006-01-02 15:04 UTC")
			}
			fmt.Fprintf(&b, "- %s: %s\n", r.User, state)
		}
	}
	return b.String()
}

// oneLine keeps text that goes into a list item or a table cell on one line
// and from breaking the table.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// writeOverride says, at the top, what the publication went past and why.
func (pm Postmortem) writeOverride(b *strings.Builder) {
	o := pm.PublishedOver
	if o == nil {
		if pm.Override != "" { // recorded before the override said more
			fmt.Fprintf(b, "> Published over blocking lint findings: %s\n\n", oneLine(pm.Override))
		}
		return
	}
	what := "Published over blocking lint findings"
	if len(o.BlockingFindings) == 0 {
		what = "Published on its authors' own review"
	}
	fmt.Fprintf(b, "> %s: %s\n>\n> %s, %s.\n", what, oneLine(o.Reason), oneLine(upperFirst(o.Summary())), o.At.UTC().Format("2006-01-02 15:04 UTC"))
	if len(o.BlockingFindings) > 0 {
		b.WriteString(">\n")
		for _, f := range o.BlockingFindings {
			fmt.Fprintf(b, "> - %s\n", oneLine(f))
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
