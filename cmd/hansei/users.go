package main

import (
	"flag"
	"fmt"
	"text/tabwriter"

	hansei "github.com/hansei-dev/hansei"
)

func (env *cli) users(args []string) error {
	if len(args) == 0 {
		return usageErrorf("users needs a subcommand: add or list")
	}
	switch args[0] {
	case "add":
		return env.usersAdd(args[1:])
	case "list":
		return env.usersList(args[1:])
	}
	return usageErrorf("unknown users subcommand %q; use add or list", args[0])
}

// usersAdd creates a user directly in the database and prints only the
// token, so that scripts can capture it: TOKEN=$(hansei users add …).
func (env *cli) usersAdd(args []string) error {
	fs := flag.NewFlagSet("users add", flag.ContinueOnError)
	role := fs.String("role", "", "admin, responder or viewer (required)")
	display := fs.String("display-name", "", "the name shown in pages (default: NAME)")
	lang := fs.String("language", "en", "language for scale texts and pages: en, ja, de, …")
	tz := fs.String("time-zone", "UTC", "IANA time zone, such as Europe/Berlin")
	email := fs.String("email", "", "email address for notifications")
	channel := fs.String("channel", "email", "how the user hears from hansei: email or none")
	dbFlag := fs.String("db", "", "database (HANSEI_DB; default hansei.db)")
	configPath := fs.String("config", "", "config file (HANSEI_CONFIG)")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, rest, 1, "one user NAME"); err != nil {
		return err
	}
	if *role == "" {
		return usageErrorf("users add needs --role admin, responder or viewer")
	}
	r, err := hansei.ParseRole(*role)
	if err != nil {
		return err
	}
	if !hansei.ValidLanguageTag(*lang) {
		return usageErrorf("--language %q is not a language code; use one such as en, ja or de", *lang)
	}
	cfg, err := env.loadConfig(*configPath, "", *dbFlag)
	if err != nil {
		return err
	}
	db, err := env.openDB(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	_, token, err := db.CreateUser(env.ctx, hansei.User{Name: rest[0], DisplayName: *display, Role: r, Language: *lang, TimeZone: *tz, Email: *email, Channel: *channel})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, token)
	return nil
}

func (env *cli) usersList(args []string) error {
	fs := flag.NewFlagSet("users list", flag.ContinueOnError)
	dbFlag := fs.String("db", "", "database (HANSEI_DB; default hansei.db)")
	configPath := fs.String("config", "", "config file (HANSEI_CONFIG)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, env.stderr); err != nil {
		return err
	}
	cfg, err := env.loadConfig(*configPath, "", *dbFlag)
	if err != nil {
		return err
	}
	db, err := env.openDB(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := db.Users(env.ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env.stdout, map[string]any{"items": users})
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tLANGUAGE\tTIME ZONE\tDISPLAY NAME")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, u.Language, u.TimeZone, u.DisplayName)
	}
	return tw.Flush()
}
