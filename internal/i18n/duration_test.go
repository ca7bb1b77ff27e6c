package i18n_test

import (
	"testing"
	"time"

	"github.com/hansei-dev/hansei/internal/i18n"
)

// TestDuration: how long an incident lasted or how long is left, in the
// reader's words, the same on the pages, the public page and the CLI.
func TestDuration(t *testing.T) {
	c := i18n.MustBuiltin()
	cases := []struct {
		lang    string
		d       time.Duration
		precise bool
		want    string
	}{
		{"en", 42 * time.Second, false, "42 s"},
		{"en", 8*time.Minute + 59*time.Second + 999*time.Millisecond, false, "9 min"}, // stored times keep fractions
		{"en", 4*time.Minute + 30*time.Second, false, "4 min"},
		{"en", 4*time.Minute + 30*time.Second, true, "4 min 30 s"},
		{"en", -72 * time.Minute, false, "1 h 12 min"}, // a length, whatever the order of its ends
		{"en", 72 * time.Minute, true, "1 h 12 min"},   // to the second only under an hour
		{"en", 47*time.Hour + 59*time.Minute, false, "47 h 59 min"},
		{"en", 50 * time.Hour, false, "2 d 2 h"},
		{"ja", 72 * time.Minute, false, "1時間12分"},
		{"ja", 4*time.Minute + 30*time.Second, true, "4分30秒"},
	}
	for _, tc := range cases {
		p := c.Printer(tc.lang)
		got := p.Duration(tc.d)
		if tc.precise {
			got = p.PreciseDuration(tc.d)
		}
		if got != tc.want {
			t.Errorf("%s %v (precise %v) = %q, want %q", tc.lang, tc.d, tc.precise, got, tc.want)
		}
	}
}
