package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/server"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// Fan-out workload: one writer appends fanoutEvents notes at fanoutRate to
// one incident while N subscribers (HANSEI_BENCH_SUBSCRIBERS, default 1000)
// follow its SSE stream over real HTTP. The workload runs once per
// benchmark invocation whatever b.N is; run it with -benchtime 1x.
const (
	fanoutEvents = 300
	fanoutRate   = 100 // events per second
)

func benchSubscribers(b *testing.B) int {
	n := 1000
	if s := os.Getenv("HANSEI_BENCH_SUBSCRIBERS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("HANSEI_BENCH_SUBSCRIBERS=%q: want a positive number", s)
		}
		n = v
	}
	return n
}

// BenchmarkStreamFanout measures the latency from db.Execute to an SSE
// subscriber reading the event, and the memory each subscriber costs.
//
// Metrics: p50-ms/p99-ms/max-ms are send-to-receive latencies over every
// delivered event; append-p50-ms/append-p99-ms are the writer's db.Execute
// time alone, the reference measured in the same run; KiB/sub is
// (HeapInuse+StackInuse) growth after N idle subscribers connect, divided
// by N. The clients run in the same process, so KiB/sub counts both ends of
// each connection; they are made as cheap as a client can be (dialStream).
// Two references in the same run split the figure:
//   - hold: the same clients against a listener that only holds the
//     connections: the client side. KiB/sub minus it is the server side.
//   - null-sse: the same clients against a net/http handler that only holds
//     an event stream open: KiB/conn minus hold is net/http's own cost per
//     streaming connection, and KiB/sub minus null-sse is what hansei's
//     stream handler and hub add to it.
func BenchmarkStreamFanout(b *testing.B) {
	n := benchSubscribers(b)
	b.Run("sqlite", func(b *testing.B) {
		runFanout(b, n, sqldbtest.SQLite(b).DSN, false)
	})
	b.Run("postgres", func(b *testing.B) {
		pg, ok := sqldbtest.Postgres(b)
		if !ok {
			b.Skip("no PostgreSQL (HANSEI_TEST_POSTGRES_URL)")
		}
		runFanout(b, n, pg.DSN, false)
	})
	b.Run("postgres-2instances", func(b *testing.B) {
		pg, ok := sqldbtest.Postgres(b)
		if !ok {
			b.Skip("no PostgreSQL (HANSEI_TEST_POSTGRES_URL)")
		}
		runFanout(b, n, pg.DSN, true)
	})
	b.Run("null-sse", func(b *testing.B) { runNullSSE(b, n) })
	b.Run("hold", func(b *testing.B) { runHold(b, n) })
}

type instance struct {
	db  *sqldb.DB
	web *server.Web
}

// startInstance opens dsn and starts a server on it wired as serve.go does.
func startInstance(b *testing.B, ctx context.Context, wg *sync.WaitGroup, dsn string, log *slog.Logger) instance {
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		b.Fatal(err)
	}
	web := server.NewWeb(db, hansei.DefaultScales(), log, time.Now)
	// Every subscriber is one user's: the workload is the fan-out, not a
	// user over the limit of streams.
	web.Streams.MaxPerUser = 0
	db.AfterCommit = func([]hansei.Event) { web.Wake() }
	wg.Add(2)
	go func() { defer wg.Done(); web.Run(ctx) }()
	go func() { defer wg.Done(); db.Listen(ctx, web.Wake, log) }()
	return instance{db: db, web: web}
}

func heapAndStack() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

type subscriber struct {
	body      io.ReadCloser
	lat       []int64 // nanoseconds, one per event received
	received  atomic.Int64
	err       error
	connected chan struct{}
}

