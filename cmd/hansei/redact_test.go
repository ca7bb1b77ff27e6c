package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// redactSecret is the fake secret pasted into a note; nothing may hold it after
// the note is redacted.
const redactSecret = "hunter2-SECRET-a8f3"

// TestRedactNoteRemovesItEverywhere is issue 17's acceptance: a note with
// a secret is redacted, and afterwards the secret is in none of the
// timeline API, the stream replayed from Last-Event-ID 0, the search, the
// Markdown export, the outbox, and the database itself (the SQLite file
// and its WAL, read byte by byte; a pg_dump of PostgreSQL).
func TestRedactNoteRemovesItEverywhere(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		srv := startServer(t, dsn)
		admin := srv.client(srv.AdminToken)
		bobToken := srv.addUser(t, "bob", "responder")
		bob, dave := srv.client(bobToken), srv.client(srv.addUser(t, "dave", "responder"))

		if _, err := bob.Declare(ctx, client.DeclareRequest{Title: "Checkout fails", Severity: "SEV2"}); err != nil {
			t.Fatal(err)
		}
		inc, err := bob.AddNote(ctx, 1, "the db password is "+redactSecret+", rotate it")
		if err != nil {
			t.Fatal(err)
		}
		noteSeq := inc.Events[0].Seq
		if _, err := bob.AddNote(ctx, 1, "rolled back the deploy"); err != nil {
			t.Fatal(err)
		}
		if _, err := bob.ChangeStatus(ctx, 1, "resolved", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := bob.CreatePostmortem(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := bob.PatchPostmortem(ctx, 1, map[string]any{"highlights": []int64{noteSeq}}); err != nil {
			t.Fatal(err)
		}
		if md, err := bob.ExportPostmortem(ctx, 1); err != nil || !strings.Contains(md, redactSecret) {
			t.Fatalf("before redacting, the export should quote the note (err %v):\n%s", err, md)
		}

		// Refusals: someone else, no reason, an event that is not a note,
		// an event that does not exist.
		wantAPIError(t, redactErr(dave, noteSeq, "mine now"), http.StatusForbidden, "")
		wantAPIError(t, redactErr(bob, noteSeq, " "), http.StatusBadRequest, "reason")
		wantAPIError(t, redactErr(bob, 1, "x"), http.StatusBadRequest, "seq")
		wantAPIError(t, redactErr(bob, 999, "x"), http.StatusNotFound, "")
		if r := srv.cli(t, bobToken, "incident", "redact", "1", strconv.FormatInt(noteSeq, 10)); r.err == nil ||
			!strings.Contains(r.stderr+r.err.Error(), "--reason") {
			t.Errorf("redact without --reason: err %v, stderr %q; want a failure naming --reason", r.err, r.stderr)
		}

		// The author redacts it from the command line (the closed record
		// too may be redacted; this one is resolved).
		t.Cleanup(func() {
			if t.Failed() {
				t.Log(srv.stderr.String())
			}
		})
		out := srv.mustCLI(t, bobToken, "incident", "redact", "1", strconv.FormatInt(noteSeq, 10), "--reason", "pasted a password")
		if !strings.Contains(out, "redacted event #"+strconv.FormatInt(noteSeq, 10)+": pasted a password") {
			t.Errorf("hansei incident redact printed %q", out)
		}
		wantAPIError(t, redactErr(admin, noteSeq, "again"), http.StatusConflict, "")

		// What a reader sees in its place, on every surface.
		tl := srv.mustCLI(t, bobToken, "incident", "timeline", "1")
		if !strings.Contains(tl, "redacted by bob at ") || !strings.Contains(tl, ": pasted a password") {
			t.Errorf("the CLI timeline does not show the redaction:\n%s", tl)
		}
		md, err := bob.ExportPostmortem(ctx, 1)
		if err != nil || !strings.Contains(md, "redacted by bob at ") {
			t.Errorf("the export does not show the redaction (err %v):\n%s", err, md)
		}

		where := map[string][]byte{"Markdown export": []byte(md)}
		where["timeline API"] = redactGet(t, admin, "/api/v1/incidents/1/timeline")
		where["search API"] = redactGet(t, admin, "/api/v1/incidents?q="+url.QueryEscape(redactSecret))
		where["search API (one word)"] = redactGet(t, admin, "/api/v1/incidents?q=hunter2")
		where["outbox API"] = redactGet(t, admin, "/api/v1/admin/outbox")
		where["stream from Last-Event-ID 0"] = replayStream(t, srv, bobToken)
		if !bytes.Contains(where["stream from Last-Event-ID 0"], []byte("event: "+hansei.EventRedacted)) {
			t.Errorf("the replayed stream has no %s event", hansei.EventRedacted)
		}
		if strings.HasPrefix(dsn, "sqlite:") {
			path := strings.TrimPrefix(dsn, "sqlite:")
			for _, f := range []string{path, path + "-wal"} {
				b, err := os.ReadFile(f)
				if err != nil && !errors.Is(err, os.ErrNotExist) {
					t.Fatal(err)
				}
				where[filepath.Base(f)] = b
			}
		} else {
			where["pg_dump"] = pgDump(t, dsn)
		}
		for name, b := range where {
			if bytes.Contains(b, []byte(redactSecret)) || bytes.Contains(b, []byte("hunter2")) {
				i := bytes.Index(b, []byte("hunter2"))
				t.Errorf("the secret is still in the %s: %q", name, b[max(i-300, 0):min(i+100, len(b))])
			}
		}
		// The other note, written before and after, is untouched.
		if !bytes.Contains(where["timeline API"], []byte("rolled back the deploy")) {
			t.Error("redaction took out more than the one note")
		}
	})
}

