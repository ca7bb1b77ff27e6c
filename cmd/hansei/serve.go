package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/config"
	"github.com/hansei-dev/hansei/internal/notify"
	"github.com/hansei-dev/hansei/internal/scheduler"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/web"
)

// loadConfig reads the config file and environment, then applies the flags
// that were set: flags win over HANSEI_* variables, which win over the file.
func (env *cli) loadConfig(path, addr, db string) (config.Config, error) {
	if path == "" {
		path = env.getenv("HANSEI_CONFIG")
	}
	cfg, err := config.Load(path, env.getenv)
	if err != nil {
		return cfg, err
	}
	if addr != "" {
		cfg.Addr = addr
	}
	if db != "" {
		cfg.DB = db
	}
	return cfg, nil
}

// openDB opens and migrates the configured database.
func (env *cli) openDB(cfg config.Config) (*sqldb.DB, error) {
	db, err := sqldb.Open(env.ctx, cfg.DB)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redact(cfg.DB), err)
	}
	db.Scales = cfg.Scales
	db.IntentWindow = cfg.IntentWindow
	if now := clockFrom(env.ctx); now != nil {
		db.Now = now
	}
	if _, err := db.Migrate(env.ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database %s: %w", redact(cfg.DB), err)
	}
	return db, nil
}

// redact hides a password in a database URL before it is printed.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			if colon := strings.Index(dsn[i+3:at], ":"); colon >= 0 {
				return dsn[:i+3+colon] + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}

func (env *cli) serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "", "listen address (HANSEI_ADDR; default 127.0.0.1:8080)")
	dbFlag := fs.String("db", "", "database: a file path, sqlite:PATH or postgres://… (HANSEI_DB; default hansei.db)")
	configPath := fs.String("config", "", "config file (HANSEI_CONFIG): scales, glossary")
	publicAddr := fs.String("public-addr", "", "also serve the public status page, and nothing else, here (HANSEI_PUBLIC_ADDR; status.public_addr)")
	if rest, err := parse(fs, args, env.stderr); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageErrorf("serve takes no arguments, got %q", rest)
	}
	cfg, err := env.loadConfig(*configPath, *addr, *dbFlag)
	if err != nil {
		return err
	}
	if *publicAddr != "" {
		cfg.Status.PublicAddr = *publicAddr
	}
	log := newLogger(env)
	db, err := env.openDB(cfg)
	if err != nil {
		return err
	}
	defer db.Close()

	firstToken, firstLink, err := ensureAdmin(env.ctx, db, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (another process may use it; choose another with --addr)", cfg.Addr, err)
	}
	url := "http://" + ln.Addr().String()
	public, err := listenPublic(cfg.Status)
	if err != nil {
		ln.Close()
		return err
	}
	if public != nil {
		defer public.Close() // on the way out of a failed start; Shutdown closes it otherwise
	}
	app := web.New(db, cfg.Scales, log, db.Now)
	app.SetStatusConfig(env.statusConfig(cfg.Status, ln, public))
	app.SetLintRules(cfg.Lint)
	app.Reviews, db.Reviews = cfg.Reviews, cfg.Reviews
	db.AfterCommit = func([]hansei.Event) { app.Wake() }
	if err := app.Start(env.ctx); err != nil {
		return err
	}
	go db.Listen(env.ctx, app.Wake, log)
	deliverer := notify.New(db, db.Now, log)
	for _, w := range cfg.Notify.Webhooks {
		db.Targets = append(db.Targets, sqldb.Target{Channel: "webhook", Address: w.URL})
		deliverer.Secrets[w.URL] = w.Secret
	}
	for _, u := range cfg.Notify.Slack {
		db.Targets = append(db.Targets, sqldb.Target{Channel: "slack", Address: u})
	}
	if s := cfg.Notify.SMTP; s != nil {
		password := s.Password
		if p := env.getenv("HANSEI_SMTP_PASSWORD"); p != "" {
			password = p
		}
		deliverer.SMTP = &notify.SMTP{Addr: s.Addr, From: s.From, Username: s.Username, Password: password, StartTLS: s.StartTLS}
		db.Email = true
	}
	go deliverer.Run(env.ctx)
	jobs := scheduler.New(db, db.Now, log)
	jobs.Reminders, jobs.Enqueued, jobs.Location = cfg.Notify.Reminders, deliverer.Wake, cfg.Reviews.Location
	go jobs.Run(env.ctx)
	srv := &http.Server{
		Handler:           app.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if firstToken != "" {
		fmt.Fprintf(env.stdout, "\nFirst run: created the user \"admin\".\n")
		if firstLink != "" {
			// The browser needs an address it can open: HANSEI_URL if the
			// operator set one, else the listener with a wildcard host
			// made local.
			base, err := env.webBase("", ln.Addr().String())
			if err != nil {
				base = url
			}
			fmt.Fprintf(env.stdout, `
Open the web UI and sign in as admin with this one-time link:

    %s

  (it works once, within %d hours; then set a password with
   hansei users set-password admin, or make a new link with hansei users link admin)
`, signInURL(base, firstLink), int(firstLinkTTL.Hours()))
		}
		fmt.Fprintf(env.stdout, `
The API token of admin, shown only this once:

    %s

Command line: export HANSEI_URL=%s HANSEI_TOKEN=<the token above>
              hansei incident declare --severity SEV3 "First test incident"
Add teammates with: hansei users add NAME --role responder
`, firstToken, url)
		fmt.Fprintln(env.stdout)
	}
	if public != nil {
		fmt.Fprintf(env.stdout, "hansei public status page on http://%s/status (only the public routes)\n", public.Addr())
	}
	// The listening line comes last: scripts wait for it.
	fmt.Fprintf(env.stdout, "hansei listening on %s (database %s)\n", url, redact(cfg.DB))

	go expireKeys(env.ctx, db, log)
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	publicCtx, stopPublic := context.WithCancel(env.ctx)
	defer stopPublic()
	if public != nil {
		// The public listener has a server of its own, on fasthttp
		// (web.StatusPage.ServePublic): it takes the spike.
		go func() {
			if err := app.ServePublic(publicCtx, public); err != nil {
				errc <- err
			}
		}()
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-env.ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	stopPublic() // public requests are cached reads: nothing to finish
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(env.stdout, "hansei stopped")
	return nil
}

// listenPublic opens the public status page's own listener, if one is
// configured; nil if none is.
func listenPublic(c config.Status) (net.Listener, error) {
	if c.PublicAddr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", c.PublicAddr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on the public address %s: %w (choose another with --public-addr)", c.PublicAddr, err)
	}
	return ln, nil
}

