package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// BenchmarkSignInFlood measures what a responder waits for while the
// sign-in form is under a guessing flood (finding 4 of issue 15): a probe
// reads an incident and adds a note to it, one request after the other,
// while 8 clients post wrong passwords to /signin as fast as they are
// answered. Each phase is a server of its own, on SQLite:
//
//   - idle: the probe alone, the reference;
//   - one-address: the 8 clients guess one user's password from one
//     address, with the default limits;
//   - spread: every guess comes from a new address (through a trusted
//     proxy) for a new user name, so that no per-address or per-name
//     limit applies and only the turns of password checks bound the CPU;
//   - unlimited: the limits off, as before the fix (for comparison).
//
// Each phase probes for HANSEI_BENCH_FLOOD_SECONDS (default 10) seconds,
// whatever b.N is: long enough for the one-address flood to use up its
// failures and be refused (its first 10 guesses are checked, the rest get
// 429).
//
//	go test -run '^$' -bench SignInFlood -benchtime 1x ./cmd/hansei/
func BenchmarkSignInFlood(b *testing.B) {
	seconds := 10 * time.Second
	if s := os.Getenv("HANSEI_BENCH_FLOOD_SECONDS"); s != "" {
		d, err := time.ParseDuration(s + "s")
		if err != nil {
			b.Fatalf("HANSEI_BENCH_FLOOD_SECONDS=%s: want a number of seconds", s)
		}
		seconds = d
	}
	phases := []struct {
		name, config string
		guessers     int
		spread       bool
	}{
		{name: "idle"},
		{name: "one-address", guessers: 8},
		{name: "spread", config: "trusted_proxies: [127.0.0.1]\n", guessers: 8, spread: true},
		{name: "unlimited", config: "signin:\n  account_failures: 0\n  address_failures: 0\n  address_rate: 0\n  concurrent_checks: 0\n", guessers: 8},
	}
	for _, ph := range phases {
		b.Run(ph.name, func(b *testing.B) {
			var args []string
			if ph.config != "" {
				path := b.TempDir() + "/hansei.yaml"
				if err := os.WriteFile(path, []byte(ph.config), 0o600); err != nil {
					b.Fatal(err)
				}
				args = append(args, "--config", path)
			}
			srv := startServer(b, sqldbtest.SQLite(b).DSN, args...)
			srv.addUser(b, "alice", "responder")
			setPassword(b, srv, "alice", "correct horse battery staple")
			inc, err := srv.client(srv.AdminToken).Declare(context.Background(),
				client.DeclareRequest{Title: "Checkout failing", Severity: "SEV2"})
			if err != nil {
				b.Fatal(err)
			}

			stop := make(chan struct{})
			var wg sync.WaitGroup
			var checked, refused, failed atomic.Int64
			flood := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: ph.guessers, Proxy: nil}}
			started := time.Now()
			for g := range ph.guessers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						name, from := "alice", ""
						if ph.spread {
							n := g*1_000_000 + i
							name, from = fmt.Sprintf("user%d", n), fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255)
						}
						switch guess(flood, srv.URL, name, from) {
						case http.StatusUnauthorized:
							checked.Add(1)
						case http.StatusTooManyRequests:
							refused.Add(1)
						default:
							failed.Add(1)
						}
					}
				}()
			}
			// The probe starts once every guesser has had an answer.
			for checked.Load()+refused.Load()+failed.Load() < int64(ph.guessers) && time.Since(started) < seconds {
				runtime.Gosched()
			}

			probe := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, Proxy: nil}}
			var took []time.Duration
			deadline := time.Now().Add(seconds)
			b.ResetTimer()
			for i := 0; time.Now().Before(deadline); i++ {
				d, err := probeRequest(probe, srv, inc.Number, i)
				if err != nil {
					b.Fatal(err)
				}
				took = append(took, d)
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			elapsed := time.Since(started).Seconds()
			if failed.Load() > 0 {
				b.Errorf("%d guesses got neither 401 nor 429", failed.Load())
			}
			slices.Sort(took)
			at := func(p float64) float64 {
				return float64(took[min(len(took)-1, int(p*float64(len(took))))]) / float64(time.Millisecond)
			}
			b.ReportMetric(at(0.50), "p50-ms")
			b.ReportMetric(at(0.99), "p99-ms")
			b.ReportMetric(float64(len(took)), "samples")
			b.ReportMetric(float64(checked.Load())/elapsed, "checked/s")
			b.ReportMetric(float64(refused.Load())/elapsed, "refused/s")
		})
	}
}

// guess posts one wrong password as name (from the address from, through
// a trusted proxy, if set) and returns the status.
func guess(c *http.Client, base, name, from string) int {
	form := url.Values{"name": {name}, "password": {"not the password"}}
	req, _ := http.NewRequest(http.MethodPost, base+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	if from != "" {
		req.Header.Set("X-Forwarded-For", from)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// probeRequest is the probe's i-th request: a read of the incident, or a
// note added to it, in turn.
func probeRequest(c *http.Client, srv *server, n int64, i int) (time.Duration, error) {
	var req *http.Request
	if i%2 == 0 {
		req, _ = http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/incidents/%d", srv.URL, n), nil)
	} else {
		req, _ = http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/incidents/%d/notes", srv.URL, n),
			bytes.NewReader([]byte(`{"text":"a note from the sign-in flood benchmark"}`)))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+srv.AdminToken)
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return 0, fmt.Errorf("%s %s: %s: %.200s", req.Method, req.URL.Path, resp.Status, body)
	}
	return time.Since(t0), nil
}
