package cli

import (
	"fmt"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/spf13/cobra"
)

// editOptions are the flags of incident edit.
type editOptions struct {
	title, summary, reason             string
	startedAt, detectedAt, mitigatedAt string
	services                           stringList
	setTitle, setSummary, setServices  bool
	json                               bool
}

const timeHelp = `Times are RFC 3339 (2026-12-01T09:21:00Z, or with an offset such as
+09:00), or a date and time without a zone (2026-12-01 09:21, seconds
optional), read in your zone: the time zone of your hansei user
(settings page, GET /api/v1/me), else UTC.`

func (env *cli) incidentEditCmd() *cobra.Command {
	var o editOptions
	cmd := &cobra.Command{
		Use:   `edit N --reason "WHY" [--title T] [--summary S] [--services a,b] [--started-at TIME] [--detected-at TIME] [--mitigated-at TIME]`,
		Short: "correct an incident's title, summary, services or key times, saying why",
		Long: `Correct what an incident says about itself. Each changed field is an event
on the timeline with the old and the new value and the reason; the incident,
and its postmortem's key times and "time to detect", follow. Only the
commander or an admin corrects; --reason is required.

` + timeHelp,
		Args: wantArgs(1, "an incident NUMBER (and --reason)"),
		RunE: func(cmd *cobra.Command, rest []string) error {
			fs := cmd.Flags()
			o.setTitle, o.setSummary, o.setServices = fs.Changed("title"), fs.Changed("summary"), fs.Changed("services")
			return env.incidentEdit(o, rest)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.title, "title", "", "the corrected title")
	fs.StringVar(&o.summary, "summary", "", "the corrected summary")
	fs.Var(&o.services, "services", "the affected services, comma-separated (replaces the list)")
	fs.StringVar(&o.startedAt, "started-at", "", "when the impact began")
	fs.StringVar(&o.detectedAt, "detected-at", "", "when the impact was first seen")
	fs.StringVar(&o.mitigatedAt, "mitigated-at", "", "when the impact was mitigated")
	fs.StringVar(&o.reason, "reason", "", "why the record changes (required)")
	jsonFlag(cmd, &o.json)
	return cmd
}

func (env *cli) incidentEdit(o editOptions, rest []string) error {
	if strings.TrimSpace(o.reason) == "" {
		return usageErrorf("--reason is required: say why the record changes")
	}
	req := client.CorrectRequest{Reason: o.reason}
	if o.setTitle {
		req.Title = &o.title
	}
	if o.setSummary {
		req.Summary = &o.summary
	}
	if o.setServices {
		services := []string(o.services)
		if services == nil {
			services = []string{}
		}
		req.Services = &services
	}
	for _, t := range []struct {
		flag, value string
		to          **time.Time
	}{{"--started-at", o.startedAt, &req.StartedAt}, {"--detected-at", o.detectedAt, &req.DetectedAt}, {"--mitigated-at", o.mitigatedAt, &req.MitigatedAt}} {
		if t.value == "" {
			continue
		}
		at, err := env.parseTime(t.flag, t.value)
		if err != nil {
			return err
		}
		*t.to = &at
	}
	if req.Title == nil && req.Summary == nil && req.Services == nil && req.StartedAt == nil && req.DetectedAt == nil && req.MitigatedAt == nil {
		return usageErrorf("nothing to change: give --title, --summary, --services, --started-at, --detected-at or --mitigated-at")
	}
	n, c, err := env.incidentArg(rest)
	if err != nil {
		return err
	}
	inc, err := c.Correct(env.ctx, n, req)
	return env.confirm(o.json, inc, err, changeLines(inc))
}

// parseTime reads a time given on the command line: RFC 3339, or a date
// and time without a zone in the user's zone.
func (env *cli) parseTime(flag, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, env.location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usageErrorf("%s %q is not a time: give RFC 3339 (2026-12-01T09:21:00Z) or a date and time in your zone (2026-12-01 09:21)", flag, s)
}

func (env *cli) incidentVacateCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "vacate N ROLE",
		Short: "leave a role empty (never the commander's: hand that over)",
		Long: `Leave a role of an incident empty: a role.vacated event on the timeline. The
commander's role is never vacated; hand it over instead:
hansei incident role N commander USER.`,
		Args: wantArgs(2, "an incident NUMBER and a ROLE"),
		RunE: func(_ *cobra.Command, rest []string) error {
			n, c, err := env.incidentArg(rest)
			if err != nil {
				return err
			}
			inc, err := c.VacateRole(env.ctx, n, rest[1])
			return env.confirm(asJSON, inc, err, changeLines(inc))
		},
	}
	jsonFlag(cmd, &asJSON)
	return cmd
}

// roleHelp is incident role's help: the built-in roles, which every server
// has, and where a server's own list is seen; help works without a server.
func roleHelp() string {
	var b strings.Builder
	b.WriteString("Give a role to a user; if someone holds it, it is handed over. Only the\n")
	b.WriteString("server's configured roles are accepted (any case; stored in lower case).\n\nBuilt-in roles:\n")
	for _, r := range hansei.BuiltinRoles() {
		fmt.Fprintf(&b, "  %-15s %s\n", r.Name, r.Description)
	}
	b.WriteString("\nA server may add roles in its config (roles:); `hansei scales` lists the\n")
	b.WriteString("server's roles. `hansei incident vacate N ROLE` leaves a role empty.")
	return b.String()
}
