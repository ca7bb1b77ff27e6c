package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// The recorder of the golden-response test (golden_test.go): it sends one
// request through real HTTP, writes what came back as text (status, a fixed
// set of headers, the body) and compares it with the file recorded before,
// or rewrites the file when asked to.

// goldenHeaders are the response headers a golden file keeps: those a
// browser, a client or a cache acts on. Left out are Date (the wall
// clock), Content-Length, Transfer-Encoding and Connection (how the body
// travelled, not what it is: the body itself is compared byte for byte).
func goldenHeaders() []string {
	return []string{"Content-Type", "Content-Encoding", "Content-Disposition", "Content-Security-Policy", "Cache-Control",
		"ETag", "Last-Modified", "Vary", "Location", "Set-Cookie", "WWW-Authenticate", "Retry-After", "Allow",
		"Access-Control-Allow-Origin", "Idempotent-Replayed", "X-Content-Type-Options", "Referrer-Policy", "X-Accel-Buffering"}
}

// goldenRequest is one request to record.
type goldenRequest struct {
	method, path string
	// as is the user whose API token (or, with page, session cookie) goes
	// with the request; "" sends none.
	as   string
	page bool
	// base is the listener; "" is the main address.
	base   string
	body   string
	header []string // extra request headers, as name, value pairs
	// want is the status the seed needs to go on; 0 takes any.
	want int
	// events, for a text/event-stream, is how many events to read before
	// hanging up: a stream never ends by itself.
	events int
	// perDB says why this response differs between the databases; it
	// then has a golden file for each. Everything else has one file,
	// which every database must match.
	perDB string
}

// replacement is one normalisation: every occurrence of old (a value that
// differs from run to run) becomes new, a stable placeholder. Each
// replacement is an exact value the test knows, never a pattern, so that
// nothing else can be hidden by it.
type replacement struct{ old, new, why string }

// do sends req, records it and returns the raw response body.
func (g *golden) do(req goldenRequest) []byte {
	g.t.Helper()
	_, body := g.record(req)
	return body
}

// record sends req, records it and returns the response and raw body.
func (g *golden) record(req goldenRequest) (*http.Response, []byte) {
	g.t.Helper()
	g.tick(req)
	resp, body := g.send(req)
	g.expect(req, resp, body)
	g.check(req, g.render(req, resp, body))
	return resp, body
}

// tick moves the clock before a change: every change happens one minute
// after the one before, so that the times on record tell the steps apart
// and order them.
func (g *golden) tick(req goldenRequest) {
	if req.method != http.MethodGet && !g.frozen {
		g.clock.Add(time.Minute)
	}
}

// expect stops the test when the seed cannot go on.
func (g *golden) expect(req goldenRequest, resp *http.Response, body []byte) {
	g.t.Helper()
	if req.want != 0 && resp.StatusCode != req.want {
		g.t.Fatalf("%s %s as %q: status %d, want %d; the seed cannot go on:\n%s", req.method, req.path, req.as, resp.StatusCode, req.want, body)
	}
}

