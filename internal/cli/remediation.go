package cli

import (
	"fmt"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/i18n"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func (env *cli) remediationCmd() *cobra.Command {
	cmd := group("remediation", "the follow-up work an incident leaves: add, list, progress, cancel", "remediations")
	flags := map[string][]string{
		"add":      {"owner", "priority", "due", "backdate", "why", "link", "description"},
		"list":     {"owner", "status", "mine", "overdue", "incident"},
		"progress": {"status", "reason"},
		"update":   {"title", "owner", "priority", "due", "backdate", "status", "reason", "why", "link", "description"},
		"cancel":   {"reason"},
	}
	cmd.AddCommand(commandTable([]spec{
		{use: `add N "TITLE" --owner USER --priority P --due YYYY-MM-DD`, short: "add a remediation to an incident",
			args: wantArgs(2, `an incident NUMBER and a "TITLE"`)},
		{use: "list", short: "list remediations (all, --mine, --overdue, of an --incident)",
			args: wantArgs(0, "no arguments (filter with flags, such as --mine)")},
		{use: "show ID", short: "a remediation with its progress notes", args: wantArgs(1, "a remediation ID")},
		{use: `progress ID "NOTE" [--status S]`, short: "record progress, and perhaps a new status",
			args: wantArgs(2, `a remediation ID and a "NOTE"`)},
		{use: `update ID ["NOTE"]`, short: "change a remediation's title, owner, priority, due date, …",
			args: argsBetween(1, 2, `a remediation ID (and perhaps a "NOTE")`)},
		{use: `cancel ID --reason "WHY"`, short: "withdraw a remediation made by mistake (its owner, the commander or an admin)",
			args: wantArgs(1, "a remediation ID")},
	}, func(sub *cobra.Command, o *remediationOptions) { o.register(sub, flags[sub.Name()]) }, env.remediation)...)
	return cmd
}

// remediationOptions are the flags of the remediation subcommands.
type remediationOptions struct {
	owner, priority, due, link, description, title, status, reason, incident string
	why                                                                      int64
	mine, overdue, backdate, json                                            bool
}

