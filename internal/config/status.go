package config

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
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
	// Language is the organisation's default language of the page: en, ja,
	// de or a language the config adds.
	Language string
	// RateLimit bounds public requests a second, over all public routes
	// together; 0 turns it off.
	RateLimit int
	// MaxInFlight bounds public requests served at once; 0 turns it off.
	MaxInFlight int
	// MaxConnections bounds open connections on PublicAddr; 0 turns it
	// off.
	MaxConnections int
	// ClientRateLimit bounds public requests a second from one client
	// address (an IPv6 /64); 0 turns it off. RateLimit is the ceiling.
	ClientRateLimit int
	// ClientAddressHeader names the header a proxy in front sets to the
	// client's address; empty: the client is the connection's peer.
	ClientAddressHeader string
}

// Defaults of the status section.
const (
	DefaultStatusName     = "Status"
	DefaultRateLimit      = 20000
	DefaultMaxConnections = 2048
	// DefaultClientRateLimit is generous for one visitor, and for an
	// office behind one address during an outage, and still takes 200
	// addresses to reach the ceiling of DefaultRateLimit.
	DefaultClientRateLimit = 100
)

// DefaultMaxInFlight is four public requests per CPU hansei may use, and
// at least 16: enough to keep every CPU busy while some requests wait on
// slow readers, few enough that a flood cannot pile up goroutines.
func DefaultMaxInFlight() int { return max(4*runtime.GOMAXPROCS(0), 16) }

// The status section:
//
//	status:
//	  name: Example status
//	  url: https://status.example.com
//	  public_addr: :8081          # also serve the public routes here
//	  language: en                # default: en, ja, de or a code under languages
//	  rate_limit: 20000           # public requests a second; 0: no limit
//	  max_in_flight: 64           # public requests at once; 0: no limit
//	  max_connections: 2048       # open connections on public_addr; 0: no limit
//	  client_rate_limit: 100      # public requests a second from one address; 0: no limit
//	  client_address_header: X-Forwarded-For   # only behind a proxy that sets it
func statusField() field[Config] {
	return field[Config]{key: "status", doc: "The public status page: its name, its address and its limits (see [status-page.md](status-page.md)).",
		value: sectionValue[Config, Status]{at: func(c *Config) *Status { return &c.Status }, fields: statusFields()}}
}

func statusFields() []field[Status] {
	pageName := textKind(func(name string) string {
		if name == "" || len(name) > 100 {
			return "the page's name must be 1 to 100 characters, such as \"Example status\""
		}
		return ""
	})
	// A language code here; whether a catalog speaks it is checked once
	// the languages: section is read (checkStatusLanguage).
	language := textKind(checkLanguage)
	return []field[Status]{
		{key: "name", doc: "Heads the page and its feeds, 1 to 100 characters.",
			value: scalar(func(s *Status) *string { return &s.Name }, pageName, DefaultStatusName)},
		{key: "url", def: "the public listener's address, else `url`, else made from `addr`",
			doc: "The page's address as visitors reach it, an http(s) URL without a query; `/status` and the feeds' links are made from it.",
			value: scalar(func(s *Status) *string { return &s.URL },
				siteURL("the page's address", "https://status.example.com", false), "")},
		{key: "public_addr", env: "HANSEI_PUBLIC_ADDR",
			doc:   "`host:port` of a second listener that serves the public routes and nothing else; it must differ from `addr`.",
			value: scalar(func(s *Status) *string { return &s.PublicAddr }, listenAddr(true), "")},
		{key: "language", doc: "The organisation's default language of the page, its feeds and refusals, for a visitor who asks for none it has (`?lang=`, then `Accept-Language`, come first): `en`, `ja`, `de` or a code under `languages`. The JSON is the same in every language.",
			value: scalar(func(s *Status) *string { return &s.Language }, language, "en")},
		{key: "rate_limit", doc: "Public requests a second over all public routes together, on both addresses; beyond it 429. `0`: no limit.",
			value: scalar(func(s *Status) *int { return &s.RateLimit }, count(10_000_000), DefaultRateLimit)},
		{key: "max_in_flight", def: "4 × CPUs, at least 16",
			doc:   "Public requests served at once on the main address; beyond it a request waits up to 100 ms, then 503. `0`: no limit.",
			value: scalar(func(s *Status) *int { return &s.MaxInFlight }, count(1_000_000), DefaultMaxInFlight())},
		{key: "max_connections", doc: "Open connections on `public_addr`; beyond it new ones wait in the kernel's backlog. `0`: no limit.",
			value: scalar(func(s *Status) *int { return &s.MaxConnections }, count(1_000_000), DefaultMaxConnections)},
		{key: "client_rate_limit", doc: "Public requests a second from one client address (an IPv6 /64), on both addresses, in bursts of up to a second's worth; beyond it 429, and `rate_limit` stays the ceiling over all. `0`: no limit.",
			value: scalar(func(s *Status) *int { return &s.ClientRateLimit }, count(10_000_000), DefaultClientRateLimit)},
		{key: "client_address_header", def: "none: the connection's peer",
			doc:   "The header in which the proxy or CDN in front puts the client's address, such as `X-Forwarded-For` (its last entry is read) or `CF-Connecting-IP`; set it only behind such a proxy, since a client can send any header.",
			value: scalar(func(s *Status) *string { return &s.ClientAddressHeader }, headerName(), "")},
	}
}

// headerName is an HTTP header's name, or empty.
func headerName() kind[string] {
	return textKind(func(name string) string {
		for _, c := range name {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Sprintf("%q is not a header name; use letters, digits and '-', such as X-Forwarded-For", name)
			}
		}
		return ""
	})
}

// checkStatusLanguage: the page's default language is one a catalog
// speaks, built in or named under languages.
func checkStatusLanguage(d *decoder, c *Config) {
	lang := c.Status.Language
	known := []string{"en", "ja", "de"}
	for _, l := range c.Languages {
		if !slices.Contains(known, l.Code) {
			known = append(known, l.Code)
		}
	}
	if lang == "" || slices.Contains(known, lang) || checkLanguage(lang) != "" {
		return
	}
	list := strings.Join(known[:len(known)-1], ", ") + " or " + known[len(known)-1]
	d.problem("status.language", "unknown language %q; the status page speaks %s", lang, list)
}

// checkPublicAddr: the public listener needs its own port.
func checkPublicAddr(d *decoder, c *Config) {
	if a := c.Status.PublicAddr; a != "" && a == c.Addr {
		d.problem("status.public_addr",
			"the public address must differ from addr (%s); the main address serves the status page already", c.Addr)
	}
}
