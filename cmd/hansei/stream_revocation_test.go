package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/app"
)

// Issue 15, finding 3: an event stream opened while its reader could read
// went on delivering after the reader's token was revoked, their role
// lowered, or their session signed out. Each story below opens a stream
// over real HTTP, changes what its reader may do, commits a new event, and
// reads what the stream sends.

// sseEvent is one event a stream sent.
type sseEvent struct {
	id   int64
	typ  string
	data string
}

// sseStream reads a text/event-stream response as it arrives.
type sseStream struct {
	events   chan sseEvent // closed when the stream ends
	mu       sync.Mutex
	comments []string
	close    func()
}

// openSSE GETs path on srv with the request made by prepare and reads its
// events until the stream ends or the test does. It fails unless the
// answer is 200.
func openSSE(t *testing.T, hc *http.Client, srv *server, path string, prepare func(*http.Request)) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
	if prepare != nil {
		prepare(req)
	}
	resp, err := hc.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	s := &sseStream{events: make(chan sseEvent, 1000), close: func() { cancel(); resp.Body.Close() }}
	t.Cleanup(s.close)
	go func() {
		defer close(s.events)
		lines := bufio.NewScanner(resp.Body)
		var e sseEvent
		for lines.Scan() {
			line := lines.Text()
			switch {
			case line == "":
				if e.typ != "" {
					s.events <- e
				}
				e = sseEvent{}
			case strings.HasPrefix(line, ":"):
				s.mu.Lock()
				s.comments = append(s.comments, line)
				s.mu.Unlock()
			case strings.HasPrefix(line, "id: "):
				e.id, _ = strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
			case strings.HasPrefix(line, "event: "):
				e.typ = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				e.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return s
}

// apiStream opens an API stream with token.
func apiStream(t *testing.T, srv *server, path, token string) *sseStream {
	t.Helper()
	return openSSE(t, http.DefaultClient, srv, path, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) })
}

// waitForText reads events until one carries text, failing after 10 s or
// if the stream ends first, and returns the events read.
func (s *sseStream) waitForText(t *testing.T, text string) []sseEvent {
	t.Helper()
	var got []sseEvent
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				t.Fatalf("the stream ended before an event with %q arrived", text)
			}
			got = append(got, e)
			if strings.Contains(e.data, text) {
				return got
			}
		case <-timeout:
			t.Fatalf("no event with %q arrived within 10s", text)
		}
	}
}

// waitForEnd reads events until the stream ends, failing after 10 s, and
// returns them.
func (s *sseStream) waitForEnd(t *testing.T) []sseEvent {
	t.Helper()
	var got []sseEvent
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				return got
			}
			got = append(got, e)
		case <-timeout:
			t.Fatalf("the stream was still open 10s later; it delivered %v", got)
		}
	}
}

// lastComment is the last comment line the stream sent.
func (s *sseStream) lastComment() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.comments) == 0 {
		return ""
	}
	return s.comments[len(s.comments)-1]
}

// setRole changes name's role in the server's database, as an admin would.
func setRole(t *testing.T, srv *server, name string, role hansei.Role) {
	t.Helper()
	r := string(role)
	if _, err := usersOf(openTestDB(t, srv.DSN)).Update(context.Background(), app.Console(), name, hansei.UserChange{Role: &r}); err != nil {
		t.Fatal(err)
	}
}

// revokeTokens revokes every API token of name with `hansei users
// revoke-token`.
func revokeTokens(t *testing.T, srv *server, name string) {
	t.Helper()
	var list struct {
		Items []hansei.TokenInfo `json:"items"`
	}
	if err := json.Unmarshal([]byte(srv.mustCLI(t, "", "users", "tokens", "--json", "--db", srv.DSN)), &list); err != nil {
		t.Fatal(err)
	}
	for _, tok := range list.Items {
		if tok.User == name {
			srv.mustCLI(t, "", "users", "revoke-token", "--db", srv.DSN, strconv.FormatInt(tok.ID, 10))
		}
	}
}

// streamFixture is a server with a public INC-1 and a restricted INC-2,
// both declared by admin, and an admin client.
func streamFixture(t *testing.T, dsn string) (*server, *client.Client) {
	t.Helper()
	srv := startServer(t, dsn)
	admin := srv.client(srv.AdminToken)
	ctx := context.Background()
	if _, err := admin.Declare(ctx, client.DeclareRequest{Title: "Checkout slow", Severity: "SEV3"}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Declare(ctx, client.DeclareRequest{Title: "CONFIDENTIAL credential leak", Severity: "SEV1", Visibility: "restricted"}); err != nil {
		t.Fatal(err)
	}
	return srv, admin
}

func addNote(t *testing.T, c *client.Client, n int64, text string) {
	t.Helper()
	if _, err := c.AddNote(context.Background(), n, text); err != nil {
		t.Fatal(err)
	}
}

func refuteText(t *testing.T, events []sseEvent, text string) {
	t.Helper()
	for _, e := range events {
		if strings.Contains(e.data, text) {
			t.Fatalf("the stream delivered %q after its reader lost the right to read it: %s", text, e.data)
		}
	}
}

// TestStreamEndsWhenTokenRevokedAndUserDemoted is the finding as found: an
// admin's /api/v1/stream is open; their token is revoked and they are made
// a viewer; a note is added to a restricted incident. The stream must not
// deliver it: it ends, saying why, and the token opens no new one.
func TestStreamEndsWhenTokenRevokedAndUserDemoted(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv, admin := streamFixture(t, dsn)
		eve := srv.addUser(t, "eve", "admin")
		stream := apiStream(t, srv, "/api/v1/stream", eve)
		addNote(t, admin, 2, "CONFIDENTIAL before")
		stream.waitForText(t, "CONFIDENTIAL before") // an admin reads restricted incidents

		revokeTokens(t, srv, "eve")
		setRole(t, srv, "eve", hansei.RoleViewer)
		addNote(t, admin, 2, "CONFIDENTIAL after")
		refuteText(t, stream.waitForEnd(t), "CONFIDENTIAL after")
		if c := stream.lastComment(); !strings.Contains(c, "closed") || !strings.Contains(c, "API token") {
			t.Errorf("the stream ended without saying why; its last comment was %q", c)
		}
		_, err := srv.client(eve).Stream(context.Background(), 0, 0, func(int64, hansei.Event) error { return nil })
		if ce, ok := err.(*client.Error); !ok || ce.Status != http.StatusUnauthorized {
			t.Fatalf("reopening the stream with the revoked token: %v, want 401", err)
		}
	})
}

