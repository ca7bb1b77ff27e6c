package hansei

import (
	"sort"
	"strings"
	"time"
	"unicode"
)

// The postmortem lint: pure functions that read a postmortem's text and
// structure and report blaming language, imprecise priority words, missing
// sections and gaps in the why-tree and the remediations (brief §1 ideas 2
// and 4, §2 Postmortem and Why-tree). The word lists live in lint_rules.go.

// Lint rule ids. They are part of the API contract: clients filter and
// override by them, and LintRules.Disabled names them.
const (
	RuleBlamePhrase              = "blame-phrase"
	RuleBlamePerson              = "blame-person"
	RuleImprecisePriority        = "imprecise-priority"
	RuleMissingSection           = "missing-section"
	RuleWhyChain                 = "why-chain"
	RuleWhyEmpty                 = "why-empty"
	RuleWhyEndsAtPerson          = "why-ends-at-person"
	RuleFactorWithoutRemediation = "factor-without-remediation"
	RuleRemediationNoOwner       = "remediation-no-owner"
	RuleRemediationNoDue         = "remediation-no-due"
)

// Finding sections that are not text sections.
const (
	LintSectionWhys         = "whys"
	LintSectionRemediations = "remediations"
)

// LintDoc is what the lint reads: a postmortem's text and structure.
type LintDoc struct {
	// Sections maps a section key (summary, impact, detection, response,
	// recovery, went_well, went_poorly, lucky, lessons) to its text.
	Sections map[string]string
	// Required lists the keys that must be present and non-blank. "whys" and
	// "remediations" may be listed too: they then need at least one node or
	// one remediation.
	Required []string
	// People are the names (user names and display names) known to hansei.
	People       []string
	Whys         []LintWhy
	Remediations []LintRemediation
}

// LintWhy is one node of the why-tree.
type LintWhy struct {
	ID, Parent       int64 // Parent 0 = a root
	Question, Answer string
	// Factor is the contributing-factor category, "" if the node is not one.
	Factor       string
	Remediations []int64 // ids of the remediations linked to the node
}

// LintRemediation is one remediation linked to the postmortem.
type LintRemediation struct {
	ID    int64
	Title string
	Owner string // "" = no owner
	Due   string // YYYY-MM-DD, "" = none
}

// Finding is one problem the lint found, in the API's shape.
type Finding struct {
	Rule string `json:"rule"`
	// Section is a section key, or "whys" / "remediations".
	Section string `json:"section"`
	// Start and End are rune offsets of the span in the section's text;
	// 0, 0 when the finding is not about a span.
	Start int `json:"start"`
	End   int `json:"end"`
	// Text is the offending text: the span, a why's answer or a
	// remediation's title.
	Text       string `json:"text"`
	Message    string `json:"message"`
	Suggestion string `json:"suggestion"`
	// Says and Suggests are Message and Suggestion as messages by ID
	// (lint.RULE.message), for a reader in another language; a finding
	// of a configured phrase has neither, and its own words stand.
	Says     Msg `json:"-"`
	Suggests Msg `json:"-"`
	// Blocking findings block publishing unless overridden with a reason.
	Blocking bool `json:"blocking"`
	// Node is the why-tree node a "whys" finding is about.
	Node int64 `json:"node,omitempty"`
	// Remediation is the remediation a "remediations" finding is about.
	Remediation int64 `json:"remediation,omitempty"`
}

// Lint checks doc against rules. Findings are sorted by section (in
// rules.Sections order, then other text sections by key, then "whys", then
// "remediations"), then by start offset.
func Lint(doc LintDoc, rules LintRules) []Finding {
	disabled := map[string]bool{}
	for _, id := range rules.Disabled {
		disabled[id] = true
	}
	on := func(id string) bool { return !disabled[id] }
	c := compileLintRules(rules, doc.People)

	var out []Finding
	for key, text := range doc.Sections {
		t := newLintText(text)
		if on(RuleBlamePhrase) {
			out = append(out, c.phraseFindings(RuleBlamePhrase, key, t, c.blame)...)
		}
		if on(RuleBlamePerson) {
			for _, m := range c.personMatches(t) {
				out = append(out, c.personFinding(key, t, m))
			}
		}
		if on(RuleImprecisePriority) {
			out = append(out, c.phraseFindings(RuleImprecisePriority, key, t, c.priority)...)
		}
	}
	out = append(out, lintRequired(doc, on)...)
	out = append(out, c.whyFindings(doc, on)...)
	out = append(out, lintRemediations(doc.Remediations, on)...)
	sortFindings(out, rules.Sections)
	return out
}

