package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hansei-dev/hansei/client"
)

// TestClientsLeavingLogNoErrors: clients that go away — a live stream
// closed by its reader, the page's live parts and a JSON read whose
// connection is reset before the answer — are ordinary: the server logs
// them at DEBUG, never ERROR or WARN, and net/http never says
// "superfluous WriteHeader" (a second head written after a failed first).
func TestClientsLeavingLogNoErrors(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		cfg := filepath.Join(t.TempDir(), "hansei.yaml")
		if err := os.WriteFile(cfg, []byte("log_level: debug\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		srv := startServer(t, dsn, "--config", cfg)
		token := srv.addUser(t, "alice", "responder")
		api := srv.client(token)
		ctx := context.Background()
		if _, err := api.Declare(ctx, client.DeclareRequest{Title: "Checkout failing", Severity: "SEV2"}); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, srv)
		b.signIn("alice")
		u, _ := url.Parse(srv.URL)
		var cookies []string
		for _, c := range b.http.Jar.Cookies(u) {
			cookies = append(cookies, c.Name+"="+c.Value)
		}
		session := "Cookie: " + strings.Join(cookies, "; ")
		bearer := "Authorization: Bearer " + token

		// Streams whose readers leave once the stream has begun; an event
		// then makes the server write to them.
		for _, s := range []struct{ path, auth string }{
			{"/api/v1/incidents/1/stream", bearer},
			{"/api/v1/stream", bearer},
			{"/incidents/1/events", session},
		} {
			c := rawRequest(t, srv, s.path, s.auth)
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil || !strings.Contains(line, "200") {
				t.Fatalf("GET %s: %q, %v", s.path, line, err)
			}
			reset(c)
		}
		for i := 0; i < 3; i++ {
			if _, err := api.AddNote(ctx, 1, fmt.Sprint("note ", i)); err != nil {
				t.Fatal(err)
			}
		}
		waitUntil(t, "the three streams to end", func() bool {
			return strings.Count(srv.stderr.String(), `msg="live stream ended"`) >= 3
		})

		// Requests reset by their clients before the answer is read.
		for _, s := range []struct{ path, auth string }{
			{"/incidents/1/live", session},
			{"/incidents/1", session},
			{"/api/v1/incidents/1/timeline", bearer},
		} {
			for i := 0; i < 5; i++ {
				reset(rawRequest(t, srv, s.path, s.auth))
			}
		}
		// A request after them is answered: the server is done with them
		// as far as a connection goes (each one is answered or abandoned).
		if _, err := api.Incident(ctx, 1); err != nil {
			t.Fatal(err)
		}
		srv.stop()
		for _, line := range strings.Split(srv.stderr.String(), "\n") {
			if strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN") || strings.Contains(line, "superfluous") {
				t.Errorf("the server logged, for clients that went away:\n%s", line)
			}
		}
	})
}

// rawRequest sends a GET with one header line on a connection of its own.
func rawRequest(t *testing.T, srv *server, path, header string) net.Conn {
	t.Helper()
	u, _ := url.Parse(srv.URL)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\nAccept: text/event-stream\r\n\r\n", path, u.Host, header)
	return c
}