// TestStreamReadsWithTheRoleItsUserHasNow: a token that stays valid keeps
// its stream open, but from the moment its user is made a viewer the
// stream of all incidents leaves the restricted one out.
func TestStreamReadsWithTheRoleItsUserHasNow(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv, admin := streamFixture(t, dsn)
		eve := srv.addUser(t, "eve", "admin")
		stream := apiStream(t, srv, "/api/v1/stream", eve)
		addNote(t, admin, 2, "CONFIDENTIAL before")
		stream.waitForText(t, "CONFIDENTIAL before")

		setRole(t, srv, "eve", hansei.RoleViewer)
		addNote(t, admin, 2, "CONFIDENTIAL after")
		addNote(t, admin, 1, "public after")
		refuteText(t, stream.waitForText(t, "public after"), "CONFIDENTIAL after")
	})
}

// TestIncidentStreamEndsWhenAccessToItEnds: an admin who is not a member
// follows a restricted incident's stream and is made a responder, which
// may not read it. The stream ends before the next event, and reopening
// it answers 404, as for an incident that does not exist.
func TestIncidentStreamEndsWhenAccessToItEnds(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv, admin := streamFixture(t, dsn)
		ann := srv.addUser(t, "ann", "admin")
		stream := apiStream(t, srv, "/api/v1/incidents/2/stream", ann)
		addNote(t, admin, 2, "CONFIDENTIAL before")
		stream.waitForText(t, "CONFIDENTIAL before")

		setRole(t, srv, "ann", hansei.RoleResponder)
		addNote(t, admin, 2, "CONFIDENTIAL after")
		refuteText(t, stream.waitForEnd(t), "CONFIDENTIAL after")
		_, err := srv.client(ann).Stream(context.Background(), 2, 0, func(int64, hansei.Event) error { return nil })
		if ce, ok := err.(*client.Error); !ok || ce.Status != http.StatusNotFound {
			t.Fatalf("reopening the stream: %v, want 404", err)
		}
	})
}

// TestPageStreamEndsAtSignOut: the incident page's stream, opened with a
// session cookie, ends when that session is signed out; the next note is
// not delivered.
func TestPageStreamEndsAtSignOut(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv, admin := streamFixture(t, dsn)
		srv.addUser(t, "sam", "responder")
		b := newBrowser(t, srv)
		b.signIn("sam")
		b.get("/incidents/1", http.StatusOK)
		stream := openSSE(t, b.http, srv, "/incidents/1/events", nil)
		addNote(t, admin, 1, "before sign-out")
		stream.waitForText(t, "before sign-out")

		b.post("/signout", url.Values{}, http.StatusOK)
		addNote(t, admin, 1, "after sign-out")
		refuteText(t, stream.waitForEnd(t), "after sign-out")
		if c := stream.lastComment(); !strings.Contains(c, "signed out") {
			t.Errorf("the stream ended without saying why; its last comment was %q", c)
		}
	})
}

// TestStreamsPerUserAreLimited is the finding as found: one viewer opens a
// thousand streams. The first max_streams_per_user (20) are served; every
// other is refused with 429 and a JSON error that says which limit, and a
// stream of another user is still served.
func TestStreamsPerUserAreLimited(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv, _ := streamFixture(t, dsn)
		vic := srv.addUser(t, "vic", "viewer")
		open, refused := 0, 0
		for i := range 1000 {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/stream", nil)
			req.Header.Set("Authorization", "Bearer "+vic)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("stream %d: %v", i+1, err)
			}
			switch resp.StatusCode {
			case http.StatusOK:
				open++
				t.Cleanup(func() { resp.Body.Close() })
				continue
			case http.StatusTooManyRequests:
				refused++
				var body struct{ Error client.Error }
				if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Error.Code != "too_many_requests" ||
					!strings.Contains(body.Error.Message, "20 live streams open") {
					t.Fatalf("stream %d refused with %+v (%v); want a JSON error that names the limit", i+1, body.Error, err)
				}
			default:
				t.Fatalf("stream %d: %d", i+1, resp.StatusCode)
			}
			resp.Body.Close()
		}
		if open != 20 || refused != 980 {
			t.Fatalf("of 1000 streams of one viewer %d were served and %d refused; want 20 and 980", open, refused)
		}
		other := apiStream(t, srv, "/api/v1/stream", srv.AdminToken)
		addNote(t, srv.client(srv.AdminToken), 1, fmt.Sprintf("after %d refusals", refused))
		other.waitForText(t, "after 980 refusals")
	})
}
