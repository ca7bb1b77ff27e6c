package statuspage

import (
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/i18n"
)

// The visitor's language: ?lang= if a catalog speaks it, else the
// browser's Accept-Language by quality, else the organisation's default
// (status.language). The choice is the foundation's (i18n.Catalogs, with
// x/text's Matcher); this file only keeps it cheap on a flood, where a
// request must pick bytes and nothing more: the answer for each header
// value seen is kept in a small map, read without a lock or an allocation,
// and a value not seen yet asks the Matcher once.

// langCacheMax bounds each map: browsers send a handful of distinct
// Accept-Language values, and a client that sends a new one with every
// request gets the Matcher's answer each time instead of filling memory.
const (
	langCacheMax    = 512
	langCacheMaxKey = 256
)

// pageLangs are the languages the page is rendered in, and the answers
// found so far.
type pageLangs struct {
	langs []string       // by index; the set's bodies follow this order
	index map[string]int // code → index
	def   int            // the organisation's default

	cats *i18n.Catalogs
	// param and accept map a ?lang= value and an Accept-Language value
	// to an index, or -1 when it names no language of the page. Each is
	// copied on write: rare, since the values repeat.
	param, accept langCache
}

type langCache struct {
	mu sync.Mutex // writers only
	m  atomic.Pointer[map[string]int]
}

func newPageLangs(cats *i18n.Catalogs, langs []string, def string) *pageLangs {
	pl := &pageLangs{cats: cats, index: map[string]int{}}
	for _, l := range langs {
		if _, dup := pl.index[l]; !dup && cats.Has(l) {
			pl.index[l] = len(pl.langs)
			pl.langs = append(pl.langs, l)
		}
	}
	i, ok := pl.index[def]
	if !ok {
		i = len(pl.langs)
		pl.index[def] = i
		pl.langs = append(pl.langs, def)
	}
	pl.def = i
	return pl
}

// of is the index of a catalog language, or -1 when the page is not
// rendered in it.
func (pl *pageLangs) of(lang string) int {
	if i, ok := pl.index[lang]; ok {
		return i
	}
	return -1
}

// choose is the language of a request on the main address, and whether
// ?lang= named it.
func (pl *pageLangs) choose(param, accept string) (int, bool) {
	if param != "" {
		if i := pl.param.get(param, pl.lookup); i >= 0 {
			return i, true
		}
	}
	if accept != "" {
		if i := pl.accept.get(accept, pl.fromAccept); i >= 0 {
			return i, false
		}
	}
	return pl.def, false
}

// chooseBytes is choose for the --public-addr listener, which holds the
// values as bytes; it does not allocate once the values are known.
func (pl *pageLangs) chooseBytes(param, accept []byte) (int, bool) {
	if len(param) > 0 {
		if i := pl.param.getBytes(param, pl.lookup); i >= 0 {
			return i, true
		}
	}
	if len(accept) > 0 {
		if i := pl.accept.getBytes(accept, pl.fromAccept); i >= 0 {
			return i, false
		}
	}
	return pl.def, false
}

func (pl *pageLangs) lookup(tag string) int {
	if l, ok := pl.cats.Lookup(tag); ok {
		return pl.of(l)
	}
	return -1
}

func (pl *pageLangs) fromAccept(header string) int {
	if l, ok := pl.cats.FromAcceptLanguage(header); ok {
		return pl.of(l)
	}
	return -1
}

func (c *langCache) get(key string, find func(string) int) int {
	if m := c.m.Load(); m != nil {
		if i, ok := (*m)[key]; ok {
			return i
		}
	}
	return c.add(key, find)
}

func (c *langCache) getBytes(key []byte, find func(string) int) int {
	if m := c.m.Load(); m != nil {
		if i, ok := (*m)[string(key)]; ok { // no allocation: a map index
			return i
		}
	}
	return c.add(string(key), find)
}

// add finds the answer for key and keeps it while there is room.
func (c *langCache) add(key string, find func(string) int) int {
	i := find(key)
	if len(key) > langCacheMaxKey {
		return i
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var old map[string]int
	if m := c.m.Load(); m != nil {
		old = *m
	}
	if len(old) >= langCacheMax {
		return i
	}
	next := make(map[string]int, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[key] = i
	c.m.Store(&next)
	return i
}

// langParam is the value of the first lang parameter of a query string
// ("a=1&lang=de" → "de"), as it is: a value with percent-escapes names no
// language, and the next source decides.
func langParam[S text](query S) S {
	for len(query) > 0 {
		var kv S
		kv, query = cutByte(query, '&')
		k, v := cutByte(kv, '=')
		if len(k) == 4 && k[0] == 'l' && k[1] == 'a' && k[2] == 'n' && k[3] == 'g' {
			return v
		}
	}
	return query[:0]
}

// publicViewer is who reads the public pages: anyone, in the page's
// language. Templates call T to translate.
type publicViewer struct {
	Lang string
	// Langs are the languages the page is in, for the visitor to choose.
	Langs []pubLang
	p     *i18n.Printer
}

type pubLang struct {
	Code, Name, Href string
	Current          bool
}

// Link is a public page's address in the viewer's language: a visitor
// who chose a language with ?lang= keeps it from page to page, whatever
// the browser says.
func (v *publicViewer) Link(path string) string { return langLink(path, v.Lang) }

// langLink is path in lang. The bytes of a page are the same however its
// language was chosen, so the page's links name the language always.
func langLink(path, lang string) string {
	base, frag, _ := strings.Cut(path, "#")
	if frag != "" {
		frag = "#" + frag
	}
	return base + "?lang=" + url.QueryEscape(lang) + frag
}

// T prints the message id in the page's language, with its arguments as
// name and value pairs.
func (v *publicViewer) T(id string, args ...any) string { return v.p.T(id, args...) }

// Duration is how long an incident lasted, in the page's words, to the
// minute: "1 h 12 min", "1時間12分".
func (v *publicViewer) Duration(d time.Duration) string { return v.p.Duration(d) }

// Status is an incident status in the page's words.
func (v *publicViewer) Status(s hansei.Status) string {
	if id := "word.incident_status." + string(s); v.p.Has(id) {
		return v.p.T(id)
	}
	return string(s)
}