func redactErr(c *client.Client, seq int64, reason string) error {
	_, err := c.Redact(context.Background(), 1, seq, reason)
	return err
}

func redactGet(t *testing.T, c *client.Client, path string) []byte {
	t.Helper()
	resp, err := c.Do(context.Background(), clientRequest(http.MethodGet, path))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("GET %s: %v %d %s", path, err, resp.Status, resp.Body)
	}
	return resp.Body
}

// replayStream reads incident 1's stream from Last-Event-ID 0 until the
// redaction's frame, as a reconnecting browser would.
func replayStream(t *testing.T, srv *server, token string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/v1/incidents/1/stream", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Last-Event-ID", "0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got bytes.Buffer
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	seen := false
	for sc.Scan() {
		got.Write(sc.Bytes())
		got.WriteByte('\n')
		if sc.Text() == "event: "+hansei.EventRedacted {
			seen = true
		} else if seen && strings.HasPrefix(sc.Text(), "data: ") {
			break
		}
	}
	return got.Bytes()
}

// pgDump dumps the test's PostgreSQL database with the pg_dump of the
// server scripts/test starts: HANSEI_PG_BINDIR, else the newest Debian
// install, else pg_dump on PATH.
func pgDump(t *testing.T, dsn string) []byte {
	t.Helper()
	var candidates []string
	if d := os.Getenv("HANSEI_PG_BINDIR"); d != "" {
		candidates = append(candidates, filepath.Join(d, "pg_dump"))
	}
	debian, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump")
	sort.Slice(debian, func(i, j int) bool { return pgVersion(debian[i]) > pgVersion(debian[j]) })
	candidates = append(candidates, debian...)
	if p, err := exec.LookPath("pg_dump"); err == nil {
		candidates = append(candidates, p)
	}
	for _, bin := range candidates {
		if _, err := os.Stat(bin); err != nil {
			continue
		}
		out, err := exec.Command(bin, "--data-only", "--dbname="+dsn).Output()
		if err != nil {
			t.Fatalf("%s: %v", bin, err)
		}
		if !bytes.Contains(out, []byte("COPY public.events")) {
			t.Fatalf("%s dumped no events:\n%s", bin, out)
		}
		return out
	}
	t.Fatal("pg_dump not found (set HANSEI_PG_BINDIR)")
	return nil
}

