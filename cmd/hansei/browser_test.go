package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Real-browser tests: a headless chromium, driven through the DevTools
// protocol (chromedp), uses the pages of a server started through run(),
// with JavaScript on. ui_test.go checks the pages without JavaScript; these
// tests check what only a browser shows: live updates over the event
// stream, reconnection, and the layout for the screenshots in the docs.
//
// scripts/test finds (or, as root, installs) chromium and passes its path
// in HANSEI_CHROMIUM. Without one the tests skip, except under CI=true,
// where they fail: CI must never pass by skipping them.

// browserStep bounds every browser action: nothing waits by sleeping, and
// nothing waits forever.
const browserStep = 30 * time.Second

// isCI tells whether the tests run in CI, where skipping is a failure; it
// accepts what scripts/test accepts.
func isCI() bool {
	switch strings.ToLower(os.Getenv("CI")) {
	case "true", "1", "yes":
		return true
	}
	return false
}

// chromiumPath finds the browser: HANSEI_CHROMIUM, or the first of the usual
// names on PATH. Without one the test skips, or fails under CI.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("HANSEI_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("HANSEI_CHROMIUM=%s is not an executable: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if isCI() {
		t.Fatal("chromium not found (set HANSEI_CHROMIUM, or run ./scripts/test, which installs it as root); CI requires the browser tests")
	}
	t.Skip("chromium not found: browser tests skipped (install chromium or set HANSEI_CHROMIUM; ./scripts/test installs it as root)")
	return ""
}

// artifactsDir is where a failing browser test leaves its screenshots.
func artifactsDir() string {
	if d := os.Getenv("HANSEI_TEST_ARTIFACTS"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "hansei-browser-failures")
}

// chrome is one headless browser process for one test. Each tab it opens
// is a separate browser context, with its own cookies, as if a different
// person used a different computer.
type chrome struct {
	t      *testing.T
	srv    *server
	root   context.Context
	output *syncBuffer // chromium's stdout and stderr
}

// newChrome starts chromium for the test; it stops when the test ends.
func newChrome(t *testing.T, srv *server) *chrome {
	t.Helper()
	path := chromiumPath(t)
	c := &chrome{t: t, srv: srv, output: &syncBuffer{}}
	// The flags, exactly: chromedp.DefaultExecAllocatorOptions has others.
	// --no-sandbox because CI runs the suite as root.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "chromium")),
		chromedp.CombinedOutput(c.output),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// chromedp logs from its own goroutines, possibly after the test ended,
	// so its messages go to the buffer that a failure prints.
	logf := func(format string, args ...any) { fmt.Fprintf(c.output, "chromedp: "+format+"\n", args...) }
	root, cancelRoot := chromedp.NewContext(allocCtx, chromedp.WithErrorf(logf))
	c.root = root
	// Registered first, so it runs last: the tabs' cleanups (screenshots)
	// need the browser.
	t.Cleanup(func() {
		cancelRoot()
		cancelAlloc()
		if t.Failed() {
			t.Logf("chromium output:\n%s", c.log())
		}
	})
	if err := start(root, cancelRoot); err != nil {
		t.Fatalf("start %s: %v\n%s", path, err, c.log())
	}
	return c
}

// start makes the first run on a chromedp context, which starts the
// browser or opens the window. That run binds the browser or the window to
// the context it is given, so it must not carry a timeout that ends with
// the run; a watchdog bounds it instead.
func start(ctx context.Context, cancel context.CancelFunc) error {
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		return err
	case <-time.After(browserStep):
		cancel()
		return fmt.Errorf("not started within %s", browserStep)
	}
}

