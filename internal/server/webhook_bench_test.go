package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/notify"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// BenchmarkEventWebhooks measures event-webhook throughput (issue 18): b.N
// notes are appended, then the deliverer walks them to one endpoint on a
// local receiver until all arrived, signed, one POST each, the cursor and
// the attempts log written per batch as in production. The reference, in
// the same run, is the receiver's own capacity with one client: the same
// bodies POSTed back to back over one kept-alive connection, measured in
// turn with the deliveries, a chunk of events each. Run it with
// -benchtime Nx for N events.
//
// Metrics: webhook-events/s, receiver-events/s and webhook/receiver, the
// ratio (goal >= 0.5).
func BenchmarkEventWebhooks(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { runWebhookBench(b, sqldbtest.SQLite(b).DSN) })
	b.Run("postgres", func(b *testing.B) {
		pg, ok := sqldbtest.Postgres(b)
		if !ok {
			b.Skip("no PostgreSQL (HANSEI_TEST_POSTGRES_URL)")
		}
		runWebhookBench(b, pg.DSN)
	})
}

// webhookBenchChunk is how many events are delivered, then posted by the
// reference, in each turn: a backlog such as an endpoint that was down
// for a minute of a busy incident has to catch up.
const webhookBenchChunk = 1000

func runWebhookBench(b *testing.B, dsn string) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	var received atomic.Int64
	var size atomic.Int64
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		if r.Header.Get("Hansei-Delivery") != "" { // not the reference's
			size.Store(n)
			received.Add(1)
		}
	}))
	defer rc.Close()
	user, _, err := sqldbtest.CreateUser(ctx, db, hansei.User{Name: "alice", Role: hansei.RoleResponder})
	if err != nil {
		b.Fatal(err)
	}
	inc, err := db.Declare(ctx, user, hansei.Declare{Title: "Checkout failing", Severity: "SEV2"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.CreateWebhook(ctx, hansei.WebhookEndpoint{URL: rc.URL, Secret: "a-long-random-bench-secret",
		Events: []string{}, Severities: []string{}, CreatedBy: "alice"}); err != nil {
		b.Fatal(err)
	}
	d := notify.New(db, db.Now, log, []string{"127.0.0.1"})
	d.Events = db
	client := &http.Client{}
	var body []byte

	// The machine is shared and its load swings: the two are measured in
	// turn, a chunk of events each, so that both meet the same load.
	var hooks, ref time.Duration
	b.ResetTimer()
	for done := 0; done < b.N; {
		chunk := min(webhookBenchChunk, b.N-done)
		b.StopTimer()
		for i := range chunk {
			if _, _, err := db.Execute(ctx, user, inc.Number, hansei.AddNote{Text: fmt.Sprintf("note %d: the cache is cold again", done+i)}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		for received.Load() < int64(done+chunk) {
			if _, err := d.DeliverOnce(ctx); err != nil {
				b.Fatal(err)
			}
		}
		hooks += time.Since(start)
		done += chunk
		// The reference: one client, as many bodies of the size the
		// endpoint received, back to back.
		if body == nil {
			body = bytes.Repeat([]byte("x"), int(size.Load()))
		}
		start = time.Now()
		for range chunk {
			resp, err := client.Post(rc.URL, "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		ref += time.Since(start)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/hooks.Seconds(), "webhook-events/s")
	b.ReportMetric(float64(b.N)/ref.Seconds(), "receiver-events/s")
	b.ReportMetric(ref.Seconds()/hooks.Seconds(), "webhook/receiver")
}
