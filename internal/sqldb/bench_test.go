package sqldb_test

// Benchmarks of the store, each beside a reference measured in the same run
// on the same database, so that a shared, noisy machine compares like with
// like. scripts/bench runs them and prints the figures as ratios.
//
//	go test -run '^$' -bench . ./internal/sqldb/
//
// PostgreSQL is measured when HANSEI_TEST_POSTGRES_URL is set, as for the
// tests. BenchmarkListIncidents is in listbench_test.go.

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// BenchmarkAppendEvent appends timeline events, one transaction per event.
//
//   - store: db.Execute(AddNote), as the product does for every command:
//     read and lock the projection, decide, apply, update the projection,
//     append the event, record the members.
//   - bare: one autocommit INSERT per row into a one-table schema (incident,
//     seq, data) in the same database: the floor of a durable write.
//
// Both report events/s; the goal is store >= 50% of bare. SQLite is
// measured with synchronous=FULL (sqlite, the default: every commit waits
// for fsync) and NORMAL (sqlite-normal), each beside its own bare loop on
// the same connection, so that each ratio compares like with like.
func BenchmarkAppendEvent(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchAppend(b, sqldbtest.SQLite(b).DSN, sqldb.SyncFull)
	})
	b.Run("sqlite-normal", func(b *testing.B) {
		benchAppend(b, sqldbtest.SQLite(b).DSN, sqldb.SyncNormal)
	})
	b.Run("postgres", func(b *testing.B) {
		pg, ok := sqldbtest.Postgres(b)
		if !ok {
			b.Skip("HANSEI_TEST_POSTGRES_URL is not set; scripts/bench starts a PostgreSQL")
		}
		benchAppend(b, pg.DSN, "")
	})
}

func benchAppend(b *testing.B, dsn, synchronous string) {
	ctx := context.Background()
	db := benchOpenWith(b, dsn, sqldb.Options{Create: true, Synchronous: synchronous})
	author := benchUser(b, db, "alice", hansei.RoleResponder)
	inc, err := db.Declare(ctx, author, hansei.Declare{Title: "Checkout failing in eu-west-1", Severity: "SEV2",
		Summary: "Payments time out for about 20% of checkouts.", Services: []string{"checkout", "payments"}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.RawExec(ctx, `CREATE TABLE bare (
		incident BIGINT NOT NULL,
		seq      BIGINT NOT NULL,
		data     TEXT NOT NULL,
		PRIMARY KEY (incident, seq))`); err != nil {
		b.Fatal(err)
	}
	// The same text on both paths: about the size of a real note.
	note := func(i int) string {
		return "Rolled back the canary (" + strconv.Itoa(i) + "); error rate is back to 0.1% and p99 latency to 180 ms, watching for 15 minutes."
	}

	b.Run("store", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, _, err := db.Execute(ctx, author, inc.Number, hansei.AddNote{Text: note(i)}); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b)
	})
	// seq carries on across the runs of the sub-benchmark: the key is unique.
	var seq int64
	b.Run("bare", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			seq++
			data := `{"text":"` + note(i) + `"}`
			if _, err := db.RawExec(ctx, `INSERT INTO bare (incident, seq, data) VALUES ($1, $2, $3)`, inc.Number, seq, data); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b)
	})
}

func reportRate(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "events/s")
	}
}

// benchOpen opens and migrates dsn; the database closes with the benchmark.
func benchOpen(b *testing.B, dsn string) *sqldb.DB {
	b.Helper()
	return benchOpenWith(b, dsn, sqldb.Options{Create: true})
}

// benchOpenWith is benchOpen with options.
func benchOpenWith(b *testing.B, dsn string, o sqldb.Options) *sqldb.DB {
	b.Helper()
	ctx := context.Background()
	db, err := sqldb.OpenWith(ctx, dsn, o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return db
}

func benchUser(b *testing.B, db *sqldb.DB, name string, role hansei.Role) hansei.User {
	b.Helper()
	u, err := db.CreateUser(context.Background(), hansei.User{Name: name, Role: role}, "hash of "+name+"'s token")
	if err != nil {
		b.Fatal(err)
	}
	return u
}

// benchSize reads a positive whole number from the environment.
func benchSize(b *testing.B, name string, def int) int {
	b.Helper()
	raw := strings.TrimSpace(os.Getenv(name))
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive whole number", name, raw)
	}
	return n
}
