package cli

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/i18n"
	"github.com/spf13/cobra"
)

// serverURL is HANSEI_URL, or the default address of hansei serve.
func (env *cli) serverURL() string {
	if url := env.getenv("HANSEI_URL"); url != "" {
		return url
	}
	return "http://127.0.0.1:8080"
}

// apiClient returns a client for HANSEI_URL with HANSEI_TOKEN.
func (env *cli) apiClient() (*client.Client, error) {
	url := env.serverURL()
	token := env.getenv("HANSEI_TOKEN")
	if token == "" {
		return nil, usageErrorf("%s", env.p().T("cli.error.no_token"))
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
	n, err := env.parseNumber(rest[0])
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
func (env *cli) parseNumber(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(s), "INC-"), 10, 64)
	if err != nil || n <= 0 {
		return 0, usageErrorf("%s", env.p().T("cli.error.not_incident_number", "Value", strconv.Quote(s)))
	}
	return n, nil
}

func (env *cli) incidentCmd() *cobra.Command {
	cmd := group("incident", "declare, follow and change incidents", "incidents")
	cmd.AddCommand(env.incidentDeclareCmd(), env.incidentListCmd(), env.incidentShowCmd(), env.incidentTimelineCmd())
	cmd.AddCommand(env.incidentChangeCmds()...)
	cmd.AddCommand(env.incidentUpdateCmd(), env.incidentAffectsCmd()) // status.go
	cmd.AddCommand(env.incidentEditCmd(), env.incidentVacateCmd())    // correct.go
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
		p := env.p()
		fmt.Fprintln(env.stdout, p.T("cli.incident.declared", "Ref", inc.Ref, "Title", inc.Title))
		env.printSeverity(c, inc.Severity)
		fmt.Fprintln(env.stdout, p.T("cli.incident.commander", "User", inc.Roles[hansei.RoleCommander]))
		return nil
	})
}

