package cli

import (
	"fmt"

	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/i18n"
	"github.com/spf13/cobra"
)

func (env *cli) reviewCmd() *cobra.Command {
	var due string
	cmd := withJSON(&cobra.Command{
		Use:   "review [today|tomorrow|DATE] [outcome ID OUTCOME [\"NOTE\"]]",
		Short: "a review's agenda by owner, or record an outcome",
		Long: `Print the agenda of a remediation review by owner: what is due or untouched for
a while. With "outcome", record what the review decided for remediation ID:
on_track, at_risk, blocked, done or reschedule (with --due).`,
		Example: `  hansei review tomorrow
  hansei review 2026-12-02 outcome 7 on_track "backoff merged, rollout Friday"
  hansei review 2026-12-02 outcome 8 reschedule --due 2026-12-20`,
		Args: argsBetween(0, 5, `a DATE, perhaps followed by: outcome ID OUTCOME "NOTE"`),
	}, func(asJSON bool, rest []string) error { return env.review(due, asJSON, rest) })
	cmd.Flags().StringVar(&due, "due", "", "reschedule: the new due date, YYYY-MM-DD")
	return cmd
}

// review prints a review's agenda by owner, or records an outcome:
//
//	hansei review tomorrow
//	hansei review 2026-12-02 outcome 7 on_track "backoff merged, rollout Friday"
func (env *cli) review(due string, asJSON bool, rest []string) error {
	date := "today"
	if len(rest) > 0 {
		date = rest[0]
	}
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		if rest[1] != "outcome" || len(rest) < 4 || len(rest) > 5 {
			return usageErrorf(`review DATE outcome ID on_track|at_risk|blocked|done|reschedule ["note"] [--due YYYY-MM-DD]`)
		}
		id, err := parseID(rest[2], "%q is not a remediation id")
		if err != nil {
			return err
		}
		note := ""
		if len(rest) == 5 {
			note = rest[4]
		}
		r, err := c.RecordOutcome(env.ctx, date, id, rest[3], note, due)
		return env.confirm(asJSON, r, err, func(p *i18n.Printer) []string {
			return []string{
				p.T("cli.confirm.review_outcome", "Ref", ref(r.Incident), "Date", date, "ID", r.ID,
					"Outcome", env.word("review_outcome", rest[3]), "Title", r.Title),
				"  " + p.T("cli.remediation.facts", "Owner", r.Owner, "Priority", r.Priority, "Due", r.Due, "Status", env.word("remediation_status", string(r.Status))),
			}
		})
	}
	agenda, err := c.Review(env.ctx, date)
	return env.show(asJSON, agenda, err, func() error { return env.printAgenda(agenda) })
}

// printAgenda prints a review's agenda: each owner's remediations that
// are due or untouched for a while, and why.
func (env *cli) printAgenda(agenda client.ReviewAgenda) error {
	p := env.p()
	if agenda.Scheduled {
		fmt.Fprintln(env.stdout, p.T("cli.review.heading_scheduled", "Date", agenda.Date, "Reason", agenda.Reason))
	} else {
		fmt.Fprintln(env.stdout, p.T("cli.review.heading", "Date", agenda.Date))
	}
	if len(agenda.Owners) == 0 {
		fmt.Fprintln(env.stdout, p.T("cli.review.nothing"))
	}
	for _, g := range agenda.Owners {
		fmt.Fprintf(env.stdout, "\n%s\n", g.Owner)
		for _, it := range g.Items {
			r := it.Remediation
			fmt.Fprintf(env.stdout, "  #%d INC-%d %s [%s] — %s\n", r.ID, r.Incident, r.Title,
				p.T("cli.review.item_facts", "Priority", r.Priority, "Due", r.Due, "Status", env.word("remediation_status", string(r.Status))), it.Why)
			if it.LastProgress != nil {
				fmt.Fprintln(env.stdout, "      "+p.T("cli.review.last", "Time", env.formatTime(it.LastProgress.At), "User", it.LastProgress.Actor, "Note", it.LastProgress.Note))
			}
		}
	}
	return nil
}
