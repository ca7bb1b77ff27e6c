package suggest

import (
	"strings"
	"testing"
)

func TestClosest(t *testing.T) {
	names := []string{"severity", "summary", "service", "status"}
	for _, c := range []struct{ typed, want string }{
		{"severty", "severity"}, // one letter left out
		{"SUMARY", "summary"},   // case does not count
		{"statsu", "status"},    // two letters swapped: two edits
		{"servce", "service"},
		{"owner", ""}, // nothing near: no guess
		{"", ""},
	} {
		if got := Closest(c.typed, names); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.typed, got, c.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2}, {"abc", "", 3},
		{strings.Repeat("a", 65), "a", 64}, // too long to compare
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
