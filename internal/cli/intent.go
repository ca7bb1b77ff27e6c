package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
)

// intent states an intent: hansei intent N --stand-down "text".
func (env *cli) intent(args []string) error {
	fs := flag.NewFlagSet("intent", flag.ContinueOnError)
	standDown := fs.String("stand-down", "", "state that you wish to stand down, and why")
	action := fs.String("action", "", "state an action you are about to take")
	info := fs.String("info", "", "state information others must confirm they heard")
	ackFrom := fs.String("ack-from", "", "who must acknowledge: commander (default), any or all")
	window := fs.Duration("window", 0, "objection window, such as 10m (default from the server, 5m built in)")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, rest, 1, "an incident NUMBER and one of --stand-down, --action or --info \"text\""); err != nil {
		return err
	}
	n, err := parseNumber(rest[0])
	if err != nil {
		return err
	}
	req := client.IntentRequest{AckFrom: *ackFrom}
	for kind, text := range map[hansei.IntentKind]string{hansei.IntentStandDown: *standDown, hansei.IntentAction: *action, hansei.IntentInformation: *info} {
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
	if *window != 0 {
		if *window < time.Second || *window > 24*time.Hour || *window%time.Second != 0 {
			return usageErrorf("--window must be whole seconds from 1s to 24h, such as 90s or 10m, not %s", *window)
		}
		req.WindowSeconds = int64(*window / time.Second)
	}
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	in, err := c.StateIntent(env.ctx, n, req)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env.stdout, in)
	}
	env.printIntent(env.stdout, in, time.Now())
	return nil
}

// printIntent prints an intent with its countdown and who still has to answer.
func (env *cli) printIntent(w io.Writer, in client.Intent, now time.Time) {
	fmt.Fprintf(w, "Intent %d in INC-%d by %s (%s): %q\n", in.ID, in.Incident, in.Author, strings.ReplaceAll(string(in.Kind), "_", "-"), in.Text)
	switch in.State {
	case hansei.IntentOpen, hansei.IntentObjected:
		left := in.ExpiresAt.Sub(now).Round(time.Second)
		if left < 0 {
			left = 0
		}
		fmt.Fprintf(w, "  %s; window ends %s (in %s); silence is not consent\n", in.State, env.formatTime(in.ExpiresAt), left)
		if len(in.Pending) > 0 {
			fmt.Fprintf(w, "  waiting for: %s   (hansei ack %d)\n", strings.Join(in.Pending, ", "), in.ID)
		}
	default:
		fmt.Fprintf(w, "  %s\n", in.State)
	}
	for _, o := range in.Objections {
		lifted := ""
		if o.LiftedAt != nil {
			lifted = " (lifted)"
		}
		fmt.Fprintf(w, "  objection by %s: %q%s\n", o.By, o.Reason, lifted)
	}
	if len(in.AcknowledgedBy) > 0 {
		fmt.Fprintf(w, "  acknowledged by: %s\n", strings.Join(in.AcknowledgedBy, ", "))
	}
}

// intentCommand runs ack, object, lift and withdraw on intent ID.
func (env *cli) intentCommand(name string, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	reason := fs.String("reason", "", "why you object (for object)")
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, rest, 1, "an intent ID"); err != nil {
		return err
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id <= 0 {
		return usageErrorf("%q is not an intent id; use the number shown with the intent, such as 7", rest[0])
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
		if *reason == "" {
			return usageErrorf("object needs --reason: say why, so the author can answer it")
		}
		in, err = c.Object(env.ctx, id, *reason)
	case "lift":
		in, err = c.LiftObjection(env.ctx, id)
	case "withdraw":
		in, err = c.Withdraw(env.ctx, id)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env.stdout, in)
	}
	env.printIntent(env.stdout, in, time.Now())
	return nil
}

// watch tails an incident's live timeline, showing open intents with
// their countdown, and resumes by Last-Event-ID after a dropped connection.
func (env *cli) watch(args []string) error {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	n, c, err := env.incidentArg(fs, rest)
	if err != nil {
		return err
	}
	inc, err := c.Incident(env.ctx, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Watching %s: %s (%s, %s). Ctrl-C stops.\n", inc.Ref, inc.Title, inc.Severity, inc.Status)
	last := inc.LastSeq - 10
	if last < 0 {
		last = 0
	}
	showIntents := func() {
		list, err := c.Intents(env.ctx, n)
		if err != nil {
			return
		}
		for _, in := range list.Items {
			if in.Live() {
				env.printIntent(env.stdout, in, time.Now())
			}
		}
	}
	showIntents()
	for {
		last, err = c.Stream(env.ctx, n, last, func(id int64, e hansei.Event) error {
			fmt.Fprintf(env.stdout, "  #%-4d %s  %-10s %s\n", e.Seq, env.formatTime(e.At), e.Actor, hansei.DescribeEvent(e))
			if strings.HasPrefix(e.Type, "intent.") {
				showIntents()
			}
			return nil
		})
		if env.ctx.Err() != nil {
			return nil
		}
		var ce *client.Error
		if errors.As(err, &ce) {
			return err
		}
		fmt.Fprintf(env.stderr, "hansei: stream interrupted (%v); resuming after #%d\n", err, last)
		select {
		case <-env.ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}
