package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
)

// fakeSource stands in for the server: the test says what each stream
// delivers and when it breaks, and whether the server answers.
type fakeSource struct {
	mu      sync.Mutex
	intents []client.Intent
	down    bool                // Incident fails, as an unreachable server does
	streams chan []hansei.Event // what each stream delivers when it opens
	breaks  chan error          // breaks the open stream
	// delivered tells that the watcher took the stream's events: the
	// next tick it takes comes after it printed them.
	delivered chan struct{}
	probes    int
}

func (f *fakeSource) Incident(_ context.Context, n int64) (client.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.probes++
	if f.down {
		return client.Incident{}, errors.New("cannot reach hansei: connection refused")
	}
	var inc client.Incident
	inc.Number, inc.Title, inc.Severity, inc.Status, inc.LastSeq = n, "Checkout failing", "SEV2", hansei.StatusInvestigating, 3
	inc.Ref = "INC-1"
	return inc, nil
}

func (f *fakeSource) Intents(context.Context, int64) (client.List[client.Intent], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return client.List[client.Intent]{Items: f.intents}, nil
}

func (f *fakeSource) Stream(ctx context.Context, _, last int64, fn func(int64, hansei.Event) error) (int64, error) {
	var events []hansei.Event
	select {
	case events = <-f.streams:
	case <-ctx.Done():
		return last, ctx.Err()
	}
	for _, e := range events {
		if err := fn(e.Seq, e); err != nil {
			return last, err
		}
		last = e.Seq
	}
	f.delivered <- struct{}{}
	select {
	case err := <-f.breaks:
		return last, err
	case <-ctx.Done():
		return last, ctx.Err()
	}
}

func (f *fakeSource) setDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

// lockedBuffer is a bytes.Buffer the watcher writes from its goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestWatch drives watch with a fake server, clock and waits, without
// sleeping: an intent is shown once though the stream replays its event,
// its countdown prints a line each minute it moves on (and none between),
// and a server that goes away gets one line, retries that back off to a
// cap, and one line when it is back.
func TestWatch(t *testing.T) {
	start := time.Date(2026, 12, 6, 13, 0, 0, 0, time.UTC)
	var (
		clockMu sync.Mutex
		now     = start
	)
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	advance := func(d time.Duration) { clockMu.Lock(); now = now.Add(d); clockMu.Unlock() }

	in := client.Intent{Intent: hansei.Intent{ID: 7, Incident: 1, Author: "alice", Text: "restart the payment pods", Kind: hansei.IntentAction,
		State: hansei.IntentOpen, ExpiresAt: start.Add(5 * time.Minute)}}
	src := &fakeSource{intents: []client.Intent{in}, streams: make(chan []hansei.Event), breaks: make(chan error), delivered: make(chan struct{})}
	waits := make(chan time.Duration)
	fire := map[time.Duration]chan time.Time{}
	var fireMu sync.Mutex
	after := func(d time.Duration) <-chan time.Time {
		ch := make(chan time.Time, 1)
		fireMu.Lock()
		fire[d] = ch
		fireMu.Unlock()
		waits <- d
		return ch
	}
	ticks := make(chan time.Time)
	var stdout, stderr lockedBuffer
	env := &cli{ctx: context.Background(), getenv: func(string) string { return "" }, stdout: &stdout, stderr: &stderr, local: true}
	w := &watcher{env: env, src: src, n: 1, now: clock, after: after, ticks: ticks}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.run(ctx) }()

	// The replay holds the intent's own event: it is a timeline line, not
	// a second copy of the intent.
	stated := hansei.Event{Seq: 3, Type: "intent.stated", Actor: "alice", At: start, Data: []byte(`{"id":7,"kind":"action","text":"restart the payment pods"}`)}
	src.streams <- []hansei.Event{stated}
	<-src.delivered
	ticks <- start // taken only once the event before it is printed
	if got := strings.Count(stdout.String(), "Intent 7 in INC-1"); got != 1 {
		t.Fatalf("the intent is shown %d times, want once:\n%s", got, stdout.String())
	}

	// The countdown counts: a line when the minute moves on, none between.
	advance(2 * time.Minute)
	ticks <- clock()
	ticks <- clock()
	advance(30 * time.Second)
	ticks <- clock()
	advance(30 * time.Second)
	ticks <- clock()
	ticks <- clock()
	out := stdout.String()
	for _, want := range []string{"intent 7: 3 min left (window ends 2026-12-06 13:05:00 UTC)", "intent 7: 2 min left"} {
		if strings.Count(out, want) != 1 {
			t.Errorf("want %q once:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "left (window ends"); n != 2 {
		t.Errorf("%d countdown lines, want 2 (one per step):\n%s", n, out)
	}

	// The server goes away: one line, then retries 1 s, 2 s, 4 s … 30 s,
	// asking the server each time.
	src.setDown(true)
	src.breaks <- errors.New("cannot reach hansei: connection refused")
	var got []time.Duration
	for i := range 8 {
		d := <-waits
		got = append(got, d)
		if i == 7 {
			src.setDown(false) // back at the eighth try
		}
		fireMu.Lock()
		fire[d] <- clock()
		fireMu.Unlock()
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second, 30 * time.Second}
	if !equalDurations(got, want) {
		t.Errorf("retries after %v, want %v", got, want)
	}

	// Back: the stream resumes after the last event seen.
	src.streams <- []hansei.Event{{Seq: 4, Type: "note.added", Actor: "bob", At: clock(), Data: []byte(`{"text":"pods restarted"}`)}}
	<-src.delivered
	ticks <- clock()
	src.mu.Lock()
	if src.probes != 1+8 {
		t.Errorf("the server was asked %d times, want once at the start and once a retry (9)", src.probes)
	}
	src.mu.Unlock()
	errs := stderr.String()
	if n := strings.Count(errs, "server unreachable"); n != 1 {
		t.Errorf("%d unreachable lines, want 1:\n%s", n, errs)
	}
	if !strings.Contains(errs, "server reachable again; resuming after #3") {
		t.Errorf("no line saying the server is back:\n%s", errs)
	}
	if !strings.Contains(stdout.String(), "pods restarted") {
		t.Errorf("the event after the outage is missing:\n%s", stdout.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("watch ended with %v, want nil on Ctrl-C", err)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCountdownStep(t *testing.T) {
	for _, tc := range []struct{ left, want time.Duration }{
		{5 * time.Minute, 5 * time.Minute},
		{4*time.Minute + time.Second, 5 * time.Minute},
		{61 * time.Second, 2 * time.Minute},
		{time.Minute, time.Minute},
		{59 * time.Second, time.Minute},
		{41 * time.Second, 50 * time.Second},
		{time.Second, 10 * time.Second},
		{0, 0},
		{-time.Second, 0},
	} {
		if got := countdownStep(tc.left); got != tc.want {
			t.Errorf("countdownStep(%v) = %v, want %v", tc.left, got, tc.want)
		}
	}
}
