package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/config"
	"github.com/hansei-dev/hansei/internal/server"
	"github.com/spf13/cobra"
)

func (env *cli) usersCmd() *cobra.Command {
	cmd := group("users", "manage users, web sign-in and API tokens in the database")
	cmd.Long = `Manage users, web sign-in and API tokens directly in the database, so they work
before a server runs and without a token: for the first admin, or to recover
access. --db and --config (or HANSEI_DB and HANSEI_CONFIG) say which database,
as for serve; point them at the server's database. Each command names the
database it uses on standard error, so standard output stays what scripts
capture (a token, a link). A database that does not exist is refused unless
--create is given: a new file would hold users the server never sees.`
	var f dbFlags
	f.add(cmd.PersistentFlags())
	cmd.PersistentFlags().BoolVar(&f.create, "create", false, "make the database if it does not exist (HANSEI_DB_CREATE), such as for the first admin before the first serve")
	cmd.AddCommand(env.usersAddCmd(&f), env.usersListCmd(&f), env.usersSetPasswordCmd(&f), env.usersLinkCmd(&f),
		env.usersTokenCmd(&f), env.usersTokensCmd(&f), env.usersRevokeTokenCmd(&f))
	return cmd
}

// withConsole loads the configuration, opens its database for the
// console's use cases (the commands act as app.Console()), runs fn and
// closes the database again: every users command works this way.
func (env *cli) withConsole(f *dbFlags, fn func(db server.Console, cfg config.Config) error) error {
	cfg, err := env.srv().LoadConfig(f.config, "", f.db)
	if err != nil {
		return err
	}
	// Said before opening, so that a refusal is read with the name too.
	fmt.Fprintln(env.stderr, env.p().T("cli.users.using_database", "Database", server.DatabaseName(cfg.DB)))
	db, err := env.srv().OpenConsole(cfg, f.create || cfg.Database.Create)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db, cfg)
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
			fmt.Fprint(env.stderr, env.p().T("cli.users.password_prompt", "User", name)+" ")
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

// usersAddOptions are the flags of users add.
type usersAddOptions struct {
	role, display, lang, tz, email, channel string
	withPassword, json                      bool
}

