package cli

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
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
func (l *stringList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// incidentArg reads a command's one positional argument, an incident
// number, and returns it with a client for the server.
func (env *cli) incidentArg(fs *flag.FlagSet, rest []string) (int64, *client.Client, error) {
	if err := wantArgs(fs, rest, 1, "an incident NUMBER"); err != nil {
		return 0, nil, err
	}
	n, err := parseNumber(rest[0])
	if err != nil {
		return 0, nil, err
	}
	c, err := env.apiClient()
	return n, c, err
}

func parseNumber(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(s), "INC-"), 10, 64)
	if err != nil || n <= 0 {
		return 0, usageErrorf("%q is not an incident number; use a number such as 42 or INC-42", s)
	}
	return n, nil
}

func (env *cli) incident(args []string) error {
	if len(args) == 0 {
		return usageErrorf("incident needs a subcommand: declare, list, show, note, severity, status, role, join, timeline, update or affects")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "declare":
		return env.incidentDeclare(rest)
	case "list":
		return env.incidentList(rest)
	case "show":
		return env.incidentShow(rest)
	case "timeline":
		return env.incidentTimeline(rest)
	case "note", "severity", "status", "role", "join":
		return env.incidentChange(sub, rest)
	case "update": // status.go
		return env.incidentUpdate(rest)
	case "affects":
		return env.incidentAffects(rest)
	}
	return usageErrorf("unknown incident subcommand %q; use declare, list, show, note, severity, status, role, join, timeline, update or affects", sub)
}

func (env *cli) incidentDeclare(args []string) error {
	fs := flag.NewFlagSet("incident declare", flag.ContinueOnError)
	severity := fs.String("severity", "", "severity level from the scale, such as SEV2 (required; see `hansei scales`)")
	summary := fs.String("summary", "", "what is known so far")
	commander := fs.String("commander", "", "user name of the incident commander (default: you)")
	restricted := fs.Bool("restricted", false, "only members and admins may read it")
	asJSON := fs.Bool("json", false, "print JSON")
	var services stringList
	fs.Var(&services, "service", "affected service (repeat, or comma-separate)")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, rest, 1, `one TITLE in quotes, such as "Checkout failing"`); err != nil {
		return err
	}
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	req := client.DeclareRequest{Title: rest[0], Severity: *severity, Summary: *summary, Services: services, Commander: *commander}
	if *restricted {
		req.Visibility = string(hansei.VisibilityRestricted)
	}
	inc, err := c.Declare(env.ctx, req)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env.stdout, inc)
	}
	fmt.Fprintf(env.stdout, "Declared %s: %s\n", inc.Ref, inc.Title)
	env.printSeverity(c, inc.Severity)
	fmt.Fprintf(env.stdout, "Commander: %s\n", inc.Roles[hansei.RoleCommander])
	return nil
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

func (env *cli) incidentList(args []string) error {
	fs := flag.NewFlagSet("incident list", flag.ContinueOnError)
	var o client.ListOptions
	fs.StringVar(&o.Status, "status", "", "investigating, identified, monitoring, resolved or closed")
	fs.StringVar(&o.Severity, "severity", "", "a severity level, such as SEV1")
	fs.StringVar(&o.Q, "q", "", "words to search for in titles and summaries")
	fs.StringVar(&o.Cursor, "cursor", "", "next_cursor of a previous page")
	fs.IntVar(&o.Limit, "limit", 50, "incidents per page (1-200)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, env.stderr); err != nil {
		return err
	}
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	list, err := c.Incidents(env.ctx, o)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env.stdout, list)
	}
	if len(list.Items) == 0 {
		fmt.Fprintln(env.stdout, "no incidents match")
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INCIDENT\tSEVERITY\tSTATUS\tCOMMANDER\tDECLARED\tTITLE")
	for _, inc := range list.Items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", inc.Ref, inc.Severity, inc.Status, inc.Roles[hansei.RoleCommander],
			env.formatTime(inc.DeclaredAt), inc.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if list.NextCursor != "" {
		fmt.Fprintf(env.stdout, "more: hansei incident list --cursor %s\n", list.NextCursor)
	}
	return nil
}

