// Package suggest finds the name that was probably meant when a name was
// mistyped: a flag on the command line, a key in the config file. Both
// ask the same question, so the edit distance is written once, here.
package suggest

import "strings"

// Closest is the name in names nearest to typed (compared in lower case),
// if it is at most two edits away, else "". Of names equally near, the
// first wins.
func Closest(typed string, names []string) string {
	best, bestDist := "", 3 // more than 2 edits is another word
	for _, n := range names {
		if d := Distance(strings.ToLower(typed), n); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// Distance is the Levenshtein distance between a and b, in bytes. Names
// longer than 64 bytes are not compared: they count as 64 apart, which
// keeps a pasted paragraph from costing a quadratic amount of work.
func Distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
