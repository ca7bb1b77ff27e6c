package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hansei-dev/hansei/client"
)

type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// TestBadInputGetsClearErrors sends what clients get wrong and checks each
// answer: the right status, the JSON error contract, the field named, and
// never a 5xx.
func TestBadInputGetsClearErrors(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		admin := srv.client(srv.AdminToken)
		vera := srv.client(srv.addUser(t, "vera", "viewer"))
		noToken := srv.client("")
		badToken := srv.client("hsi_doesnotexist")
		ctx := context.Background()
		if _, err := admin.Declare(ctx, client.DeclareRequest{Title: "Existing", Severity: "SEV3"}); err != nil {
			t.Fatal(err)
		}
		big := `{"title":"` + strings.Repeat("x", 1<<20) + `","severity":"SEV1"}`
		cases := []struct {
			name    string
			c       *client.Client
			method  string
			path    string
			body    string
			status  int
			field   string // the field the error must name
			message string // a piece of the message
		}{
			{"malformed JSON", admin, "POST", "/api/v1/incidents", `{"title": "x",`, 400, "body", "not complete"},
			{"not JSON", admin, "POST", "/api/v1/incidents", `title=x`, 400, "body", "not valid JSON"},
			{"array body", admin, "POST", "/api/v1/incidents", `[1,2]`, 400, "body", "JSON object"},
			{"wrong type", admin, "POST", "/api/v1/incidents", `{"title": 42, "severity": "SEV1"}`, 400, "title", "title must be a string"},
			{"wrong list type", admin, "POST", "/api/v1/incidents", `{"title": "x", "severity": "SEV1", "services": "api"}`, 400, "services", "list of strings"},
			{"unknown field", admin, "POST", "/api/v1/incidents", `{"title": "x", "severity": "SEV1", "sevrity": "SEV1"}`, 400, "sevrity", "the fields are title, severity"},
			{"trailing data", admin, "POST", "/api/v1/incidents", `{"title": "x", "severity": "SEV1"} {}`, 400, "body", "after the JSON object"},
			{"empty body", admin, "POST", "/api/v1/incidents", ``, 400, "body", "empty"},
			{"empty title", admin, "POST", "/api/v1/incidents", `{"title": "   ", "severity": "SEV1"}`, 400, "title", "required"},
			{"long title", admin, "POST", "/api/v1/incidents", `{"title": "` + strings.Repeat("é", 201) + `", "severity": "SEV1"}`, 400, "title", "limit is 200"},
			{"body over 1 MiB", admin, "POST", "/api/v1/incidents", big, 413, "body", "over the limit"},
			{"unknown severity", admin, "POST", "/api/v1/incidents", `{"title": "x", "severity": "urgent"}`, 400, "severity", "SEV1 (Critical):"},
			{"missing severity", admin, "POST", "/api/v1/incidents", `{"title": "x"}`, 400, "severity", "severity is required"},
			{"bad visibility", admin, "POST", "/api/v1/incidents", `{"title": "x", "severity": "SEV1", "visibility": "public"}`, 400, "visibility", "restricted"},
			{"unknown commander", admin, "POST", "/api/v1/incidents", `{"title": "x", "severity": "SEV1", "commander": "ghost"}`, 400, "commander", "no user named"},
			{"bad time", admin, "POST", "/api/v1/incidents", `{"title": "x", "severity": "SEV1", "started_at": "yesterday"}`, 400, "body", ""},
			{"severity without reason", admin, "POST", "/api/v1/incidents/1/severity", `{"severity": "SEV1"}`, 400, "reason", "required"},
			{"unknown severity change", admin, "POST", "/api/v1/incidents/1/severity", `{"severity": "ASAP", "reason": "x"}`, 400, "severity", "SEV4 (Low):"},
			{"unknown status", admin, "POST", "/api/v1/incidents/1/status", `{"status": "fixed"}`, 400, "status", "investigating, identified, monitoring or resolved"},
			{"bad role name", admin, "POST", "/api/v1/incidents/1/roles", `{"role": "Big Boss", "user": "admin"}`, 400, "role", "use one of: commander, communications, scribe"},
			{"empty note", admin, "POST", "/api/v1/incidents/1/notes", `{"text": ""}`, 400, "text", "required"},
			{"long note", admin, "POST", "/api/v1/incidents/1/notes", `{"text": "` + strings.Repeat("a", 20001) + `"}`, 400, "text", "limit is 20000"},
			{"bad incident number", admin, "GET", "/api/v1/incidents/abc", ``, 400, "n", "positive number"},
			{"unknown incident", admin, "GET", "/api/v1/incidents/999", ``, 404, "", "INC-999"},
			{"bad limit", admin, "GET", "/api/v1/incidents?limit=0", ``, 400, "limit", "between 1 and 200"},
			{"bad status filter", admin, "GET", "/api/v1/incidents?status=open", ``, 400, "status", "investigating"},
			{"bad severity filter", admin, "GET", "/api/v1/incidents?severity=high", ``, 400, "severity", "SEV1"},
			{"bad cursor", admin, "GET", "/api/v1/incidents?cursor=%25%25", ``, 400, "cursor", "next_cursor"},
			{"bad after", admin, "GET", "/api/v1/incidents/1/timeline?after=-1", ``, 400, "after", "non-negative"},
			{"bad lang", admin, "GET", "/api/v1/scales?lang=<script>", ``, 400, "lang", "language code"},
			{"no token", noToken, "GET", "/api/v1/incidents", ``, 401, "", "Authorization: Bearer"},
			{"unknown token", badToken, "GET", "/api/v1/incidents", ``, 401, "", "not known"},
			{"viewer acts", vera, "POST", "/api/v1/incidents/1/notes", `{"text": "hi"}`, 403, "", "viewer"},
			{"invalid transition", admin, "POST", "/api/v1/incidents/1/status", `{"status": "investigating"}`, 409, "", "may move to identified, monitoring, resolved"},
			{"unknown route", admin, "GET", "/api/v1/nothing", ``, 404, "", "no API route"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				req := client.Request{Method: tc.method, Path: tc.path}
				if tc.body != "" {
					req.Body = []byte(tc.body)
				} else if tc.method == "POST" {
					req.Body = []byte{}
				}
				resp, err := tc.c.Do(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				if resp.Status != tc.status {
					t.Fatalf("status %d, want %d; body %s", resp.Status, tc.status, resp.Body)
				}
				var e apiError
				if err := json.Unmarshal(resp.Body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
					t.Fatalf("not the JSON error contract: %s", resp.Body)
				}
				if tc.field != "" {
					if _, ok := e.Error.Fields[tc.field]; !ok {
						t.Errorf("fields %v do not name %q (message %q)", e.Error.Fields, tc.field, e.Error.Message)
					}
				}
				if !strings.Contains(e.Error.Message, tc.message) {
					t.Errorf("message %q lacks %q", e.Error.Message, tc.message)
				}
			})
		}
		// Nothing above changed the incident or made a new one.
		list, err := admin.Incidents(ctx, client.ListOptions{})
		if err != nil || len(list.Items) != 1 || list.Items[0].LastSeq != 3 {
			t.Fatalf("bad input changed data: %+v %v", list, err)
		}
	})
}

