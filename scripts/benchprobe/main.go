// Command benchprobe measures what a responder waits for while the public
// status page is flooded: it declares an incident and adds a note to it,
// one request after the other, and reports the latency of each kind.
// scripts/bench-status runs it once on an idle server (the baseline) and
// once during each flood.
//
//	benchprobe -url http://127.0.0.1:8080 -token TOKEN -duration 9s -pairs 0
//
// Each request opens a new connection, as the hansei CLI does (one process,
// one request); -keepalive reuses one connection instead, as a browser
// does. The probe runs until -duration has passed or -pairs pairs are done,
// whichever comes first (0 means no limit), and prints one line per kind:
//
//	probe declare n=812 errors=0 p50_ms=1.234 p99_ms=5.678 max_ms=9.012
//
// The percentiles are nearest-rank over every request made. A request
// that fails (no answer, or a status other than 2xx) counts as an error
// and is left out of the percentiles; the first few are printed to stderr.
// It exits non-zero when no pair succeeded.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	url := flag.String("url", "", "hansei's API address, such as http://127.0.0.1:8080")
	token := flag.String("token", os.Getenv("HANSEI_TOKEN"), "API token of a responder (default $HANSEI_TOKEN)")
	duration := flag.Duration("duration", 10*time.Second, "stop after this long (0: no limit)")
	pairs := flag.Int("pairs", 0, "stop after this many declare + note pairs (0: no limit)")
	keepalive := flag.Bool("keepalive", false, "reuse one connection instead of one per request")
	severity := flag.String("severity", "SEV3", "severity of the declared incidents")
	flag.Parse()
	if *url == "" || *token == "" {
		fmt.Fprintln(os.Stderr, "benchprobe: -url and -token (or HANSEI_TOKEN) are required")
		os.Exit(2)
	}
	if *duration <= 0 && *pairs <= 0 {
		fmt.Fprintln(os.Stderr, "benchprobe: give -duration or -pairs, or both")
		os.Exit(2)
	}
	p := &probe{
		base:  strings.TrimRight(*url, "/"),
		token: *token,
		client: &http.Client{
			Timeout:   30 * time.Second,
			Transport: &http.Transport{DisableKeepAlives: !*keepalive, MaxIdleConnsPerHost: 1, Proxy: nil},
		},
	}
	var declare, note []time.Duration
	start := time.Now()
	done := func(i int) bool {
		return (*pairs > 0 && i >= *pairs) || (*duration > 0 && time.Since(start) >= *duration)
	}
	for i := 0; !done(i); i++ {
		var inc struct {
			Number int64 `json:"number"`
		}
		d, ok := p.post("/api/v1/incidents", map[string]any{
			"title":    fmt.Sprintf("benchprobe %d", i+1),
			"severity": *severity,
			"summary":  "declared by scripts/bench-status to time the API",
		}, &inc)
		if !ok || inc.Number == 0 {
			continue
		}
		declare = append(declare, d)
		d, ok = p.post(fmt.Sprintf("/api/v1/incidents/%d/notes", inc.Number), map[string]any{
			"text": "a note from the benchmark probe",
		}, nil)
		if ok {
			note = append(note, d)
		}
	}
	report("declare", declare, p.errors["declare"])
	report("note", note, p.errors["note"])
	if len(note) == 0 {
		os.Exit(1)
	}
}

type probe struct {
	base, token string
	client      *http.Client
	errors      map[string]int
}

// post sends one JSON request and reads the whole answer; the duration
// runs from before the connection is opened to the answer's last byte.
func (p *probe) post(path string, body any, into any) (time.Duration, bool) {
	kind := "declare"
	if strings.HasSuffix(path, "/notes") {
		kind = "note"
	}
	fail := func(format string, args ...any) (time.Duration, bool) {
		if p.errors == nil {
			p.errors = map[string]int{}
		}
		p.errors[kind]++
		if n := p.errors["declare"] + p.errors["note"]; n <= 5 {
			fmt.Fprintf(os.Stderr, "benchprobe: %s: "+format+"\n", append([]any{kind}, args...)...)
		}
		return 0, false
	}
	b, err := json.Marshal(body)
	if err != nil {
		return fail("%v", err)
	}
	req, err := http.NewRequest(http.MethodPost, p.base+path, bytes.NewReader(b))
	if err != nil {
		return fail("%v", err)
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	resp, err := p.client.Do(req)
	if err != nil {
		return fail("%v", err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if err != nil {
		return fail("reading the answer: %v", err)
	}
	if resp.StatusCode/100 != 2 {
		return fail("%s: %.200s", resp.Status, data)
	}
	if into != nil {
		if err := json.Unmarshal(data, into); err != nil {
			return fail("decoding the answer: %v", err)
		}
	}
	return d, true
}

func report(kind string, ds []time.Duration, errors int) {
	slices.Sort(ds)
	fmt.Printf("probe %s n=%d errors=%d p50_ms=%s p99_ms=%s max_ms=%s\n", kind, len(ds), errors,
		ms(percentile(ds, 0.50)), ms(percentile(ds, 0.99)), ms(percentile(ds, 1)))
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return -1
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

func ms(d time.Duration) string {
	if d < 0 {
		return "nan"
	}
	return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond))
}
