package cli

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/spf13/cobra"
)

// apiClient returns a client for HANSEI_URL with HANSEI_TOKEN.
func (env *cli) apiClient() (*client.Client, error) {
	url := env.getenv("HANSEI_URL")
	if url == "" {
		url = "http://127.0.0.1:8080"
	}
	token := env.getenv("HANSEI_TOKEN")
	if token == "" {
		return nil, usageErrorf("HANSEI_TOKEN is not set; export the API token that `hansei users add` (or the first run of `hansei serve`) printed")
	}
	return client.New(url, token), nil
}

// stringList is a repeatable flag: --service api --service db.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }
func (l *stringList) Type() string   { return "strings" }
func (l *stringList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// incidentArg reads a command's first positional argument, an incident
// number, and returns it with a client for the server.
func (env *cli) incidentArg(rest []string) (int64, *client.Client, error) {
	n, err := parseNumber(rest[0])
	if err != nil {
		return 0, nil, err
	}
	c, err := env.apiClient()
	return n, c, err
}

// parseID reads an ID given as an argument, such as an intent's or a
// remediation's: a whole number above 0. notID is the message of the
// usage error otherwise, with %q for what was given.
func parseID(s, notID string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageErrorf(notID, s)
	}
	return id, nil
}

// parseNumber reads an incident number: 42 or INC-42.
func parseNumber(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(s), "INC-"), 10, 64)
	if err != nil || n <= 0 {
		return 0, usageErrorf("%q is not an incident number; use a number such as 42 or INC-42", s)
	}
	return n, nil
}

func (env *cli) incidentCmd() *cobra.Command {
	cmd := group("incident", "declare, follow and change incidents", "incidents")
	cmd.AddCommand(env.incidentDeclareCmd(), env.incidentListCmd(), env.incidentShowCmd(), env.incidentTimelineCmd())
	cmd.AddCommand(env.incidentChangeCmds()...)
	cmd.AddCommand(env.incidentUpdateCmd(), env.incidentAffectsCmd()) // status.go
	return cmd
}

// declareOptions are the flags of incident declare.
type declareOptions struct {
	severity, summary, commander string
	restricted, json             bool
	services                     stringList
}