// lintRequired reports required sections that are absent or blank.
func lintRequired(doc LintDoc, on func(string) bool) []Finding {
	var out []Finding
	seen := map[string]bool{}
	for _, key := range doc.Required {
		if seen[key] {
			continue
		}
		seen[key] = true
		switch key {
		case LintSectionWhys:
			if len(doc.Whys) == 0 && on(RuleWhyEmpty) {
				out = append(out, Finding{Rule: RuleWhyEmpty, Section: key, Blocking: true,
					Message:    "The why-tree is empty: without it the postmortem says what happened but not why the system let it happen.",
					Suggestion: "Start with the impact as the first question ('Why did checkout fail for 40 minutes?') and add an answer for each cause you know of.",
					Says:       says("lint.why_empty.message"), Suggests: says("lint.why_empty.suggestion")})
			}
		case LintSectionRemediations:
			if len(doc.Remediations) == 0 && on(RuleMissingSection) {
				out = append(out, Finding{Rule: RuleMissingSection, Section: key, Blocking: true,
					Message:    "No remediations are linked: a postmortem with no improvement to make changes nothing.",
					Suggestion: "Add at least one remediation with an owner and a due date, or state in the lessons why no change is needed.",
					Says:       says("lint.no_remediations.message"), Suggests: says("lint.no_remediations.suggestion")})
			}
		default:
			if strings.TrimSpace(doc.Sections[key]) == "" && on(RuleMissingSection) {
				out = append(out, Finding{Rule: RuleMissingSection, Section: key, Blocking: true,
					Message:    "The section " + key + " is required and is empty.",
					Suggestion: "Write the " + strings.ReplaceAll(key, "_", " ") + " section before submitting the postmortem for review.",
					Says:       says("lint.missing_section.message", "Section", Word{"pm_section", key}), Suggests: says("lint.missing_section.suggestion", "Section", Word{"pm_section", key})})
			}
		}
	}
	return out
}

// lintRemediations reports remediations without an owner or a due date.
func lintRemediations(rs []LintRemediation, on func(string) bool) []Finding {
	var out []Finding
	for _, r := range rs {
		if strings.TrimSpace(r.Owner) == "" && on(RuleRemediationNoOwner) {
			out = append(out, Finding{Rule: RuleRemediationNoOwner, Section: LintSectionRemediations,
				Text: r.Title, Remediation: r.ID, Blocking: true,
				Message:    "This remediation has no accountable owner: an improvement nobody is tasked with is not pursued.",
				Suggestion: "Name exactly one owner, the person who makes sure the improvement is pursued and implemented (not necessarily the one who does the work).",
				Says:       says("lint.remediation_no_owner.message"), Suggests: says("lint.remediation_no_owner.suggestion")})
		}
		due := strings.TrimSpace(r.Due)
		if !on(RuleRemediationNoDue) {
			continue
		}
		if due == "" {
			out = append(out, Finding{Rule: RuleRemediationNoDue, Section: LintSectionRemediations,
				Text: r.Title, Remediation: r.ID, Blocking: true,
				Message:    "This remediation has no due date, so it cannot be reviewed or escalated when it is late.",
				Suggestion: "Set a due date (YYYY-MM-DD) that matches its priority, e.g. within 5 working days for P1.",
				Says:       says("lint.remediation_no_due.message"), Suggests: says("lint.remediation_no_due.suggestion")})
		} else if _, err := time.Parse(time.DateOnly, due); err != nil {
			out = append(out, Finding{Rule: RuleRemediationNoDue, Section: LintSectionRemediations,
				Text: r.Title, Remediation: r.ID, Blocking: true,
				Message:    "The due date " + due + " is not a date in the form YYYY-MM-DD.",
				Suggestion: "Write the due date as YYYY-MM-DD, e.g. 2025-07-01.",
				Says:       says("lint.remediation_due_invalid.message", "Due", due), Suggests: says("lint.remediation_due_invalid.suggestion", "Due", due)})
		}
	}
	return out
}

