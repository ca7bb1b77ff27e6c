package statuspage

import (
	"context"
	"crypto/sha256"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/assets"
	"github.com/hansei-dev/hansei/internal/http/httpx"
	"github.com/hansei-dev/hansei/internal/i18n"
)

// The public status page: /status, its incidents, JSON, feeds and
// Atlassian Statuspage's v2 shapes, with no sign-in. Everything it serves
// comes from a statusSet rendered in the background whenever something
// public may have changed; a request never reads the database, so a flood
// of visitors during an outage costs the responders' API nothing but CPU,
// and that is bounded by the limits in status_limit.go.

// Source is where the status page reads from (*sqldb.DB).
type Source interface {
	// StatusSnapshot reads everything the public pages show.
	StatusSnapshot(ctx context.Context, now time.Time) (hansei.StatusSnapshot, error)
	// StatusVersion changes whenever the snapshot would: a cheap read
	// that tells whether a rebuild is needed.
	StatusVersion(ctx context.Context) (string, error)
}

// Config is how the status page presents itself and how much
// traffic its routes take.
type Config struct {
	// Name heads the page and the feeds ("Status" when empty).
	Name string
	// URL is the page's public address without a path, such as
	// https://status.example.com: feeds and the v2 JSON link to it.
	URL string
	// Language is the organisation's default: the page's words for a
	// visitor who names no language the page speaks (en, ja, de or a
	// language the deployment's Catalogs add).
	Language string
	// Languages are the languages the page is rendered in, each once per
	// change; empty: every language of Catalogs. Language is added when
	// it is not among them.
	Languages []string
	// Catalogs are the words in every language; nil: the built-in ones.
	Catalogs *i18n.Catalogs
	// RateLimit bounds public requests per second, over all public routes
	// together; 0 means no limit.
	RateLimit int
	// ClientRateLimit bounds public requests per second from one client
	// address (an IPv6 /64); 0 means no limit. RateLimit stays the
	// ceiling over all clients.
	ClientRateLimit int
	// ClientAddressHeader, when set, is the header a proxy in front puts
	// the client's address in (X-Forwarded-For: its last entry); the
	// per-client limit reads the client from it instead of the peer.
	ClientAddressHeader string
	// MaxInFlight bounds public requests served at once; 0 means no
	// limit.
	MaxInFlight int
	// MaxConnections bounds open connections on the --public-addr
	// listener; 0 means no limit.
	MaxConnections int
	// PublicTimeouts are the --public-addr listener's; zero fields take
	// DefaultPublicTimeouts.
	PublicTimeouts PublicTimeouts
}

// Timing of rebuilds. How often the page checks its version, and how a
// burst of Changed calls is gathered, is the scheduler's (the
// "status-page" job in internal/scheduler/jobs.go).
const (
	// statusRebuildEvery is the longest a set is served without being
	// rebuilt, whatever the version says; an unchanged body keeps its
	// compressed forms, so this costs a render and a hash.
	statusRebuildEvery = time.Minute
	// statusMaxIncidents bounds the incident pages kept in memory.
	statusMaxIncidents = 500
)

// Page serves the public routes from memory.
type Page struct {
	src   Source
	log   *slog.Logger
	now   func() time.Time
	cfg   Config
	tmpl  statusTemplates
	hdr   statusHeaders
	cats  *i18n.Catalogs
	langs *pageLangs
	// refusals are the refusals' bodies by language and reason.
	refusals [][numRefuseReasons]string

	rate      *rateLimiter
	perClient *clientLimiter
	flight    *inFlight

	cur    atomic.Pointer[statusSet]
	kick   chan struct{}
	public *http.ServeMux
	// paths maps each public path with a fixed body to it (routes.go);
	// the --public-addr server routes by it (public.go).
	paths map[string]statusBody
	// routes are the public routes' handlers, under the public limits.
	routes httpx.Routes

	// buildMu makes builds one at a time; it guards packed.
	buildMu sync.Mutex
	packed  map[[sha256.Size]byte]compressed
}

// New returns a status page reading from src. Nothing is served
// until Start (or Rebuild) has built the first set; after that the
// scheduler keeps it current through Refresh, UntilRebuild and Changes.
// It takes no severity scale: nothing public depends on severity.
func New(src Source, log *slog.Logger, now func() time.Time, cfg Config) *Page {
	t, err := parseStatusTemplates(assets.Versions())
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a build mistake
	}
	p := &Page{src: src, log: log, now: now, tmpl: t, hdr: newStatusHeaders(), cats: i18n.MustBuiltin(),
		kick: make(chan struct{}, 1), public: http.NewServeMux()}
	p.Configure(cfg)
	p.mount()
	// Every other path is the status page's 404, and every other method
	// 405: the listener serves reads only.
	p.public.HandleFunc("GET /", p.limited(p.notFound))
	return p
}

