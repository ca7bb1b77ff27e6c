package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hansei-dev/hansei/internal/cli"
)

// TestInvalidConfigStopsStartup checks that a mistake in the config file
// stops `hansei serve` with the file, the line and the field at fault.
func TestInvalidConfigStopsStartup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hansei.yaml")
	config := "severity:\n  - key: SEV1\n    name: Critical\n    definition: Customers cannot pay.\n  - key: SEV2\n    name: Major\n"
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	err := run(context.Background(), []string{"serve", "--config", path, "--db", filepath.Join(dir, "h.db"), "--create", "--addr", "127.0.0.1:0"},
		envFunc(nil), strings.NewReader(""), &stdout, &stderr)
	if err == nil {
		t.Fatal("serve started with an invalid config")
	}
	line := errorLine(err)
	for _, want := range []string{"hansei.yaml:5", "severity[1].definition"} {
		if !strings.Contains(line, want) {
			t.Errorf("error %q lacks %q", line, want)
		}
	}
	if strings.Contains(stdout.String(), "listening") {
		t.Error("the server listened despite the invalid config")
	}
	if _, err := os.Stat(filepath.Join(dir, "h.db")); err == nil {
		t.Error("the database was created despite the invalid config")
	}
}

// TestConfiguredScaleIsTheOnlyScale checks that a config file's scale
// replaces the built-in one, through the API and the CLI.
func TestConfiguredScaleIsTheOnlyScale(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hansei.yaml")
	config := `severity:
  - key: S1
    name: Outage
    definition: Customers cannot pay.
    translations:
      ja: {name: 障害, definition: 顧客が支払いできない。}
  - key: S2
    name: Degraded
    definition: Payments are slow or fail for some customers.
glossary:
  - term: mitigated
    definition: Customers no longer see the impact, though the cause may remain.
`
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, "sqlite:"+filepath.Join(dir, "h.db"), "--config", path)
	out := srv.mustCLI(t, srv.AdminToken, "scales", "--lang", "ja")
	if !strings.Contains(out, "S1  障害: 顧客が支払いできない。") || strings.Contains(out, "SEV1") {
		t.Fatalf("scales --lang ja:\n%s", out)
	}
	r := srv.cli(t, srv.AdminToken, "incident", "declare", "--severity", "SEV1", "Checkout failing")
	if r.err == nil || !strings.Contains(errorLine(r.err), "S1 (Outage): Customers cannot pay.") {
		t.Fatalf("declare with a built-in level under a configured scale: %v", r.err)
	}
	srv.mustCLI(t, srv.AdminToken, "incident", "declare", "--severity", "S2", "Checkout slow")
}

func TestMigrateCommand(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "h.db")
	var out strings.Builder
	if err := run(context.Background(), []string{"migrate", "--db", db}, envFunc(nil), nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "applied 0001_foundation.sql") {
		t.Fatalf("first migrate printed %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate", "--db", db}, envFunc(nil), nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "up to date") {
		t.Fatalf("second migrate printed %q", out.String())
	}
}

func TestUsageErrors(t *testing.T) {
	cases := [][]string{
		{},
		{"frobnicate"},
		{"incident", "declare", "--severity", "SEV1"},
		{"incident", "declare", "--bogus", "x"},
		{"users", "add", "bob"},
		{"incident", "show", "abc"},
	}
	for _, args := range cases {
		var out strings.Builder
		err := run(context.Background(), args, envFunc(map[string]string{"HANSEI_TOKEN": "hsi_x"}), nil, &out, &out)
		if err == nil {
			t.Errorf("hansei %v succeeded", args)
			continue
		}
		if line := errorLine(err); line == "" || strings.Contains(line, "\n") {
			t.Errorf("hansei %v: error %q is not one clear line", args, line)
		}
	}
}

// TestConfigProblemsAllAtOnce checks that `hansei serve` reports every
// problem of the file and the environment at once, one a line as
// docs/configuration.md shows them, exits with status 1, and starts
// nothing.
func TestConfigProblemsAllAtOnce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hansei.yaml")
	config := "addr: localhost\nstatus:\n  language: fr\nnotify:\n  reminders: 5\n"
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	env := envFunc(map[string]string{"HANSEI_LOG_LEVEL": "verbose", "HANSEI_URL": "hansei.example.com"})
	err := run(context.Background(), []string{"serve", "--config", path, "--db", filepath.Join(dir, "h.db"), "--create", "--addr", "127.0.0.1:0"},
		env, strings.NewReader(""), &stdout, &stderr)
	if err == nil {
		t.Fatal("serve started with an invalid configuration")
	}
	var printed strings.Builder
	printError(&printed, err)
	want := strings.Join([]string{
		"hansei: the configuration has problems:",
		path + `:1: addr: "localhost" is not a listen address; use host:port, such as 127.0.0.1:8080 or :8080`,
		path + `:3: status.language: unknown language "fr"; the status page speaks en, ja or de`,
		path + ":5: notify.reminders: expected a mapping with before_days, escalate_after_days, escalate_to and digest, found the number 5",
		`HANSEI_URL: "hansei.example.com" is not the web UI's address; give an http(s) URL such as https://hansei.example.com`,
		`HANSEI_LOG_LEVEL: "verbose" is not a log level; use debug, info, warn or error`,
	}, "\n") + "\n"
	if printed.String() != want {
		t.Errorf("printed:\n%s\nwant:\n%s", printed.String(), want)
	}
	if code := cli.ExitCode(err); code != 1 {
		t.Errorf("a configuration problem exits with status %d; want 1 (2 is for a mistaken command line)", code)
	}
	if stdout.Len() != 0 {
		t.Errorf("printed on stdout: %q", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "h.db")); err == nil {
		t.Error("the database was created despite the invalid configuration")
	}
}

// TestLogLevelFromConfig checks that the server logs at the configured
// level: at warn, the shutdown's info line is left out.
func TestLogLevelFromConfig(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		level string
		info  bool
	}{{"info", true}, {"warn", false}} {
		path := filepath.Join(dir, tc.level+".yaml")
		if err := os.WriteFile(path, []byte("log_level: "+tc.level+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		srv := startServer(t, "sqlite:"+filepath.Join(dir, tc.level+".db"), "--config", path)
		srv.stop()
		if got := strings.Contains(srv.stderr.String(), "level=INFO"); got != tc.info {
			t.Errorf("log_level %s: info lines logged = %v, want %v:\n%s", tc.level, got, tc.info, srv.stderr.String())
		}
	}
}
