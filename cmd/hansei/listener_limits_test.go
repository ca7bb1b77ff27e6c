package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Issue 15, finding 9, on the main address: a sign-in body trickled a
// byte at a time held its connection open for over 30 s, and the server
// served any number of connections at once. The deadlines and the cap are
// settings (the http section); these tests set them short and small, so
// that a deadline passes within a second.

// startServerWithConfig starts `hansei serve` with a config file holding
// yaml.
func startServerWithConfig(t *testing.T, dsn, yaml string) *server {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hansei.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return startServer(t, dsn, "--config", path)
}

// dialMain opens a TCP connection to srv's main address.
func dialMain(t *testing.T, srv *server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second)) // far beyond every deadline set here
	return c
}

// trickle writes s a byte every 50 ms until it is written or the
// connection fails, and says how many bytes went out.
func trickle(c net.Conn, s string) <-chan int {
	sent := make(chan int, 1)
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for i := range len(s) {
			<-tick.C
			if _, err := c.Write([]byte{s[i]}); err != nil {
				sent <- i
				return
			}
		}
		sent <- len(s)
	}()
	return sent
}

// TestTrickledRequestsAreCutOff is the finding as found: a sign-in whose
// body comes a byte at a time (100 bytes, 5 s at this pace) is cut off at
// the read deadline, and so is a request whose head never ends.
func TestTrickledRequestsAreCutOff(t *testing.T) {
	const readTimeout = 500 * time.Millisecond
	srv := startServerWithConfig(t, "sqlite:"+filepath.Join(t.TempDir(), "h.db"),
		"http:\n  read_header_timeout: 300ms\n  read_timeout: 500ms\n")
	body := "name=admin&password=" + strings.Repeat("x", 80)
	for _, c := range []struct {
		what, head, trickled string
	}{
		{"a sign-in body", "POST /signin HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n", body},
		{"a request head", "GET /healthz HTTP/1.1\r\n", strings.Repeat("X-Slow: 1\r\n", 10)},
	} {
		conn := dialMain(t, srv)
		start := time.Now()
		io.WriteString(conn, c.head)
		sent := trickle(conn, c.trickled)
		io.Copy(io.Discard, conn) // until the server closes the connection
		held := time.Since(start)
		conn.Close()
		if n := <-sent; n == len(c.trickled) {
			t.Errorf("%s: the server read all %d trickled bytes (%v)", c.what, n, held)
		}
		if held > readTimeout+2*time.Second {
			t.Errorf("%s: the connection was held %v, with a read deadline of %v", c.what, held, readTimeout)
		}
	}
	// A request sent at once is not affected.
	if resp, err := http.Get(srv.URL + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz: %v %v", resp, err)
	}
}

// TestMainListenerConnectionCap: with max_connections 2, a third
// connection waits unanswered while two are open, and is served once one
// closes. Live streams do not count: two of them leave the API open.
func TestMainListenerConnectionCap(t *testing.T) {
	srv := startServerWithConfig(t, "sqlite:"+filepath.Join(t.TempDir(), "h.db"), "http:\n  max_connections: 2\n")
	const req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	served := func(c net.Conn) error {
		io.WriteString(c, req)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	for range 2 {
		s := apiStream(t, srv, "/api/v1/stream", srv.AdminToken)
		defer s.close()
	}
	first, second := dialMain(t, srv), dialMain(t, srv)
	for _, c := range []net.Conn{first, second} {
		if err := served(c); err != nil {
			t.Fatal(err)
		}
	}
	third := dialMain(t, srv) // the kernel completes the handshake; hansei does not accept it yet
	answered := make(chan error, 1)
	go func() { answered <- served(third) }()
	select {
	case err := <-answered:
		t.Fatalf("a third connection was served past the cap of 2 (%v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	first.Close()
	select {
	case err := <-answered:
		if err != nil {
			t.Fatalf("the waiting connection, once accepted: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting connection was not served after another closed")
	}
}
