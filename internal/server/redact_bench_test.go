package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// redactBenchEvents is the size of the incident a note is redacted from
// (issue 17's benchmark).
const redactBenchEvents = 10000

// redactBenchRate is how many operations (appends and redactions in turn)
// run a second: paced, as the fan-out benchmark is, so that every
// subscriber keeps up, and each operation starts on a tick of its own, so
// that appends and redactions alike meet the streams delivering the
// operation before.
const redactBenchRate = 20

// BenchmarkRedact measures redacting one note in an incident of 10,000
// events while N subscribers (HANSEI_BENCH_SUBSCRIBERS, default 1000)
// follow its stream over real HTTP, beside appending a note in the same
// run: each iteration appends a note and then redacts one of the loaded
// notes, spread over the whole timeline, through db.Execute as the API
// does, each on a tick of its own (redactBenchRate a second). A redaction's time includes what follows its commit (on SQLite the
// TRUNCATE checkpoint). Run it with -benchtime Nx for N samples of each.
//
// Metrics: redact-p50-ms/redact-p99-ms, append-p50-ms/append-p99-ms, and
// redact/append-p99, the ratio of the two p99s.
func BenchmarkRedact(b *testing.B) {
	n := benchSubscribers(b)
	b.Run("sqlite", func(b *testing.B) { runRedactBench(b, n, sqldbtest.SQLite(b).DSN) })
	b.Run("postgres", func(b *testing.B) {
		pg, ok := sqldbtest.Postgres(b)
		if !ok {
			b.Skip("no PostgreSQL (HANSEI_TEST_POSTGRES_URL)")
		}
		runRedactBench(b, n, pg.DSN)
	})
}

func runRedactBench(b *testing.B, n int, dsn string) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runCtx, stopRun := context.WithCancel(context.Background())
	var runWG sync.WaitGroup
	defer func() {
		stopRun()
		runWG.Wait()
	}()
	inst := startInstance(b, runCtx, &runWG, dsn, log)
	defer inst.db.Close()

	ctx := context.Background()
	user, token, err := sqldbtest.CreateUser(ctx, inst.db, hansei.User{Name: "alice", Role: hansei.RoleResponder})
	if err != nil {
		b.Fatal(err)
	}
	inc, err := inst.db.Declare(ctx, user, hansei.Declare{Title: "Checkout failing", Severity: "SEV2"})
	if err != nil {
		b.Fatal(err)
	}
	firstNote := inc.LastSeq + 1
	for i := inc.LastSeq; i < redactBenchEvents; i++ {
		if inc, _, err = inst.db.Execute(ctx, user, inc.Number, hansei.AddNote{Text: fmt.Sprintf("note %d: the password is hunter2-%d", i, i)}); err != nil {
			b.Fatal(err)
		}
	}
	loaded := inc.LastSeq

	ts := httptest.NewServer(inst.web.Handler())
	defer ts.Close()
	path := fmt.Sprintf("/api/v1/incidents/%d/stream?after=%d", inc.Number, loaded)
	clientCtx, stopClients := context.WithCancel(context.Background())
	defer stopClients()
	var (
		readWG   sync.WaitGroup
		frames   atomic.Int64
		bodies   = make([]io.Closer, 0, n)
		bodiesMu sync.Mutex
		sem      = make(chan struct{}, 64)
		connWG   sync.WaitGroup
		connErr  atomic.Value
		// connected gets one value per subscriber once its stream began.
		connected = make(chan struct{}, n)
	)
	for range n {
		connWG.Add(1)
		sem <- struct{}{}
		go func() {
			defer connWG.Done()
			defer func() { <-sem }()
			body, err := dialStream(clientCtx, ts.Listener.Addr().String(), path, token)
			if err != nil {
				connErr.Store(err)
				return
			}
			bodiesMu.Lock()
			bodies = append(bodies, body)
			bodiesMu.Unlock()
			readWG.Add(1)
			go func() {
				defer readWG.Done()
				r := bufio.NewReaderSize(body, 256)
				first := true
				for {
					line, err := r.ReadSlice('\n')
					if first {
						connected <- struct{}{}
						first = false
					}
					if err != nil && err != bufio.ErrBufferFull {
						return
					}
					if len(line) > 4 && string(line[:4]) == "id: " {
						frames.Add(1)
					}
				}
			}()
		}()
	}
	connWG.Wait()
	if err, _ := connErr.Load().(error); err != nil {
		b.Fatalf("connecting subscribers: %v", err)
	}
	for range n {
		<-connected // headers and the retry line: the handler has subscribed
	}

	// The notes to redact: one every stride seqs over the loaded timeline.
	notes := loaded - firstNote + 1
	stride := max(notes/int64(max(b.N, 1)), 1)
	appendTimes := make([]int64, 0, b.N)
	redactTimes := make([]int64, 0, b.N)
	tick := time.NewTicker(time.Second / redactBenchRate)
	defer tick.Stop()
	b.ResetTimer()
	for i := range b.N {
		<-tick.C
		t0 := time.Now()
		if _, _, err := inst.db.Execute(ctx, user, inc.Number, hansei.AddNote{Text: fmt.Sprintf("appended %d", i)}); err != nil {
			b.Fatal(err)
		}
		appendTimes = append(appendTimes, int64(time.Since(t0)))
		seq := firstNote + (int64(i)*stride)%notes
		<-tick.C
		t0 = time.Now()
		if _, _, err := inst.db.Execute(ctx, user, inc.Number, hansei.Redact{Seq: seq, Reason: "a password"}); err != nil {
			b.Fatalf("redact %d: %v", seq, err)
		}
		redactTimes = append(redactTimes, int64(time.Since(t0)))
	}
	b.StopTimer()

	// Every subscriber should see every frame: the hub must not have cut
	// anyone off while redactions ran.
	want := int64(n) * int64(2*b.N)
	deadline := time.Now().Add(30 * time.Second)
	for frames.Load() < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	stopClients()
	for _, c := range bodies {
		c.Close()
	}
	readWG.Wait()
	if got := frames.Load(); got != want {
		b.Errorf("subscribers received %d frames, want %d", got, want)
	}

	slices.Sort(appendTimes)
	slices.Sort(redactTimes)
	a99, r99 := ms(pct(appendTimes, 99)), ms(pct(redactTimes, 99))
	b.Logf("events=%d subs=%d samples=%d redact p50=%.2fms p99=%.2fms append p50=%.2fms p99=%.2fms ratio=%.1f",
		loaded, n, b.N, ms(pct(redactTimes, 50)), r99, ms(pct(appendTimes, 50)), a99, r99/a99)
	b.ReportMetric(float64(n), "subs")
	b.ReportMetric(float64(loaded), "events")
	b.ReportMetric(ms(pct(redactTimes, 50)), "redact-p50-ms")
	b.ReportMetric(r99, "redact-p99-ms")
	b.ReportMetric(ms(pct(appendTimes, 50)), "append-p50-ms")
	b.ReportMetric(a99, "append-p99-ms")
	b.ReportMetric(r99/a99, "redact/append-p99")
}
