package hansei

import (
	"strings"
	"unicode/utf8"
)

// LintRules configures the postmortem lint: the word lists per language and
// the rules switched off. DefaultLintRules gives English and Japanese lists;
// a config file may replace any list. Matching is case-insensitive; a phrase
// that starts or ends with a letter or digit must sit on a word boundary
// (hyphens join words, so "just-in-time" is not "just"); Japanese phrases
// match anywhere. A space in a phrase matches white space or a hyphen.
type LintRules struct {
	// Sections orders the text sections in the findings.
	Sections []string `json:"sections" yaml:"sections"`
	// Blame phrases are reported by the blame-phrase rule.
	Blame []LintPhrase `json:"blame" yaml:"blame"`
	// Priority phrases are reported by the imprecise-priority rule unless
	// their sentence names a level key.
	Priority []LintPhrase `json:"priority" yaml:"priority"`
	// LevelKeys are the scale keys (SEV1, P0 …) that make a priority word
	// precise when named in the same sentence.
	LevelKeys []string `json:"level_keys" yaml:"level_keys"`
	// FailureVerbs follow a person's name in the blame-person rule. English
	// entries ("failed", "did not") must follow the name, the optional
	// fillers and a parenthetical ("Bob, on call, forgot"); Japanese entries
	// (忘れ, 怠っ) must follow a name and a subject particle (が, は, も)
	// within PersonWindow characters in the same sentence.
	FailureVerbs []string `json:"failure_verbs" yaml:"failure_verbs"`
	// BlameNouns follow a possessive name ("Bob's mistake", 佐藤さんのミス).
	BlameNouns []string `json:"blame_nouns" yaml:"blame_nouns"`
	// PersonFillers may stand between a name and its failure verb ("Bob then
	// failed"); English words ending in -ly always may.
	PersonFillers []string `json:"person_fillers" yaml:"person_fillers"`
	// Honorifics may follow a name (佐藤さん).
	Honorifics []string `json:"honorifics" yaml:"honorifics"`
	// PersonWindow is how many characters after a Japanese subject particle
	// are searched for a failure verb.
	PersonWindow int `json:"person_window" yaml:"person_window"`
	// Disabled lists rule ids that are not run.
	Disabled []string `json:"disabled" yaml:"disabled"`
}

// LintPhrase is one word or phrase of a list, with what to say about it.
type LintPhrase struct {
	Phrase string `json:"phrase" yaml:"phrase"`
	// Lang is the language of the phrase ("en", "ja"); informational.
	Lang       string `json:"lang,omitempty" yaml:"lang,omitempty"`
	Blocking   bool   `json:"blocking" yaml:"blocking"`
	Message    string `json:"message" yaml:"message"`
	Suggestion string `json:"suggestion" yaml:"suggestion"`
	// ExceptFollowedBy excuses a match that is followed by one of these
	// ("critical path", "just before", "should have an alert").
	ExceptFollowedBy []string `json:"except_followed_by,omitempty" yaml:"except_followed_by,omitempty"`
	// ExceptPrecededBy excuses a match that is preceded by one of these
	// (簡単に is not 単に).
	ExceptPrecededBy []string `json:"except_preceded_by,omitempty" yaml:"except_preceded_by,omitempty"`
	// Says names a built-in phrase's words in the catalogs:
	// lint.phrase.SAYS.message and .suggestion, with the phrase as
	// {{.Phrase}}. A configured phrase has none: its own words stand.
	Says string `json:"says,omitempty" yaml:"-"`
}

// WithScales returns a copy of r that recognises the level keys of the
// configured severity and priority scales.
func (r LintRules) WithScales(s Scales) LintRules {
	r.LevelKeys = append(s.Severity.Keys(), s.Priority.Keys()...)
	return r
}

// lintCompiled is LintRules ready to match, for one call of Lint.
type lintCompiled struct {
	blame, priority  []lintPhrase
	levels           []lintPattern
	people           []lintPattern // longest first
	verbsEN, verbsJA []lintPattern
	nounsEN, nounsJA []lintPattern
	fillers          map[string]bool
	honorifics       []lintPattern
	window           int
}

type lintPhrase struct {
	LintPhrase
	pat                            lintPattern
	exceptFollowed, exceptPreceded []lintPattern
}