func runFanout(b *testing.B, n int, dsn string, twoInstances bool) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runCtx, stopRun := context.WithCancel(context.Background())
	var runWG sync.WaitGroup
	defer func() {
		stopRun()
		runWG.Wait()
	}()

	writer := startInstance(b, runCtx, &runWG, dsn, log)
	defer writer.db.Close()
	reader := writer
	if twoInstances {
		reader = startInstance(b, runCtx, &runWG, dsn, log)
		defer reader.db.Close()
	}

	ctx := context.Background()
	user, token, err := sqldbtest.CreateUser(ctx, writer.db, hansei.User{Name: "alice", Role: hansei.RoleResponder})
	if err != nil {
		b.Fatal(err)
	}
	inc, err := writer.db.Declare(ctx, user, hansei.Declare{Title: "Checkout failing", Severity: "SEV2"})
	if err != nil {
		b.Fatal(err)
	}
	after := inc.LastSeq

	ts := httptest.NewServer(reader.web.Handler())
	defer ts.Close()
	path := fmt.Sprintf("/api/v1/incidents/%d/stream?after=%d", inc.Number, after)

	subs := make([]*subscriber, n)
	for i := range subs {
		subs[i] = &subscriber{lat: make([]int64, 0, fanoutEvents), connected: make(chan struct{})}
	}
	before := heapAndStack()

	clientCtx, stopClients := context.WithCancel(context.Background())
	defer stopClients()
	var readWG sync.WaitGroup
	sem := make(chan struct{}, 64)
	var connWG sync.WaitGroup
	var connErr atomic.Value
	for _, s := range subs {
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
			s.body = body
			readWG.Add(1)
			go func() {
				defer readWG.Done()
				s.err = follow(s, after)
			}()
		}()
	}
	connWG.Wait()
	if err, _ := connErr.Load().(error); err != nil {
		b.Fatalf("connecting subscribers: %v", err)
	}
	for _, s := range subs {
		<-s.connected
	}
	time.Sleep(200 * time.Millisecond) // let every handler settle into its select
	idle := heapAndStack()
	kibPerSub := (float64(idle) - float64(before)) / float64(n) / 1024

	// The writer: fanoutEvents notes at fanoutRate, each carrying its send time.
	b.ResetTimer()
	appendTimes := make([]int64, 0, fanoutEvents)
	tick := time.NewTicker(time.Second / fanoutRate)
	for range fanoutEvents {
		<-tick.C
		sent := time.Now()
		if _, _, err := writer.db.Execute(ctx, user, inc.Number, hansei.AddNote{Text: strconv.FormatInt(sent.UnixNano(), 10)}); err != nil {
			tick.Stop()
			b.Fatal(err)
		}
		appendTimes = append(appendTimes, int64(time.Since(sent)))
	}
	tick.Stop()

	// Wait for every subscriber to get every event.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		done := true
		for _, s := range subs {
			if s.received.Load() < fanoutEvents {
				done = false
				break
			}
		}
		if done {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Give a duplicate, if any, a moment to show up.
	time.Sleep(100 * time.Millisecond)
	b.StopTimer()
	stopClients()
	for _, s := range subs {
		s.body.Close()
	}
	readWG.Wait()

	var all []int64
	short, failed := 0, 0
	for i, s := range subs {
		if s.err != nil {
			if failed < 5 {
				b.Errorf("subscriber %d: %v", i, s.err)
			}
			failed++
		}
		if len(s.lat) != fanoutEvents {
			short++
		}
		all = append(all, s.lat...)
	}
	slices.Sort(all)
	slices.Sort(appendTimes)
	b.Logf("subs=%d delivered=%d/%d p50=%.2fms p99=%.2fms max=%.2fms append-p50=%.2fms append-p99=%.2fms KiB/sub=%.1f",
		n, len(all), n*fanoutEvents, ms(pct(all, 50)), ms(pct(all, 99)), ms(pct(all, 100)),
		ms(pct(appendTimes, 50)), ms(pct(appendTimes, 99)), kibPerSub)
	if failed > 0 || short > 0 {
		// An early EOF is the server ending the stream: the hub cuts off a
		// subscriber that falls SubscriberBuffer events behind (a browser
		// would reconnect with Last-Event-ID and catch up).
		b.Errorf("%d of %d subscribers failed (stream ended early or out of order), %d did not get exactly %d events live", failed, n, short, fanoutEvents)
	}
	b.ReportMetric(float64(n), "subs")
	b.ReportMetric(ms(pct(all, 50)), "p50-ms")
	b.ReportMetric(ms(pct(all, 99)), "p99-ms")
	b.ReportMetric(ms(pct(all, 100)), "max-ms")
	b.ReportMetric(ms(pct(appendTimes, 50)), "append-p50-ms")
	b.ReportMetric(ms(pct(appendTimes, 99)), "append-p99-ms")
	b.ReportMetric(kibPerSub, "KiB/sub")
	b.ReportMetric(float64(len(all)), "delivered")
}

