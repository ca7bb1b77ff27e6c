package hansei

import (
	"slices"
	"strings"
	"time"
)

// Text is everything a search of published postmortems reads:
// the title, the sections and the why-tree.
func (pm Postmortem) Text() string {
	var b strings.Builder
	b.WriteString(pm.Title)
	for _, k := range SectionKeys() {
		b.WriteString("\n" + pm.Sections[k])
	}
	for _, n := range pm.Whys {
		b.WriteString("\n" + n.Question + "\n" + n.Answer)
	}
	return b.String()
}

// Factors lists the contributing-factor categories the why-tree marks,
// each once, in order of first use.
func (pm Postmortem) Factors() []string {
	var out []string
	for _, n := range pm.Whys {
		if n.Factor != "" && !slices.Contains(out, n.Factor) {
			out = append(out, n.Factor)
		}
	}
	return out
}

// MatchesSearch reports whether the postmortem's text contains every word
// of q, ignoring case.
func (pm Postmortem) MatchesSearch(q string) bool {
	text := strings.ToLower(pm.Text())
	for _, w := range strings.Fields(strings.ToLower(q)) {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// FactorCount is how often each contributing-factor category was marked in
// postmortems published in one period.
type FactorCount struct {
	Period string         `json:"period"` // YYYY-MM
	Counts map[string]int `json:"counts"`
}

// CountFactors counts contributing-factor categories per month of
// publication, oldest month first, so that recurring causes show.
func CountFactors(pms []Postmortem) []FactorCount {
	byMonth := map[string]map[string]int{}
	for _, pm := range pms {
		if pm.PublishedAt == nil {
			continue
		}
		month := pm.PublishedAt.UTC().Format("2006-01")
		if byMonth[month] == nil {
			byMonth[month] = map[string]int{}
		}
		for _, n := range pm.Whys {
			if n.Factor != "" {
				byMonth[month][n.Factor]++
			}
		}
	}
	months := make([]string, 0, len(byMonth))
	for m := range byMonth {
		months = append(months, m)
	}
	slices.Sort(months)
	out := make([]FactorCount, len(months))
	for i, m := range months {
		out[i] = FactorCount{Period: m, Counts: byMonth[m]}
	}
	return out
}

// ParseSince reads a since= parameter: a date (YYYY-MM-DD) or an RFC 3339 time.
func ParseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, FieldError("since", "since must be a date such as 2026-01-31 or an RFC 3339 time, not %q", s)
}
