package cli

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
)

// The status page from the command line: components, public updates and
// linked components on incidents, maintenance windows.

// component runs `hansei component add|list|set|rm`.
func (env *cli) component(args []string) error {
	if len(args) == 0 {
		return usageErrorf("component needs a subcommand: add, list, set or rm")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("component "+sub, flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	name := fs.String("name", "", "add: the name the public reads, such as \"Checkout\" (required)")
	group := fs.String("group", "", "add: the group it is shown in, such as \"Shop\"")
	description := fs.String("description", "", "add: a line about it")
	position := fs.Int("position", 0, "add: its place within its group (lower first)")
	state := fs.String("state", "", "add: its state (operational by default)")
	var services stringList
	fs.Var(&services, "service", "add: a service responders name in incidents that it maps to (repeat, or comma-separate)")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	var (
		out  hansei.Component
		verb string
	)
	switch sub {
	case "add":
		if err := wantArgs(fs, rest, 1, "a component KEY, such as checkout-api"); err != nil {
			return err
		}
		if *name == "" {
			return usageErrorf("component add needs --name: the name the public reads, such as --name \"Checkout\"")
		}
		c, err := env.apiClient()
		if err != nil {
			return err
		}
		req := client.ComponentRequest{Key: rest[0], Name: name, Description: description, Group: group, Position: position}
		if len(services) > 0 {
			s := []string(services)
			req.Services = &s
		}
		if *state != "" {
			req.State = state
		}
		if out, err = c.SaveComponent(env.ctx, req); err != nil {
			return err
		}
		verb = "saved"
	case "list", "ls":
		if err := wantArgs(fs, rest, 0, "no arguments"); err != nil {
			return err
		}
		c, err := env.apiClient()
		if err != nil {
			return err
		}
		list, err := c.Components(env.ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(env.stdout, list)
		}
		if len(list) == 0 {
			fmt.Fprintln(env.stdout, "no components yet; add one with `hansei component add KEY --name NAME`")
			return nil
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY\tNAME\tGROUP\tPOSITION\tSTATE\tSHOWN\tSERVICES")
		for _, cp := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", cp.Key, cp.Name, orDash(cp.Group), cp.Position, cp.State,
				cp.EffectiveState, orDash(strings.Join(cp.Services, ",")))
		}
		return tw.Flush()
	case "set":
		if err := wantArgs(fs, rest, 2, "a component KEY and a STATE (operational, degraded, partial_outage, major_outage or maintenance)"); err != nil {
			return err
		}
		c, err := env.apiClient()
		if err != nil {
			return err
		}
		if out, err = c.SetComponentState(env.ctx, rest[0], rest[1]); err != nil {
			return err
		}
		verb = "set"
	case "rm", "remove", "delete":
		if err := wantArgs(fs, rest, 1, "a component KEY"); err != nil {
			return err
		}
		c, err := env.apiClient()
		if err != nil {
			return err
		}
		if err := c.DeleteComponent(env.ctx, rest[0]); err != nil {
			return err
		}
		if *asJSON {
			return printJSON(env.stdout, map[string]string{"deleted": rest[0]})
		}
		fmt.Fprintf(env.stdout, "Component %s removed from the status page\n", rest[0])
		return nil
	default:
		return usageErrorf("unknown component subcommand %q; use add, list, set or rm", sub)
	}
	if *asJSON {
		return printJSON(env.stdout, out)
	}
	fmt.Fprintf(env.stdout, "Component %s %s: %s", out.Key, verb, out.Name)
	if out.Group != "" {
		fmt.Fprintf(env.stdout, " (group %s, position %d)", out.Group, out.Position)
	}
	fmt.Fprintf(env.stdout, ", %s\n", out.State)
	if len(out.Services) > 0 {
		fmt.Fprintf(env.stdout, "Services:  %s\n", strings.Join(out.Services, ", "))
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// incidentUpdate runs `hansei incident update N --text "…" [--status S]
// [--component key=state …] [--title T]`: an update for the public.
func (env *cli) incidentUpdate(args []string) error {
	fs := flag.NewFlagSet("incident update", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	text := fs.String("text", "", "what the public reads (required; may also be given as the last argument)")
	status := fs.String("status", "", "the public status: investigating, identified, monitoring or resolved (default: the incident's)")
	title := fs.String("title", "", "the title the public reads from now on (default: the last one published, else the incident's)")
	var comps stringList
	fs.Var(&comps, "component", "an affected component and its state, such as api=partial_outage (repeat, or comma-separate)")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	if len(rest) == 2 && *text == "" {
		*text, rest = rest[1], rest[:1]
	}
	if err := wantArgs(fs, rest, 1, `an incident NUMBER (and --text "…")`); err != nil {
		return err
	}
	if strings.TrimSpace(*text) == "" {
		return usageErrorf(`incident update needs --text "…": what the public reads`)
	}
	states := map[string]string{}
	for _, kv := range comps {
		key, st, ok := strings.Cut(kv, "=")
		if !ok || key == "" || st == "" {
			return usageErrorf("--component %q should be KEY=STATE, such as api=partial_outage", kv)
		}
		states[strings.TrimSpace(key)] = strings.TrimSpace(st)
	}
	n, c, err := env.incidentArg(fs, rest)
	if err != nil {
		return err
	}
	inc, err := c.PublishUpdate(env.ctx, n, client.PublicUpdateRequest{Title: *title, Status: *status, Text: *text, Components: states})
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env.stdout, inc)
	}
	for _, e := range inc.Events {
		fmt.Fprintf(env.stdout, "%s #%d %s\n", inc.Ref, e.Seq, hansei.DescribeEvent(e))
	}
	if len(inc.Components) > 0 {
		fmt.Fprintf(env.stdout, "Affects on the status page: %s\n", strings.Join(inc.Components, ", "))
	}
	return nil
}

// incidentAffects runs `hansei incident affects N key,key`: the
// components the incident affects, replacing those linked before.
func (env *cli) incidentAffects(args []string) error {
	fs := flag.NewFlagSet("incident affects", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	none := fs.Bool("none", false, "unlink every component")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageErrorf("incident affects needs an incident NUMBER and component KEYS, such as: hansei incident affects 42 api,web")
	}
	var keys stringList
	for _, a := range rest[1:] {
		keys.Set(a)
	}
	if len(keys) == 0 && !*none {
		return usageErrorf("incident affects needs component KEYS, such as api,web (or --none to unlink them all)")
	}
	if len(keys) > 0 && *none {
		return usageErrorf("incident affects takes KEYS or --none, not both")
	}
	n, c, err := env.incidentArg(fs, rest[:1])
	if err != nil {
		return err
	}
	inc, err := c.LinkComponents(env.ctx, n, keys)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env.stdout, inc)
	}
	if len(inc.Components) == 0 {
		fmt.Fprintf(env.stdout, "%s affects no components on the status page\n", inc.Ref)
		return nil
	}
	fmt.Fprintf(env.stdout, "%s affects on the status page: %s\n", inc.Ref, strings.Join(inc.Components, ", "))
	return nil
}

