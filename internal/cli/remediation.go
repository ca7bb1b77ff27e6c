package cli

import (
	"fmt"
	"strconv"
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/spf13/cobra"
)

func (env *cli) remediationCmd() *cobra.Command {
	cmd := group("remediation", "the follow-up work an incident leaves: add, list, progress", "remediations")
	for _, s := range []struct {
		use, short string
		args       cobra.PositionalArgs
		flags      []string
	}{
		{`add N "TITLE" --owner USER --priority P --due YYYY-MM-DD`, "add a remediation to an incident",
			wantArgs(2, `an incident NUMBER and a "TITLE"`), []string{"owner", "priority", "due", "why", "link", "description"}},
		{"list", "list remediations (all, --mine, --overdue, of an --incident)",
			wantArgs(0, "no arguments (filter with flags, such as --mine)"), []string{"owner", "status", "mine", "overdue", "incident"}},
		{"show ID", "a remediation with its progress notes", wantArgs(1, "a remediation ID"), nil},
		{`progress ID "NOTE" [--status S]`, "record progress, and perhaps a new status",
			wantArgs(2, `a remediation ID and a "NOTE"`), []string{"status", "reason"}},
		{`update ID ["NOTE"]`, "change a remediation's title, owner, priority, due date, …",
			argsBetween(1, 2, `a remediation ID (and perhaps a "NOTE")`), []string{"title", "owner", "priority", "due", "status", "reason", "why", "link", "description"}},
	} {
		var o remediationOptions
		sub := &cobra.Command{Use: s.use, Short: s.short, Args: s.args}
		sub.RunE = func(_ *cobra.Command, rest []string) error { return env.remediation(sub.Name(), o, rest) }
		o.register(sub, s.flags)
		cmd.AddCommand(sub)
	}
	return cmd
}

// remediationOptions are the flags of the remediation subcommands.
type remediationOptions struct {
	owner, priority, due, link, description, title, status, reason, incident string
	why                                                                      int64
	mine, overdue, json                                                      bool
}

// register adds the flags with these names, and --json, to cmd.
func (o *remediationOptions) register(cmd *cobra.Command, names []string) {
	fs := cmd.Flags()
	for _, name := range names {
		switch name {
		case "owner":
			fs.StringVar(&o.owner, name, "", "the accountable owner (a user name)")
		case "priority":
			fs.StringVar(&o.priority, name, "", "a level of the priority scale, such as P1")
		case "due":
			fs.StringVar(&o.due, name, "", "due date, YYYY-MM-DD")
		case "why":
			fs.Int64Var(&o.why, name, 0, "the why-tree node it answers")
		case "link":
			fs.StringVar(&o.link, name, "", "tracker URL")
		case "description":
			fs.StringVar(&o.description, name, "", "what is to be done")
		case "title":
			fs.StringVar(&o.title, name, "", "a new title")
		case "status":
			fs.StringVar(&o.status, name, "", "open, in_progress, blocked, done or wont_do")
		case "reason":
			fs.StringVar(&o.reason, name, "", "why it is blocked or will not be done")
		case "mine":
			fs.BoolVar(&o.mine, name, false, "only mine")
		case "overdue":
			fs.BoolVar(&o.overdue, name, false, "only overdue")
		case "incident":
			fs.StringVar(&o.incident, name, "", "of this incident")
		}
	}
	jsonFlag(cmd, &o.json)
}

// remediation runs `hansei remediation add|list|show|progress|update`.
func (env *cli) remediation(sub string, o remediationOptions, rest []string) error {
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	var r hansei.Remediation
	switch sub {
	case "add":
		n, err := parseNumber(rest[0])
		if err != nil {
			return err
		}
		req := client.RemediationRequest{Incident: n, Title: &rest[1], Owner: opt(o.owner), Priority: opt(o.priority), Due: opt(o.due),
			Link: opt(o.link), Description: opt(o.description)}
		if o.why != 0 {
			req.WhyNode = &o.why
		}
		r, err = c.CreateRemediation(env.ctx, req)
		if err != nil {
			return err
		}
	case "list":
		filter := client.RemediationOptions{Owner: o.owner, Status: o.status, Overdue: o.overdue}
		if o.mine {
			filter.Owner = "me"
		}
		if o.incident != "" {
			if filter.Incident, err = parseNumber(o.incident); err != nil {
				return err
			}
		}
		list, err := c.Remediations(env.ctx, filter)
		if err != nil {
			return err
		}
		if o.json {
			return printJSON(env.stdout, list)
		}
		if len(list.Items) == 0 {
			fmt.Fprintln(env.stdout, "no remediations match")
			return nil
		}
		tw := newTable(env.stdout)
		fmt.Fprintln(tw, "ID\tINCIDENT\tOWNER\tPRIORITY\tDUE\tSTATUS\tTITLE")
		for _, r := range list.Items {
			fmt.Fprintf(tw, "%d\tINC-%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Incident, r.Owner, r.Priority, r.Due, r.Status, r.Title)
		}
		return tw.Flush()
	case "show", "progress", "update":
		id, perr := strconv.ParseInt(rest[0], 10, 64)
		if perr != nil || id <= 0 {
			return usageErrorf("%q is not a remediation id", rest[0])
		}
		switch sub {
		case "show":
			r, err = c.Remediation(env.ctx, id)
		case "progress":
			r, err = c.RemediationProgress(env.ctx, id, rest[1], o.status, o.reason)
		case "update":
			req := client.RemediationRequest{Title: opt(o.title), Owner: opt(o.owner), Priority: opt(o.priority), Due: opt(o.due),
				Link: opt(o.link), Description: opt(o.description), Status: opt(o.status), Reason: opt(o.reason)}
			if o.why != 0 {
				req.WhyNode = &o.why
			}
			if len(rest) == 2 {
				req.Note = rest[1]
			}
			r, err = c.PatchRemediation(env.ctx, id, req)
		}
		if err != nil {
			return err
		}
	default:
		return usageErrorf("unknown remediation subcommand %q; use add, list, show, progress or update", sub)
	}
	if o.json {
		return printJSON(env.stdout, r)
	}
	env.printRemediation(r)
	return nil
}

func (env *cli) printRemediation(r hansei.Remediation) {
	w := env.stdout
	fmt.Fprintf(w, "Remediation %d (INC-%d): %s\n", r.ID, r.Incident, r.Title)
	fmt.Fprintf(w, "Owner: %s · Priority: %s · Due: %s · Status: %s", r.Owner, r.Priority, r.Due, strings.ReplaceAll(string(r.Status), "_", " "))
	if r.Reason != "" {
		fmt.Fprintf(w, " (%s)", r.Reason)
	}
	fmt.Fprintln(w)
	if r.Link != "" {
		fmt.Fprintf(w, "Link: %s\n", r.Link)
	}
	for _, p := range r.Progress {
		fmt.Fprintf(w, "  %s  %-8s %s\n", env.formatTime(p.At), p.Actor, p.Note)
	}
}