// whyFindings checks the why-tree: a single chain, leaves that end at a
// person, and contributing factors with no remediation.
func (c *lintCompiled) whyFindings(doc LintDoc, on func(string) bool) []Finding {
	whys := doc.Whys
	if len(whys) == 0 {
		return nil
	}
	ids := make(map[int64]bool, len(whys))
	for _, w := range whys {
		ids[w.ID] = true
	}
	children := map[int64]int{}
	roots := 0
	for _, w := range whys {
		if w.Parent == 0 || !ids[w.Parent] || w.Parent == w.ID {
			roots++
			continue
		}
		children[w.Parent]++
	}
	var out []Finding
	branched := false
	for _, n := range children {
		if n >= 2 {
			branched = true
		}
	}
	// A forest of several roots is not a single chain even if no node branches.
	if len(whys) >= 3 && !branched && roots <= 1 && on(RuleWhyChain) {
		out = append(out, Finding{Rule: RuleWhyChain, Section: LintSectionWhys,
			Message:    "The why-tree is a single chain: each answer has exactly one cause. Incidents almost always have several contributing causes, and a chain hides all but one.",
			Suggestion: "At each level ask 'what else contributed?': detection, tooling, change management, communication, capacity, dependencies. Add those answers as sibling nodes.",
			Says:       says("lint.why_chain.message"), Suggests: says("lint.why_chain.suggestion")})
	}
	for _, w := range whys {
		leaf := children[w.ID] == 0
		if leaf && on(RuleWhyEndsAtPerson) && c.endsAtPerson(w.Answer) {
			out = append(out, Finding{Rule: RuleWhyEndsAtPerson, Section: LintSectionWhys,
				Text: w.Answer, Node: w.ID, Blocking: true,
				Message:    "This branch of the why-tree ends at a person. 'Someone made a mistake' is where the analysis should start, not where it stops: people act on the information and tools they have.",
				Suggestion: "Ask one more why: what in the system let this happen? E.g. 'Why could the change reach production without the lag check?' → 'The deploy pipeline has no pre-failover check.'",
				Says:       says("lint.why_ends_at_person.message"), Suggests: says("lint.why_ends_at_person.suggestion")})
		}
		if strings.TrimSpace(w.Factor) != "" && len(w.Remediations) == 0 && on(RuleFactorWithoutRemediation) {
			out = append(out, Finding{Rule: RuleFactorWithoutRemediation, Section: LintSectionWhys,
				Text: w.Answer, Node: w.ID, Blocking: true,
				Message:    "This node is marked as a contributing factor (" + w.Factor + ") but no remediation addresses it, so the same cause can recur.",
				Suggestion: "Link a remediation with an owner and a due date, or unmark the factor and say in the lessons why no change is needed.",
				Says:       says("lint.factor_without_remediation.message", "Factor", Word{"factor", w.Factor}), Suggests: says("lint.factor_without_remediation.suggestion", "Factor", Word{"factor", w.Factor})})
		}
	}
	return out
}

// endsAtPerson reports whether a why-tree answer stops at a person: it names
// a known person, uses a blocking blame phrase ("human error"), or has a
// person as the subject of a failure.
func (c *lintCompiled) endsAtPerson(answer string) bool {
	if strings.TrimSpace(answer) == "" {
		return false
	}
	t := newLintText(answer)
	for _, p := range c.people {
		found := false
		p.findAll(t.low, func(s, e int) bool { found = true; return false })
		if found {
			return true
		}
	}
	for _, ph := range c.blame {
		if !ph.Blocking {
			continue
		}
		found := false
		c.eachPhraseMatch(t, ph, func(s, e int) bool { found = true; return false })
		if found {
			return true
		}
	}
	return false
}

// phraseFindings reports every match of the phrases in one section's text.
// When one match lies inside a longer match of the same rule (べきだった in
// すべきだった) only the longer one is reported.
func (c *lintCompiled) phraseFindings(rule, section string, t lintText, phrases []lintPhrase) []Finding {
	var out []Finding
	var levels *lintLevelSentences
	for _, ph := range phrases {
		c.eachPhraseMatch(t, ph, func(s, e int) bool {
			if rule == RuleImprecisePriority {
				if levels == nil {
					levels = c.levelSentences(t)
				}
				if levels.namesLevel(s) {
					return true
				}
			}
			f := Finding{Rule: rule, Section: section, Start: s, End: e,
				Text: string(t.raw[s:e]), Message: ph.Message, Suggestion: ph.Suggestion, Blocking: ph.Blocking}
			if ph.Says != "" {
				f.Says = says("lint.phrase."+ph.Says+".message", "Phrase", ph.Phrase)
				f.Suggests = says("lint.phrase."+ph.Says+".suggestion", "Phrase", ph.Phrase)
			}
			out = append(out, f)
			return true
		})
	}
	return lintDropContained(out)
}

