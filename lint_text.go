package hansei

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// length for matching: offsets into one are offsets into the other.
type lintText struct {
	raw, low []rune
}

func newLintText(s string) lintText {
	raw := []rune(s)
	low := make([]rune, len(raw))
	for i, r := range raw {
		low[i] = lintFold(r)
	}
	return lintText{raw: raw, low: low}
}

// lintFold maps a rune to its matching form, one rune for one: lower case,
// and typographic apostrophes as ASCII ones.
func lintFold(r rune) rune {
	switch r {
	case '’', 'ʼ', '＇':
		return '\''
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}

// lintWordRune reports whether r continues a word for the purpose of word
// boundaries. Hyphens do ("just-in-time" is not "just"); CJK characters do
// not, since Japanese has no spaces ("Bobが" contains the word "Bob").
func lintWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-'
	}
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !lintCJK(r)
}

func lintCJK(r rune) bool {
	return r == 'ー' || unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// lintGap reports whether r may stand where a pattern has a space: any
// white space or a hyphen ("high-priority" matches "high priority").
func lintGap(r rune) bool { return r == '-' || unicode.IsSpace(r) }

func lintSkipSpace(low []rune, i int) int {
	for i < len(low) && unicode.IsSpace(low[i]) {
		i++
	}
	return i
}

func lintSkipSpaceBack(low []rune, i int) int {
	for i > 0 && unicode.IsSpace(low[i-1]) {
		i--
	}
	return i
}

// lintPattern is a folded phrase. A space in it matches a run of white space
// or hyphens. An edge that is a word rune must sit on a word boundary in the
// text, so "just" does not match "adjust" and "bob" does not match "Bobby".
type lintPattern struct {
	runes              []rune
	wordStart, wordEnd bool
}

func newLintPattern(s string) lintPattern {
	var rs []rune
	for _, f := range strings.Fields(s) {
		if len(rs) > 0 {
			rs = append(rs, ' ')
		}
		for _, r := range f {
			rs = append(rs, lintFold(r))
		}
	}
	p := lintPattern{runes: rs}
	if len(rs) > 0 {
		p.wordStart = lintWordRune(rs[0])
		p.wordEnd = lintWordRune(rs[len(rs)-1])
	}
	return p
}

// matchAt returns the end of a match of p starting at i.
func (p lintPattern) matchAt(low []rune, i int) (int, bool) {
	if len(p.runes) == 0 || i >= len(low) {
		return 0, false
	}
	if p.wordStart && i > 0 && lintWordRune(low[i-1]) {
		return 0, false
	}
	k := i
	for _, r := range p.runes {
		if r == ' ' {
			if k >= len(low) || !lintGap(low[k]) {
				return 0, false
			}
			for k < len(low) && lintGap(low[k]) {
				k++
			}
			continue
		}
		if k >= len(low) || low[k] != r {
			return 0, false
		}
		k++
	}
	if p.wordEnd && k < len(low) && lintWordRune(low[k]) {
		return 0, false
	}
	return k, true
}

// endsAt reports whether the text just before i is exactly p (spaces in p
// matching single spaces), starting on a word boundary when p starts with a
// word rune.
func (p lintPattern) endsAt(low []rune, i int) bool {
	n := len(p.runes)
	if n == 0 || i < n {
		return false
	}
	for j := 0; j < n; j++ {
		r, t := p.runes[j], low[i-n+j]
		if r == ' ' && lintGap(t) || r == t {
			continue
		}
		return false
	}
	s := i - n
	return !p.wordStart || s == 0 || !lintWordRune(low[s-1])
}

// findAll calls fn with the start and end of every match of p, left to
// right and non-overlapping, until fn returns false.
func (p lintPattern) findAll(low []rune, fn func(s, e int) bool) {
	if len(p.runes) == 0 {
		return
	}
	first := p.runes[0]
	for i := 0; i < len(low); i++ {
		if low[i] != first {
			continue
		}
		if e, ok := p.matchAt(low, i); ok {
			if !fn(i, e) {
				return
			}
			i = e - 1
		}
	}
}