// register adds the flags with these names, and --json, to cmd. Every
// flag is declared once here, with its help, and each subcommand takes
// the ones it names.
func (o *remediationOptions) register(cmd *cobra.Command, names []string) {
	all := pflag.NewFlagSet("remediation", pflag.ContinueOnError)
	all.StringVar(&o.owner, "owner", "", "the accountable owner (a user name)")
	all.StringVar(&o.priority, "priority", "", "a level of the priority scale, such as P1")
	all.StringVar(&o.due, "due", "", "due date, YYYY-MM-DD")
	all.Int64Var(&o.why, "why", 0, "the why-tree node it answers")
	all.StringVar(&o.link, "link", "", "tracker URL")
	all.StringVar(&o.description, "description", "", "what is to be done")
	all.StringVar(&o.title, "title", "", "a new title")
	all.BoolVar(&o.backdate, "backdate", false, "allow a due date before today: for work already done or imported from another tool")
	all.StringVar(&o.status, "status", "", "open, in_progress, blocked, done or wont_do")
	all.StringVar(&o.reason, "reason", "", "why it is blocked, will not be done or is cancelled")
	all.BoolVar(&o.mine, "mine", false, "only mine")
	all.BoolVar(&o.overdue, "overdue", false, "only overdue")
	all.StringVar(&o.incident, "incident", "", "of this incident")
	for _, name := range names {
		cmd.Flags().AddFlag(all.Lookup(name))
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
	var (
		r     hansei.Remediation
		saved client.SavedRemediation
	)
	switch sub {
	case "add":
		n, perr := env.parseNumber(rest[0])
		if perr != nil {
			return perr
		}
		req := client.RemediationRequest{Incident: n, Title: &rest[1], Owner: opt(o.owner), Priority: opt(o.priority), Due: opt(o.due),
			Link: opt(o.link), Description: opt(o.description), Backdate: o.backdate}
		if o.why != 0 {
			req.WhyNode = &o.why
		}
		saved, err = c.AddRemediation(env.ctx, req)
		r = saved.Remediation
	case "list":
		filter := client.RemediationOptions{Owner: o.owner, Status: o.status, Overdue: o.overdue}
		if o.mine {
			filter.Owner = "me"
		}
		if o.incident != "" {
			if filter.Incident, err = env.parseNumber(o.incident); err != nil {
				return err
			}
		}
		list, err := c.Remediations(env.ctx, filter)
		return env.show(o.json, list, err, func() error {
			p := env.p()
			header := columns(p.T("cli.column.id"), p.T("cli.column.incident"), p.T("cli.column.owner"), p.T("cli.column.priority"),
				p.T("cli.column.due"), p.T("cli.column.status"), p.T("cli.column.title"))
			return printTable(env.stdout, p.T("cli.remediation.none_match"), header, list.Items,
				func(r hansei.Remediation) []any {
					return []any{r.ID, fmt.Sprintf("INC-%d", r.Incident), r.Owner, r.Priority, r.Due, env.word("remediation_status", string(r.Status)), r.Title}
				})
		})
	case "show", "progress", "update", "cancel":
		id, perr := parseID(rest[0], "%q is not a remediation id")
		if perr != nil {
			return perr
		}
		switch sub {
		case "show":
			r, err = c.Remediation(env.ctx, id)
		case "progress":
			r, err = c.RemediationProgress(env.ctx, id, rest[1], o.status, o.reason)
		case "update":
			req := client.RemediationRequest{Title: opt(o.title), Owner: opt(o.owner), Priority: opt(o.priority), Due: opt(o.due),
				Link: opt(o.link), Description: opt(o.description), Status: opt(o.status), Reason: opt(o.reason), Backdate: o.backdate}
			if o.why != 0 {
				req.WhyNode = &o.why
			}
			if len(rest) == 2 {
				req.Note = rest[1]
			}
			saved, err = c.UpdateRemediation(env.ctx, id, req)
			r = saved.Remediation
		case "cancel":
			if o.reason == "" {
				return usageErrorf("--reason is required: say why remediation %d is cancelled", id)
			}
			r, err = c.CancelRemediation(env.ctx, id, o.reason)
		}
	default:
		return usageErrorf("unknown remediation subcommand %q; use add, list, show, progress, update or cancel", sub)
	}
	// Warnings go to standard error, so that standard output (the
	// remediation, or its JSON) stays what a script reads.
	for _, w := range saved.Warnings {
		fmt.Fprintln(env.stderr, env.p().T("cli.warning", "Message", w.Message))
	}
	if sub == "show" {
		return env.show(o.json, r, err, func() error { env.printRemediation(r); return nil })
	}
	return env.confirm(o.json, r, err, func(p *i18n.Printer) []string {
		done := p.T("cli.confirm.remediation_update", "ID", r.ID, "Ref", ref(r.Incident), "Title", r.Title)
		switch sub {
		case "add":
			done = p.T("cli.confirm.remediation_add", "ID", r.ID, "Ref", ref(r.Incident), "Title", r.Title)
		case "progress":
			done = p.T("cli.confirm.remediation_progress", "ID", r.ID, "Ref", ref(r.Incident), "Title", r.Title)
		case "cancel":
			done = p.T("cli.confirm.remediation_cancel", "ID", r.ID, "Ref", ref(r.Incident), "Title", r.Title)
		}
		return []string{
			done,
			"  " + p.T("cli.remediation.facts", "Owner", r.Owner, "Priority", r.Priority, "Due", r.Due, "Status", env.word("remediation_status", string(r.Status))),
		}
	})
}

func (env *cli) printRemediation(r hansei.Remediation) {
	w := env.stdout
	p := env.p()
	fmt.Fprintln(w, p.T("cli.remediation.heading", "ID", r.ID, "Ref", fmt.Sprintf("INC-%d", r.Incident), "Title", r.Title))
	fmt.Fprint(w, p.T("cli.remediation.facts", "Owner", r.Owner, "Priority", r.Priority, "Due", r.Due, "Status", env.word("remediation_status", string(r.Status))))
	if r.Reason != "" {
		fmt.Fprintf(w, " (%s)", r.Reason)
	}
	fmt.Fprintln(w)
	if r.Link != "" {
		fmt.Fprintln(w, p.T("cli.remediation.link", "Link", r.Link))
	}
	for _, e := range r.Progress {
		note := e.Note
		if m := e.Review; m != nil && m.ReplacedAt != nil {
			note += " " + p.T("cli.remediation.replaced", "Actor", m.ReplacedBy, "At", env.formatTime(*m.ReplacedAt))
		}
		fmt.Fprintf(w, "  %s  %-8s %s\n", env.formatTime(e.At), e.Actor, note)
	}
}