// TestIdempotencyKey checks that a repeated request returns the first
// response and changes nothing, also when the repeats arrive together.
func TestIdempotencyKey(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		admin := srv.client(srv.AdminToken)
		bob := srv.client(srv.addUser(t, "bob", "responder"))
		ctx := context.Background()
		body := []byte(`{"title": "Checkout failing", "severity": "SEV2"}`)
		first, err := admin.Do(ctx, client.Request{Method: "POST", Path: "/api/v1/incidents", Body: body, IdempotencyKey: "k-1"})
		if err != nil || first.Status != http.StatusCreated {
			t.Fatalf("first: %d %s %v", first.Status, first.Body, err)
		}
		again, err := admin.Do(ctx, client.Request{Method: "POST", Path: "/api/v1/incidents", Body: body, IdempotencyKey: "k-1"})
		if err != nil || again.Status != http.StatusCreated || string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("repeat: %d %s (replayed %q), want the first response", again.Status, again.Body, again.Header.Get("Idempotent-Replayed"))
		}
		other, err := admin.Do(ctx, client.Request{Method: "POST", Path: "/api/v1/incidents", Body: []byte(`{"title": "Other", "severity": "SEV2"}`), IdempotencyKey: "k-1"})
		if err != nil || other.Status != http.StatusUnprocessableEntity || !strings.Contains(string(other.Body), "different request") {
			t.Fatalf("same key, other body: %d %s", other.Status, other.Body)
		}
		// Keys belong to their user: bob's k-1 is a new request.
		mine, err := bob.Do(ctx, client.Request{Method: "POST", Path: "/api/v1/incidents", Body: body, IdempotencyKey: "k-1"})
		if err != nil || mine.Status != http.StatusCreated || string(mine.Body) == string(first.Body) {
			t.Fatalf("bob's key: %d %s", mine.Status, mine.Body)
		}

		// Concurrent repeats of one note: one event, one answer.
		const n = 16
		var wg sync.WaitGroup
		answers := make([]client.Response, n)
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				answers[i], errs[i] = admin.Do(ctx, client.Request{Method: "POST", Path: "/api/v1/incidents/1/notes",
					Body: []byte(`{"text": "rolled back payments"}`), IdempotencyKey: "note-1"})
			}(i)
		}
		wg.Wait()
		for i := range answers {
			if errs[i] != nil || answers[i].Status != 200 || string(answers[i].Body) != string(answers[0].Body) {
				t.Fatalf("concurrent repeat %d: %d %s %v", i, answers[i].Status, answers[i].Body, errs[i])
			}
		}
		tl, err := admin.Timeline(ctx, 1, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		notes := 0
		for _, e := range tl.Items {
			if e.Type == "note.added" {
				notes++
			}
		}
		if notes != 1 {
			t.Fatalf("%d notes after %d concurrent repeats, want 1", notes, n)
		}
		list, _ := admin.Incidents(ctx, client.ListOptions{})
		if len(list.Items) != 2 {
			t.Fatalf("%d incidents, want 2 (one per user's key)", len(list.Items))
		}
		// A failed request does not use up its key.
		bad, _ := admin.Do(ctx, client.Request{Method: "POST", Path: "/api/v1/incidents/1/notes", Body: []byte(`{"text": ""}`), IdempotencyKey: "retry-me"})
		good, _ := admin.Do(ctx, client.Request{Method: "POST", Path: "/api/v1/incidents/1/notes", Body: []byte(`{"text": ""}`), IdempotencyKey: "retry-me"})
		if bad.Status != 400 || good.Status != 400 || good.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("failed request with key: %d then %d", bad.Status, good.Status)
		}
		_ = fmt.Sprint()
	})
}