func (env *cli) incidentDeclareCmd() *cobra.Command {
	var o declareOptions
	cmd := &cobra.Command{
		Use:     "declare TITLE --severity LEVEL",
		Short:   "declare an incident",
		Example: `  hansei incident declare --severity SEV2 --service checkout "Checkout failing"`,
		Args:    wantArgs(1, `one TITLE in quotes, such as "Checkout failing"`),
		RunE:    func(_ *cobra.Command, rest []string) error { return env.incidentDeclare(o, rest) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.severity, "severity", "", "severity level from the scale, such as SEV2 (required; see hansei scales)")
	fs.StringVar(&o.summary, "summary", "", "what is known so far")
	fs.StringVar(&o.commander, "commander", "", "user name of the incident commander (default: you)")
	fs.BoolVar(&o.restricted, "restricted", false, "only members and admins may read it")
	fs.BoolVar(&o.json, "json", false, "print JSON")
	fs.Var(&o.services, "service", "affected service (repeat, or comma-separate)")
	return cmd
}

func (env *cli) incidentDeclare(o declareOptions, rest []string) error {
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	req := client.DeclareRequest{Title: rest[0], Severity: o.severity, Summary: o.summary, Services: o.services, Commander: o.commander}
	if o.restricted {
		req.Visibility = string(hansei.VisibilityRestricted)
	}
	inc, err := c.Declare(env.ctx, req)
	return env.show(o.json, inc, err, func() error {
		fmt.Fprintf(env.stdout, "Declared %s: %s\n", inc.Ref, inc.Title)
		env.printSeverity(c, inc.Severity)
		fmt.Fprintf(env.stdout, "Commander: %s\n", inc.Roles[hansei.RoleCommander])
		return nil
	})
}

// printSeverity prints a level with its definition, so the word is never
// read without its meaning.
func (env *cli) printSeverity(c *client.Client, key string) {
	scales, err := c.Scales(env.ctx, "")
	if err == nil {
		for _, l := range scales.Severity.Levels {
			if l.Key == key {
				fmt.Fprintf(env.stdout, "Severity:  %s (%s): %s\n", l.Key, l.Name, l.Definition)
				return
			}
		}
	}
	fmt.Fprintf(env.stdout, "Severity:  %s\n", key)
}

func (env *cli) incidentListCmd() *cobra.Command {
	var o client.ListOptions
	cmd := withJSON(&cobra.Command{
		Use:   "list",
		Short: "list incidents, newest first",
		Args:  wantArgs(0, "no arguments (filter with flags, such as --q checkout)"),
	}, func(asJSON bool, _ []string) error { return env.incidentList(o, asJSON) })
	fs := cmd.Flags()
	fs.StringVar(&o.Status, "status", "", "investigating, identified, monitoring, resolved or closed")
	fs.StringVar(&o.Severity, "severity", "", "a severity level, such as SEV1")
	fs.StringVar(&o.Q, "q", "", "words to search for in titles and summaries")
	fs.StringVar(&o.Cursor, "cursor", "", "next_cursor of a previous page")
	fs.IntVar(&o.Limit, "limit", 50, "incidents per page (1-200)")
	return cmd
}

func (env *cli) incidentList(o client.ListOptions, asJSON bool) error {
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	list, err := c.Incidents(env.ctx, o)
	return env.show(asJSON, list, err, func() error {
		err := printTable(env.stdout, "no incidents match", "INCIDENT\tSEVERITY\tSTATUS\tCOMMANDER\tDECLARED\tTITLE", list.Items,
			func(inc client.Incident) []any {
				return []any{inc.Ref, inc.Severity, inc.Status, inc.Roles[hansei.RoleCommander], env.formatTime(inc.DeclaredAt), inc.Title}
			})
		if err == nil && len(list.Items) > 0 && list.NextCursor != "" {
			fmt.Fprintf(env.stdout, "more: hansei incident list --cursor %s\n", list.NextCursor)
		}
		return err
	})
}

func (env *cli) incidentShowCmd() *cobra.Command {
	return withJSON(&cobra.Command{
		Use:   "show N",
		Short: "an incident: state, roles, key times, open intents, recent timeline",
		Args:  wantArgs(1, "an incident NUMBER"),
	}, env.incidentShow)
}

func (env *cli) incidentShow(asJSON bool, rest []string) error {
	n, c, err := env.incidentArg(rest)
	if err != nil {
		return err
	}
	inc, err := c.Incident(env.ctx, n)
	return env.show(asJSON, inc, err, func() error { return env.printIncident(c, n, inc) })
}

// printIncident prints an incident's state, roles, key times, live
// intents and the last 20 events of its timeline.
func (env *cli) printIncident(c *client.Client, n int64, inc client.Incident) error {
	w := env.stdout
	fmt.Fprintf(w, "%s: %s\n", inc.Ref, inc.Title)
	env.printSeverity(c, inc.Severity)
	fmt.Fprintf(w, "Status:    %s\n", inc.Status)
	if inc.Visibility == hansei.VisibilityRestricted {
		fmt.Fprintln(w, "Visibility: restricted (members and admins only)")
	}
	if inc.Summary != "" {
		fmt.Fprintf(w, "Summary:   %s\n", inc.Summary)
	}
	if len(inc.Services) > 0 {
		fmt.Fprintf(w, "Services:  %s\n", strings.Join(inc.Services, ", "))
	}
	roles := make([]string, 0, len(inc.Roles))
	for role, user := range inc.Roles {
		roles = append(roles, role+"="+user)
	}
	sort.Strings(roles)
	fmt.Fprintf(w, "Roles:     %s\n", strings.Join(roles, ", "))
	var rs []string
	for _, r := range inc.Responders {
		rs = append(rs, r.User+" ("+strings.ReplaceAll(r.State, "_", " ")+")")
	}
	fmt.Fprintf(w, "Responders: %s\n", strings.Join(rs, ", "))
	fmt.Fprintln(w, "Key times:")
	fmt.Fprintf(w, "  started       %s\n", env.formatTime(inc.StartedAt))
	fmt.Fprintf(w, "  detected      %s\n", env.formatTime(inc.DetectedAt))
	fmt.Fprintf(w, "  declared      %s\n", env.formatTime(inc.DeclaredAt))
	fmt.Fprintf(w, "  acknowledged  %s\n", env.formatTimePtr(inc.AcknowledgedAt))
	fmt.Fprintf(w, "  mitigated     %s\n", env.formatTimePtr(inc.MitigatedAt))
	fmt.Fprintf(w, "  resolved      %s\n", env.formatTimePtr(inc.ResolvedAt))
	for _, in := range inc.Intents {
		if in.Live() {
			env.printIntent(w, client.Intent{Intent: in, Pending: inc.PendingAcks(in)}, time.Now())
		}
	}
	tl, err := c.Timeline(env.ctx, n, max(inc.LastSeq-20, 0), 20)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Timeline (last %d of %d events; `hansei incident timeline %d` for all):\n", len(tl.Items), inc.LastSeq, n)
	env.printEvents(w, tl.Items)
	return nil
}

func (env *cli) incidentTimelineCmd() *cobra.Command {
	var (
		after  int64
		limit  int
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "timeline N",
		Short: "every event of an incident, in order",
		Args:  wantArgs(1, "an incident NUMBER"),
		RunE:  func(_ *cobra.Command, rest []string) error { return env.incidentTimeline(after, limit, asJSON, rest) },
	}
	cmd.Flags().Int64Var(&after, "after", 0, "show events after this seq")
	cmd.Flags().IntVar(&limit, "limit", 1000, "events per request")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (one page of --limit events)")
	return cmd
}

func (env *cli) incidentTimeline(after int64, limit int, asJSON bool, rest []string) error {
	n, c, err := env.incidentArg(rest)
	if err != nil {
		return err
	}
	for {
		page, err := c.Timeline(env.ctx, n, after, limit)
		if err != nil {
			return err
		}
		if asJSON {
			return printJSON(env.stdout, page)
		}
		env.printEvents(env.stdout, page.Items)
		if page.NextCursor == "" || len(page.Items) == 0 {
			return nil
		}
		after = page.Items[len(page.Items)-1].Seq
	}
}

func (env *cli) printEvents(w io.Writer, events []hansei.Event) {
	for _, e := range events {
		fmt.Fprintf(w, "  #%-4d %s  %-10s %s\n", e.Seq, env.formatTime(e.At), e.Actor, hansei.DescribeEvent(e))
	}
}

// changeOptions are the flags of the commands that change an incident.
type changeOptions struct {
	reason, message, user string
	json                  bool
}

// incidentChangeCmds are the commands that change an incident:
//
//	note N TEXT · severity N LEVEL --reason R · status N STATUS [--message M]
//	role N ROLE USER · join N [--user U]
func (env *cli) incidentChangeCmds() []*cobra.Command {
	return commandTable([]spec{
		{use: `note N "TEXT"`, short: "add a note to the timeline", args: wantArgs(2, `NUMBER and "TEXT"`)},
		{use: "severity N LEVEL --reason R", short: "change the severity, saying why", args: wantArgs(2, "NUMBER and LEVEL (and --reason)")},
		{use: "status N STATUS", short: "move to investigating, identified, monitoring or resolved", args: wantArgs(2, "NUMBER and STATUS")},
		{use: "role N ROLE USER", short: "give a role (commander, communications, scribe, …) to a user", args: wantArgs(3, "NUMBER, ROLE and USER")},
		{use: "join N", short: "join as a responder (or add --user)", args: wantArgs(1, "NUMBER")},
	}, func(cmd *cobra.Command, o *changeOptions) {
		switch cmd.Name() {
		case "severity":
			cmd.Flags().StringVar(&o.reason, "reason", "", "why the severity changes (required)")
		case "status":
			cmd.Flags().StringVar(&o.message, "message", "", "what changed")
		case "join":
			cmd.Flags().StringVar(&o.user, "user", "", "who joins (default: you)")
		}
		jsonFlag(cmd, &o.json)
	}, env.incidentChange)
}

func (env *cli) incidentChange(sub string, o changeOptions, rest []string) error {
	n, c, err := env.incidentArg(rest)
	if err != nil {
		return err
	}
	var inc client.Incident
	switch sub {
	case "note":
		inc, err = c.AddNote(env.ctx, n, rest[1])
	case "severity":
		if o.reason == "" {
			return usageErrorf("incident severity needs --reason: say why the severity changes")
		}
		inc, err = c.ChangeSeverity(env.ctx, n, rest[1], o.reason)
	case "status":
		inc, err = c.ChangeStatus(env.ctx, n, rest[1], o.message)
	case "role":
		inc, err = c.AssignRole(env.ctx, n, rest[1], rest[2])
	case "join":
		inc, err = c.Join(env.ctx, n, o.user)
	}
	return env.show(o.json, inc, err, func() error { return env.printChanges(inc) })
}

// printChanges prints the events a change appended to an incident's
// timeline, one a line.
func (env *cli) printChanges(inc client.Incident) error {
	for _, e := range inc.Events {
		fmt.Fprintf(env.stdout, "%s #%d %s\n", inc.Ref, e.Seq, hansei.DescribeEvent(e))
	}
	return nil
}