// send makes the HTTP request and reads the whole body (or, for a stream,
// the events asked for).
func (g *golden) send(req goldenRequest) (*http.Response, []byte) {
	g.t.Helper()
	base := req.base
	if base == "" {
		base = g.srv.URL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	r, err := http.NewRequestWithContext(ctx, req.method, base+req.path, body)
	if err != nil {
		g.t.Fatal(err)
	}
	if req.body != "" && !req.page {
		r.Header.Set("Content-Type", "application/json")
	}
	if req.as != "" {
		if req.page {
			s := g.sessions[req.as]
			if s == nil {
				g.t.Fatalf("%s %s: %s has not signed in", req.method, req.path, req.as)
			}
			r.Header.Set("Cookie", "hansei_session="+s.cookie)
		} else {
			r.Header.Set("Authorization", "Bearer "+g.tokens[req.as])
		}
	}
	for i := 0; i+1 < len(req.header); i += 2 {
		r.Header.Set(req.header[i], req.header[i+1])
	}
	resp, err := g.http.Do(r)
	if err != nil {
		g.t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	defer resp.Body.Close()
	if req.events > 0 {
		return resp, readEvents(g.t, resp.Body, req.events)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		g.t.Fatalf("%s %s: reading the body: %v", req.method, req.path, err)
	}
	return resp, b
}

// readEvents reads a text/event-stream until n events have come.
func readEvents(t *testing.T, r io.Reader, n int) []byte {
	t.Helper()
	var out []byte
	buf := make([]byte, 4096)
	for bytes.Count(out, []byte("\nevent: ")) < n || !bytes.HasSuffix(out, []byte("\n\n")) {
		k, err := r.Read(buf)
		out = append(out, buf[:k]...)
		if err != nil {
			t.Fatalf("the stream ended after %d of %d events (%v):\n%s", bytes.Count(out, []byte("\nevent: ")), n, err, out)
		}
	}
	return out
}

// render turns a response into the text of its golden file: the request,
// the status, the kept headers and the body, each normalised.
func (g *golden) render(req goldenRequest, resp *http.Response, body []byte) string {
	var b strings.Builder
	who := "nobody"
	if req.as != "" && req.page {
		who = req.as + " (signed in)"
	} else if req.as != "" {
		who = req.as + " (API token)"
	}
	where := "the main address"
	if req.base != "" {
		where = "the public listener"
	}
	fmt.Fprintf(&b, "%s %s\nas %s, on %s\n", req.method, g.normalise(req.path), who, where)
	for i := 0; i+1 < len(req.header); i += 2 {
		fmt.Fprintf(&b, "request header %s: %s\n", req.header[i], g.normalise(req.header[i+1]))
	}
	if req.body != "" {
		fmt.Fprintf(&b, "request body: %s\n", g.normalise(req.body))
	}
	fmt.Fprintf(&b, "\n%d %s\n", resp.StatusCode, http.StatusText(resp.StatusCode))
	for _, k := range goldenHeaders() {
		for _, v := range resp.Header.Values(k) {
			fmt.Fprintf(&b, "%s: %s\n", k, g.normalise(v))
		}
	}
	// A compressed body is compared decoded: the bytes the client ends
	// up with. (Compressors may change between Go versions; what they
	// compress may not.)
	var dec io.Reader
	switch enc := resp.Header.Get("Content-Encoding"); enc {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			g.t.Fatalf("%s %s: %v", req.method, req.path, err)
		}
		dec = zr
	case "br":
		dec = brotli.NewReader(bytes.NewReader(body))
	}
	if dec != nil {
		var err error
		if body, err = io.ReadAll(dec); err != nil {
			g.t.Fatalf("%s %s: decoding the body: %v", req.method, req.path, err)
		}
		b.WriteString("(body decoded)\n")
	}
	b.WriteString("\n")
	b.WriteString(bodyText(g.normalise(string(body))))
	return b.String()
}

// bodyText shows a body for reading. Compact JSON (as the API sends it) is
// indented, with a note that says how it was sent; since compact JSON has
// one form only, the note and the indented text give back the exact bytes,
// so the comparison stays byte for byte. Anything else is shown as it came.
func bodyText(body string) string {
	trimmed, newline := strings.CutSuffix(body, "\n")
	var compact, indented bytes.Buffer
	if trimmed == "" || json.Compact(&compact, []byte(trimmed)) != nil || compact.String() != trimmed {
		return "body, as sent:\n" + body
	}
	json.Indent(&indented, []byte(trimmed), "", "  ")
	note := "body: compact JSON without a final newline, shown indented:\n"
	if newline {
		note = "body: compact JSON and a newline, shown indented:\n"
	}
	return note + indented.String() + "\n"
}

// normalise replaces the values that differ from run to run.
func (g *golden) normalise(s string) string {
	for _, r := range g.replacements {
		s = strings.ReplaceAll(s, r.old, r.new)
	}
	return s
}

// replace adds a normalisation; longer values go first, so that a value
// that contains another is replaced whole.
func (g *golden) replace(old, new, why string) {
	if old == "" {
		g.t.Fatalf("empty value to normalise (%s)", why)
	}
	g.replacements = append(g.replacements, replacement{old, new, why})
	slices.SortStableFunc(g.replacements, func(a, b replacement) int { return len(b.old) - len(a.old) })
}

// fileName is the golden file of a request: its method, path and caller,
// with a counter when the same request is made again.
func (g *golden) fileName(req goldenRequest) string {
	var b strings.Builder
	path := strings.TrimPrefix(g.normalise(req.path), "/")
	if path == "" {
		path = "root"
	}
	name := req.method + " " + path
	if req.base != "" {
		name = "public " + name
	}
	if req.as != "" {
		name += " as " + req.as
	}
	underscore := false
	for _, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '='
		if ok {
			b.WriteRune(c)
		} else if !underscore {
			b.WriteByte('_')
		}
		underscore = !ok
	}
	base := strings.Trim(b.String(), "_")
	g.names[base]++
	if n := g.names[base]; n > 1 {
		base += "~" + strconv.Itoa(n)
	}
	if req.perDB != "" {
		base += "." + g.db
	}
	return base + ".txt"
}

