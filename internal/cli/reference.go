package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// RegenerateReference is the command that rewrites docs/cli.md.
const RegenerateReference = "go run ./internal/cli/gendoc docs/cli.md"

// WriteReference writes the command reference, docs/cli.md: every command
// with its usage, aliases, examples and flags, taken from the same tree
// that parses the command line, so the two cannot disagree.
func WriteReference(w io.Writer) error {
	env := &cli{ctx: context.Background(), getenv: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard}
	root := env.tree()
	var cmds []*cobra.Command
	walk(root, func(c *cobra.Command) {
		if !c.Hidden {
			cmds = append(cmds, c)
		}
	})
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# Command reference\n\n<!-- Made by %s from the command tree; do not edit by hand. -->\n\n", RegenerateReference)
	fmt.Fprint(b, "Every command of `hansei`, as `hansei COMMAND --help` explains it. Every command also takes\n"+
		"`-h`/`--help`, which prints its help and needs no server and no token, and `--lang CODE`, the language\n"+
		"of the words it prints (default: `HANSEI_LANG`, else the language of the token's user; see\n"+
		"[i18n.md](i18n.md#the-command-line)). Output for scripts (`--json`, tokens, links) is the same in every language.\n\n")
	for _, c := range cmds {
		writeCommand(b, c)
	}
	return b.Flush()
}

func writeCommand(b *bufio.Writer, c *cobra.Command) {
	fmt.Fprintf(b, "\n## %s\n\n", c.CommandPath())
	text := c.Long
	if text == "" {
		text = c.Short
	}
	fmt.Fprintf(b, "%s\n\n", strings.TrimSpace(text))
	fmt.Fprint(b, "```\n")
	if c.HasAvailableSubCommands() {
		fmt.Fprintln(b, c.CommandPath()+" [command]")
	} else {
		fmt.Fprintln(b, c.UseLine())
	}
	fmt.Fprint(b, "```\n")
	if len(c.Aliases) > 0 {
		fmt.Fprintf(b, "\nAliases: `%s`\n", strings.Join(append([]string{c.Name()}, c.Aliases...), "`, `"))
	}
	if c.Example != "" {
		fmt.Fprintf(b, "\nExamples:\n\n```\n%s\n```\n", c.Example)
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprint(b, "\nCommands:\n\n")
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				fmt.Fprintf(b, "- [`%s`](#%s) — %s\n", sub.Name(), strings.ReplaceAll(sub.CommandPath(), " ", "-"), sub.Short)
			}
		}
	}
	writeFlags(b, "Flags", c.LocalFlags())
	writeFlags(b, "Flags of "+parentPath(c), c.InheritedFlags())
}

// parentPath is the command whose persistent flags a command inherits.
func parentPath(c *cobra.Command) string {
	if c.HasParent() {
		return "`" + c.Parent().CommandPath() + "`"
	}
	return "the parent"
}

// writeFlags writes a table of flags, leaving out -h/--help, which every
// command has.
func writeFlags(b *bufio.Writer, title string, fs *pflag.FlagSet) {
	var rows []string
	fs.VisitAll(func(f *pflag.Flag) {
		// --lang is every command's; the introduction says so once.
		if f.Hidden || f.Name == "help" || f.Name == "lang" && strings.HasPrefix(title, "Flags of") {
			return
		}
		name := "--" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", " + name
		}
		typ, usage := pflag.UnquoteUsage(f)
		if typ != "" {
			name += " " + typ
		}
		def := ""
		switch f.DefValue {
		case "", "0", "false", "[]", "0s":
		default:
			def = "`" + f.DefValue + "`"
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %s | %s |", name, def, strings.ReplaceAll(usage, "|", `\|`)))
	})
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s:\n\n| Flag | Default | Meaning |\n| --- | --- | --- |\n%s\n", title, strings.Join(rows, "\n"))
}
