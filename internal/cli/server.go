package cli

import (
	"fmt"

	"github.com/hansei-dev/hansei/internal/server"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// srv is the process environment for the server and the commands that
// work on its database directly.
func (env *cli) srv() *server.Env {
	return server.NewEnv(env.ctx, env.getenv, env.stdout, env.stderr)
}

// dbFlags are the flags of the commands that work on the database
// directly rather than through a server: migrate and users (which alone
// has --create).
type dbFlags struct {
	db, config string
	create     bool
}

func (f *dbFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.db, "db", "", "database: a file path, sqlite:PATH or postgres://… (HANSEI_DB; default hansei.db)")
	fs.StringVar(&f.config, "config", "", "config file (HANSEI_CONFIG)")
}

func (env *cli) serveCmd() *cobra.Command {
	var o server.Options
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "run the server: API, web UI, status page, notifications",
		Long: `Run everything: the JSON API, the web UI, the public status page, notifications
and scheduled jobs. With nothing configured it listens on 127.0.0.1:8080 and
keeps its data in hansei.db in the working directory, which the first run
creates. A database named with --db, HANSEI_DB or the config file that does
not exist is refused unless --create is given: it was more likely moved or
deleted than never made. On an empty database it creates the user "admin" and
prints a one-time sign-in link and an API token.
Flags win over HANSEI_* variables, which win over the config file. It stops
cleanly on SIGINT or SIGTERM.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("serve takes no arguments, got %q", args)
			}
			return nil
		},
		RunE: func(*cobra.Command, []string) error { return env.srv().Serve(o) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Addr, "addr", "", "listen address (HANSEI_ADDR; default 127.0.0.1:8080)")
	fs.StringVar(&o.DB, "db", "", "database: a file path, sqlite:PATH or postgres://… (HANSEI_DB; default hansei.db)")
	fs.StringVar(&o.Config, "config", "", "config file (HANSEI_CONFIG): scales, glossary, integrations")
	fs.BoolVar(&o.Create, "create", false, "create the database if it does not exist (HANSEI_DB_CREATE; database.create); without it only the first run on the default hansei.db does")
	fs.StringVar(&o.PublicAddr, "public-addr", "", "also serve the public status page, and nothing else, here (HANSEI_PUBLIC_ADDR; status.public_addr)")
	return cmd
}

func (env *cli) migrateCmd() *cobra.Command {
	var f dbFlags
	cmd := withJSON(&cobra.Command{
		Use:   "migrate",
		Short: "bring the database schema up to date",
		Long:  "Bring the database schema up to date, as serve does when it starts, and say which migrations ran.",
		Args:  wantArgs(0, "no arguments"),
	}, func(asJSON bool, _ []string) error {
		applied, err := env.srv().Migrate(f.config, f.db)
		if applied == nil {
			applied = []string{} // [] rather than null in JSON
		}
		return env.show(asJSON, map[string]any{"applied": applied}, err, func() error {
			if len(applied) == 0 {
				fmt.Fprintln(env.stdout, env.p().T("cli.migrate.up_to_date"))
			}
			for _, name := range applied {
				fmt.Fprintln(env.stdout, env.p().T("cli.migrate.applied", "Name", name))
			}
			return nil
		})
	})
	f.add(cmd.Flags())
	return cmd
}
