package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/config"
	"github.com/hansei-dev/hansei/internal/server"
	"github.com/hansei-dev/hansei/internal/sqldb"
)

const usersSubcommands = "add, list, set-password, link, token, tokens or revoke-token"

func (env *cli) users(args []string) error {
	if len(args) == 0 {
		return usageErrorf("users needs a subcommand: %s", usersSubcommands)
	}
	switch args[0] {
	case "add":
		return env.usersAdd(args[1:])
	case "list":
		return env.usersList(args[1:])
	case "set-password":
		return env.usersSetPassword(args[1:])
	case "link":
		return env.usersLink(args[1:])
	case "token":
		return env.usersToken(args[1:])
	case "tokens":
		return env.usersTokens(args[1:])
	case "revoke-token":
		return env.usersRevokeToken(args[1:])
	}
	return usageErrorf("unknown users subcommand %q; use %s", args[0], usersSubcommands)
}

// dbFlags are the flags of the users subcommands, which work on the
// database directly rather than through a server.
type dbFlags struct{ db, config *string }

func addDBFlags(fs *flag.FlagSet) dbFlags {
	return dbFlags{
		db:     fs.String("db", "", "database (HANSEI_DB; default hansei.db)"),
		config: fs.String("config", "", "config file (HANSEI_CONFIG)"),
	}
}

// open loads the configuration and opens its database.
func (f dbFlags) open(env *cli) (*sqldb.DB, config.Config, error) {
	cfg, err := env.srv().LoadConfig(*f.config, "", *f.db)
	if err != nil {
		return nil, cfg, err
	}
	db, err := env.srv().OpenDB(cfg)
	return db, cfg, err
}

// readPassword reads a password from the first line of standard input.
// Scripts pipe it in, which keeps it out of the process list and the shell
// history: printf '%s\n' "$PASSWORD" | hansei users set-password alice.
func (env *cli) readPassword(command, name string) (string, error) {
	if env.stdin == nil {
		return "", usageErrorf("no standard input to read the password from; pipe it in as the first line")
	}
	// At a terminal, say what is awaited (the typing is not hidden).
	if f, ok := env.stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintf(env.stderr, "Password for %s (visible as you type), then Enter: ", name)
		}
	}
	line, err := bufio.NewReader(env.stdin).ReadString('\n')
	if errors.Is(err, io.EOF) && line == "" {
		return "", usageErrorf("standard input is empty; give the password as its first line, such as: printf '%%s\\n' \"$PASSWORD\" | hansei users %s %s", command, name)
	} else if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	line = strings.TrimSuffix(line, "\n")
	return strings.TrimSuffix(line, "\r"), nil
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
	withPassword := fs.Bool("password", false, "also set a password for the web UI, read from the first line of standard input")
	dbf := addDBFlags(fs)
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
	// The password is read and checked before the user is created, so a
	// password that is refused leaves no user behind.
	var password string
	if *withPassword {
		if password, err = env.readPassword("add --role "+*role+" --password", rest[0]); err != nil {
			return err
		}
		if err := sqldb.ValidatePassword(password); err != nil {
			return err
		}
	}
	db, _, err := dbf.open(env)
	if err != nil {
		return err
	}
	defer db.Close()
	_, token, err := db.CreateUser(env.ctx, hansei.User{Name: rest[0], DisplayName: *display, Role: r, Language: *lang, TimeZone: *tz, Email: *email, Channel: *channel})
	if err != nil {
		return err
	}
	if *withPassword {
		if err := db.SetPassword(env.ctx, rest[0], password); err != nil {
			return fmt.Errorf("created user %q but could not set its password (%w); set it with hansei users set-password %s, and make an API token with hansei users token %s", rest[0], err, rest[0], rest[0])
		}
	}
	fmt.Fprintln(env.stdout, token)
	return nil
}

func (env *cli) usersList(args []string) error {
	fs := flag.NewFlagSet("users list", flag.ContinueOnError)
	dbf := addDBFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args, env.stderr); err != nil {
		return err
	}
	db, _, err := dbf.open(env)
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