// maintenance runs `hansei maintenance add|list|rm`.
func (env *cli) maintenance(args []string) error {
	if len(args) == 0 {
		return usageErrorf("maintenance needs a subcommand: add, list or rm")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("maintenance "+sub, flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	title := fs.String("title", "", "add: what the window is, such as \"Database upgrade\" (required)")
	start := fs.String("start", "", "add: when it starts, RFC 3339 such as 2026-12-01T02:00:00Z (required)")
	end := fs.String("end", "", "add: when it ends, RFC 3339 (required)")
	from := fs.String("from", "", "list: windows ending after this RFC 3339 time (default: now)")
	var comps stringList
	fs.Var(&comps, "component", "add: a component under maintenance (repeat, or comma-separate)")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		if err := wantArgs(fs, rest, 1, `the "TEXT" the public reads`); err != nil {
			return err
		}
		if *title == "" || *start == "" || *end == "" {
			return usageErrorf(`maintenance add needs --title, --start and --end, such as --title "Database upgrade" --start 2026-12-01T02:00:00Z --end 2026-12-01T03:00:00Z`)
		}
		startsAt, err := parseFlagTime("start", *start)
		if err != nil {
			return err
		}
		endsAt, err := parseFlagTime("end", *end)
		if err != nil {
			return err
		}
		c, err := env.apiClient()
		if err != nil {
			return err
		}
		m, err := c.CreateMaintenance(env.ctx, client.MaintenanceRequest{Title: *title, Text: rest[0], Components: comps, StartsAt: startsAt, EndsAt: endsAt})
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(env.stdout, m)
		}
		fmt.Fprintf(env.stdout, "Maintenance %d scheduled: %s\n", m.ID, m.Title)
		env.printWindow(m)
		return nil
	case "list", "ls":
		if err := wantArgs(fs, rest, 0, "no arguments"); err != nil {
			return err
		}
		var since time.Time
		if *from != "" {
			if since, err = parseFlagTime("from", *from); err != nil {
				return err
			}
		}
		c, err := env.apiClient()
		if err != nil {
			return err
		}
		list, err := c.Maintenances(env.ctx, since)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(env.stdout, list)
		}
		if len(list) == 0 {
			fmt.Fprintln(env.stdout, "no maintenance windows scheduled")
			return nil
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTARTS\tENDS\tCOMPONENTS\tTITLE")
		for _, m := range list {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", m.ID, env.formatTime(m.StartsAt), env.formatTime(m.EndsAt),
				orDash(strings.Join(m.Components, ",")), m.Title)
		}
		return tw.Flush()
	case "rm", "remove", "delete", "cancel":
		if err := wantArgs(fs, rest, 1, "a maintenance window ID"); err != nil {
			return err
		}
		id, perr := strconv.ParseInt(rest[0], 10, 64)
		if perr != nil || id <= 0 {
			return usageErrorf("%q is not a maintenance window id; `hansei maintenance list` shows them", rest[0])
		}
		c, err := env.apiClient()
		if err != nil {
			return err
		}
		if err := c.DeleteMaintenance(env.ctx, id); err != nil {
			return err
		}
		if *asJSON {
			return printJSON(env.stdout, map[string]int64{"deleted": id})
		}
		fmt.Fprintf(env.stdout, "Maintenance %d removed\n", id)
		return nil
	}
	return usageErrorf("unknown maintenance subcommand %q; use add, list or rm", sub)
}

func (env *cli) printWindow(m hansei.Maintenance) {
	fmt.Fprintf(env.stdout, "From:      %s\n", env.formatTime(m.StartsAt))
	fmt.Fprintf(env.stdout, "Until:     %s\n", env.formatTime(m.EndsAt))
	if len(m.Components) > 0 {
		fmt.Fprintf(env.stdout, "Components: %s\n", strings.Join(slices.Sorted(slices.Values(m.Components)), ", "))
	}
	if m.Text != "" {
		fmt.Fprintf(env.stdout, "Text:      %s\n", m.Text)
	}
}

// parseFlagTime reads an RFC 3339 time given to --name.
func parseFlagTime(name, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, usageErrorf("--%s %q is not an RFC 3339 time; use one such as 2026-12-01T02:00:00Z", name, s)
	}
	return t, nil
}
