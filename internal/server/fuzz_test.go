package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/server"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// fuzzServer is a real handler on a real SQLite store, with one incident.
func fuzzServer(f *testing.F) (http.Handler, string) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, sqldbtest.SQLite(f).DSN)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		f.Fatal(err)
	}
	u, token, err := sqldbtest.CreateUser(ctx, db, hansei.User{Name: "alice", Role: hansei.RoleResponder})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := db.Declare(ctx, u, hansei.Declare{Title: "Checkout failing", Severity: "SEV2"}); err != nil {
		f.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return server.NewWeb(db, hansei.DefaultScales(), log, time.Now).Handler(), token
}

// checkAnswer fails on a 5xx or on an error that breaks the JSON contract.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if rec.Code >= 400 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Fatalf("status %d without the JSON error contract: %s", rec.Code, rec.Body)
		}
	}
}

// FuzzRequestBodies sends arbitrary bodies to every mutating route: the
// answer is a success or a clear 4xx, never a 5xx.
func FuzzRequestBodies(f *testing.F) {
	h, token := fuzzServer(f)
	paths := []string{"/api/v1/incidents", "/api/v1/incidents/1/severity", "/api/v1/incidents/1/status",
		"/api/v1/incidents/1/roles", "/api/v1/incidents/1/responders", "/api/v1/incidents/1/notes"}
	seeds := []string{`{"title":"x","severity":"SEV1"}`, `{"severity":"SEV3","reason":"r"}`, `{"status":"resolved"}`,
		`{"role":"scribe","user":"alice"}`, `{}`, `{"text":"t"}`, `{"title":null}`, `{"services":[1]}`, `[`, `"x"`, `{"a":1}{}`,
		`{"started_at":"2026-01-01T00:00:00Z","title":"a","severity":"SEV4"}`}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		req := httptest.NewRequest("POST", paths[int(route)%len(paths)], strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, rec)
	})
}

// FuzzQueries sends arbitrary query strings and path numbers to the read
// routes: search words, cursors, filters and limits.
func FuzzQueries(f *testing.F) {
	h, token := fuzzServer(f)
	f.Add("1", "q=checkout&limit=5")
	f.Add("INC-1", "cursor=bjE&status=resolved")
	f.Add("x", "q=\"a\"*%20OR%20NEAR(b)&severity=SEV9")
	f.Add("99999999999999999999", "after=-1&limit=1000")
	f.Fuzz(func(t *testing.T, number, rawQuery string) {
		if _, err := url.ParseQuery(rawQuery); err != nil {
			return
		}
		for _, p := range []string{"/api/v1/incidents?", "/api/v1/incidents/" + url.PathEscape(number) + "/timeline?", "/api/v1/scales?"} {
			req := httptest.NewRequest("GET", "/", nil)
			req.URL.Path, req.URL.RawQuery, _ = strings.Cut(p, "?")
			req.URL.RawPath = ""
			req.URL.RawQuery = rawQuery
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			checkAnswer(t, rec)
		}
	})
}
