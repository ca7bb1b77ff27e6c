// Package sqldbtest gives tests fresh databases of every kind hansei
// supports: a SQLite file in a temporary folder and, when
// HANSEI_TEST_POSTGRES_URL names a PostgreSQL server (scripts/test starts
// one), a new PostgreSQL database per test.
package sqldbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// Target is one database to run a test against.
type Target struct {
	Name string // "sqlite" or "postgres"
	DSN  string
}

// Targets returns a fresh SQLite database and, if configured, a fresh
// PostgreSQL database, each removed when the test ends. Under CI=true a
// missing PostgreSQL fails the test: CI must never pass by skipping half
// of the suite.
func Targets(t testing.TB) []Target {
	t.Helper()
	targets := []Target{SQLite(t)}
	if pg, ok := Postgres(t); ok {
		targets = append(targets, pg)
	}
	return targets
}

// SQLite returns a fresh SQLite database file.
func SQLite(t testing.TB) Target {
	return Target{Name: "sqlite", DSN: "sqlite:" + filepath.Join(t.TempDir(), "hansei.db")}
}

// Postgres returns a new, empty PostgreSQL database, or false when none is
// configured outside CI.
func Postgres(t testing.TB) (Target, bool) {
	t.Helper()
	admin := getenv("HANSEI_TEST_POSTGRES_URL")
	if admin == "" {
		if getenv("CI") == "true" {
			t.Fatal("HANSEI_TEST_POSTGRES_URL is not set under CI=true: run the suite with ./scripts/test, which starts PostgreSQL")
		}
		t.Log("HANSEI_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (./scripts/test runs them)")
		return Target{}, false
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "hansei_test_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("open %s: %v", admin, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		db.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
		db.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("HANSEI_TEST_POSTGRES_URL: %v", err)
	}
	u.Path = "/" + name
	return Target{Name: "postgres", DSN: u.String()}, true
}