// log is the end of chromium's output, without the noise of a machine
// that has no D-Bus.
func (c *chrome) log() string {
	var keep []string
	for _, l := range strings.Split(c.output.String(), "\n") {
		if !strings.Contains(l, "dbus/") && !strings.Contains(l, "D-Bus") {
			keep = append(keep, l)
		}
	}
	return tail(strings.Join(keep, "\n"), 4000)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// tab is one person's browser window, in a browser context of its own.
type tab struct {
	t    *testing.T
	c    *chrome
	name string
	ctx  context.Context
	base string // the server's address as this window reaches it

	mu         sync.Mutex
	exceptions []string // uncaught JavaScript exceptions in the page
}

// newTab opens a window in a new browser context. When the test ends, an
// uncaught JavaScript exception fails it, and a failed test leaves a
// full-page screenshot (and the page's HTML) in artifactsDir.
func (c *chrome) newTab(name string) *tab {
	c.t.Helper()
	ctx, cancel := chromedp.NewContext(c.root, chromedp.WithNewBrowserContext())
	b := &tab{t: c.t, c: c, name: name, ctx: ctx, base: c.srv.URL}
	if err := start(ctx, cancel); err != nil {
		c.t.Fatalf("open a window for %s: %v", name, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() {
				b.mu.Lock()
				b.exceptions = append(b.exceptions, fmt.Sprintf("%s:%d %s", m.URL, m.Line+1, m))
				b.mu.Unlock()
			}
		}
	}()
	c.t.Cleanup(func() {
		defer cancel()
		b.mu.Lock()
		for _, e := range b.exceptions {
			c.t.Errorf("%s's page threw: %s", name, e)
		}
		b.mu.Unlock()
		if c.t.Failed() {
			b.saveFailure()
		}
	})
	return b
}

// saveFailure writes a full-page screenshot and the page's HTML.
func (b *tab) saveFailure() {
	dir := artifactsDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Logf("no failure screenshot: %v", err)
		return
	}
	base := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(b.t.Name())+"-"+b.name)
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("%s: no failure screenshot of %s: %v", b.name, loc, err)
		return
	}
	if err := os.WriteFile(base+".png", png, 0o644); err != nil {
		b.t.Logf("%s: no failure screenshot: %v", b.name, err)
		return
	}
	if html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`)); err == nil {
		os.WriteFile(base+".html", []byte(html), 0o644)
	}
	b.t.Logf("%s's window (%s) at the failure: %s.png (and .html)", b.name, loc, base)
}

// do runs actions, each call bounded by browserStep, and fails the test
// with what it was doing.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %s: %v%s", b.name, what, err, b.where())
	}
}

// where describes the window's page for a failure message.
func (b *tab) where() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return ""
	}
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return fmt.Sprintf("\n(at %s, which reads:\n%s)", loc, tail(text, 1500))
}

// open navigates to a path on the server and waits for the page to load.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
}

// submit clicks a button that sends a form, and waits for the page that
// the post leads to (post, redirect, get) to load; it must load with 200.
func (b *tab) submit(what string, button chromedp.JSPath) {
	b.t.Helper()
	b.submitWant(what, button, 200)
}

// submitWant is submit for a form whose answer has another status, such as
// a sign-in form that refuses a wrong password with 401.
func (b *tab) submitWant(what string, button chromedp.JSPath, status int64) {
	b.t.Helper()
	b.clickToPage(what, button, status)
}

// follow clicks the link with the given text and waits for its page.
func (b *tab) follow(text string) {
	b.t.Helper()
	b.clickToPage("follow the link "+text, chromedp.JSPath(fmt.Sprintf(
		`[...document.querySelectorAll("a")].find(a => a.textContent.trim() === %s)`, js(text))), 200)
}

// clickToPage clicks what sel selects and waits for the page the click
// leads to, which must come with status.
func (b *tab) clickToPage(what string, sel chromedp.JSPath, status int64) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(sel))
	// The incident page swaps its live parts in when an event arrives (and
	// once when its stream opens); an element found just before that is
	// gone when the click looks for it, and nothing was clicked. Find it
	// again.
	for i := 0; i < 3 && staleNode(err); i++ {
		resp, err = chromedp.RunResponse(ctx, chromedp.Click(sel))
	}
	if err != nil {
		b.t.Fatalf("%s: %s: %v%s", b.name, what, err, b.where())
	}
	if resp.Status != status {
		b.t.Fatalf("%s: %s: the page it led to has status %d, want %d%s", b.name, what, resp.Status, status, b.where())
	}
}

// staleNode tells whether err says that a node found by a query left the
// document before the action used it.
func staleNode(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, chromedp.ErrInvalidDimensions) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "Could not find node with given id") ||
		strings.Contains(msg, "Could not compute content quads") ||
		strings.Contains(msg, "No node with given id") ||
		strings.Contains(msg, "Node with given id does not belong to the document")
}

// button selects a button by its text, as a person finds it.
func button(text string) chromedp.JSPath { return buttonIn("body", text) }

// buttonIn selects a button by its text inside the elements that css
// selects.
func buttonIn(css, text string) chromedp.JSPath {
	return chromedp.JSPath(fmt.Sprintf(`[...document.querySelectorAll(%s)].flatMap(e => [...e.querySelectorAll("button")]).find(b => b.textContent.trim() === %s)`, js(css), js(text)))
}

// js is v as a JavaScript literal.
func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// text returns the text of the first element that css selects, as shown.
func (b *tab) text(css string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e ? e.innerText : ""; })()`, js(css))))
	if err != nil {
		b.t.Fatalf("%s: read %s: %v", b.name, css, err)
	}
	return s
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("%s: evaluate %s: %v", b.name, expr, err)
	}
	return v
}

