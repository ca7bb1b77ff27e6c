// Package cli is the hansei command line: it parses the arguments (with
// spf13/cobra), calls the server or the JSON API, and prints what they
// answer, as text or with --json.
package cli

import (
	"context"
	"io"
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/i18n"
	"github.com/spf13/cobra"
)

// cli carries the process's environment to the subcommands.
type cli struct {
	ctx            context.Context
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer

	// The run's language (lang.go): the --lang flag, the catalogs and the
	// printer once chosen; scalesLang is the language asked of the
	// scales, "" for the user's own; local is set for the commands that
	// work on the database, not a server, so never ask it who the user is.
	langFlagValue string
	cats          *i18n.Catalogs
	printer       *i18n.Printer
	scalesLang    string
	local         bool

	// The token's user (GET /api/v1/me), asked once a run on first need
	// (the language, the time zone); meAsked is set even if it failed.
	meUser  hansei.User
	meFound bool
	meAsked bool
}

// Run runs the command line with args (without the program name). Help
// goes to stdout and needs neither a token nor a server; an error is
// returned, not printed, and ErrorLine and ExitCode say how to report it.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	env := &cli{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	root := env.tree()
	if args == nil {
		args = []string{} // nil would make cobra read os.Args
	}
	root.SetArgs(args)
	_, err := root.ExecuteContextC(ctx)
	return err
}

// tree builds the whole command tree for one run: nothing in it outlives
// the run, so tests may run many in parallel.
func (env *cli) tree() *cobra.Command {
	root := &cobra.Command{
		Use:   "hansei",
		Short: "incident response and learning",
		Long: `hansei — incident response and learning.

"hansei serve" runs the server. Commands that talk to a server use HANSEI_URL
(default http://127.0.0.1:8080) and HANSEI_TOKEN, the API token that
"hansei users add" (or the first run of "hansei serve") printed.
Words are printed in --lang, else HANSEI_LANG, else the language of the
token's user; add --json for machine-readable output, the same in every language.
Times are shown in the token's user's time zone beside UTC ("14:03:00 CET
(13:03 UTC)"), in UTC alone for a user in UTC. A command that changes something
prints a short confirmation of what changed, and with --json the changed object.
Levels (SEV1, P1) are taken in any case. Only serve, migrate and users work on
the database directly; every other command goes through the server.`,
		Example: `  hansei serve
  hansei users add bob --role responder
  hansei incident declare --severity SEV2 "Checkout failing"
  hansei intent 1 --stand-down "travel to a medical appointment"
  hansei postmortem 1 create`,
		Version:       buildVersion().String(),
		SilenceErrors: true, // Run's caller prints the one error line
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			io.WriteString(env.stderr, cmd.UsageString())
			return usageErrorf("no command given; hansei --help lists the commands")
		},
	}
	env.langFlag(root)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		for c := cmd; c.HasParent(); c = c.Parent() {
			if c.Parent() == root {
				env.local = c.GroupID == "server" || c.GroupID == ""
			}
		}
		return env.checkLang()
	}
	root.SetVersionTemplate("{{.Name}} {{.Version}}\n")
	root.SetOut(env.stdout)
	root.SetErr(env.stderr)
	root.SetFlagErrorFunc(flagError)
	root.AddGroup(
		&cobra.Group{ID: "server", Title: "The server and its database (no server needed):"},
		&cobra.Group{ID: "incident", Title: "Incidents and statements of intent:"},
		&cobra.Group{ID: "learning", Title: "Learning: postmortems, remediations, reviews:"},
		&cobra.Group{ID: "status", Title: "The public status page:"},
	)
	add := func(group string, cmds ...*cobra.Command) {
		for _, c := range cmds {
			c.GroupID = group
			root.AddCommand(c)
		}
	}
	add("server", env.serveCmd(), env.migrateCmd(), env.usersCmd())
	add("incident", env.incidentCmd(), env.scalesCmd(), env.intentCmd(), env.watchCmd())
	add("incident", env.intentCommands()...)
	add("learning", env.postmortemCmd(), env.whyCmd(), env.remediationCmd(), env.reviewCmd())
	add("status", env.componentCmd(), env.maintenanceCmd())
	root.AddCommand(env.versionCmd())
	root.SetHelpCommand(helpCmd(root))
	// cobra adds these when it executes; adding them here makes the tree
	// complete for the reference and the tests that walk it.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	walk(root, func(c *cobra.Command) {
		if c.HasSubCommands() {
			holdSubcommands(c)
		}
		c.Args = usageArgs(c.Args)
	})
	return root
}

