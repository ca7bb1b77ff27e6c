package cli

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
)

// remediation runs `hansei remediation add|list|show|progress|update`.
func (env *cli) remediation(args []string) error {
	if len(args) == 0 {
		return usageErrorf("remediation needs a subcommand: add, list, show, progress or update")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("remediation "+sub, flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	owner := fs.String("owner", "", "the accountable owner (a user name)")
	priority := fs.String("priority", "", "a level of the priority scale, such as P1")
	due := fs.String("due", "", "due date, YYYY-MM-DD")
	why := fs.Int64("why", 0, "the why-tree node it answers")
	link := fs.String("link", "", "tracker URL")
	description := fs.String("description", "", "what is to be done")
	title := fs.String("title", "", "update: a new title")
	status := fs.String("status", "", "open, in_progress, blocked, done or wont_do")
	reason := fs.String("reason", "", "why it is blocked or will not be done")
	mine := fs.Bool("mine", false, "list: only mine")
	overdue := fs.Bool("overdue", false, "list: only overdue")
	incident := fs.String("incident", "", "list: of this incident")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	opt := func(s *string) *string {
		if *s == "" {
			return nil
		}
		return s
	}
	var r hansei.Remediation
	switch sub {
	case "add":
		if err := wantArgs(fs, rest, 2, `an incident NUMBER and a "TITLE"`); err != nil {
			return err
		}
		n, err := parseNumber(rest[0])
		if err != nil {
			return err
		}
		req := client.RemediationRequest{Incident: n, Title: &rest[1], Owner: opt(owner), Priority: opt(priority), Due: opt(due),
			Link: opt(link), Description: opt(description)}
		if *why != 0 {
			req.WhyNode = why
		}
		r, err = c.CreateRemediation(env.ctx, req)
		if err != nil {
			return err
		}
	case "list":
		o := client.RemediationOptions{Owner: *owner, Status: *status, Overdue: *overdue}
		if *mine {
			o.Owner = "me"
		}
		if *incident != "" {
			if o.Incident, err = parseNumber(*incident); err != nil {
				return err
			}
		}
		list, err := c.Remediations(env.ctx, o)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(env.stdout, list)
		}
		if len(list.Items) == 0 {
			fmt.Fprintln(env.stdout, "no remediations match")
			return nil
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tINCIDENT\tOWNER\tPRIORITY\tDUE\tSTATUS\tTITLE")
		for _, r := range list.Items {
			fmt.Fprintf(tw, "%d\tINC-%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Incident, r.Owner, r.Priority, r.Due, r.Status, r.Title)
		}
		return tw.Flush()
	case "show", "progress", "update":
		need, what := 1, "a remediation ID"
		if sub == "progress" {
			need, what = 2, `a remediation ID and a "NOTE"`
		}
		if err := wantArgs(fs, rest, need, what); err != nil && !(sub == "update" && len(rest) == 2) {
			return err
		}
		id, perr := strconv.ParseInt(rest[0], 10, 64)
		if perr != nil || id <= 0 {
			return usageErrorf("%q is not a remediation id", rest[0])
		}
		switch sub {
		case "show":
			r, err = c.Remediation(env.ctx, id)
		case "progress":
			r, err = c.RemediationProgress(env.ctx, id, rest[1], *status, *reason)
		case "update":
			req := client.RemediationRequest{Title: opt(title), Owner: opt(owner), Priority: opt(priority), Due: opt(due),
				Link: opt(link), Description: opt(description), Status: opt(status), Reason: opt(reason)}
			if *why != 0 {
				req.WhyNode = why
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
	if *asJSON {
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