// Configure sets the page's name, address and limits. Call it before
// serving.
func (p *Page) Configure(cfg Config) {
	if cfg.Name == "" {
		cfg.Name = "Status"
	}
	if cfg.Catalogs != nil {
		p.cats = cfg.Catalogs
	}
	cfg.Language = p.cats.Match(cfg.Language)
	langs := cfg.Languages
	if len(langs) == 0 {
		langs = p.cats.Languages()
	}
	p.cfg = cfg
	p.langs = newPageLangs(p.cats, langs, cfg.Language)
	p.refusals = refusalTexts(p.cats, p.langs.langs)
	p.rate = newRateLimiter(cfg.RateLimit)
	p.perClient = newClientLimiter(cfg.ClientRateLimit)
	p.flight = newInFlight(cfg.MaxInFlight, inFlightWait)
}

// Handler serves the public routes and nothing else: every other path is
// 404. It is the --public-addr listener's whole surface.
func (p *Page) Handler() http.Handler { return p.public }

// Start builds the first set before anything is served. A failed first
// build is logged and the routes answer 503 until Refresh succeeds: the
// status page must not keep the responders' tool from starting.
func (p *Page) Start(ctx context.Context) {
	if p.src == nil {
		return
	}
	if err := p.refresh(ctx, true); err != nil && ctx.Err() == nil {
		p.log.Error("status page: first build failed; its routes answer 503 until a rebuild succeeds", "err", err)
	}
}

// Changed tells the page that something public may have changed. It never
// blocks; the scheduler gathers a burst of calls into one Refresh.
func (p *Page) Changed() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Changes receives a value after Changed.
func (p *Page) Changes() <-chan struct{} { return p.kick }

// Rebuild builds a new set now, whatever the version says.
func (p *Page) Rebuild(ctx context.Context) error { return p.refresh(ctx, true) }

// Refresh rebuilds when the status version changed, or regardless once the
// clock has changed the page (UntilRebuild). While it fails the last set
// is served (Cache-Control allows stale-if-error too).
func (p *Page) Refresh(ctx context.Context) error {
	if p.src == nil {
		return nil
	}
	set := p.cur.Load()
	if err := p.refresh(ctx, set == nil || !p.now().Before(set.rebuildAt())); err != nil {
		if set == nil {
			return fmt.Errorf("status page, answering 503 until a build succeeds: %w", err)
		}
		return fmt.Errorf("status page, serving the last one built: %w", err)
	}
	return nil
}

// UntilRebuild is how long until the next rebuild whatever the version
// says: when the clock alone changes the pages, or statusRebuildEvery
// after the last build, whichever comes first. Version checks that find
// nothing new do not push it back.
func (p *Page) UntilRebuild() time.Duration {
	set := p.cur.Load()
	if set == nil {
		// Not built: Refresh fails until it is, and the scheduler retries
		// a failed job at its usual pace.
		return statusRebuildEvery
	}
	return max(set.rebuildAt().Sub(p.now()), 10*time.Millisecond)
}

// rebuildAt is when the set must be rebuilt, whatever the version says.
func (set *statusSet) rebuildAt() time.Time {
	at := set.builtAt.Add(statusRebuildEvery)
	if !set.next.IsZero() && set.next.Before(at) {
		at = set.next
	}
	return at
}

// refresh rebuilds when the version changed, or always when force.
func (p *Page) refresh(ctx context.Context, force bool) error {
	p.buildMu.Lock()
	defer p.buildMu.Unlock()
	version, err := p.src.StatusVersion(ctx)
	if err != nil {
		return fmt.Errorf("status version: %w", err)
	}
	if cur := p.cur.Load(); !force && cur != nil && cur.version == version {
		return nil
	}
	// The set keeps the version read with the snapshot, in its
	// transaction; a change that lands after it makes the next check
	// rebuild.
	now := p.now()
	snap, err := p.src.StatusSnapshot(ctx, now)
	if err != nil {
		return fmt.Errorf("status snapshot: %w", err)
	}
	set, err := p.build(snap, now)
	if err != nil {
		return err
	}
	set.version = version
	if snap.Version != "" {
		set.version = snap.Version // read in the same transaction as the rest
	}
	if old := p.cur.Swap(set); old != nil {
		old.files.release()
	}
	return nil
}

