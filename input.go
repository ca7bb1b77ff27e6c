package hansei

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The checks of what people write. Every text and every date a use case
// keeps passes through these, so that a title made of zero-width spaces, a
// NUL in a note or a due date in year 9999 is refused the same way whether
// it came from the API, a page or the command line, and the error names
// the field and says what would be right.

// Text is the rule for one text field: its name (for the error), its limit
// in characters (0: none), whether it must be given, and whether it may
// span lines.
type Text struct {
	Field     string
	Max       int
	Required  bool
	MultiLine bool
}

// Line is a one-line text field: a title, a name, a reason.
func Line(field string, max int) Text { return Text{Field: field, Max: max} }

// Lines is a text field that may hold line breaks and tabs: a summary, a
// note, a section.
func Lines(field string, max int) Text { return Text{Field: field, Max: max, MultiLine: true} }

// Require makes the field required.
func (t Text) Require() Text {
	t.Required = true
	return t
}

// Clean returns s as it is kept — line breaks as \n (browsers send \r\n),
// without leading and trailing whitespace — or an error that names the
// field: s is not UTF-8, holds a control character (or a line break in a
// one-line field), holds nothing visible, is missing when required, or is
// too long.
func (t Text) Clean(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", FieldError(t.Field, "%s is not valid UTF-8; send the text as UTF-8", t.Field)
	}
	if t.MultiLine && strings.ContainsRune(s, '\r') {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	s = strings.TrimSpace(s)
	at := 0
	visible := false
	for _, r := range s {
		at++
		if msg := t.refuse(r); msg != "" {
			return "", FieldError(t.Field, "%s contains %s at character %d; %s", t.Field, msg, at, t.allowed())
		}
		if !Invisible(r) {
			visible = true
		}
	}
	if s == "" {
		if t.Required {
			return "", FieldError(t.Field, "%s is required and must not be blank", t.Field).Says("error.field_required", "Field", field(t.Field))
		}
		return "", nil
	}
	if !visible {
		orEmpty, id := ", or leave it empty", "error.field_invisible_optional"
		if t.Required {
			orEmpty, id = "", "error.field_invisible"
		}
		return "", FieldError(t.Field, "%s has no visible character (only spaces, zero-width or direction-control characters); write some text%s", t.Field, orEmpty).
			Says(id, "Field", field(t.Field))
	}
	if t.Max > 0 && at > t.Max {
		return "", FieldError(t.Field, "%s is %d characters long; the limit is %d", t.Field, at, t.Max).
			Says("error.field_too_long", "Field", field(t.Field), "Length", at, "Max", t.Max)
	}
	return s, nil
}

// Check is Clean for a value whose cleaned form is not needed.
func (t Text) Check(s string) error {
	_, err := t.Clean(s)
	return err
}

// refuse says what r is when the field may not hold it, else "".
func (t Text) refuse(r rune) string {
	switch {
	case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
		if !t.MultiLine || r != '\n' {
			return "a line break"
		}
	case r == '\t':
		if !t.MultiLine {
			return "a tab"
		}
	case r == 0:
		return "a NUL character (U+0000)"
	case unicode.IsControl(r):
		return fmt.Sprintf("a control character (U+%04X)", r)
	}
	return ""
}

func (t Text) allowed() string {
	if t.MultiLine {
		return "write plain text: line breaks and tabs are the only control characters it may hold"
	}
	return "write it as one line of plain text, without line breaks, tabs or control characters"
}

// Invisible tells the characters that show nothing by themselves: spaces,
// zero-width characters, direction controls and the other format
// characters, variation selectors, fillers and the blank braille pattern.
// A text made only of them looks empty, so it is refused.
func Invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point) ||
		r == '\u2800'
}

// EarliestTime and LatestTime bound every date and time hansei keeps:
// nothing it records happened before 2000 or is due after 2100, and a
// time outside is a mistake (year 0001 is a zero value, 9999 a
// placeholder) that would make durations and agendas absurd.
func EarliestTime() time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) }

// LatestTime: see EarliestTime.
func LatestTime() time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) }

// CheckTime refuses a time before EarliestTime or after LatestTime.
func CheckTime(field string, t time.Time) error {
	if t.Before(EarliestTime()) || t.After(LatestTime()) {
		return FieldError(field, "%s %s is out of range; give a time from 2000-01-01 to 2100-01-01, such as %s",
			field, t.UTC().Format(time.RFC3339), "2026-12-01T09:30:00Z").
			Says("error.time_out_of_range", "Field", Word{"field", field}, "Value", t.UTC().Format(time.RFC3339))
	}
	return nil
}

// ParseDate reads a date, YYYY-MM-DD, from 2000-01-01 to 2100-01-01.
func ParseDate(field, s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, FieldError(field, "%s must be a date such as 2026-12-01, not %q", field, s).
			Says("error.date_invalid", "Field", Word{"field", field}, "Value", s)
	}
	if d.Before(EarliestTime()) || d.After(LatestTime()) {
		return time.Time{}, FieldError(field, "%s %s is out of range; give a date from 2000-01-01 to 2100-01-01", field, s).
			Says("error.date_out_of_range", "Field", Word{"field", field}, "Value", s)
	}
	return d, nil
}

// CheckNotPast refuses a date before today in loc: a due date is moved
// forward, never into the past.
func CheckNotPast(field, date string, now time.Time, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	if today := now.In(loc).Format(time.DateOnly); date < today {
		return FieldError(field, "%s %s is in the past; give today (%s) or a later date", field, date, today).
			Says("error.date_in_past", "Field", Word{"field", field}, "Value", date, "Today", today)
	}
	return nil
}