// lintDropContained drops each finding whose span lies inside another's
// (an earlier one when the spans are equal), keeping the longer match.
func lintDropContained(fs []Finding) []Finding {
	if len(fs) < 2 {
		return fs
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Start != fs[j].Start {
			return fs[i].Start < fs[j].Start
		}
		return fs[i].End > fs[j].End
	})
	kept := fs[:1]
	maxEnd := fs[0].End
	for _, f := range fs[1:] {
		if f.End <= maxEnd {
			continue
		}
		kept = append(kept, f)
		maxEnd = f.End
	}
	return kept
}

// eachPhraseMatch calls fn for each match of ph not excused by its
// exceptions, until fn returns false.
func (c *lintCompiled) eachPhraseMatch(t lintText, ph lintPhrase, fn func(s, e int) bool) {
	ph.pat.findAll(t.low, func(s, e int) bool {
		for _, x := range ph.exceptFollowed {
			if _, ok := x.matchAt(t.low, lintSkipSpace(t.low, e)); ok {
				return true
			}
		}
		for _, x := range ph.exceptPreceded {
			if x.endsAt(t.low, lintSkipSpaceBack(t.low, s)) {
				return true
			}
		}
		return fn(s, e)
	})
}

// lintLevelSentences tells, for the priority rule, whether the sentence
// around a span names a level of the scale (SEV1, P0 …): then the priority
// word is already made precise. It is built once per section, on first use,
// so that many matches in a long text cost linear time.
type lintLevelSentences struct {
	ends  []int        // ends[i] is the end of sentence i (exclusive)
	keyed map[int]bool // sentences that name a level key
}

func (c *lintCompiled) levelSentences(t lintText) *lintLevelSentences {
	ls := &lintLevelSentences{keyed: map[int]bool{}}
	for i := range t.low {
		if lintSentenceEnd(t.low, i) {
			ls.ends = append(ls.ends, i+1)
		}
	}
	ls.ends = append(ls.ends, len(t.low))
	for _, k := range c.levels {
		k.findAll(t.low, func(s, e int) bool {
			ls.keyed[ls.sentence(s)] = true
			return true
		})
	}
	return ls
}

// sentence returns the index of the sentence holding the rune at i.
func (ls *lintLevelSentences) sentence(i int) int {
	return sort.SearchInts(ls.ends, i+1)
}

func (ls *lintLevelSentences) namesLevel(s int) bool { return ls.keyed[ls.sentence(s)] }

// lintSentenceEnd reports whether the rune at i ends a sentence: 。！？ or a
// line break, or . ! ? followed by a space or the end of the text (so that
// "v1.2" and "e.g." inside a word do not split it).
func lintSentenceEnd(low []rune, i int) bool {
	switch low[i] {
	case '。', '！', '？', '\n':
		return true
	case '.', '!', '?':
		return i+1 == len(low) || unicode.IsSpace(low[i+1])
	}
	return false
}

// sortFindings orders findings by section (order first, then other keys
// alphabetically, then whys, then remediations), start, end and rule.
func sortFindings(fs []Finding, order []string) {
	rank := map[string]int{}
	for i, k := range order {
		if _, ok := rank[k]; !ok {
			rank[k] = i
		}
	}
	n := len(order)
	rankOf := func(s string) int {
		switch s {
		case LintSectionWhys:
			return n + 1
		case LintSectionRemediations:
			return n + 2
		}
		if r, ok := rank[s]; ok {
			return r
		}
		return n
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if ra, rb := rankOf(a.Section), rankOf(b.Section); ra != rb {
			return ra < rb
		}
		if a.Section != b.Section {
			return a.Section < b.Section
		}
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End < b.End
		}
		if a.Node != b.Node {
			return a.Node < b.Node
		}
		if a.Remediation != b.Remediation {
			return a.Remediation < b.Remediation
		}
		return a.Rule < b.Rule
	})
}

// lintText is a section's text as runes, with a folded copy of the same