// waitUntil waits until the JavaScript function fn, called with args,
// returns true in the page, for at most timeout; it returns how long that
// took. It fails the test, saying what it waited for, when it times out.
func (b *tab) waitUntil(what string, timeout time.Duration, fn string, args ...any) time.Duration {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout+browserStep)
	defer cancel()
	start := time.Now()
	_, err := chromedp.Run(ctx, chromedp.PollFunction[bool](fn,
		chromedp.WithPollingArgs(args...), chromedp.WithPollingTimeout(timeout)))
	took := time.Since(start)
	if errors.Is(err, chromedp.ErrPollingTimeout) {
		b.t.Fatalf("%s: %s: not within %s%s", b.name, what, timeout, b.where())
	}
	if err != nil {
		b.t.Fatalf("%s: %s: %v%s", b.name, what, err, b.where())
	}
	return took
}

// mark sets a marker in the window's current document; marked reports
// whether it is still there, that is, whether the page was not reloaded
// or left since.
func (b *tab) mark() { eval[chromedp.Void](b, `window.hanseiTestMark = true`) }

func (b *tab) marked() bool { return eval[bool](b, `window.hanseiTestMark === true`) }

// path is the path and query of the window's page.
func (b *tab) path() string {
	b.t.Helper()
	loc := eval[string](b, `location.pathname + location.search`)
	return loc
}

// signInByLink follows a one-time sign-in link, as `hansei users link`
// prints it, and presses the button on its page.
func (b *tab) signInByLink(user string) {
	b.t.Helper()
	link := signInLink(b.t, b.c.srv, user)
	u, err := url.Parse(link)
	if err != nil {
		b.t.Fatal(err)
	}
	b.open(u.RequestURI())
	b.submit("sign in with the link", button("Sign in with this link"))
	if p := b.path(); p != "/incidents" {
		b.t.Fatalf("%s: after signing in with a link the browser is at %s, want /incidents%s", b.name, p, b.where())
	}
}

// netCut is a TCP proxy in front of the server that a test can cut, as a
// network that drops: open connections are reset and new ones refused
// until it is restored. Chromium's offline emulation (DevTools
// Network.emulateNetworkConditions, and its successor ...ByRule) cannot
// stand in for it: it fails new requests but leaves an established event
// stream open, so EventSource never notices.
type netCut struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]bool
	heads  []string // the request heads that went through, in order
}