func (env *cli) usersAddCmd(dbf *dbFlags) *cobra.Command {
	var o usersAddOptions
	cmd := &cobra.Command{
		Use:   "add NAME --role admin|responder|viewer",
		Short: "create a user; prints only its API token",
		Long: `Create a user directly in the database and print only the new API token on
stdout, so that scripts can capture it: TOKEN=$(hansei users add bob --role responder).`,
		Args: wantArgs(1, "one user NAME"),
		RunE: func(_ *cobra.Command, rest []string) error { return env.usersAdd(dbf, o, rest) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.role, "role", "", "admin, responder or viewer (required)")
	fs.StringVar(&o.display, "display-name", "", "the name shown in pages (default: NAME)")
	fs.StringVar(&o.lang, "language", "en", "language for scale texts and pages: en, ja, de, …")
	fs.StringVar(&o.tz, "time-zone", "UTC", "IANA time zone, such as Europe/Berlin")
	fs.StringVar(&o.email, "email", "", "email address for notifications")
	fs.StringVar(&o.channel, "channel", "email", "how the user hears from hansei: email or none")
	fs.BoolVar(&o.withPassword, "password", false, "also set a password for the web UI, read from the first line of standard input")
	fs.BoolVar(&o.json, "json", false, "print JSON: the user's name, role and token")
	return cmd
}

// usersAdd creates a user directly in the database and prints only the
// token, so that scripts can capture it: TOKEN=$(hansei users add …).
func (env *cli) usersAdd(dbf *dbFlags, o usersAddOptions, rest []string) error {
	if o.role == "" {
		return usageErrorf("users add needs --role admin, responder or viewer")
	}
	r, err := hansei.ParseRole(o.role)
	if err != nil {
		return err
	}
	if !hansei.ValidLanguageTag(o.lang) {
		return usageErrorf("--language %q is not a language code; use one such as en, ja or de", o.lang)
	}
	// The password is read and checked before the user is created, so a
	// password that is refused leaves no user behind.
	var password string
	if o.withPassword {
		if password, err = env.readPassword("add --role "+o.role+" --password", rest[0]); err != nil {
			return err
		}
		if err := app.ValidatePassword(password); err != nil {
			return err
		}
	}
	return env.withConsole(dbf, func(db server.Console, _ config.Config) error {
		_, token, err := db.Users.Create(env.ctx, app.Console(), hansei.User{Name: rest[0], DisplayName: o.display, Role: r, Language: o.lang, TimeZone: o.tz, Email: o.email, Channel: o.channel})
		if err != nil {
			return err
		}
		if o.withPassword {
			if err := db.Users.SetPassword(env.ctx, app.Console(), rest[0], password); err != nil {
				return fmt.Errorf("created user %q but could not set its password (%w); set it with hansei users set-password %s, and make an API token with hansei users token %s", rest[0], err, rest[0], rest[0])
			}
		}
		return env.show(o.json, map[string]string{"name": rest[0], "role": string(r), "token": token}, nil, env.line(token))
	})
}

func (env *cli) usersListCmd(dbf *dbFlags) *cobra.Command {
	return withJSON(&cobra.Command{Use: "list", Short: "list users", Args: wantArgs(0, "no arguments")},
		func(asJSON bool, _ []string) error { return env.usersList(dbf, asJSON) })
}

func (env *cli) usersList(dbf *dbFlags, asJSON bool) error {
	return env.withConsole(dbf, func(db server.Console, _ config.Config) error {
		users, err := db.Users.All(env.ctx)
		return env.show(asJSON, map[string]any{"items": users}, err, func() error {
			p := env.p()
			header := columns(p.T("cli.column.name"), p.T("cli.column.role"), p.T("cli.column.language"), p.T("cli.column.time_zone"), p.T("cli.column.display_name"))
			return printTable(env.stdout, "", header, users, func(u hansei.User) []any {
				return []any{u.Name, env.word("user_role", string(u.Role)), u.Language, u.TimeZone, u.DisplayName}
			})
		})
	})
}

func (env *cli) usersSetPasswordCmd(dbf *dbFlags) *cobra.Command {
	return withJSON(&cobra.Command{
		Use:   "set-password NAME",
		Short: "set a web sign-in password, read from standard input",
		Long: `Set a user's password for the web UI, read from the first line of standard
input (which keeps it out of the process list and the shell history), and sign
that user's browsers out: printf '%s\n' "$PASSWORD" | hansei users set-password alice.`,
		Args: wantArgs(1, "one user NAME (the password comes from standard input)"),
	}, func(asJSON bool, rest []string) error { return env.usersSetPassword(dbf, asJSON, rest) })
}

// usersSetPassword sets a user's web UI password, read from the first line
// of standard input, and signs that user's browsers out.
func (env *cli) usersSetPassword(dbf *dbFlags, asJSON bool, rest []string) error {
	password, err := env.readPassword("set-password", rest[0])
	if err != nil {
		return err
	}
	if err := app.ValidatePassword(password); err != nil {
		return err
	}
	return env.withConsole(dbf, func(db server.Console, _ config.Config) error {
		err := db.Users.SetPassword(env.ctx, app.Console(), rest[0], password)
		return env.show(asJSON, map[string]any{"name": rest[0], "password_set": true}, err, env.line(env.p().T("cli.users.password_set", "User", rest[0])))
	})
}

// usersLinkOptions are the flags of users link.
type usersLinkOptions struct {
	base string
	ttl  time.Duration
	json bool
}

func (env *cli) usersLinkCmd(dbf *dbFlags) *cobra.Command {
	var o usersLinkOptions
	cmd := &cobra.Command{
		Use:   "link NAME",
		Short: "print a one-time web sign-in link",
		Long: `Print a one-time sign-in link for the web UI, and only the link, so that an
admin can hand it over (or a script capture it). Opening it shows a button that
signs in: a link previewer that fetches it uses nothing up.`,
		Args: wantArgs(1, "one user NAME"),
		RunE: func(_ *cobra.Command, rest []string) error { return env.usersLink(dbf, o, rest) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.base, "url", "", "the web UI's address as browsers reach it (default: url in the config or HANSEI_URL, else http:// and the listen address)")
	fs.DurationVar(&o.ttl, "ttl", hansei.SignInLinkTTL, "how long the link stays valid, up to 168h")
	fs.BoolVar(&o.json, "json", false, "print JSON: the user's name, the link and when it expires")
	return cmd
}

// usersLink prints a one-time sign-in link, and only the link, so that an
// admin can hand it over (or a script can capture it). Opening it shows a
// button that signs in: a link previewer that fetches it uses nothing up.
func (env *cli) usersLink(dbf *dbFlags, o usersLinkOptions, rest []string) error {
	if o.ttl <= 0 || o.ttl > hansei.SessionLifetime {
		return usageErrorf("--ttl %s is out of range; give a duration from 1s to 168h, such as 15m or 24h", o.ttl)
	}
	return env.withConsole(dbf, func(db server.Console, cfg config.Config) error {
		link, err := env.srv().WebBase(o.base, cfg.URL, cfg.Addr)
		if err != nil {
			return err
		}
		token, expires, err := db.Users.NewSignInLink(env.ctx, app.Console(), rest[0], o.ttl)
		signIn := server.SignInURL(link, token)
		return env.show(o.json, map[string]any{"name": rest[0], "url": signIn, "expires_at": expires}, err, env.line(signIn))
	})
}

func (env *cli) usersTokenCmd(dbf *dbFlags) *cobra.Command {
	var (
		label  string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "token NAME",
		Short: "make a new API token for a user; prints only the token",
		Args:  wantArgs(1, "one user NAME"),
		RunE:  func(_ *cobra.Command, rest []string) error { return env.usersToken(dbf, label, asJSON, rest) },
	}
	cmd.Flags().StringVar(&label, "label", "", `what the token is for, such as "deploy bot" (shown by users tokens)`)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: the user's name, the label and the token")
	return cmd
}

// usersToken prints a new API token for a user, and only the token.
func (env *cli) usersToken(dbf *dbFlags, label string, asJSON bool, rest []string) error {
	return env.withConsole(dbf, func(db server.Console, _ config.Config) error {
		token, err := db.Users.CreateToken(env.ctx, app.Console(), rest[0], label)
		return env.show(asJSON, map[string]string{"name": rest[0], "label": label, "token": token}, err, env.line(token))
	})
}

func (env *cli) usersTokensCmd(dbf *dbFlags) *cobra.Command {
	return withJSON(&cobra.Command{Use: "tokens", Short: "list the API tokens, without their secrets", Args: wantArgs(0, "no arguments")},
		func(asJSON bool, _ []string) error { return env.usersTokens(dbf, asJSON) })
}

// usersTokens lists the API tokens, without their secrets.
func (env *cli) usersTokens(dbf *dbFlags, asJSON bool) error {
	return env.withConsole(dbf, func(db server.Console, _ config.Config) error {
		tokens, err := db.Users.Tokens(env.ctx, app.Console())
		if tokens == nil {
			tokens = []hansei.TokenInfo{} // [] rather than null in JSON
		}
		return env.show(asJSON, map[string]any{"items": tokens}, err, func() error {
			p := env.p()
			header := columns(p.T("cli.column.id"), p.T("cli.column.user"), p.T("cli.column.label"), p.T("cli.column.created"), p.T("cli.column.last_used"))
			return printTable(env.stdout, "", header, tokens, func(t hansei.TokenInfo) []any {
				return []any{t.ID, t.User, orDash(t.Label), env.formatTime(t.CreatedAt), env.formatTimePtr(t.LastUsedAt)}
			})
		})
	})
}

func (env *cli) usersRevokeTokenCmd(dbf *dbFlags) *cobra.Command {
	return withJSON(&cobra.Command{
		Use:   "revoke-token ID",
		Short: "revoke an API token by the ID users tokens shows",
		Args:  wantArgs(1, "one token ID (hansei users tokens lists them)"),
	}, func(asJSON bool, rest []string) error { return env.usersRevokeToken(dbf, asJSON, rest) })
}

// usersRevokeToken deletes an API token by the id that users tokens shows.
func (env *cli) usersRevokeToken(dbf *dbFlags, asJSON bool, rest []string) error {
	id, err := parseID(rest[0], "%q is not a token ID; give the number in the ID column of hansei users tokens")
	if err != nil {
		return err
	}
	return env.withConsole(dbf, func(db server.Console, _ config.Config) error {
		err := db.Users.RevokeToken(env.ctx, app.Console(), id)
		return env.show(asJSON, map[string]int64{"revoked": id}, err, env.line(env.p().T("cli.users.token_revoked", "ID", id)))
	})
}
