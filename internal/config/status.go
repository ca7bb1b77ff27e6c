package config

import (
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Status is the public status page's settings.
type Status struct {
	// Name heads the page and its feeds.
	Name string
	// URL is the address visitors use, such as https://status.example.com;
	// feeds and the Statuspage JSON link to it. Empty: the listener's.
	URL string
	// PublicAddr, when set, serves the public routes (and only them) on a
	// second listener too, host:port.
	PublicAddr string
	// Language of the page's own words: en, ja or de.
	Language string
	// RateLimit bounds public requests a second, over all public routes
	// together; 0 turns it off.
	RateLimit int
	// MaxInFlight bounds public requests served at once; 0 turns it off.
	MaxInFlight int
	// MaxConnections bounds open connections on PublicAddr; 0 turns it
	// off.
	MaxConnections int
}

// Defaults of the status section.
const (
	DefaultStatusName     = "Status"
	DefaultRateLimit      = 20000
	DefaultMaxConnections = 2048
)

// DefaultMaxInFlight is four public requests per CPU hansei may use, and
// at least 16: enough to keep every CPU busy while some requests wait on
// slow readers, few enough that a flood cannot pile up goroutines.
func DefaultMaxInFlight() int { return max(4*runtime.GOMAXPROCS(0), 16) }

func defaultStatus() Status {
	return Status{Name: DefaultStatusName, Language: "en", RateLimit: DefaultRateLimit,
		MaxInFlight: DefaultMaxInFlight(), MaxConnections: DefaultMaxConnections}
}

var statusFields = []string{"name", "url", "public_addr", "language", "rate_limit", "max_in_flight", "max_connections"}

// The status section:
//
//	status:
//	  name: Example status
//	  url: https://status.example.com
//	  public_addr: :8081          # also serve the public routes here
//	  language: en                # en, ja or de
//	  rate_limit: 20000           # public requests a second; 0: no limit
//	  max_in_flight: 64           # public requests at once; 0: no limit
//	  max_connections: 2048       # open connections on public_addr; 0: no limit
func (d *decoder) status(n *yaml.Node, path string, s *Status) {
	r := d.resolve(n)
	if r == nil || d.broken || isNull(r) {
		return
	}
	if r.Kind != yaml.MappingNode {
		d.typeError(n, path, "expected a mapping with %s, found %s", strings.Join(statusFields, ", "), describe(r))
		return
	}
	d.fields(r, path, fieldSet{
		"name": func(_, v *yaml.Node, p string) {
			d.text(v, p, &s.Name)
			if s.Name == "" || len(s.Name) > 100 {
				d.errorf(v, p, "the page's name must be 1 to 100 characters, such as \"Example status\"")
			}
		},
		"url": func(_, v *yaml.Node, p string) {
			d.text(v, p, &s.URL)
			if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				d.errorf(v, p, "%q is not the page's address; give an http(s) URL such as https://status.example.com", s.URL)
			}
			s.URL = strings.TrimRight(s.URL, "/")
		},
		"public_addr": func(k, v *yaml.Node, p string) {
			d.text(v, p, &s.PublicAddr)
			d.src[p] = source{line: k.Line}
		},
		"language": func(_, v *yaml.Node, p string) {
			d.text(v, p, &s.Language)
			if !slices.Contains([]string{"en", "ja", "de"}, s.Language) {
				d.errorf(v, p, "unknown language %q; the status page speaks en, ja or de", s.Language)
			}
		},
		"rate_limit":      func(_, v *yaml.Node, p string) { d.count(v, p, 10_000_000, &s.RateLimit) },
		"max_in_flight":   func(_, v *yaml.Node, p string) { d.count(v, p, 1_000_000, &s.MaxInFlight) },
		"max_connections": func(_, v *yaml.Node, p string) { d.count(v, p, 1_000_000, &s.MaxConnections) },
	}, statusFields)
}

// count decodes a whole number from 0 to most.
func (d *decoder) count(n *yaml.Node, path string, most int, dst *int) {
	var raw string
	d.text(n, path, &raw)
	v, err := strconv.Atoi(raw)
	if err != nil || v < 0 || v > most {
		d.errorf(n, path, "expected a whole number from 0 (no limit) to %d, not %q", most, raw)
		return
	}
	*dst = v
}

// checkPublicAddr: the public listener needs its own port.
func checkPublicAddr(c *Config) func(string) string {
	return func(addr string) string {
		if msg := checkAddr(addr); msg != "" {
			return msg
		}
		if addr == c.Addr {
			return "the public address must differ from addr (" + c.Addr + "); the main address serves the status page already"
		}
		return ""
	}
}