// statusConfig is the status page's settings for the web layer. Its URL
// is the configured one, else the public listener's, else the web UI's
// (HANSEI_URL or the main listener).
func (env *cli) statusConfig(c config.Status, main, public net.Listener) web.StatusConfig {
	base := c.URL
	if base == "" && public != nil {
		host, port, _ := net.SplitHostPort(public.Addr().String())
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			host = "127.0.0.1"
		}
		base = "http://" + net.JoinHostPort(host, port)
	}
	if base == "" {
		base, _ = env.webBase("", main.Addr().String())
	}
	return web.StatusConfig{Name: c.Name, URL: base, Language: c.Language, RateLimit: c.RateLimit, MaxInFlight: c.MaxInFlight,
		MaxConnections: c.MaxConnections}
}

// firstLinkTTL is how long the first run's sign-in link lasts: longer
// than a link an admin hands out, since the operator who starts hansei may
// open the web UI only later.
const firstLinkTTL = 24 * time.Hour

// ensureAdmin creates the "admin" user on an empty database, so that a new
// installation never locks its owner out. It returns the new API token and
// a sign-in link token, or "" and "" if there were users already.
func ensureAdmin(ctx context.Context, db *sqldb.DB, log *slog.Logger) (token, link string, err error) {
	n, err := db.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", "", err
	}
	_, token, err = db.CreateUser(ctx, hansei.User{Name: "admin", DisplayName: "Administrator", Role: hansei.RoleAdmin})
	if hansei.ErrorCode(err) == hansei.EINVALID {
		return "", "", nil // another instance created it first
	} else if err != nil {
		return "", "", err
	}
	// Without the link the API token still gets the operator in, and this
	// is the only time it is shown: a failure here must not stop serve.
	link, _, err = db.CreateSignInLink(ctx, "admin", firstLinkTTL)
	if err != nil {
		log.Warn("could not make a sign-in link for admin; make one with hansei users link admin", "err", err)
		link = ""
	}
	return token, link, nil
}

// expireKeys forgets old idempotency keys once an hour.
func expireKeys(ctx context.Context, db *sqldb.DB, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := db.ExpireIdempotencyKeys(ctx); err != nil && ctx.Err() == nil {
			log.Warn("expiring idempotency keys", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func newLogger(env *cli) *slog.Logger {
	level := slog.LevelInfo
	if l := env.getenv("HANSEI_LOG_LEVEL"); l != "" {
		level.UnmarshalText([]byte(l))
	}
	return slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: level}))
}

func (env *cli) migrate(args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dbFlag := fs.String("db", "", "database (HANSEI_DB; default hansei.db)")
	configPath := fs.String("config", "", "config file (HANSEI_CONFIG)")
	if _, err := parse(fs, args, env.stderr); err != nil {
		return err
	}
	cfg, err := env.loadConfig(*configPath, "", *dbFlag)
	if err != nil {
		return err
	}
	db, err := sqldb.Open(env.ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(env.ctx)
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

// clockKey carries a replacement clock in the context given to run. Only
// tests set it, to move time through intent windows without sleeping.
type clockKey struct{}

func clockFrom(ctx context.Context) func() time.Time {
	now, _ := ctx.Value(clockKey{}).(func() time.Time)
	return now
}
