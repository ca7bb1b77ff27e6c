package hansei

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// TestTextClean: the one check of every text field. What the red team got
// through (a title made only of zero-width or direction-control
// characters, a NUL, a line break in a title) is refused with an error
// that names the field and says what would do; ordinary text in any
// script, emoji sequences and right-to-left marks within text pass.
func TestTextClean(t *testing.T) {
	title := Line("title", MaxTitle).Require()
	summary := Lines("summary", MaxText)
	for _, tc := range []struct {
		name  string
		rule  Text
		in    string
		want  string // the cleaned text, when accepted
		parts []string
	}{
		{"plain", title, "Checkout failing", "Checkout failing", nil},
		{"trimmed", title, "  Checkout failing \t", "Checkout failing", nil},
		{"japanese", title, "決済が失敗している", "決済が失敗している", nil},
		{"right-to-left with a mark", title, "الدفع متوقف\u200f", "الدفع متوقف\u200f", nil},
		{"emoji with joiners", title, "👩\u200d💻 on call", "👩\u200d💻 on call", nil},
		{"zero-width inside words", title, "check\u200bout", "check\u200bout", nil},
		{"multi-line", summary, "first\n\tsecond", "first\n\tsecond", nil},
		{"browser line ends", summary, "first\r\nsecond\rthird", "first\nsecond\nthird", nil},
		{"optional blank", summary, " \n\t ", "", nil},

		{"NUL", title, "Checkout\x00failing", "", []string{"title contains a NUL character (U+0000) at character 9", "one line of plain text"}},
		{"NUL in a multi-line field", summary, "a\x00", "", []string{"summary contains a NUL", "line breaks and tabs are the only control characters"}},
		{"escape sequence", title, "\x1b[31mred", "", []string{"control character (U+001B) at character 1"}},
		{"C1 control", title, "a\u0085b", "", []string{"control character (U+0085)"}},
		{"DEL", summary, "a\x7fb", "", []string{"control character (U+007F)"}},
		{"line break in a title", title, "Checkout\nfailing", "", []string{"title contains a line break at character 9"}},
		{"carriage return in a title", title, "Checkout\rfailing", "", []string{"title contains a line break at character 9"}},
		{"line separator", summary, "a\u2028b", "", []string{"line break"}},
		{"tab in a title", title, "a\tb", "", []string{"a tab"}},
		{"only zero-width", title, "\u200b\u200c\u200d\ufeff", "", []string{"title has no visible character", "write some text"}},
		{"only direction controls", title, "\u202e\u202d\u2066\u2069\u200e\u200f", "", []string{"no visible character"}},
		{"only fillers", title, "\u3164\u2800\u115f", "", []string{"no visible character"}},
		{"only variation selectors", title, "\ufe0f\U000E0100", "", []string{"no visible character"}},
		{"only invisible, optional", summary, "\u200b", "", []string{"no visible character", "or leave it empty"}},
		{"blank required", title, " \t ", "", []string{"title is required and must not be blank"}},
		{"too long", title, strings.Repeat("é", MaxTitle+1), "", []string{"title is 201 characters long; the limit is 200"}},
		{"not UTF-8", title, "caf\xe9", "", []string{"title is not valid UTF-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.rule.Clean(tc.in)
			if tc.parts == nil {
				if err != nil || got != tc.want {
					t.Fatalf("Clean(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Clean(%q) accepted %q", tc.in, got)
			}
			if ErrorCode(err) != EINVALID || ErrorFields(err)[tc.rule.Field] == "" {
				t.Errorf("error %v (fields %v) does not name %q", err, ErrorFields(err), tc.rule.Field)
			}
			for _, p := range tc.parts {
				if !strings.Contains(ErrorMessage(err), p) {
					t.Errorf("message %q lacks %q", ErrorMessage(err), p)
				}
			}
		})
	}
}

// FuzzTextClean: whatever arrives, what Clean accepts is valid UTF-8
// within the limit, without control characters other than \n and \t in a
// multi-line field, with something visible, trimmed, and clean again; and
// a refusal names the field.
func FuzzTextClean(f *testing.F) {
	for _, s := range []string{"Checkout failing", "", " ", "\x00", "a\r\nb", "\u200b", "\u202eabc", "👩\u200d💻", "a\tb\nc",
		"\xff", "\u2028", "\u3164x", strings.Repeat("x", 250)} {
		f.Add(s, true, 200)
	}
	f.Fuzz(func(t *testing.T, s string, multi bool, max int) {
		max = max%300 + 1
		if max < 1 {
			max = -max + 1
		}
		rule := Line("field", max)
		if multi {
			rule = Lines("field", max)
		}
		got, err := rule.Clean(s)
		if err != nil {
			if ErrorFields(err)["field"] == "" {
				t.Fatalf("refusal %v does not name the field", err)
			}
			return
		}
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > max {
			t.Fatalf("accepted %q: not UTF-8 or over %d characters", got, max)
		}
		visible := got == ""
		for _, r := range got {
			if unicode.IsControl(r) && !(multi && (r == '\n' || r == '\t')) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("accepted %q with %U", got, r)
			}
			visible = visible || !Invisible(r)
		}
		if !visible || got != strings.TrimSpace(got) {
			t.Fatalf("accepted %q: nothing visible, or not trimmed", got)
		}
		if again, err := rule.Clean(got); err != nil || again != got {
			t.Fatalf("Clean(%q) = %q, %v; clean text must stay as it is", got, again, err)
		}
	})
}

