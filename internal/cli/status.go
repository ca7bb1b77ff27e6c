package cli

import (
	"fmt"
	"slices"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/i18n"
	"github.com/spf13/cobra"
)

// The status page from the command line: components, public updates and
// linked components on incidents, maintenance windows.

func (env *cli) componentCmd() *cobra.Command {
	cmd := group("component", "the components the public status page shows", "components")
	cmd.AddCommand(commandTable([]spec{
		{"add KEY --name NAME", "add a component, or change one", nil, wantArgs(1, "a component KEY, such as checkout-api")},
		{"list", "list the components with their states", []string{"ls"}, wantArgs(0, "no arguments")},
		{"set KEY STATE", "set a component's state by hand", nil,
			wantArgs(2, "a component KEY and a STATE (operational, degraded, partial_outage, major_outage or maintenance)")},
		{"rm KEY", "remove a component from the status page", []string{"remove", "delete"}, wantArgs(1, "a component KEY")},
	}, func(sub *cobra.Command, o *componentOptions) {
		if sub.Name() == "add" {
			fs := sub.Flags()
			fs.StringVar(&o.name, "name", "", `the name the public reads, such as "Checkout" (required)`)
			fs.StringVar(&o.group, "group", "", `the group it is shown in, such as "Shop"`)
			fs.StringVar(&o.description, "description", "", "a line about it")
			fs.IntVar(&o.position, "position", 0, "its place within its group (lower first)")
			fs.StringVar(&o.state, "state", "", "its state (operational by default)")
			fs.Var(&o.services, "service", "a service responders name in incidents that it maps to (repeat, or comma-separate)")
		}
		jsonFlag(sub, &o.json)
	}, env.component)...)
	return cmd
}

// componentOptions are the flags of the component subcommands.
type componentOptions struct {
	name, group, description, state string
	position                        int
	services                        stringList
	json                            bool
}

// component runs `hansei component add|list|set|rm`.
func (env *cli) component(sub string, o componentOptions, rest []string) error {
	if sub == "add" && o.name == "" {
		return usageErrorf("component add needs --name: the name the public reads, such as --name \"Checkout\"")
	}
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		req := client.ComponentRequest{Key: rest[0], Name: &o.name, Description: &o.description, Group: &o.group, Position: &o.position}
		if len(o.services) > 0 {
			s := []string(o.services)
			req.Services = &s
		}
		if o.state != "" {
			req.State = &o.state
		}
		out, err := c.SaveComponent(env.ctx, req)
		return env.show(o.json, out, err, env.componentText(out, "saved"))
	case "list":
		list, err := c.Components(env.ctx)
		return env.show(o.json, list, err, func() error {
			p := env.p()
			header := columns(p.T("cli.column.key"), p.T("cli.column.name"), p.T("cli.column.group"), p.T("cli.column.position"),
				p.T("cli.column.state"), p.T("cli.column.shown"), p.T("cli.column.services"))
			return printTable(env.stdout, p.T("cli.component.none"), header, list, func(cp client.Component) []any {
				return []any{cp.Key, cp.Name, orDash(cp.Group), cp.Position, env.word("component_state", string(cp.State)),
					env.word("component_state", string(cp.EffectiveState)), orDash(strings.Join(cp.Services, ","))}
			})
		})
	case "set":
		out, err := c.SetComponentState(env.ctx, rest[0], rest[1])
		return env.show(o.json, out, err, env.componentText(out, "set"))
	case "rm":
		err := c.DeleteComponent(env.ctx, rest[0])
		return env.confirm(o.json, map[string]string{"deleted": rest[0]}, err, says("cli.component.removed", "Key", rest[0]))
	}
	return usageErrorf("unknown component subcommand %q; use add, list, set or rm", sub)
}

// componentText is text for show that prints a component that was saved
// or set (verb).
func (env *cli) componentText(out hansei.Component, verb string) func() error {
	return func() error {
		p := env.p()
		state := env.word("component_state", string(out.State))
		// Each message whole, so that a language words each as it needs.
		var line string
		switch {
		case verb == "saved" && out.Group != "":
			line = p.T("cli.component.saved_in_group", "Key", out.Key, "Name", out.Name, "Group", out.Group, "Position", out.Position, "State", state)
		case verb == "saved":
			line = p.T("cli.component.saved", "Key", out.Key, "Name", out.Name, "State", state)
		case out.Group != "":
			line = p.T("cli.component.set_in_group", "Key", out.Key, "Name", out.Name, "Group", out.Group, "Position", out.Position, "State", state)
		default:
			line = p.T("cli.component.set", "Key", out.Key, "Name", out.Name, "State", state)
		}
		fmt.Fprintln(env.stdout, line)
		if len(out.Services) > 0 {
			fmt.Fprintln(env.stdout, p.T("cli.incident.services", "Services", strings.Join(out.Services, ", ")))
		}
		return nil
	}
}