// helpCmd is "hansei help [COMMAND]": cobra's own prints the root's help,
// and succeeds, for a command that does not exist.
func helpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "help about any command",
		RunE: func(_ *cobra.Command, args []string) error {
			cmd, rest, err := root.Find(args)
			if err != nil {
				return err
			}
			if len(rest) > 0 {
				return unknownCommand(cmd, rest[0])
			}
			return cmd.Help()
		},
	}
}

// group is a command that only holds subcommands, such as "incident".
func group(use, short string, aliases ...string) *cobra.Command {
	return &cobra.Command{Use: use + " COMMAND", Short: short, Aliases: aliases}
}

// spec is one row of a table of commands that one function runs by name
// (component, maintenance and remediation subcommands, the incident
// changes, the answers to an intent): the words of its help and the
// arguments it takes.
type spec struct {
	use, short string
	aliases    []string
	args       cobra.PositionalArgs
}

// commandTable makes the commands of a table. Each gets options of its
// own, whose flags addFlags declares (the command tells which row it is),
// and runs run with its name, those options and its arguments.
func commandTable[O any](specs []spec, addFlags func(cmd *cobra.Command, o *O), run func(name string, o O, rest []string) error) []*cobra.Command {
	cmds := make([]*cobra.Command, 0, len(specs))
	for _, s := range specs {
		var o O
		cmd := &cobra.Command{Use: s.use, Short: s.short, Aliases: s.aliases, Args: s.args}
		cmd.RunE = func(_ *cobra.Command, rest []string) error { return run(cmd.Name(), o, rest) }
		addFlags(cmd, &o)
		cmds = append(cmds, cmd)
	}
	return cmds
}

// withJSON gives cmd the --json flag and makes it run run with that flag
// and its arguments: the shape of most commands that print data.
func withJSON(cmd *cobra.Command, run func(asJSON bool, rest []string) error) *cobra.Command {
	var asJSON bool
	cmd.RunE = func(_ *cobra.Command, rest []string) error { return run(asJSON, rest) }
	jsonFlag(cmd, &asJSON)
	return cmd
}

// holdSubcommands makes a command that holds subcommands (one of ours, or
// cobra's completion) refuse to run alone or with an unknown subcommand,
// with a usage error that names them, rather than print help and succeed.
func holdSubcommands(cmd *cobra.Command) {
	cmd.SuggestionsMinimumDistance = 2
	cmd.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return unknownCommand(cmd, args[0])
		}
		return nil
	}
	if cmd.HasParent() {
		cmd.RunE = func(cmd *cobra.Command, _ []string) error {
			return usageErrorf("%s needs a subcommand: %s", commandName(cmd), subcommands(cmd))
		}
	}
}

// subcommands lists a command's subcommands for a message: "a, b or c".
func subcommands(cmd *cobra.Command) string {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// commandName is a command's path without "hansei ", as in messages:
// "incident declare".
func commandName(cmd *cobra.Command) string {
	path := cmd.CommandPath()
	if !cmd.HasParent() {
		return path
	}
	return strings.TrimPrefix(path, cmd.Root().Name()+" ")
}

// walk calls fn on cmd and every command below it.
func walk(cmd *cobra.Command, fn func(*cobra.Command)) {
	fn(cmd)
	for _, c := range cmd.Commands() {
		walk(c, fn)
	}
}

// CommandPaths lists every command a user can run, as the words that name
// it ("incident", "declare"), the root first: tests walk it so that a new
// command is covered without being listed by hand.
func CommandPaths() [][]string {
	var paths [][]string
	env := &cli{ctx: context.Background(), getenv: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard}
	walk(env.tree(), func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		paths = append(paths, strings.Fields(c.CommandPath())[1:])
	})
	return paths
}
