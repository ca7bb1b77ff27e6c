package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

// The output helpers: --json, times in the viewer's zone, tables.

// jsonFlag adds --json, which prints what the command prints as JSON.
func jsonFlag(cmd *cobra.Command, asJSON *bool) {
	cmd.Flags().BoolVar(asJSON, "json", false, "print JSON")
}

// printJSON prints v as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printJSONLine prints v as JSON on one line, for streams that a program
// reads line by line (JSON Lines).
func printJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// newTable starts a table of columns aligned with spaces; Flush prints it.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
}

// orDash shows an empty value as "-", so that table columns stay aligned.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
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