// check compares a rendered response with its file, or writes the file.
func (g *golden) check(req goldenRequest, got string) {
	g.t.Helper()
	name := g.fileName(req)
	g.seen[name] = true
	path := filepath.Join(g.dir, name)
	// Updating, the first database writes the shared files, and each
	// database its own.
	if g.update && (g.first || req.perDB != "") {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			g.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		g.t.Errorf("%s %s: no golden file %s (%v); record it with HANSEI_GOLDEN_UPDATE=1", req.method, req.path, path, err)
		return
	}
	if string(want) != got {
		// A change that touches every page would bury the first
		// differences: after twenty, they are only counted.
		if g.differ++; g.differ <= 20 {
			g.t.Errorf("%s %s as %q answers differently from %s:\n%s", req.method, req.path, req.as, path, firstDifference(string(want), got))
		}
	}
}

// firstDifference shows where want and got first differ: the lines that
// differ (up to six of each) after two lines of context. Long lines (a
// page's markup) are cut to a window around the first differing byte.
func firstDifference(want, got string) string {
	w, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	p := 0
	for p < len(w) && p < len(gl) && w[p] == gl[p] {
		p++
	}
	s := 0
	for s < len(w)-p && s < len(gl)-p && w[len(w)-1-s] == gl[len(gl)-1-s] {
		s++
	}
	col := 0
	if p < len(w) && p < len(gl) {
		for col < len(w[p]) && col < len(gl[p]) && w[p][col] == gl[p][col] {
			col++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d (- recorded, + now):\n", p+1)
	for j := max(p-2, 0); j < p; j++ {
		fmt.Fprintf(&b, "  %s\n", clip(w[j], 0))
	}
	for j := p; j < min(len(w)-s, p+6); j++ {
		fmt.Fprintf(&b, "- %s\n", clip(w[j], col))
	}
	for j := p; j < min(len(gl)-s, p+6); j++ {
		fmt.Fprintf(&b, "+ %s\n", clip(gl[j], col))
	}
	return b.String()
}

// clip cuts a long line to about 200 bytes around col.
func clip(line string, col int) string {
	if len(line) <= 200 {
		return line
	}
	from := max(min(col, len(line))-80, 0)
	to := min(from+200, len(line))
	out := line[from:to]
	if from > 0 {
		out = "…" + out
	}
	if to < len(line) {
		out += "…"
	}
	return out
}

// finish reports golden files no request produced, or (updating) removes
// them. The first database looks at the shared files and its own, any
// other at its own.
func (g *golden) finish() {
	g.t.Helper()
	if g.differ > 20 {
		g.t.Errorf("and %d more responses differ", g.differ-20)
	}
	files, err := filepath.Glob(filepath.Join(g.dir, "*.txt"))
	if err != nil {
		g.t.Fatal(err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		if g.seen[name] || g.otherDB(name) || !g.first && !strings.HasSuffix(name, "."+g.db+".txt") {
			continue
		}
		if g.update {
			os.Remove(f)
		} else {
			g.t.Errorf("golden file %s was recorded, but no request produces it now", f)
		}
	}
}

// otherDB tells whether a golden file belongs to another database.
func (g *golden) otherDB(name string) bool {
	for _, db := range []string{"sqlite", "postgres"} {
		if db != g.db && strings.HasSuffix(name, "."+db+".txt") {
			return true
		}
	}
	return false
}
