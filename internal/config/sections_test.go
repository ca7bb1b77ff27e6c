package config

import (
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// The sections' own tests; rules_test.go has every rule as a table.

func TestIntentWindow(t *testing.T) {
	c, err := Parse("hansei.yaml", []byte("intent_window: 90s\n"))
	if err != nil || c.IntentWindow.Seconds() != 90 {
		t.Fatalf("intent_window 90s: %v %v", c.IntentWindow, err)
	}
	if c, _ := Parse("hansei.yaml", nil); c.IntentWindow.Minutes() != 5 {
		t.Fatalf("default intent window %v, want 5m", c.IntentWindow)
	}
	for _, bad := range []string{"0s", "25h", "soon", "300"} {
		_, err := Parse("hansei.yaml", []byte("\nintent_window: "+bad+"\n"))
		if err == nil || !strings.Contains(err.Error(), "hansei.yaml:2: intent_window") {
			t.Errorf("intent_window %s: %v", bad, err)
		}
	}
}

func TestLintSection(t *testing.T) {
	c, err := Parse("hansei.yaml", []byte(`lint:
  disabled: [why-chain]
  blame:
    - phrase: dropped the ball
      blocking: true
      message: Names a person's lapse.
      suggestion: Describe the step that was missed.
`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(c.Lint.Disabled, "why-chain") {
		t.Errorf("disabled: %v", c.Lint.Disabled)
	}
	last := c.Lint.Blame[len(c.Lint.Blame)-1]
	if last.Phrase != "dropped the ball" || !last.Blocking || len(c.Lint.Blame) < 5 {
		t.Errorf("blame list: %d phrases, last %+v", len(c.Lint.Blame), last)
	}
	for _, bad := range []struct{ yaml, want string }{
		{"lint:\n  disabled: [no-such-rule]\n", `hansei.yaml:2: lint.disabled[0]: unknown lint rule "no-such-rule"`},
		{"lint:\n  blame:\n    - phrase: oops\n", "lint.blame[0].message: every lint phrase needs a message"},
	} {
		if _, err := Parse("hansei.yaml", []byte(bad.yaml)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: %v, want %q", bad.yaml, err, bad.want)
		}
	}
}

func TestReviewsSection(t *testing.T) {
	c, err := Parse("hansei.yaml", []byte("reviews:\n  time_zone: Asia/Tokyo\n  working_days: [mon, tue, wed, thu]\n  stale_days: 14\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Reviews.Location.String() != "Asia/Tokyo" || len(c.Reviews.WorkingDays) != 4 || c.Reviews.StaleDays != 14 {
		t.Fatalf("reviews: %+v", c.Reviews)
	}
	for _, bad := range []struct{ yaml, want string }{
		{"reviews:\n  time_zone: Mars/Olympus\n", `hansei.yaml:2: reviews.time_zone: unknown time zone "Mars/Olympus"`},
		{"reviews:\n  working_days: [mon, funday]\n", `reviews.working_days[1]: unknown day "funday"`},
	} {
		if _, err := Parse("hansei.yaml", []byte(bad.yaml)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: %v, want %q", bad.yaml, err, bad.want)
		}
	}
}

func TestStatusSection(t *testing.T) {
	c := Default()
	if c.Status.Name != "Status" || c.Status.RateLimit != 20000 || c.Status.MaxConnections != 2048 || c.Status.ClientRateLimit != 100 ||
		c.Status.MaxInFlight != max(4*runtime.GOMAXPROCS(0), 16) || c.Status.PublicAddr != "" || c.Status.Language != "en" {
		t.Errorf("default status: %+v", c.Status)
	}
	c, err := Parse("hansei.yaml", []byte("status:\n  name: Example status\n  url: https://status.example.com/\n  public_addr: :8081\n"+
		"  language: ja\n  rate_limit: 0\n  max_in_flight: 8\n  max_connections: 100\n"+
		"  client_rate_limit: 5\n  client_address_header: X-Forwarded-For\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Status{Name: "Example status", URL: "https://status.example.com", PublicAddr: ":8081", Language: "ja",
		RateLimit: 0, MaxInFlight: 8, MaxConnections: 100, ClientRateLimit: 5, ClientAddressHeader: "X-Forwarded-For"}
	if c.Status != want {
		t.Errorf("status = %+v, want %+v", c.Status, want)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"status:\n  url: status.example.com\n", `hansei.yaml:2: status.url: "status.example.com" is not the page's address`},
		{"status:\n  public_addr: 8081\n", `hansei.yaml:2: status.public_addr: "8081" is not a listen address`},
		{"addr: :8080\nstatus:\n  public_addr: :8080\n", `hansei.yaml:3: status.public_addr: the public address must differ from addr`},
		{"status:\n  rate_limit: -1\n", `hansei.yaml:2: status.rate_limit: expected a whole number from 0 (no limit) to 10000000, not "-1"`},
		{"status:\n  max_conections: 5\n", `hansei.yaml:2: status: field "max_conections" is not known; known fields: name, url, public_addr, language, rate_limit, max_in_flight, max_connections, client_rate_limit, client_address_header (did you mean "max_connections"?)`},
		{"status:\n  client_address_header: X Forwarded\n", `hansei.yaml:2: status.client_address_header: "X Forwarded" is not a header name`},
		{"status:\n  language: fr\n", `hansei.yaml:2: status.language: unknown language "fr"`},
		{"status: yes\n", `hansei.yaml:1: status: expected a mapping`},
	} {
		_, err := Parse("hansei.yaml", []byte(tc.yaml))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: %v\nwant %s", tc.yaml, err, tc.want)
		}
	}
	c, err = Load("", env(map[string]string{"HANSEI_PUBLIC_ADDR": "127.0.0.1:9090"}))
	if err != nil || c.Status.PublicAddr != "127.0.0.1:9090" {
		t.Errorf("HANSEI_PUBLIC_ADDR: %q %v", c.Status.PublicAddr, err)
	}
	if _, err := Load("", env(map[string]string{"HANSEI_PUBLIC_ADDR": "nowhere"})); err == nil || !strings.HasPrefix(err.Error(), `HANSEI_PUBLIC_ADDR: "nowhere" is not a listen address`) {
		t.Errorf("bad HANSEI_PUBLIC_ADDR: %v", err)
	}
}

func TestHTTPSection(t *testing.T) {
	c := Default()
	want := HTTP{ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute,
		MaxConnections: 2048, MaxStreamsPerUser: 20}
	if c.HTTP != want {
		t.Errorf("default http: %+v, want %+v", c.HTTP, want)
	}
	c, err := Parse("hansei.yaml", []byte("http:\n  read_header_timeout: 2s\n  read_timeout: 5s\n  write_timeout: 20s\n  idle_timeout: 30s\n"+
		"  max_connections: 0\n  max_streams_per_user: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	want = HTTP{ReadHeaderTimeout: 2 * time.Second, ReadTimeout: 5 * time.Second, WriteTimeout: 20 * time.Second, IdleTimeout: 30 * time.Second,
		MaxConnections: 0, MaxStreamsPerUser: 3}
	if c.HTTP != want {
		t.Errorf("http = %+v, want %+v", c.HTTP, want)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"http:\n  read_timeout: 0s\n", `hansei.yaml:2: http.read_timeout: expected a duration from 100ms to 1h, such as 5m or 90s, not "0s"`},
		{"http:\n  max_streams_per_user: many\n", `hansei.yaml:2: http.max_streams_per_user: expected a whole number from 0 (no limit) to 100000, not "many"`},
	} {
		_, err := Parse("hansei.yaml", []byte(tc.yaml))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: %v\nwant %s", tc.yaml, err, tc.want)
		}
	}
}
