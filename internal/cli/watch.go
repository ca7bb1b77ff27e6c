package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/spf13/cobra"
)

// How watch waits for a server that went away: the first retry after
// watchRetryFirst, each next one twice as late, never later than
// watchRetryMax, so that a server back after a deploy is found within
// seconds and one down for an hour is not asked every second.
const (
	watchRetryFirst = time.Second
	watchRetryMax   = 30 * time.Second
)

func (env *cli) watchCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "watch N",
		Short: "follow an incident live: its timeline, open intents, countdowns",
		Long: `Follow an incident's timeline live, with its open intents and their countdowns,
until Ctrl-C. Each open intent is shown once, in full; then its countdown prints
a line each time it moves on (every minute, then every 10 seconds in the last
minute), so that the output reads the same in a terminal, a pipe or a log.
While the server is away it says so once ("server unreachable, retrying…"),
retries after 1 s, 2 s, 4 s … up to every 30 s, says when it is back, and
resumes where it left off. With --json it prints each event as one line of
JSON (JSON Lines), and nothing else on standard output.`,
		Args: wantArgs(1, "an incident NUMBER"),
		RunE: func(_ *cobra.Command, rest []string) error {
			n, c, err := env.incidentArg(rest)
			if err != nil {
				return err
			}
			ticker := time.NewTicker(time.Second)
			defer ticker.Stop()
			w := &watcher{env: env, src: c, n: n, json: asJSON, now: time.Now, after: time.After, ticks: ticker.C}
			return w.run(env.ctx)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print each event as one line of JSON")
	return cmd
}

// watchSource is what watch asks of the server: the client, or a test's
// stand-in.
type watchSource interface {
	Incident(ctx context.Context, n int64) (client.Incident, error)
	Intents(ctx context.Context, n int64) (client.List[client.Intent], error)
	Stream(ctx context.Context, n, last int64, fn func(id int64, e hansei.Event) error) (int64, error)
}

// watcher follows one incident. Its clock (now), its waits (after) and
// the countdown's ticks are given, so that tests drive it without
// sleeping.
type watcher struct {
	env   *cli
	src   watchSource
	n     int64
	json  bool
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
	ticks <-chan time.Time

	// intents are the live intents shown so far, by ID, each with the
	// countdown step last printed for it: an intent is shown in full
	// once, however often the stream mentions it.
	intents map[int64]*watchedIntent
}

type watchedIntent struct {
	in   client.Intent
	step time.Duration
}

// run follows the incident until ctx ends (nil) or the server refuses
// (its error: the incident is gone, the token revoked).
func (w *watcher) run(ctx context.Context) error {
	inc, err := w.src.Incident(ctx, w.n)
	if err != nil {
		return err
	}
	p := w.env.p()
	if !w.json {
		fmt.Fprintln(w.env.stdout, p.T("cli.watch.watching", "Ref", inc.Ref, "Title", inc.Title, "Severity", inc.Severity, "Status", w.env.status(inc.Status)))
	}
	w.intents = map[int64]*watchedIntent{}
	w.showIntents(ctx)
	last := max(inc.LastSeq-10, 0) // some context: the last ten events
	retry := watchRetryFirst
	for {
		got, err := w.follow(ctx, &last)
		if ctx.Err() != nil {
			return nil
		}
		var ce *client.Error
		if errors.As(err, &ce) {
			return err
		}
		if got {
			retry = watchRetryFirst // it was up for a while: start over
		}
		// One line for the whole time the server is away, not one a try.
		fmt.Fprintln(w.env.stderr, "hansei: "+p.T("cli.watch.unreachable", "Error", ErrorLine(err)))
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-w.after(retry):
			}
			retry = min(retry*2, watchRetryMax)
			_, err := w.src.Incident(ctx, w.n)
			if err == nil {
				break
			}
			if errors.As(err, &ce) {
				return err
			}
			if ctx.Err() != nil {
				return nil
			}
		}
		fmt.Fprintln(w.env.stderr, "hansei: "+p.T("cli.watch.back", "Seq", last))
	}
}

// follow prints the stream's events from after *last until it breaks,
// and the countdowns meanwhile; got says whether any event came.
func (w *watcher) follow(ctx context.Context, last *int64) (got bool, err error) {
	type item struct {
		id int64
		e  hansei.Event
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := make(chan item)
	done := make(chan error, 1)
	go func() {
		_, err := w.src.Stream(sctx, w.n, *last, func(id int64, e hansei.Event) error {
			select {
			case events <- item{id, e}:
				return nil
			case <-sctx.Done():
				return sctx.Err()
			}
		})
		done <- err
	}()
	for {
		select {
		case it := <-events:
			got, *last = true, it.id
			if w.json {
				if err := printJSONLine(w.env.stdout, it.e); err != nil {
					return got, err
				}
				continue
			}
			w.env.printEvents(w.env.stdout, []hansei.Event{it.e})
			if strings.HasPrefix(it.e.Type, "intent.") {
				w.showIntents(ctx)
			}
		case <-w.ticks:
			w.countdown()
		case err := <-done:
			if err == nil {
				err = errors.New("the stream ended")
			}
			return got, err
		case <-ctx.Done():
			return got, ctx.Err()
		}
	}
}

// showIntents asks for the incident's intents and prints those not shown
// yet, in full; the stream's event lines tell what becomes of the others.
func (w *watcher) showIntents(ctx context.Context) {
	if w.json {
		return // the intent events are in the stream
	}
	list, err := w.src.Intents(ctx, w.n)
	if err != nil {
		return // the stream reports a server that went away
	}
	live := map[int64]bool{}
	for _, in := range list.Items {
		if !in.Live() {
			continue
		}
		live[in.ID] = true
		if seen, ok := w.intents[in.ID]; ok {
			seen.in = in
			continue
		}
		now := w.now()
		w.env.printIntent(w.env.stdout, in, now)
		w.intents[in.ID] = &watchedIntent{in: in, step: countdownStep(in.ExpiresAt.Sub(now))}
	}
	for id := range w.intents {
		if !live[id] {
			delete(w.intents, id)
		}
	}
}

// countdown prints a line for each live intent whose time left has moved
// on to the next step since it was last printed.
func (w *watcher) countdown() {
	now := w.now()
	for id, wi := range w.intents {
		step := countdownStep(wi.in.ExpiresAt.Sub(now))
		if step == wi.step || step == 0 {
			continue
		}
		wi.step = step
		p := w.env.p()
		left := w.env.duration(step)
		if step >= time.Minute && step < time.Hour {
			left = p.T("duration.minutes", "Minutes", int(step.Minutes())) // whole minutes: "4 min", not "4 min 0 s"
		}
		fmt.Fprintln(w.env.stdout, "  "+p.T("cli.watch.countdown", "ID", id, "Left", left, "Ends", w.env.formatTime(wi.in.ExpiresAt)))
	}
}

// countdownStep is the time left as a countdown shows it: whole minutes
// (rounded up) above a minute, then tens of seconds, 0 once it is over.
func countdownStep(left time.Duration) time.Duration {
	switch {
	case left <= 0:
		return 0
	case left > time.Minute:
		return ceilTo(left, time.Minute)
	default:
		return ceilTo(left, 10*time.Second)
	}
}

func ceilTo(d, unit time.Duration) time.Duration {
	if r := d % unit; r != 0 {
		return d - r + unit
	}
	return d
}