// usersSetPassword sets a user's web UI password, read from the first line
// of standard input, and signs that user's browsers out.
func (env *cli) usersSetPassword(args []string) error {
	fs := flag.NewFlagSet("users set-password", flag.ContinueOnError)
	dbf := addDBFlags(fs)
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, rest, 1, "one user NAME (the password comes from standard input)"); err != nil {
		return err
	}
	password, err := env.readPassword("set-password", rest[0])
	if err != nil {
		return err
	}
	if err := sqldb.ValidatePassword(password); err != nil {
		return err
	}
	db, _, err := dbf.open(env)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.SetPassword(env.ctx, rest[0], password); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "password set for", rest[0])
	return nil
}

// usersLink prints a one-time sign-in link, and only the link, so that an
// admin can hand it over (or a script can capture it). Opening it shows a
// button that signs in: a link previewer that fetches it uses nothing up.
func (env *cli) usersLink(args []string) error {
	fs := flag.NewFlagSet("users link", flag.ContinueOnError)
	dbf := addDBFlags(fs)
	base := fs.String("url", "", "the web UI's address as browsers reach it (default: HANSEI_URL, else http:// and the listen address)")
	ttl := fs.Duration("ttl", sqldb.SignInLinkTTL, "how long the link stays valid, up to 168h")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, rest, 1, "one user NAME"); err != nil {
		return err
	}
	if *ttl <= 0 || *ttl > sqldb.SessionLifetime {
		return usageErrorf("--ttl %s is out of range; give a duration from 1s to 168h, such as 15m or 24h", *ttl)
	}
	db, cfg, err := dbf.open(env)
	if err != nil {
		return err
	}
	defer db.Close()
	link, err := env.srv().WebBase(*base, cfg.Addr)
	if err != nil {
		return err
	}
	token, _, err := db.CreateSignInLink(env.ctx, rest[0], *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, server.SignInURL(link, token))
	return nil
}

// usersToken prints a new API token for a user, and only the token.
func (env *cli) usersToken(args []string) error {
	fs := flag.NewFlagSet("users token", flag.ContinueOnError)
	dbf := addDBFlags(fs)
	label := fs.String("label", "", "what the token is for, such as \"deploy bot\" (shown by users tokens)")
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, rest, 1, "one user NAME"); err != nil {
		return err
	}
	db, _, err := dbf.open(env)
	if err != nil {
		return err
	}
	defer db.Close()
	token, err := db.CreateToken(env.ctx, rest[0], *label)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, token)
	return nil
}

// usersTokens lists the API tokens, without their secrets.
func (env *cli) usersTokens(args []string) error {
	fs := flag.NewFlagSet("users tokens", flag.ContinueOnError)
	dbf := addDBFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if rest, err := parse(fs, args, env.stderr); err != nil {
		return err
	} else if err := wantArgs(fs, rest, 0, "no arguments"); err != nil {
		return err
	}
	db, _, err := dbf.open(env)
	if err != nil {
		return err
	}
	defer db.Close()
	tokens, err := db.Tokens(env.ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		if tokens == nil {
			tokens = []sqldb.TokenInfo{}
		}
		return printJSON(env.stdout, map[string]any{"items": tokens})
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSER\tLABEL\tCREATED\tLAST USED")
	for _, t := range tokens {
		label := t.Label
		if label == "" {
			label = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.User, label, env.formatTime(t.CreatedAt), env.formatTimePtr(t.LastUsedAt))
	}
	return tw.Flush()
}

// usersRevokeToken deletes an API token by the id that users tokens shows.
func (env *cli) usersRevokeToken(args []string) error {
	fs := flag.NewFlagSet("users revoke-token", flag.ContinueOnError)
	dbf := addDBFlags(fs)
	rest, err := parse(fs, args, env.stderr)
	if err != nil {
		return err
	}
	if err := wantArgs(fs, rest, 1, "one token ID (hansei users tokens lists them)"); err != nil {
		return err
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id <= 0 {
		return usageErrorf("%q is not a token ID; give the number in the ID column of hansei users tokens", rest[0])
	}
	db, _, err := dbf.open(env)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.RevokeToken(env.ctx, id); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "revoked API token", id)
	return nil
}
