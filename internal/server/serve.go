// Package server is the composition root: it builds the store, the web
// server, the scheduler, the notifier and the listeners from the
// configuration, and runs them until the context ends.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/config"
	"github.com/hansei-dev/hansei/internal/http/statuspage"
	"github.com/hansei-dev/hansei/internal/i18n"
	"github.com/hansei-dev/hansei/internal/notify"
	"github.com/hansei-dev/hansei/internal/scheduler"
	"github.com/hansei-dev/hansei/internal/sqldb"
)

// LoadConfig reads the config file and environment, then applies the flags
// that were set: flags win over HANSEI_* variables, which win over the file.
// config.Load is the one reader of the server's environment.
func (env *Env) LoadConfig(path, addr, db string) (config.Config, error) {
	cfg, err := config.Load(path, env.getenv)
	if err != nil {
		return cfg, err
	}
	if addr != "" {
		cfg.Addr = addr
	}
	if db != "" {
		cfg.DB, cfg.DBSet = db, true
	}
	return cfg, nil
}

// openDB opens and migrates the configured database; create lets it make
// a new one, and hint says how to when it may not.
func (env *Env) openDB(cfg config.Config, create bool, hint string) (*sqldb.DB, error) {
	db, err := sqldb.OpenWith(env.ctx, cfg.DB, sqldb.Options{Create: create, Synchronous: cfg.Database.SQLiteSynchronous})
	if errors.Is(err, sqldb.ErrNoDatabase) {
		return nil, fmt.Errorf("open database %s: %w; %s", redact(cfg.DB), err, hint)
	}
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

// Console is the use cases over the configured database, for the commands
// that work on it directly (hansei users …): they act as app.Console().
// Close closes the database.
type Console struct {
	*app.App
	Close func() error
}

// OpenConsole opens cfg's database for the console commands. They make a
// new database only when create says so (hansei users --create): a users
// command pointed at the wrong place would otherwise make a fresh file and
// print a token that the running server has never heard of.
func (env *Env) OpenConsole(cfg config.Config, create bool) (Console, error) {
	db, err := env.openDB(cfg, create, "check --db or HANSEI_DB (it must be the database the server uses), or give --create to make a new one")
	if err != nil {
		return Console{}, err
	}
	a := app.New(app.Config{Store: db, Scales: cfg.Scales, LintRules: cfg.Lint, Now: db.Now})
	return Console{App: a, Close: db.Close}, nil
}

// DatabaseName is how a command names the database it works on, for
// people: sqlite: and the file's absolute path, or the PostgreSQL URL
// without its password.
func DatabaseName(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		// A password may also come as a parameter: ?password=…
		if u, err := url.Parse(dsn); err == nil && u.Query().Has("password") {
			q := u.Query()
			q.Set("password", "***")
			u.RawQuery = strings.ReplaceAll(q.Encode(), "%2A", "*")
			dsn = u.String()
		}
		return redact(dsn)
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return "sqlite:" + path
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

// Options are what the command line says about the server; an empty
// field leaves the setting to the environment and the config file.
type Options struct {
	Config, Addr, DB, PublicAddr string
	// Create lets serve make the database if it does not exist.
	Create bool
}

// Serve runs everything until the context ends, then stops cleanly.
func (env *Env) Serve(o Options) error {
	cfg, err := env.LoadConfig(o.Config, o.Addr, o.DB)
	if err != nil {
		return err
	}
	if o.PublicAddr != "" {
		cfg.Status.PublicAddr = o.PublicAddr
	}
	if o.Create {
		cfg.Database.Create = true
	}
	log := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	db, err := env.openServed(cfg, log)
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
	app := NewWeb(db, cfg.Scales, log, db.Now)
	// The catalogs are built once: a deployment's catalog that lacks
	// messages is logged here, one line a message.
	cats, err := catalogs(cfg.Languages, log)
	if err != nil {
		ln.Close()
		return err
	}
	app.SetCatalogs(cats)
	statusCfg := env.statusConfig(cfg.Status, cfg.URL, ln, public)
	statusCfg.Catalogs = cats
	app.SetStatusConfig(statusCfg)
	app.SetSignIn(cfg.SignIn, cfg.TrustedProxies)
	app.App().SetLintRules(cfg.Lint)
	app.App().Reviews.Policy, db.Reviews = cfg.Reviews, cfg.Reviews
	app.App().Postmortems.AllowSelfReview = cfg.Postmortems.AllowSelfReview
	db.AfterCommit = func([]hansei.Event) { app.Wake() }
	if err := app.Start(env.ctx); err != nil {
		return err
	}
	go db.Listen(env.ctx, app.Wake, log)
	deliverer := notify.New(db, db.Now, log, cfg.Notify.AllowPrivateHosts)
	for _, w := range cfg.Notify.Webhooks {
		deliverer.Secrets[w.URL] = w.Secret
	}
	deliverer.Catalogs = cats
	// The event webhooks walk the timeline after each commit (and on the
	// deliverer's poll, for other instances' commits and retries).
	deliverer.Events = db
	app.App().Webhooks.AllowPrivateHosts = cfg.Notify.AllowPrivateHosts
	db.AfterCommit = func([]hansei.Event) { app.Wake(); deliverer.Wake() }
	if s := cfg.Notify.SMTP; s != nil {
		deliverer.SMTP = &notify.SMTP{Addr: s.Addr, From: s.From, Username: s.Username, Password: s.Password, StartTLS: s.StartTLS}
	}
	// A notice about a restricted incident links to the web UI's
	// remediations, where the recipient signs in and sees what they may.
	base, err := env.WebBase("", cfg.URL, ln.Addr().String())
	if err != nil {
		base = url
	}
	fan, err := fanOut(cfg.Notify, base+"/remediations", cats)
	if err != nil {
		return err
	}
	pages := paging(cfg.Notify.Paging, cfg.Scales.Severity, base, &fan, deliverer)
	// A notification about an incident links to its page, and the
	// severity levels' paging and the rules say who else hears of it.
	fan.Base, fan.Scales, fan.Rules = base, cfg.Scales, cfg.Notify.Rules
	if len(fan.Targets) > 0 || fan.Email || len(pages.Rules) > 0 {
		// Without a channel nothing is written: a change that would notify
		// keeps its one-statement path (sqldb's fastpath.go).
		db.FanOut = fan.Outgoing
	}
	if len(pages.Rules) > 0 {
		db.Pages = pages.Pages
	}
	// Every periodic job, the deliveries and the status page's rebuilds
	// included, runs in the scheduler (internal/scheduler/jobs.go).
	jobs := scheduler.New(scheduler.Following(db.Now), db, log)
	jobs.Add(scheduler.Jobs(scheduler.Deps{Store: db, Now: db.Now, Reminders: app.App().Notifications,
		ReminderPolicy: cfg.Notify.Reminders, Location: cfg.Reviews.Location, Outbox: deliverer, Status: app.StatusPage(),
		SignIn: app.App().Users})...)
	go jobs.Run(env.ctx)
	app.Streams.MaxPerUser = cfg.HTTP.MaxStreamsPerUser
	srv := app.HTTPServer(TimeoutsOf(cfg.HTTP))
	if firstToken != "" {
		fmt.Fprintf(env.stdout, "\nFirst run: created the user \"admin\".\n")
		if firstLink != "" {
			// The browser needs an address it can open: the configured
			// url (HANSEI_URL) if the operator set one, else the listener
			// with a wildcard host made local.
			base, err := env.WebBase("", cfg.URL, ln.Addr().String())
			if err != nil {
				base = url
			}
			fmt.Fprintf(env.stdout, `
Open the web UI and sign in as admin with this one-time link:

    %s

  (it works once, within %d hours; then set a password with
   hansei users set-password admin, or make a new link with hansei users link admin)
`, SignInURL(base, firstLink), int(firstLinkTTL.Hours()))
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

	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(LimitConnections(srv, ln, cfg.HTTP.MaxConnections)) }()
	publicCtx, stopPublic := context.WithCancel(env.ctx)
	defer stopPublic()
	if public != nil {
		// The public listener has a server of its own, on fasthttp
		// (statuspage.Page.ServePublic): it takes the spike.
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

// catalogs are the built-in languages and the config's.
func catalogs(langs []config.Language, log *slog.Logger) (*i18n.Catalogs, error) {
	extra := make([]*i18n.Catalog, len(langs))
	for i, l := range langs {
		extra[i] = l.Messages
	}
	return i18n.New(extra, log)
}

// fanOut is where notifications go with this configuration: every webhook
// and Slack target, and email to the recipients who chose it when SMTP is
// set; link is the page a notice about a restricted incident points to.
// A shared channel's language must be one a catalog speaks: a typo would
// otherwise send English to a team that asked for German.
func fanOut(c config.Notify, link string, cats *i18n.Catalogs) (app.FanOut, error) {
	f := app.FanOut{Email: c.SMTP != nil, Link: link, Catalogs: cats, Language: c.Language}
	check := func(setting, lang string) error {
		if _, ok := cats.Lookup(lang); lang != "" && !ok {
			return fmt.Errorf("%s: no catalog speaks %q; the languages are %s (add one under languages)",
				setting, lang, strings.Join(cats.Languages(), ", "))
		}
		return nil
	}
	if err := check("config: notify.language", c.Language); err != nil {
		return f, err
	}
	for i, w := range c.Webhooks {
		if err := check(fmt.Sprintf("config: notify.webhooks[%d].language", i), w.Language); err != nil {
			return f, err
		}
		f.Targets = append(f.Targets, hansei.Target{Channel: "webhook", Address: w.URL, Language: w.Language, Name: w.Name})
	}
	for _, u := range c.Slack {
		f.Targets = append(f.Targets, hansei.Target{Channel: "slack", Address: u})
	}
	return f, nil
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
// (webURL, the configured url, or the main listener).
func (env *Env) statusConfig(c config.Status, webURL string, main, public net.Listener) statuspage.Config {
	base := c.URL
	if base == "" && public != nil {
		host, port, _ := net.SplitHostPort(public.Addr().String())
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			host = "127.0.0.1"
		}
		base = "http://" + net.JoinHostPort(host, port)
	}
	if base == "" {
		base, _ = env.WebBase("", webURL, main.Addr().String())
	}
	return statuspage.Config{Name: c.Name, URL: base, Language: c.Language, RateLimit: c.RateLimit, MaxInFlight: c.MaxInFlight,
		MaxConnections: c.MaxConnections, ClientRateLimit: c.ClientRateLimit, ClientAddressHeader: c.ClientAddressHeader}
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
	users := app.New(app.Config{Store: db, Now: db.Now}).Users
	_, token, err = users.Create(ctx, app.Console(), hansei.User{Name: "admin", DisplayName: "Administrator", Role: hansei.RoleAdmin})
	if hansei.ErrorCode(err) == hansei.EINVALID {
		return "", "", nil // another instance created it first
	} else if err != nil {
		return "", "", err
	}
	// Without the link the API token still gets the operator in, and this
	// is the only time it is shown: a failure here must not stop serve.
	link, _, err = users.NewSignInLink(ctx, app.Console(), "admin", firstLinkTTL)
	if err != nil {
		log.Warn("could not make a sign-in link for admin; make one with hansei users link admin", "err", err)
		link = ""
	}
	return token, link, nil
}

// Migrate brings the database schema up to date and returns the names of
// the migrations it applied.
func (env *Env) Migrate(configPath, dbPath string) ([]string, error) {
	cfg, err := env.LoadConfig(configPath, "", dbPath)
	if err != nil {
		return nil, err
	}
	// Making the schema is what migrate is for: it creates the database.
	db, err := sqldb.OpenWith(env.ctx, cfg.DB, sqldb.Options{Create: true, Synchronous: cfg.Database.SQLiteSynchronous})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.Migrate(env.ctx)
}

// ClockKey carries a replacement clock, a func() time.Time, in the context
// given to the server. Only tests set it, to move time through intent
// windows without sleeping.
type ClockKey struct{}

func clockFrom(ctx context.Context) func() time.Time {
	now, _ := ctx.Value(ClockKey{}).(func() time.Time)
	return now
}
