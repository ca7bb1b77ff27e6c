package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// location is the viewer's time zone: TZ if set, else the system's.
func (env *cli) location() *time.Location {
	if tz := env.getenv("TZ"); tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	return time.Local
}

// formatTime shows a time in the viewer's zone beside UTC, so that
// responders in different places quote the same instant.
func (env *cli) formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	loc := env.location()
	local := t.In(loc)
	utc := t.UTC()
	if local.Format("-0700") == "+0000" {
		return utc.Format("2006-01-02 15:04:05 UTC")
	}
	return fmt.Sprintf("%s (%s)", local.Format("2006-01-02 15:04:05 MST"), utc.Format("15:04 UTC"))
}

func (env *cli) formatTimePtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return env.formatTime(*t)
}