// build renders every body and packs it; buildMu is held. The JSON
// bodies are rendered once; the pages and feeds once in each language,
// so that a request in any language only picks bytes.
func (p *Page) build(snap hansei.StatusSnapshot, now time.Time) (*statusSet, error) {
	m := newStatusModel(snap, now, p.cfg)
	var shared [numBodies][]byte
	if err := m.renderData(&shared); err != nil {
		return nil, err
	}
	pk := packer{prev: p.packed, next: make(map[[sha256.Size]byte]compressed, len(p.packed)),
		lastMod: m.lastMod, hdr: &p.hdr}
	var sharedEntries [numBodies]*statusEntry
	for b, body := range shared {
		if body != nil {
			sharedEntries[b] = pk.entry(body, statusBody(b), http.StatusOK, "")
		}
	}
	set := &statusSet{next: m.next, builtAt: now, byLang: make([]*langSet, len(p.langs.langs))}
	for i, lang := range p.langs.langs {
		bodies, incidents, err := p.render(m, lang)
		if err != nil {
			return nil, err
		}
		ls := &langSet{bodies: sharedEntries, incidents: make(map[int64]*statusEntry, len(incidents))}
		for b, body := range bodies {
			if body == nil {
				continue
			}
			code := http.StatusOK
			if statusBody(b) == bodyNotFound {
				code = http.StatusNotFound
			}
			ls.bodies[b] = pk.entry(body, statusBody(b), code, lang)
		}
		for n, body := range incidents {
			ls.incidents[n] = pk.entry(body, bodyPage, http.StatusOK, lang)
		}
		set.byLang[i] = ls
	}
	p.packed = pk.next
	return set, nil
}

// bodyIncident stands for /status/incidents/{n} in route lists.
const bodyIncident statusBody = -1

func (p *Page) serveBody(b statusBody) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		set := p.cur.Load()
		if set == nil {
			p.unavailable(w, r)
			return
		}
		lang, named := p.requestLang(r)
		serveEntry(w, r, set.byLang[lang].bodies[b], named)
	}
}

// serveIncident serves one public incident. Unknown, restricted and
// never-published incidents get the same 404, so that the page does not
// tell which numbers exist.
func (p *Page) serveIncident(w http.ResponseWriter, r *http.Request) {
	set := p.cur.Load()
	if set == nil {
		p.unavailable(w, r)
		return
	}
	lang, named := p.requestLang(r)
	ls := set.byLang[lang]
	e := ls.bodies[bodyNotFound]
	if n, err := strconv.ParseInt(r.PathValue("n"), 10, 64); err == nil {
		if found := ls.incidents[n]; found != nil {
			e = found
		}
	}
	serveEntry(w, r, e, named)
}

// notFound answers every path the public handler does not know.
func (p *Page) notFound(w http.ResponseWriter, r *http.Request) {
	if set := p.cur.Load(); set != nil {
		lang, named := p.requestLang(r)
		serveEntry(w, r, set.byLang[lang].bodies[bodyNotFound], named)
		return
	}
	http.NotFound(w, r)
}

// requestLang is the index of a request's language, and whether ?lang=
// named it.
func (p *Page) requestLang(r *http.Request) (int, bool) {
	var accept string
	if v := r.Header["Accept-Language"]; len(v) > 0 {
		accept = v[0]
	}
	return p.langs.choose(langParam(r.URL.RawQuery), accept)
}

func (p *Page) unavailable(w http.ResponseWriter, r *http.Request) {
	p.refuse(w, r, refusal{http.StatusServiceUnavailable, 5 * time.Second, refuseNotReady})
}

//go:embed templates/*.html
var templateFiles embed.FS

// statusTemplates are the public pages' templates: their own small
// layout, not the signed-in one, with the same stylesheet.
type statusTemplates struct {
	page, incident, notFound *template.Template
}

func parseStatusTemplates(versions map[string]string) (statusTemplates, error) {
	base, err := template.New("status_layout").Funcs(assets.Funcs(versions)).ParseFS(templateFiles, "templates/status_layout.html")
	if err != nil {
		return statusTemplates{}, err
	}
	var t statusTemplates
	for _, pg := range []struct {
		dst  **template.Template
		file string
	}{{&t.page, "status.html"}, {&t.incident, "status_incident.html"}, {&t.notFound, "status_notfound.html"}} {
		c, err := base.Clone()
		if err == nil {
			*pg.dst, err = c.ParseFS(templateFiles, "templates/"+pg.file)
		}
		if err != nil {
			return statusTemplates{}, fmt.Errorf("template %s: %w", pg.file, err)
		}
	}
	return t, nil
}