// printSeverity prints a level with its definition, so the word is never
// read without its meaning.
func (env *cli) printSeverity(c *client.Client, key string) {
	p := env.p() // first: it may choose the language the scales are asked in
	scales, err := c.Scales(env.ctx, env.scalesLang)
	if err == nil {
		for _, l := range scales.Severity.Levels {
			if l.Key == key {
				fmt.Fprintln(env.stdout, p.T("cli.incident.severity_defined", "Level", l.Key, "Name", l.Name, "Definition", l.Definition))
				return
			}
		}
	}
	fmt.Fprintln(env.stdout, p.T("cli.incident.severity", "Level", key))
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
		p := env.p()
		header := columns(p.T("cli.column.incident"), p.T("cli.column.severity"), p.T("cli.column.status"),
			p.T("cli.column.commander"), p.T("cli.column.declared"), p.T("cli.column.title"))
		err := printTable(env.stdout, p.T("cli.incident.none_match"), header, list.Items,
			func(inc client.Incident) []any {
				return []any{inc.Ref, inc.Severity, env.status(inc.Status), inc.Roles[hansei.RoleCommander], env.formatTime(inc.DeclaredAt), inc.Title}
			})
		if err == nil && len(list.Items) > 0 && list.NextCursor != "" {
			fmt.Fprintln(env.stdout, p.T("cli.incident.more", "Cursor", list.NextCursor))
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
	w, p := env.stdout, env.p()
	fmt.Fprintf(w, "%s: %s\n", inc.Ref, inc.Title)
	env.printSeverity(c, inc.Severity)
	fmt.Fprintln(w, p.T("cli.incident.status", "Status", env.status(inc.Status)))
	if inc.Visibility == hansei.VisibilityRestricted {
		fmt.Fprintln(w, p.T("cli.incident.restricted"))
	}
	if inc.Summary != "" {
		fmt.Fprintln(w, p.T("cli.incident.summary", "Summary", inc.Summary))
	}
	if len(inc.Services) > 0 {
		fmt.Fprintln(w, p.T("cli.incident.services", "Services", strings.Join(inc.Services, ", ")))
	}
	roles := make([]string, 0, len(inc.Roles))
	for role, user := range inc.Roles {
		roles = append(roles, env.word("incident_role", role)+"="+user)
	}
	sort.Strings(roles)
	fmt.Fprintln(w, p.T("cli.incident.roles", "Roles", strings.Join(roles, ", ")))
	var rs []string
	for _, r := range inc.Responders {
		rs = append(rs, r.User+" ("+env.word("responder_state", r.State)+")")
	}
	fmt.Fprintln(w, p.T("cli.incident.responders", "Responders", strings.Join(rs, ", ")))
	fmt.Fprintln(w, p.T("cli.incident.key_times"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, kt := range []struct {
		key string
		at  *time.Time
	}{{"started", &inc.StartedAt}, {"detected", &inc.DetectedAt}, {"declared", &inc.DeclaredAt},
		{"acknowledged", inc.AcknowledgedAt}, {"mitigated", inc.MitigatedAt}, {"resolved", inc.ResolvedAt}} {
		fmt.Fprintf(tw, "  %s\t%s\n", env.word("key_time", kt.key), env.formatTimePtr(kt.at))
	}
	tw.Flush()
	for _, in := range inc.Intents {
		if in.Live() {
			env.printIntent(w, client.Intent{Intent: in, Pending: inc.PendingAcks(in)}, time.Now())
		}
	}
	tl, err := c.Timeline(env.ctx, n, max(inc.LastSeq-20, 0), 20)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, p.N("cli.incident.timeline_heading", int(inc.LastSeq), "Shown", len(tl.Items), "Number", n))
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
	p := env.p()
	for _, e := range events {
		fmt.Fprintf(w, "  #%-4d %s  %-10s %s\n", e.Seq, env.formatTime(e.At), e.Actor, eventWords(p, e))
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
//	role N ROLE USER · join N [--user U] · redact N SEQ --reason R
func (env *cli) incidentChangeCmds() []*cobra.Command {
	return commandTable([]spec{
		{use: `note N "TEXT"`, short: "add a note to the timeline", args: wantArgs(2, `NUMBER and "TEXT"`)},
		{use: "severity N LEVEL --reason R", short: "change the severity, saying why", args: wantArgs(2, "NUMBER and LEVEL (and --reason)")},
		{use: "status N STATUS", short: "move to investigating, identified, monitoring or resolved", args: wantArgs(2, "NUMBER and STATUS")},
		{use: "role N ROLE USER", short: "give a configured role (commander, communications, scribe, …) to a user", args: wantArgs(3, "NUMBER, ROLE and USER")},
		{use: "join N", short: "join as a responder (or add --user)", args: wantArgs(1, "NUMBER")},
		{use: `redact N SEQ --reason R`, short: "take the text of a note or public update out of storage, saying why", args: wantArgs(2, "NUMBER and SEQ (and --reason)")},
	}, func(cmd *cobra.Command, o *changeOptions) {
		switch cmd.Name() {
		case "severity":
			cmd.Flags().StringVar(&o.reason, "reason", "", "why the severity changes (required)")
		case "status":
			cmd.Flags().StringVar(&o.message, "message", "", "what changed")
		case "join":
			cmd.Flags().StringVar(&o.user, "user", "", "who joins (default: you)")
		case "role":
			cmd.Long = roleHelp()
		case "redact":
			cmd.Flags().StringVar(&o.reason, "reason", "", "why the text is removed (required; it stays on the timeline)")
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
			return usageErrorf("%s", env.p().T("cli.error.severity_needs_reason"))
		}
		inc, err = c.ChangeSeverity(env.ctx, n, rest[1], o.reason)
	case "status":
		inc, err = c.ChangeStatus(env.ctx, n, rest[1], o.message)
	case "role":
		inc, err = c.AssignRole(env.ctx, n, rest[1], rest[2])
	case "join":
		inc, err = c.Join(env.ctx, n, o.user)
	case "redact":
		seq, perr := strconv.ParseInt(strings.TrimPrefix(rest[1], "#"), 10, 64)
		if perr != nil || seq < 1 {
			return usageErrorf("%s", env.p().T("cli.error.not_event_seq", "Value", strconv.Quote(rest[1])))
		}
		if strings.TrimSpace(o.reason) == "" {
			return usageErrorf("%s", env.p().T("cli.error.redact_needs_reason"))
		}
		inc, err = c.Redact(env.ctx, n, seq, o.reason)
	}
	return env.confirm(o.json, inc, err, changeLines(inc))
}

// changeLines is the say of confirm for a change to an incident: the
// events it appended to the timeline, one a line, "INC-12 #5 severity
// SEV1 → SEV2: …", in the words the timeline uses.
func changeLines(inc client.Incident) func(p *i18n.Printer) []string {
	return func(p *i18n.Printer) []string {
		lines := make([]string, 0, len(inc.Events))
		for _, e := range inc.Events {
			lines = append(lines, fmt.Sprintf("%s #%d %s", inc.Ref, e.Seq, eventWords(p, e)))
		}
		return lines
	}
}
