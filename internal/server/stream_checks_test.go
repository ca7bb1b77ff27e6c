package server_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/server"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// quietWeb is a started web layer on a fresh database, with alice (whose
// token and session it returns) and one incident, and heartbeats every
// 20 ms: what a stream does at a heartbeat shows within a test's patience.
func quietWeb(t *testing.T, ctx context.Context, dsn string) (*server.Web, *httptest.Server, string, app.Credential) {
	t.Helper()
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	alice, token, _ := sqldbtest.CreateUser(ctx, db, hansei.User{Name: "alice", Role: hansei.RoleResponder})
	if _, err := db.Declare(ctx, alice, hansei.Declare{Title: "Quiet", Severity: "SEV4"}); err != nil {
		t.Fatal(err)
	}
	web := server.NewWeb(db, hansei.DefaultScales(), slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	web.Streams.Heartbeat = 20 * time.Millisecond
	const password = "a passphrase long enough"
	if err := web.App().Users.SetPassword(ctx, app.Console(), "alice", password); err != nil {
		t.Fatal(err)
	}
	_, session, err := web.App().Users.SignIn(ctx, netip.MustParseAddr("127.0.0.1"), "alice", password)
	if err != nil {
		t.Fatal(err)
	}
	if err := web.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(web.Handler())
	t.Cleanup(ts.Close)
	return web, ts, token, app.Credential{Session: session.Token}
}

func getStream(t *testing.T, ctx context.Context, url, token, session string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if session != "" {
		req.AddCookie(&http.Cookie{Name: "hansei_session", Value: session})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestIdleStreamEndsWhenItsCredentialDoes: a stream to which no event
// comes still ends, at its next heartbeat, once its token is revoked or
// its session signed out; it does not wait for an event to find out.
func TestIdleStreamEndsWhenItsCredentialDoes(t *testing.T) {
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			web, ts, token, session := quietWeb(t, ctx, target.DSN)
			users := web.App().Users
			for _, c := range []struct {
				path, token, session string
				end                  func() error
			}{
				{"/api/v1/stream", token, "", func() error {
					tokens, err := users.Tokens(ctx, app.Console())
					if err != nil {
						return err
					}
					return users.RevokeToken(ctx, app.Console(), tokens[0].ID)
				}},
				{"/incidents/1/events", "", session.Session, func() error { return users.SignOut(ctx, session.Session) }},
			} {
				resp := getStream(t, ctx, ts.URL+c.path, c.token, c.session)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", c.path, resp.StatusCode)
				}
				lines := bufio.NewScanner(resp.Body)
				for lines.Scan() && lines.Text() != ": heartbeat" {
				}
				if err := c.end(); err != nil {
					t.Fatal(err)
				}
				ended := make(chan string, 1)
				go func() {
					last := ""
					for lines.Scan() {
						last = lines.Text()
						if strings.HasPrefix(last, ": closed:") {
							ended <- last
							return
						}
					}
					ended <- "the stream ended without a word; last line " + last
				}()
				select {
				case line := <-ended:
					if !strings.HasPrefix(line, ": closed:") {
						t.Errorf("%s: %s", c.path, line)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("%s: still open 5s after its credential ended, with heartbeats every 20ms", c.path)
				}
				resp.Body.Close()
			}
		})
	}
}

// TestStreamSlotIsFreedWhenTheClientLeaves: with one stream allowed per
// user, a second is refused while the first is open, and served once the
// first's client has gone (noticed at the next heartbeat at the latest).
func TestStreamSlotIsFreedWhenTheClientLeaves(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	web, ts, token, session := quietWeb(t, ctx, sqldbtest.SQLite(t).DSN)
	web.Streams.MaxPerUser = 1
	first := getStream(t, ctx, ts.URL+"/api/v1/stream", token, "")
	if first.StatusCode != http.StatusOK {
		t.Fatalf("the first stream: %d", first.StatusCode)
	}
	// The same user by session: the limit is the user's, not the token's.
	second := getStream(t, ctx, ts.URL+"/incidents/1/events", "", session.Session)
	body, _ := io.ReadAll(second.Body)
	second.Body.Close()
	if second.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), `"code":"too_many_requests"`) {
		t.Fatalf("a second stream of alice's: %d %s; want 429", second.StatusCode, body)
	}
	first.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		again := getStream(t, ctx, ts.URL+"/incidents/1/events", "", session.Session)
		again.Body.Close()
		if again.StatusCode == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a stream is still refused (%d) 5s after the first one's client left", again.StatusCode)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