// updateOptions are the flags of incident update.
type updateOptions struct {
	text, status, title string
	impact, startedAt   string
	comps               stringList
	json                bool
}

func (env *cli) incidentUpdateCmd() *cobra.Command {
	var o updateOptions
	cmd := &cobra.Command{
		Use:   `update N --text "…" [--status S] [--impact I] [--component KEY=STATE …] [--started-at T]`,
		Short: "publish an update for the public status page",
		Example: `  hansei incident update 42 --status identified --impact major --component api=partial_outage \
    --text "Card payments fail for some customers; we found the cause."
  hansei incident update 42 --status resolved --started-at 2026-12-01T01:10:00Z --text "Fixed."`,
		Args: func(cmd *cobra.Command, rest []string) error {
			if len(rest) == 2 && o.text == "" {
				return nil // the text given as the last argument
			}
			return wantArgs(1, `an incident NUMBER (and --text "…")`)(cmd, rest)
		},
		RunE: func(_ *cobra.Command, rest []string) error { return env.incidentUpdate(o, rest) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.text, "text", "", "what the public reads (required; may also be given as the last argument)")
	fs.StringVar(&o.status, "status", "", "the public status: investigating, identified, monitoring or resolved (default: the incident's)")
	fs.StringVar(&o.title, "title", "", "the title the public reads from now on (default: the last one published, else the incident's)")
	fs.StringVar(&o.impact, "impact", "", "the impact the public reads: none, minor, major or critical (default: from the components named, else the last one published; never the internal severity)")
	fs.StringVar(&o.startedAt, "started-at", "", "when the public incident started, as an RFC 3339 time (default: the incident's started time)")
	fs.Var(&o.comps, "component", "an affected component and its &o.state, such as api=partial_outage (repeat, or comma-separate)")
	jsonFlag(cmd, &o.json)
	return cmd
}

// incidentUpdate runs `hansei incident update N --text "…" [--status S]
// [--component key=state …] [--title T]`: an update for the public.
func (env *cli) incidentUpdate(o updateOptions, rest []string) error {
	if len(rest) == 2 && o.text == "" {
		o.text, rest = rest[1], rest[:1]
	}
	if strings.TrimSpace(o.text) == "" {
		return usageErrorf(`incident update needs --text "…": what the public reads`)
	}
	states := map[string]string{}
	for _, kv := range o.comps {
		key, st, ok := strings.Cut(kv, "=")
		if !ok || key == "" || st == "" {
			return usageErrorf("--component %q should be KEY=STATE, such as api=partial_outage", kv)
		}
		states[strings.TrimSpace(key)] = strings.TrimSpace(st)
	}
	req := client.PublicUpdateRequest{Title: o.title, Status: o.status, Text: o.text, Components: states,
		Impact: strings.ToLower(strings.TrimSpace(o.impact))}
	if o.startedAt != "" {
		t, err := parseFlagTime("started-at", o.startedAt)
		if err != nil {
			return err
		}
		req.StartedAt = &t
	}
	n, c, err := env.incidentArg(rest)
	if err != nil {
		return err
	}
	inc, err := c.PublishUpdate(env.ctx, n, req)
	return env.confirm(o.json, inc, err, func(p *i18n.Printer) []string {
		lines := changeLines(inc)(p)
		if len(inc.Components) > 0 {
			lines = append(lines, p.T("cli.status.update_affects", "Components", strings.Join(inc.Components, ", ")))
		}
		return lines
	})
}

func (env *cli) incidentAffectsCmd() *cobra.Command {
	var none bool
	cmd := withJSON(&cobra.Command{
		Use:   "affects N KEY,KEY…",
		Short: "the status page components an incident affects (replacing those linked before)",
		Args:  cobra.ArbitraryArgs, // checked below, with a message for each case
	}, func(asJSON bool, rest []string) error { return env.incidentAffects(none, asJSON, rest) })
	cmd.Flags().BoolVar(&none, "none", false, "unlink every component")
	return cmd
}

// incidentAffects runs `hansei incident affects N key,key`: the
// components the incident affects, replacing those linked before.
func (env *cli) incidentAffects(none, asJSON bool, rest []string) error {
	if len(rest) == 0 {
		return usageErrorf("incident affects needs an incident NUMBER and component KEYS, such as: hansei incident affects 42 api,web")
	}
	var keys stringList
	for _, a := range rest[1:] {
		keys.Set(a)
	}
	if len(keys) == 0 && !none {
		return usageErrorf("incident affects needs component KEYS, such as api,web (or --none to unlink them all)")
	}
	if len(keys) > 0 && none {
		return usageErrorf("incident affects takes KEYS or --none, not both")
	}
	n, c, err := env.incidentArg(rest[:1])
	if err != nil {
		return err
	}
	inc, err := c.LinkComponents(env.ctx, n, keys)
	if len(inc.Components) == 0 {
		return env.confirm(asJSON, inc, err, says("cli.status.affects_none", "Ref", inc.Ref))
	}
	return env.confirm(asJSON, inc, err, says("cli.status.affects", "Ref", inc.Ref, "Components", strings.Join(inc.Components, ", ")))
}

func (env *cli) maintenanceCmd() *cobra.Command {
	cmd := group("maintenance", "scheduled maintenance windows on the status page")
	cmd.AddCommand(commandTable([]spec{
		{`add --title T --start TIME --end TIME "TEXT"`, "schedule a maintenance window", nil, wantArgs(1, `the "TEXT" the public reads`)},
		{"list", "list the windows that have not ended", []string{"ls"}, wantArgs(0, "no arguments")},
		{"rm ID", "remove a maintenance window", []string{"remove", "delete", "cancel"}, wantArgs(1, "a maintenance window ID")},
	}, func(sub *cobra.Command, o *maintenanceOptions) {
		fs := sub.Flags()
		switch sub.Name() {
		case "add":
			fs.StringVar(&o.title, "title", "", `what the window is, such as "Database upgrade" (required)`)
			fs.StringVar(&o.start, "start", "", "when it starts, RFC 3339 such as 2026-12-01T02:00:00Z (required)")
			fs.StringVar(&o.end, "end", "", "when it ends, RFC 3339 (required)")
			fs.Var(&o.comps, "component", "a component under maintenance (repeat, or comma-separate)")
		case "list":
			fs.StringVar(&o.from, "from", "", "windows ending after this RFC 3339 time (default: now)")
		}
		jsonFlag(sub, &o.json)
	}, env.maintenance)...)
	return cmd
}

// maintenanceOptions are the flags of the maintenance subcommands.
type maintenanceOptions struct {
	title, start, end, from string
	comps                   stringList
	json                    bool
}

// maintenance runs `hansei maintenance add|list|rm`.
func (env *cli) maintenance(sub string, o maintenanceOptions, rest []string) error {
	var err error
	switch sub {
	case "add":
		if o.title == "" || o.start == "" || o.end == "" {
			return usageErrorf(`maintenance add needs --title, --start and --end, such as --title "Database upgrade" --start 2026-12-01T02:00:00Z --end 2026-12-01T03:00:00Z`)
		}
		startsAt, err := parseFlagTime("start", o.start)
		if err != nil {
			return err
		}
		endsAt, err := parseFlagTime("end", o.end)
		if err != nil {
			return err
		}
		c, err := env.apiClient()
		if err != nil {
			return err
		}
		m, err := c.CreateMaintenance(env.ctx, client.MaintenanceRequest{Title: o.title, Text: rest[0], Components: o.comps, StartsAt: startsAt, EndsAt: endsAt})
		return env.show(o.json, m, err, func() error {
			fmt.Fprintln(env.stdout, env.p().T("cli.maintenance.scheduled", "ID", m.ID, "Title", m.Title))
			env.printWindow(m)
			return nil
		})
	case "list":
		var since time.Time
		if o.from != "" {
			if since, err = parseFlagTime("from", o.from); err != nil {
				return err
			}
		}
		c, err := env.apiClient()
		if err != nil {
			return err
		}
		list, err := c.Maintenances(env.ctx, since)
		return env.show(o.json, list, err, func() error {
			p := env.p()
			header := columns(p.T("cli.column.id"), p.T("cli.column.starts"), p.T("cli.column.ends"), p.T("cli.column.components"), p.T("cli.column.title"))
			return printTable(env.stdout, p.T("cli.maintenance.none"), header, list,
				func(m hansei.Maintenance) []any {
					return []any{m.ID, env.formatTime(m.StartsAt), env.formatTime(m.EndsAt), orDash(strings.Join(m.Components, ",")), m.Title}
				})
		})
	case "rm":
		id, perr := parseID(rest[0], "%q is not a maintenance window id; `hansei maintenance list` shows them")
		if perr != nil {
			return perr
		}
		c, err := env.apiClient()
		if err != nil {
			return err
		}
		err = c.DeleteMaintenance(env.ctx, id)
		return env.confirm(o.json, map[string]int64{"deleted": id}, err, says("cli.maintenance.removed", "ID", id))
	}
	return usageErrorf("unknown maintenance subcommand %q; use add, list or rm", sub)
}

func (env *cli) printWindow(m hansei.Maintenance) {
	p := env.p()
	fmt.Fprintln(env.stdout, p.T("cli.maintenance.from", "Time", env.formatTime(m.StartsAt)))
	fmt.Fprintln(env.stdout, p.T("cli.maintenance.until", "Time", env.formatTime(m.EndsAt)))
	if len(m.Components) > 0 {
		fmt.Fprintln(env.stdout, p.T("cli.maintenance.components", "Components", strings.Join(slices.Sorted(slices.Values(m.Components)), ", ")))
	}
	if m.Text != "" {
		fmt.Fprintln(env.stdout, p.T("cli.maintenance.text", "Text", m.Text))
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