func compileLintRules(r LintRules, people []string) *lintCompiled {
	c := &lintCompiled{fillers: map[string]bool{}, window: r.PersonWindow}
	if c.window <= 0 {
		c.window = 20
	}
	phrases := func(ps []LintPhrase) []lintPhrase {
		var out []lintPhrase
		for _, p := range ps {
			lp := lintPhrase{LintPhrase: p, pat: newLintPattern(p.Phrase)}
			if len(lp.pat.runes) == 0 {
				continue
			}
			lp.exceptFollowed = lintPatterns(p.ExceptFollowedBy)
			lp.exceptPreceded = lintPatterns(p.ExceptPrecededBy)
			out = append(out, lp)
		}
		return out
	}
	c.blame = phrases(r.Blame)
	c.priority = phrases(r.Priority)
	c.levels = lintPatterns(r.LevelKeys)
	c.people = lintPatterns(people)
	// Longest names first, so "Bob Smith" wins over "Bob" at the same place.
	for i := 1; i < len(c.people); i++ {
		for j := i; j > 0 && len(c.people[j].runes) > len(c.people[j-1].runes); j-- {
			c.people[j], c.people[j-1] = c.people[j-1], c.people[j]
		}
	}
	split := func(ws []string) (en, ja []lintPattern) {
		for _, p := range lintPatterns(ws) {
			if lintASCII(p.runes) {
				en = append(en, p)
			} else {
				ja = append(ja, p)
			}
		}
		return en, ja
	}
	c.verbsEN, c.verbsJA = split(r.FailureVerbs)
	c.nounsEN, c.nounsJA = split(r.BlameNouns)
	for _, f := range r.PersonFillers {
		c.fillers[strings.ToLower(strings.TrimSpace(f))] = true
	}
	c.honorifics = lintPatterns(r.Honorifics)
	return c
}

func lintPatterns(ss []string) []lintPattern {
	var out []lintPattern
	for _, s := range ss {
		if p := newLintPattern(s); len(p.runes) > 0 {
			out = append(out, p)
		}
	}
	return out
}

