// Package cli is the hansei command line: it parses the arguments, calls
// the server or the JSON API, and prints what they answer.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/server"
)

const usage = `hansei — incident response and learning

Usage:
  hansei serve [--addr ADDR] [--db DB] [--config FILE]   run the server
  hansei migrate [--db DB]                                bring the database schema up to date
  hansei users add NAME --role admin|responder|viewer     create a user; prints only its API token
  hansei users list                                       list users
  hansei users set-password NAME                          set a web sign-in password (read from stdin)
  hansei users link NAME                                  print a one-time web sign-in link
  hansei users token NAME | tokens | revoke-token ID      API tokens
  hansei scales [--lang ja]                               the severity and priority scales
  hansei incident declare --severity SEV2 "title"         declare an incident
  hansei incident list|show|note|severity|status|role|join|timeline …
  hansei intent N --stand-down|--action|--info "text" [--ack-from all] [--window 10m]
  hansei ack ID · object ID --reason "…" · lift ID · withdraw ID
  hansei watch N                                          follow an incident live
  hansei postmortem N [create|edit|set|reviewers|highlight|lint|submit|approve|publish|amend|export]
  hansei why N [--parent ID] [--factor CATEGORY] "question" "answer"
  hansei remediation add N "title" --owner bob --priority P1 --due 2026-12-01 [--why ID]
  hansei remediation list [--mine] [--overdue] · show ID · progress ID "note" [--status S]
  hansei review [today|tomorrow|DATE]                     the agenda by owner
  hansei review DATE outcome ID on_track|at_risk|blocked|done|reschedule "note" [--due D]
  hansei component add KEY --name N [--group G] [--position P] [--service S …]   status page components
  hansei component list · set KEY STATE · rm KEY
  hansei incident update N --text "…" [--status S] [--component key=state …] [--title T]   a public update
  hansei incident affects N key,key                       the components an incident affects
  hansei maintenance add --title T --start TIME --end TIME [--component KEY] "text"
  hansei maintenance list · rm ID
  hansei version

Commands that talk to a server use HANSEI_URL (default http://127.0.0.1:8080)
and HANSEI_TOKEN. Add --json for machine-readable output. "hansei COMMAND -h"
explains a command.
`

// Run runs the command line with args (without the program name).
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageErrorf("no command given")
	}
	env := &cli{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	err := env.dispatch(args[0], args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func (env *cli) dispatch(cmd string, rest []string) error {
	switch cmd {
	case "serve":
		return env.serve(rest)
	case "migrate":
		return env.migrate(rest)
	case "users":
		return env.users(rest)
	case "scales":
		return env.scales(rest)
	case "incident", "incidents":
		return env.incident(rest)
	case "intent":
		return env.intent(rest)
	case "ack", "object", "lift", "withdraw":
		return env.intentCommand(cmd, rest)
	case "watch":
		return env.watch(rest)
	case "postmortem":
		return env.postmortem(rest)
	case "why":
		return env.why(rest)
	case "remediation", "remediations":
		return env.remediation(rest)
	case "review":
		return env.review(rest)
	case "component", "components":
		return env.component(rest)
	case "maintenance":
		return env.maintenance(rest)
	case "version":
		fmt.Fprintln(env.stdout, "hansei", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(env.stdout, usage)
		return nil
	default:
		fmt.Fprint(env.stderr, usage)
		return usageErrorf("unknown command %q", cmd)
	}
}

const version = "0.1.0-dev"

// cli carries the process's environment to the subcommands.
type cli struct {
	ctx            context.Context
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
}

// usageError is a mistake in how the command was called; it exits with 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// ExitCode is the process's exit status for an error Run returned: 2 for
// a mistake in how the command was called, 1 for anything else.
func ExitCode(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
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

// parse parses flags that may come before, between or after positional
// arguments ("incident declare --severity SEV2 "title"" and
// "incident declare "title" --severity SEV2" both work) and returns the
// positional ones.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	fs.SetOutput(stderr)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageErrorf("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// wantArgs checks the number of positional arguments.
func wantArgs(fs *flag.FlagSet, args []string, n int, what string) error {
	if len(args) != n {
		return usageErrorf("%s needs %s (got %d argument(s)); see hansei %s -h", fs.Name(), what, len(args), fs.Name())
	}
	return nil
}

// srv is the process environment for the server and the commands that
// work on its database directly.
func (env *cli) srv() *server.Env {
	return server.NewEnv(env.ctx, env.getenv, env.stdout, env.stderr)
}

func (env *cli) serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var o server.Options
	fs.StringVar(&o.Addr, "addr", "", "listen address (HANSEI_ADDR; default 127.0.0.1:8080)")
	fs.StringVar(&o.DB, "db", "", "database: a file path, sqlite:PATH or postgres://… (HANSEI_DB; default hansei.db)")
	fs.StringVar(&o.Config, "config", "", "config file (HANSEI_CONFIG): scales, glossary")
	fs.StringVar(&o.PublicAddr, "public-addr", "", "also serve the public status page, and nothing else, here (HANSEI_PUBLIC_ADDR; status.public_addr)")
	if rest, err := parse(fs, args, env.stderr); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageErrorf("serve takes no arguments, got %q", rest)
	}
	return env.srv().Serve(o)
}

func (env *cli) migrate(args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dbFlag := fs.String("db", "", "database (HANSEI_DB; default hansei.db)")
	configPath := fs.String("config", "", "config file (HANSEI_CONFIG)")
	if _, err := parse(fs, args, env.stderr); err != nil {
		return err
	}
	applied, err := env.srv().Migrate(*configPath, *dbFlag)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(env.stdout, "the database schema is up to date")
	}
	for _, name := range applied {
		fmt.Fprintln(env.stdout, "applied", name)
	}
	return nil
}