func (env *cli) incidentShow(args []string) error {
	fs := flag.NewFlagSet("incident show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
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
	if *asJSON {
		return printJSON(env.stdout, inc)
	}
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
	after := inc.LastSeq - 20
	if after < 0 {
		after = 0
	}
	tl, err := c.Timeline(env.ctx, n, after, 20)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Timeline (last %d of %d events; `hansei incident timeline %d` for all):\n", len(tl.Items), inc.LastSeq, n)
	env.printEvents(w, tl.Items)
	return nil
}

func (env *cli) incidentTimeline(args []string) error {
	fs := flag.NewFlagSet("incident timeline", flag.ContinueOnError)
	after := fs.Int64("after", 0, "show events after this seq")
	asJSON := fs.Bool("json", false, "print JSON (one page of --limit events)")
	limit := fs.Int("limit", 1000, "events per request")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	n, c, err := env.incidentArg(fs, rest)
	if err != nil {
		return err
	}
	for {
		page, err := c.Timeline(env.ctx, n, *after, *limit)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(env.stdout, page)
		}
		env.printEvents(env.stdout, page.Items)
		if page.NextCursor == "" || len(page.Items) == 0 {
			return nil
		}
		*after = page.Items[len(page.Items)-1].Seq
	}
}

func (env *cli) printEvents(w io.Writer, events []hansei.Event) {
	for _, e := range events {
		fmt.Fprintf(w, "  #%-4d %s  %-10s %s\n", e.Seq, env.formatTime(e.At), e.Actor, hansei.DescribeEvent(e))
	}
}

// incidentChange runs the commands that change an incident:
//
//	note N TEXT · severity N LEVEL --reason R · status N STATUS [--message M]
//	role N ROLE USER · join N [--user U]
func (env *cli) incidentChange(sub string, args []string) error {
	fs := flag.NewFlagSet("incident "+sub, flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	reason := fs.String("reason", "", "why the severity changes (required for severity)")
	message := fs.String("message", "", "what changed (for status)")
	user := fs.String("user", "", "who joins (for join; default: you)")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	want := map[string]struct {
		n    int
		what string
	}{
		"note":     {2, `NUMBER and "TEXT"`},
		"severity": {2, "NUMBER and LEVEL (and --reason)"},
		"status":   {2, "NUMBER and STATUS"},
		"role":     {3, "NUMBER, ROLE and USER"},
		"join":     {1, "NUMBER"},
	}[sub]
	if err := wantArgs(fs, rest, want.n, want.what); err != nil {
		return err
	}
	n, err := parseNumber(rest[0])
	if err != nil {
		return err
	}
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	var inc client.Incident
	switch sub {
	case "note":
		inc, err = c.AddNote(env.ctx, n, rest[1])
	case "severity":
		if *reason == "" {
			return usageErrorf("incident severity needs --reason: say why the severity changes")
		}
		inc, err = c.ChangeSeverity(env.ctx, n, rest[1], *reason)
	case "status":
		inc, err = c.ChangeStatus(env.ctx, n, rest[1], *message)
	case "role":
		inc, err = c.AssignRole(env.ctx, n, rest[1], rest[2])
	case "join":
		inc, err = c.Join(env.ctx, n, *user)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env.stdout, inc)
	}
	for _, e := range inc.Events {
		fmt.Fprintf(env.stdout, "%s #%d %s\n", inc.Ref, e.Seq, hansei.DescribeEvent(e))
	}
	return nil
}

func (env *cli) scales(args []string) error {
	fs := flag.NewFlagSet("scales", flag.ContinueOnError)
	lang := fs.String("lang", "", "language of names and definitions, such as ja or de")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, env.stderr); err != nil {
		return err
	}
	c, err := env.apiClient()
	if err != nil {
		return err
	}
	s, err := c.Scales(env.ctx, *lang)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env.stdout, s)
	}
	for _, sc := range []hansei.Scale{s.Severity, s.Priority} {
		fmt.Fprintf(env.stdout, "%s\n", strings.ToUpper(sc.Kind))
		for _, l := range sc.Levels {
			fmt.Fprintf(env.stdout, "  %s  %s: %s\n", l.Key, l.Name, l.Definition)
			if l.Response != "" {
				fmt.Fprintf(env.stdout, "        response: %s\n", l.Response)
			}
		}
	}
	return nil
}