func lintASCII(rs []rune) bool {
	for _, r := range rs {
		if r >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lintPersonMatch is a span where a person is the subject of a failure.
type lintPersonMatch struct {
	start, end int
	name       string
	possessive bool
	japanese   bool
}

// personMatches finds known people named as the subject of a failure
// ("Bob failed", "Bob's mistake", 佐藤さんが確認を怠った).
func (c *lintCompiled) personMatches(t lintText) []lintPersonMatch {
	var out []lintPersonMatch
	taken := map[int]bool{} // name starts already claimed by a longer name
	for _, p := range c.people {
		p.findAll(t.low, func(s, e int) bool {
			if taken[s] {
				return true
			}
			taken[s] = true
			m := lintPersonMatch{start: s, name: string(t.raw[s:e])}
			if end, poss, ok := c.englishFailure(t.low, e); ok {
				m.end, m.possessive = end, poss
			} else if end, poss, ok := c.japaneseFailure(t.low, e); ok {
				m.end, m.possessive, m.japanese = end, poss, true
			} else {
				return true
			}
			out = append(out, m)
			return true
		})
	}
	return out
}

// englishFailure looks after a name ending at e for a possessive blame noun
// ("'s mistake") or, past a parenthetical and fillers, a failure verb.
func (c *lintCompiled) englishFailure(low []rune, e int) (end int, possessive, ok bool) {
	n := len(low)
	k := e
	switch {
	case k+1 < n && low[k] == '\'' && low[k+1] == 's' && (k+2 == n || !lintWordRune(low[k+2])):
		k, possessive = k+2, true
	case k < n && k > 0 && low[k] == '\'' && low[k-1] == 's':
		k, possessive = k+1, true
	}
	if possessive {
		j := lintSkipSpace(low, k)
		if j == k {
			return 0, false, false
		}
		for step := 0; step < 2; step++ {
			for _, noun := range c.nounsEN {
				if end, ok := noun.matchAt(low, j); ok {
					return end, true, true
				}
			}
			w, we := lintWordAt(low, j)
			if !lintPossessiveFiller(w) {
				break
			}
			j = lintSkipSpace(low, we)
		}
		return 0, false, false
	}
	k = lintSkipSpace(low, k)
	if k < n && low[k] == ',' {
		// A parenthetical: "Bob, the on-call engineer, forgot".
		j := k + 1
		for j < n && j-k < 80 && low[j] != ',' && !lintSentenceEnd(low, j) {
			j++
		}
		if j >= n || low[j] != ',' {
			return 0, false, false
		}
		k = lintSkipSpace(low, j+1)
	}
	for step := 0; step <= 3; step++ {
		for _, v := range c.verbsEN {
			if end, ok := v.matchAt(low, k); ok {
				return end, false, true
			}
		}
		w, we := lintWordAt(low, k)
		if w == "" || !(c.fillers[w] || len(w) > 4 && strings.HasSuffix(w, "ly")) {
			break
		}
		k = lintSkipSpace(low, we)
	}
	return 0, false, false
}

// japaneseFailure looks after a name ending at e, past an honorific, for a
// possessive の and a blame noun (佐藤さんのミス), or a subject particle and a
// failure verb later in the sentence (佐藤さんが確認を怠った).
func (c *lintCompiled) japaneseFailure(low []rune, e int) (end int, possessive, ok bool) {
	n := len(low)
	k := e
	for _, h := range c.honorifics {
		if he, ok := h.matchAt(low, k); ok {
			k = he
			break
		}
	}
	if k >= n {
		return 0, false, false
	}
	var words []lintPattern
	limit := 0
	switch low[k] {
	case 'の':
		words, limit, possessive = c.nounsJA, 6, true
	case 'が', 'は', 'も':
		words, limit = c.verbsJA, c.window
	default:
		return 0, false, false
	}
	a := k + 1
	b := a
	for b < n && b-a < limit && !lintSentenceEnd(low, b) {
		b++
	}
	best, bestEnd := -1, 0
	for _, w := range words {
		w.findAll(low[a:b], func(s, e int) bool {
			if best < 0 || s < best {
				best, bestEnd = s, e
			}
			return false
		})
	}
	if best < 0 {
		return 0, false, false
	}
	end = a + bestEnd
	// Complete a verb stem with its past or te-form ending: 怠っ → 怠った.
	if !possessive && end < n && (low[end] == 'た' || low[end] == 'て') {
		end++
	}
	return end, possessive, true
}

// lintWordAt returns the word (letters, digits, hyphens, apostrophes)
// starting at i and its end.
func lintWordAt(low []rune, i int) (string, int) {
	j := i
	for j < len(low) && (lintWordRune(low[j]) || low[j] == '\'') {
		j++
	}
	return string(low[i:j]), j
}

func lintPossessiveFiller(w string) bool {
	switch w {
	case "own", "honest", "simple", "small", "big", "obvious", "careless", "stupid", "silly":
		return true
	}
	return false
}

func (c *lintCompiled) personFinding(section string, t lintText, m lintPersonMatch) Finding {
	f := Finding{Rule: RuleBlamePerson, Section: section, Start: m.start, End: m.end,
		Text: string(t.raw[m.start:m.end]), Blocking: true}
	if m.possessive {
		f.Message = "'" + f.Text + "' attributes the incident to " + m.name + "'s fault. Blame teaches people to hide mistakes, and it stops the analysis at a person instead of the system that let the mistake cause harm."
	} else {
		f.Message = "'" + f.Text + "' names " + m.name + " as the subject of a failure. Naming who failed teaches people to hide mistakes, and it stops the analysis at a person instead of the system that let the failure happen."
	}
	if m.possessive {
		f.Says = says("lint.blame_person.possessive", "Text", f.Text, "Name", m.name)
	} else {
		f.Says = says("lint.blame_person.subject", "Text", f.Text, "Name", m.name)
	}
	f.Suggests = says("lint.blame_person.suggestion")
	if m.japanese {
		f.Suggestion = "人ではなく仕組みや手順を主語にする:「フェイルオーバー前にレプリカ遅延の確認が実行されなかった」。そのうえで、なぜその手順が抜けやすかったのかを書く。"
	} else {
		f.Suggestion = "Name the system or the step, not the person: 'The replica-lag check was not run before the failover'. Then say what made the step easy to miss."
	}
	return f
}