// follow reads one SSE stream, checking that notes arrive exactly once and
// in order, and records each one's latency.
func follow(s *subscriber, after int64) error {
	r := bufio.NewReaderSize(s.body, 256)
	next := after + 1
	first := true
	var ev struct {
		Seq  int64
		Data struct{ Text string }
	}
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			rest, err2 := r.ReadBytes('\n')
			line, err = append(slices.Clone(line), rest...), err2
		}
		if first {
			close(s.connected) // headers and the retry line: the handler has subscribed
			first = false
		}
		if err != nil {
			if s.received.Load() == fanoutEvents {
				return nil
			}
			return fmt.Errorf("after %d events: %w", s.received.Load(), err)
		}
		data, ok := bytes.CutPrefix(line, []byte("data: "))
		if !ok {
			continue
		}
		now := time.Now().UnixNano()
		if err := json.Unmarshal(data, &ev); err != nil {
			return fmt.Errorf("decoding %q: %w", data, err)
		}
		if ev.Seq != next {
			return fmt.Errorf("got seq %d, want %d", ev.Seq, next)
		}
		sent, err := strconv.ParseInt(ev.Data.Text, 10, 64)
		if err != nil {
			return fmt.Errorf("note text %q: %w", ev.Data.Text, err)
		}
		s.lat = append(s.lat, now-sent)
		next++
		s.received.Add(1)
	}
}

// runNullSSE is the memory baseline: the same clients against a handler
// that only starts an event stream and waits.
func runNullSSE(b *testing.B, n int) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, "retry: 2000\n\n")
		http.NewResponseController(w).Flush()
		<-r.Context().Done()
	}))
	defer ts.Close()
	measureIdleClients(b, n, ts.Listener.Addr().String(), "KiB/conn")
}

// runHold is the floor of the memory figures: the same clients against a
// listener that answers each connection with a stream's headers and then
// only holds it, with no goroutine or buffer of its own. KiB/sub of a stream
// minus this KiB/conn is what the server spends per subscriber.
func runHold(b *testing.B, n int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"+
				"d\r\nretry: 2000\n\n\r\n")
			held = append(held, c)
		}
	}()
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	measureIdleClients(b, n, ln.Addr().String(), "KiB/conn")
}

// dialStream opens an event stream the cheapest way a client can: one
// connection, no transport goroutines, a small buffer. The benchmark's
// memory figures count both ends, so the client side is kept minimal.
func dialStream(ctx context.Context, addr, path, token string) (io.ReadCloser, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nAccept: text/event-stream\r\n\r\n", path, addr, token)
	resp, err := http.ReadResponse(bufio.NewReaderSize(conn, 512), nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		return nil, fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	return struct {
		io.Reader
		io.Closer
	}{resp.Body, conn}, nil
}

// measureIdleClients connects n streaming clients to addr, waits until they
// idle, and reports the memory they took, per connection, both ends counted.
func measureIdleClients(b *testing.B, n int, addr, unit string) {
	subs := make([]*subscriber, n)
	for i := range subs {
		subs[i] = &subscriber{connected: make(chan struct{})}
	}
	before := heapAndStack()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for _, s := range subs {
		body, err := dialStream(ctx, addr, "/", "none")
		if err != nil {
			b.Fatal(err)
		}
		s.body = body
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := bufio.NewReaderSize(s.body, 256)
			_, _ = r.ReadSlice('\n')
			close(s.connected)
			for {
				if _, err := r.ReadSlice('\n'); err != nil && err != bufio.ErrBufferFull {
					return
				}
			}
		}()
	}
	for _, s := range subs {
		<-s.connected
	}
	time.Sleep(200 * time.Millisecond)
	idle := heapAndStack()
	cancel()
	for _, s := range subs {
		s.body.Close()
	}
	wg.Wait()
	b.ReportMetric(float64(n), "subs")
	b.ReportMetric((float64(idle)-float64(before))/float64(n)/1024, unit)
}

func pct(sorted []int64, p int) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	if i > 0 {
		i--
	}
	return sorted[min(i, len(sorted)-1)]
}

func ms(ns int64) float64 { return float64(ns) / 1e6 }
