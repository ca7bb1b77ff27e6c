package cli

import (
	"errors"
	"fmt"
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/suggest"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// usageError is a mistake in how the command was called; it exits with 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// ExitCode is the process's exit status for an error Run returned: 2 for
// a mistake in how the command was called, 1 for anything else.
func ExitCode(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// ErrorLine renders an error as the one line the user sees.
func ErrorLine(err error) string {
	var ce *client.Error
	if errors.As(err, &ce) {
		return ce.Message
	}
	var he *hansei.Error
	if errors.As(err, &he) {
		return he.Message
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// wantArgs checks the number of positional arguments.
func wantArgs(n int, what string) cobra.PositionalArgs { return argsBetween(n, n, what) }

// argsBetween checks that there are min to max positional arguments.
func argsBetween(min, max int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || len(args) > max {
			return usageErrorf("%s needs %s (got %d argument(s)); see %s", commandName(cmd), what, len(args), helpCommand(cmd))
		}
		return nil
	}
}

// usageArgs makes the errors of an argument check usage errors, also those
// of the commands cobra adds (completion), which return plain errors.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	if check == nil {
		return nil
	}
	return func(cmd *cobra.Command, args []string) error {
		err := check(cmd, args)
		var ue *usageError
		if err == nil || errors.As(err, &ue) {
			return err
		}
		return usageErrorf("%s: %s; see %s", commandName(cmd), ErrorLine(err), helpCommand(cmd))
	}
}

// unknownCommand names the word that is not a command, suggests the one
// that was probably meant, and lists the others.
func unknownCommand(cmd *cobra.Command, typed string) error {
	what := fmt.Sprintf("unknown command %q", typed)
	if cmd.HasParent() {
		what = fmt.Sprintf("unknown %s subcommand %q", commandName(cmd), typed)
	}
	if s := cmd.SuggestionsFor(typed); len(s) > 0 {
		return usageErrorf("%s; did you mean %q? (see %s)", what, s[0], helpCommand(cmd))
	}
	if cmd.HasParent() {
		return usageErrorf("%s; use %s", what, subcommands(cmd))
	}
	return usageErrorf("%s; hansei --help lists the commands", what)
}

// flagError turns pflag's errors into one line that names the flag, says
// what it takes, and suggests the flag that was probably meant.
func flagError(cmd *cobra.Command, err error) error {
	name := commandName(cmd)
	// "hansei incidnet --json": the word, not the flag, is the mistake.
	if cmd.HasSubCommands() && cmd.Flags().NArg() > 0 {
		return unknownCommand(cmd, cmd.Flags().Arg(0))
	}
	var (
		notExist *pflag.NotExistError
		noValue  *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
	)
	switch {
	case errors.As(err, &notExist):
		typed, given := notExist.GetSpecifiedName(), "--"+notExist.GetSpecifiedName()
		if short := notExist.GetSpecifiedShortnames(); short != "" {
			typed, given = short, "-"+short // "-json" for "--json"
		}
		if s := suggestFlag(cmd, typed); s != "" {
			return usageErrorf("%s has no flag %s; did you mean --%s? (see %s)", name, given, s, helpCommand(cmd))
		}
		return usageErrorf("%s has no flag %s; %s lists its flags", name, given, helpCommand(cmd))
	case errors.As(err, &noValue):
		f := noValue.GetFlag()
		return usageErrorf("--%s needs a value: %s", f.Name, f.Usage)
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		return usageErrorf("--%s %q is not %s", f.Name, invalid.GetValue(), valueKind(f.Value.Type()))
	}
	return usageErrorf("%s: %s; see %s", name, ErrorLine(err), helpCommand(cmd))
}

// helpCommand is the command that explains cmd: "hansei incident --help".
func helpCommand(cmd *cobra.Command) string {
	return cmd.CommandPath() + " --help"
}

// valueKind says what a flag of a pflag type takes.
func valueKind(typ string) string {
	switch typ {
	case "int", "int64":
		return "a whole number, such as 7"
	case "duration":
		return "a duration, such as 90s, 10m or 24h"
	case "bool":
		return "true or false"
	}
	return "a " + typ
}

// suggestFlag is the flag of cmd closest to what was typed, or "".
func suggestFlag(cmd *cobra.Command, typed string) string {
	best, bestDistance := "", 3 // more than 2 edits is another word
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := suggest.Distance(strings.ToLower(typed), f.Name)
		if strings.HasPrefix(f.Name, typed) && len(typed) >= 2 {
			d = 1
		}
		if d < bestDistance {
			best, bestDistance = f.Name, d
		}
	})
	return best
}
