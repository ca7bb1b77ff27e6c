package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hansei-dev/hansei/internal/i18n"
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

// show ends every command that prints what it got, so that --json means
// the same everywhere: the error of the call that got v, if it failed;
// else v as JSON with --json; else text, which prints it for people.
func (env *cli) show(asJSON bool, v any, err error, text func() error) error {
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(env.stdout, v)
	}
	return text()
}

// confirm ends every command that changes something, so that all of them
// answer alike: the error, if the change failed; with --json the changed
// object as the server returned it (for scripts: the same shape as the
// API's answer); else the short lines that say gives, in the reader's
// language, such as "INC-12 #5 severity SEV1 → SEV2: …": what changed, not
// a reprint of everything around it. say runs only once the change
// succeeded, so it may read changed.
func (env *cli) confirm(asJSON bool, changed any, err error, say func(p *i18n.Printer) []string) error {
	return env.show(asJSON, changed, err, func() error {
		for _, l := range say(env.p()) {
			fmt.Fprintln(env.stdout, l)
		}
		return nil
	})
}

// says is the say of confirm for one line from the catalogs: the message
// id with its arguments.
func says(id string, args ...any) func(p *i18n.Printer) []string {
	return func(p *i18n.Printer) []string { return []string{p.T(id, args...)} }
}

// line is text for show that prints one line of a (as fmt.Println does).
func (env *cli) line(a ...any) func() error {
	return func() error {
		fmt.Fprintln(env.stdout, a...)
		return nil
	}
}

// printTable prints items as a table: header (its columns separated by
// tabs), then the cells of one row per item. With no items it prints the
// line none instead, or the header alone when none is "".
func printTable[T any](w io.Writer, none, header string, items []T, row func(T) []any) error {
	if len(items) == 0 && none != "" {
		fmt.Fprintln(w, none)
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0) // columns aligned with spaces
	fmt.Fprintln(tw, header)
	for _, it := range items {
		for i, cell := range row(it) {
			if i > 0 {
				io.WriteString(tw, "\t")
			}
			fmt.Fprint(tw, cell)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// orDash shows an empty value as "-", so that table columns stay aligned.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// location is the viewer's time zone: the one set for the token's user
// (GET /api/v1/me's time_zone), as the web pages use, not the machine's,
// so that a responder's laptop abroad shows the times the team quotes.
// Without a user (the users commands, no token) or a zone, it is UTC.
func (env *cli) location() *time.Location {
	if u, ok := env.me(); ok && u.TimeZone != "" {
		if loc, err := time.LoadLocation(u.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// formatTime is the one way the CLI shows an instant: in the viewer's
// zone beside UTC, "2026-12-06 14:03:00 CET (13:03 UTC)", so that
// responders in different places quote the same instant; in UTC alone
// when the viewer's zone is UTC.
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

// columns is a table's header from its column names, in the reader's
// words.
func columns(names ...string) string { return strings.Join(names, "\t") }

// duration is a length of time in the reader's words, to the second, as
// an intent's countdown needs: "4 min 30 s", "4分30秒".
func (env *cli) duration(d time.Duration) string { return env.p().PreciseDuration(d) }
