package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/spf13/cobra"
)

// intentOptions are the flags of intent.
type intentOptions struct {
	standDown, action, info, ackFrom string
	window                           time.Duration
	json                             bool
}

func (env *cli) intentCmd() *cobra.Command {
	var o intentOptions
	cmd := &cobra.Command{
		Use:   `intent N --stand-down|--action|--info "TEXT"`,
		Short: "state an intent that others acknowledge or object to in a window",
		Long: `State an intent in an incident: that you wish to stand down, an action you are
about to take, or information others must confirm they heard. Others acknowledge
(hansei ack ID) or object (hansei object ID --reason R) within the window;
silence is not consent.`,
		Example: `  hansei intent 42 --stand-down "travel to a medical appointment"
  hansei intent 42 --action "roll back payments to 4.1" --window 10m --ack-from all`,
		Args: wantArgs(1, "an incident NUMBER and one of --stand-down, --action or --info \"text\""),
		RunE: func(_ *cobra.Command, rest []string) error { return env.intent(o, rest) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.standDown, "stand-down", "", "state that you wish to stand down, and why")
	fs.StringVar(&o.action, "action", "", "state an action you are about to take")
	fs.StringVar(&o.info, "info", "", "state information others must confirm they heard")
	fs.StringVar(&o.ackFrom, "ack-from", "", "who must acknowledge: commander (default), any or all")
	fs.DurationVar(&o.window, "window", 0, "objection window, such as 10m (default from the server, 5m built in)")
	jsonFlag(cmd, &o.json)
	return cmd
}

// intent states an intent: hansei intent N --stand-down "text".
func (env *cli) intent(o intentOptions, rest []string) error {
	n, err := env.parseNumber(rest[0])
	if err != nil {
		return err
	}
	req := client.IntentRequest{AckFrom: o.ackFrom}
	for kind, text := range map[hansei.IntentKind]string{hansei.IntentStandDown: o.standDown, hansei.IntentAction: o.action, hansei.IntentInformation: o.info} {
		if text == "" {
			continue
		}
		if req.Kind != "" {
			return usageErrorf("intent takes one of --stand-down, --action or --info, not several")
		}
		req.Kind, req.Text = string(kind), text
	}
	if req.Kind == "" {
		return usageErrorf("intent needs --stand-down, --action or --info with the text of the intent")
	}
	if o.window != 0 {
		if o.window < time.Second || o.window > 24*time.Hour || o.window%time.Second != 0 {
			return usageErrorf("--window must be whole seconds from 1s to 24h, such as 90s or 10m, not %s", o.window)
		}
		req.WindowSeconds = int64(o.window / time.Second)
	}
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	in, err := c.StateIntent(env.ctx, n, req)
	return env.show(o.json, in, err, func() error { env.printIntent(env.stdout, in, time.Now()); return nil })
}

// printIntent prints an intent with its countdown and who still has to answer.
func (env *cli) printIntent(w io.Writer, in client.Intent, now time.Time) {
	p := env.p()
	fmt.Fprintln(w, p.T("cli.intent.heading", "ID", in.ID, "Ref", fmt.Sprintf("INC-%d", in.Incident), "Author", in.Author,
		"Kind", env.word("intent_kind", string(in.Kind)), "Text", strconv.Quote(in.Text)))
	state := env.word("intent_state", string(in.State))
	switch in.State {
	case hansei.IntentOpen, hansei.IntentObjected:
		left := max(in.ExpiresAt.Sub(now).Round(time.Second), 0)
		fmt.Fprintln(w, "  "+p.T("cli.intent.window", "State", state, "Ends", env.formatTime(in.ExpiresAt), "Left", env.duration(left)))
		if len(in.Pending) > 0 {
			fmt.Fprintln(w, "  "+p.T("cli.intent.waiting_for", "Users", strings.Join(in.Pending, ", "), "ID", in.ID))
		}
	default:
		fmt.Fprintf(w, "  %s\n", state)
	}
	for _, o := range in.Objections {
		id := "cli.intent.objection"
		if o.LiftedAt != nil {
			id = "cli.intent.objection_lifted"
		}
		fmt.Fprintln(w, "  "+p.T(id, "User", o.By, "Reason", strconv.Quote(o.Reason)))
	}
	if len(in.AcknowledgedBy) > 0 {
		fmt.Fprintln(w, "  "+p.T("cli.intent.acknowledged_by", "Users", strings.Join(in.AcknowledgedBy, ", ")))
	}
}

// answerOptions are the flags of ack, object, lift and withdraw.
type answerOptions struct {
	reason string
	json   bool
}

// intentCommands are ack, object, lift and withdraw, on intent ID.
func (env *cli) intentCommands() []*cobra.Command {
	id := wantArgs(1, "an intent ID")
	return commandTable([]spec{
		{use: "ack ID", short: "acknowledge an intent (the ID shown with it)", args: id},
		{use: "object ID --reason R", short: "object to an intent within its window, saying why", args: id},
		{use: "lift ID", short: "lift your objection to an intent", args: id},
		{use: "withdraw ID", short: "withdraw your own intent", args: id},
	}, func(cmd *cobra.Command, o *answerOptions) {
		if cmd.Name() == "object" {
			cmd.Flags().StringVar(&o.reason, "reason", "", "why you object (required)")
		}
		jsonFlag(cmd, &o.json)
	}, env.intentCommand)
}

// intentCommand runs ack, object, lift and withdraw on intent ID.
func (env *cli) intentCommand(name string, o answerOptions, rest []string) error {
	id, err := parseID(rest[0], "%q is not an intent id; use the number shown with the intent, such as 7")
	if err != nil {
		return err
	}
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	var in client.Intent
	switch name {
	case "ack":
		in, err = c.Acknowledge(env.ctx, id)
	case "object":
		if o.reason == "" {
			return usageErrorf("object needs --reason: say why, so the author can answer it")
		}
		in, err = c.Object(env.ctx, id, o.reason)
	case "lift":
		in, err = c.LiftObjection(env.ctx, id)
	case "withdraw":
		in, err = c.Withdraw(env.ctx, id)
	}
	return env.show(o.json, in, err, func() error { env.printIntent(env.stdout, in, time.Now()); return nil })
}