func pgVersion(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// TestRedactPublicUpdateRebuildsStatusPage: an admin redacts a public
// update; the status page, its JSON and its feed are rendered again
// without the text, and keep the update's status.
func TestRedactPublicUpdateRebuildsStatusPage(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		srv := startServer(t, dsn)
		admin := srv.client(srv.AdminToken)
		bob := srv.client(srv.addUser(t, "bob", "responder"))
		const leaked = "customer Acme-CUST-4471 lost orders"
		if _, err := bob.Declare(ctx, client.DeclareRequest{Title: "Checkout fails", Severity: "SEV2"}); err != nil {
			t.Fatal(err)
		}
		inc, err := bob.PublishUpdate(ctx, 1, client.PublicUpdateRequest{Status: "investigating", Text: "We are looking into it; " + leaked})
		if err != nil {
			t.Fatal(err)
		}
		seq := inc.Events[0].Seq
		paths := []string{"/status", "/status/incidents/1", "/status.json", "/status/feed.atom"}
		waitFor(t, srv.URL+"/status/incidents/1", "Acme-CUST-4471")
		// The commander published it, but a public update speaks for the
		// incident: only an admin takes it back.
		wantAPIError(t, redactErr(bob, seq, "oops"), http.StatusForbidden, "")
		if _, err := admin.Redact(ctx, 1, seq, "names a customer"); err != nil {
			t.Fatal(err)
		}
		// The page is rendered again when the status version moves, which
		// the redaction does; every body is swapped in at once.
		waitWithout(t, srv.URL+"/status/incidents/1", "Acme-CUST-4471")
		for _, p := range paths {
			if r := fetch(t, srv.URL+p); strings.Contains(r.text, "Acme-CUST-4471") {
				t.Errorf("%s still shows the redacted text", p)
			}
		}
		if r := fetch(t, srv.URL+"/status/incidents/1"); !strings.Contains(r.text, "st-investigating") {
			t.Errorf("the public incident lost the update's status:\n%s", r.text)
		}
	})
}

// waitWithout waits until url answers without unwanted: the status page
// renders on change, in the background.
func waitWithout(t *testing.T, url, unwanted string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := fetch(t, url)
		if r.code == 200 && !strings.Contains(r.text, unwanted) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still showed %q after 15s", url, unwanted)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRedactFromThePage: the incident page offers "Redact" beside the
// viewer's own notes only, as a plain form (no JavaScript); a reason is
// required, and the timeline then shows who redacted the note, when and
// why.
func TestRedactFromThePage(t *testing.T) {
	srv := startServer(t, sqldbtest.SQLite(t).DSN)
	alice := srv.client(srv.addUser(t, "alice", "responder"))
	dave := srv.client(srv.addUser(t, "dave", "responder"))
	ctx := context.Background()
	if _, err := alice.Declare(ctx, client.DeclareRequest{Title: "Checkout fails", Severity: "SEV2"}); err != nil {
		t.Fatal(err)
	}
	mine, err := alice.AddNote(ctx, 1, "token "+redactSecret)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := dave.AddNote(ctx, 1, "dave's note")
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.signIn("alice")
	page := b.get("/incidents/1", http.StatusOK)
	seq := strconv.FormatInt(mine.Events[0].Seq, 10)
	if !strings.Contains(page, `id="redact-`+seq+`"`) || strings.Contains(page, `id="redact-`+strconv.FormatInt(theirs.Events[0].Seq, 10)+`"`) {
		t.Fatalf("the page should offer to redact alice's note %s and not dave's:\n%s", seq, page)
	}
	// Refused forms come back to the page with the error (as every
	// incident form does).
	if got := b.post("/incidents/1/redactions", url.Values{"seq": {seq}, "reason": {""}}, http.StatusOK); !strings.Contains(got, `role="alert">reason is required`) {
		t.Errorf("a redaction without a reason: the page does not say the reason is required:\n%s", got)
	}
	page = b.post("/incidents/1/redactions", url.Values{"seq": {seq}, "reason": {"pasted a token"}}, http.StatusOK)
	if strings.Contains(page, redactSecret) || !strings.Contains(page, "redacted by alice at ") || !strings.Contains(page, ": pasted a token") {
		t.Errorf("after redacting, the page shows:\n%s", page)
	}
	if strings.Contains(page, `id="redact-`+seq+`"`) {
		t.Error("the page still offers to redact a redacted note")
	}
}