// newNetCut starts a proxy to the server at serverURL; it stops when the
// test ends.
func newNetCut(t *testing.T, serverURL string) *netCut {
	t.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n := &netCut{ln: ln, target: u.Host, conns: map[net.Conn]bool{}}
	go n.accept()
	t.Cleanup(func() {
		ln.Close()
		n.cut()
	})
	return n
}

// URL is the server's address through the proxy.
func (n *netCut) URL() string { return "http://" + n.ln.Addr().String() }

func (n *netCut) accept() {
	for {
		c, err := n.ln.Accept()
		if err != nil {
			return
		}
		n.mu.Lock()
		down := n.down
		if !down {
			n.conns[c] = true
		}
		n.mu.Unlock()
		if down {
			reset(c)
			continue
		}
		go n.pipe(c)
	}
}

func (n *netCut) pipe(c net.Conn) {
	defer n.drop(c)
	s, err := net.Dial("tcp", n.target)
	if err != nil {
		return
	}
	n.mu.Lock()
	n.conns[s] = true
	n.mu.Unlock()
	defer n.drop(s)
	go func() {
		io.Copy(s, io.TeeReader(c, heads{n}))
		n.drop(s)
	}()
	io.Copy(c, s)
}

// heads records the request heads that a browser sends: a read that
// starts a request holds its head.
type heads struct{ n *netCut }

func (h heads) Write(p []byte) (int, error) {
	s := string(p)
	if strings.HasPrefix(s, "GET ") || strings.HasPrefix(s, "POST ") {
		head, _, _ := strings.Cut(s, "\r\n\r\n")
		lines := strings.Split(head, "\r\n")
		for i, l := range lines {
			if strings.HasPrefix(strings.ToLower(l), "cookie:") {
				lines[i] = "Cookie: …" // kept out of failure messages
			}
		}
		head = strings.Join(lines, "\r\n")
		h.n.mu.Lock()
		h.n.heads = append(h.n.heads, head)
		h.n.mu.Unlock()
	}
	return len(p), nil
}

// requests returns the request heads seen after the first skip ones, and
// how many there are in all.
func (n *netCut) requests(skip int) ([]string, int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.heads[min(skip, len(n.heads)):]...), len(n.heads)
}

func (n *netCut) drop(c net.Conn) {
	n.mu.Lock()
	delete(n.conns, c)
	n.mu.Unlock()
	reset(c)
}

// reset closes a connection with a TCP reset, as a dropped network looks
// to the other side once it notices.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

// cut resets every open connection and refuses new ones.
func (n *netCut) cut() {
	n.mu.Lock()
	n.down = true
	conns := n.conns
	n.conns = map[net.Conn]bool{}
	n.mu.Unlock()
	for c := range conns {
		reset(c)
	}
}

// restore lets connections through again.
func (n *netCut) restore() {
	n.mu.Lock()
	n.down = false
	n.mu.Unlock()
}

// setPassword gives a user a password as an admin does, with
// `hansei users set-password NAME --db DSN`, the password on stdin.
func setPassword(t testing.TB, srv *server, name, password string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args := []string{"users", "set-password", name, "--db", srv.DSN}
	if err := run(context.Background(), args, envFunc(nil), strings.NewReader(password+"\n"), &stdout, &stderr); err != nil {
		t.Fatalf("hansei %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
}

// openDetails opens the <details> around the element with the given id,
// as a click on its summary does.
func (b *tab) openDetails(id string) {
	b.t.Helper()
	b.do("open the details around #"+id, chromedp.Click(chromedp.JSPath(fmt.Sprintf(
		`document.getElementById(%s).closest("details").querySelector("summary")`, js(id)))))
}

// fill replaces the text of a field by typing, as a person does.
func (b *tab) fill(id, text string) {
	b.t.Helper()
	// chromedp's Clear and SetValue(…, "") refuse an empty textarea.
	eval[chromedp.Void](b, fmt.Sprintf(`document.getElementById(%s).value = ""`, js(id)))
	b.do("type into #"+id, chromedp.SendKeys(chromedp.ID(id), text))
}
