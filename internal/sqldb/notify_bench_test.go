package sqldb_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/notify"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// BenchmarkReminderScan scans 100,000 remediations (HANSEI_BENCH_REMEDIATIONS)
// for today's reminders, as the scheduler does (the use case in
// internal/app over this store); the goal is under 200 ms. Most are due
// far ahead or done; a realistic few are near or past due.
func BenchmarkReminderScan(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db := benchOpen(b, freshTarget(b, name).DSN)
			author := benchUser(b, db, "alice", hansei.RoleResponder)
			benchUser(b, db, "bob", hansei.RoleResponder)
			if _, err := db.Declare(ctx, author, hansei.Declare{Title: "Source", Severity: "SEV3"}); err != nil {
				b.Fatal(err)
			}
			n := benchSize(b, "HANSEI_BENCH_REMEDIATIONS", 100000)
			if err := db.BulkRemediations(ctx, 1, n, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)); err != nil {
				b.Fatal(err)
			}
			notifications := app.New(app.Config{Store: db}).Notifications
			samples := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := notifications.ScanReminders(ctx, "2026-11-25", hansei.DefaultReminderPolicy()); err != nil {
					b.Fatal(err)
				}
				samples = append(samples, time.Since(start))
			}
			b.StopTimer()
			reportLatency(b, samples)
		})
	}
}

// BenchmarkOutboxDelivery delivers queued webhook notifications to a local
// receiver, beside the receiver's own rate for the same requests sent
// straight from one client in the same run.
func BenchmarkOutboxDelivery(b *testing.B) {
	var got atomic.Int64
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		got.Add(1)
	}))
	defer recv.Close()
	payload, _ := json.Marshal(hansei.Notification{Key: "k", Kind: hansei.NotifyReminder, To: []string{"bob"}, Subject: "Remediation 1 is due in 3 days", Text: "…"})
	b.Run("receiver-alone", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			resp, err := http.Post(recv.URL, "application/json", bytes.NewReader(payload))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
	})
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db := benchOpen(b, freshTarget(b, name).DSN)
			if err := db.BulkOutbox(ctx, b.N, recv.URL, payload); err != nil {
				b.Fatal(err)
			}
			d := notify.New(db, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)), []string{"127.0.0.1"})
			d.Secrets[recv.URL] = "secret"
			before := got.Load()
			b.ResetTimer()
			delivered, err := d.DeliverOnce(ctx)
			b.StopTimer()
			if err != nil || delivered != b.N || got.Load()-before != int64(b.N) {
				b.Fatalf("delivered %d of %d (%d received), %v", delivered, b.N, got.Load()-before, err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
		})
	}
}

// freshTarget is a new, empty database of the kind named; the benchmark is
// skipped when PostgreSQL is not configured.
func freshTarget(b *testing.B, name string) sqldbtest.Target {
	if name == "sqlite" {
		return sqldbtest.SQLite(b)
	}
	pg, ok := sqldbtest.Postgres(b)
	if !ok {
		b.Skip("HANSEI_TEST_POSTGRES_URL is not set")
	}
	return pg
}