// TestDateBounds: nothing hansei keeps is before 2000-01-01 or after
// 2100-01-01, so a zero time (year 0001) or a placeholder (9999) cannot
// make a 292-year incident or a due date nobody will see.
func TestDateBounds(t *testing.T) {
	for _, tc := range []struct {
		at time.Time
		ok bool
	}{
		{time.Time{}, false},
		{time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{EarliestTime(), true},
		{time.Date(2026, 3, 11, 9, 0, 0, 0, time.FixedZone("JST", 9*3600)), true},
		{LatestTime(), true},
		{LatestTime().Add(time.Second), false},
		{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), false},
	} {
		err := CheckTime("started_at", tc.at)
		if (err == nil) != tc.ok {
			t.Errorf("CheckTime(%v) = %v, want ok %v", tc.at, err, tc.ok)
		}
		if err != nil && (ErrorFields(err)["started_at"] == "" || !strings.Contains(ErrorMessage(err), "from 2000-01-01 to 2100-01-01")) {
			t.Errorf("CheckTime(%v): %v does not name the field and the range", tc.at, err)
		}
	}
	for _, tc := range []struct {
		date, part string // part of the refusal, "" if accepted
	}{
		{"2000-01-01", ""}, {"2026-12-01", ""}, {"2100-01-01", ""},
		{"0001-01-01", "out of range"}, {"1999-12-31", "out of range"}, {"2100-01-02", "out of range"}, {"9999-12-31", "out of range"},
		{"2026-02-30", "a date such as 2026-12-01"}, {"", "a date such as"}, {"tomorrow", "a date such as"},
	} {
		_, err := ParseDate("due", tc.date)
		if tc.part == "" {
			if err != nil {
				t.Errorf("ParseDate(%q): %v", tc.date, err)
			}
			continue
		}
		if err == nil || ErrorFields(err)["due"] == "" || !strings.Contains(ErrorMessage(err), tc.part) {
			t.Errorf("ParseDate(%q) = %v, want a refusal naming due with %q", tc.date, err, tc.part)
		}
	}
}

// TestCheckNotPast: "today" is the organisation's, from the injected clock.
func TestCheckNotPast(t *testing.T) {
	now := time.Date(2026, 3, 10, 20, 0, 0, 0, time.UTC) // 03-11 05:00 in Tokyo
	tokyo := time.FixedZone("JST", 9*3600)
	for _, tc := range []struct {
		date string
		loc  *time.Location
		ok   bool
	}{
		{"2026-03-10", nil, true}, {"2026-03-09", nil, false}, {"2001-01-01", time.UTC, false},
		{"2026-03-10", tokyo, false}, {"2026-03-11", tokyo, true}, {"2099-12-31", tokyo, true},
	} {
		err := CheckNotPast("due", tc.date, now, tc.loc)
		if (err == nil) != tc.ok {
			t.Errorf("CheckNotPast(%s, %v) = %v, want ok %v", tc.date, tc.loc, err, tc.ok)
		}
		if err != nil && !strings.Contains(ErrorMessage(err), "in the past; give today") {
			t.Errorf("message %q", ErrorMessage(err))
		}
	}
}
