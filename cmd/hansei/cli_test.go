package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/internal/cli"
)

// runCLI runs the command line with vars as the whole environment and no
// standard input.
func runCLI(vars map[string]string, args ...string) cliResult {
	var stdout, stderr strings.Builder
	err := run(context.Background(), args, envFunc(vars), nil, &stdout, &stderr)
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// TestHelpNeedsNothing asks every command for help, as -h, --help and
// "hansei help X", with an empty environment and no server: each answers
// on stdout and succeeds. The commands come from the tree itself, so a new
// command is covered without being listed here.
func TestHelpNeedsNothing(t *testing.T) {
	paths := cli.CommandPaths()
	if len(paths) < 40 {
		t.Fatalf("only %d commands in the tree", len(paths))
	}
	for _, path := range paths {
		name := strings.Join(append([]string{"hansei"}, path...), " ")
		for _, args := range [][]string{slices.Concat(path, []string{"--help"}), slices.Concat(path, []string{"-h"}), slices.Concat([]string{"help"}, path)} {
			t.Run(strings.Join(append([]string{"hansei"}, args...), " "), func(t *testing.T) {
				r := runCLI(nil, args...)
				if r.err != nil {
					t.Fatalf("failed: %v (exit %d)\nstderr: %s", r.err, cli.ExitCode(r.err), r.stderr)
				}
				if !strings.Contains(r.stdout, "Usage:\n  "+name) {
					t.Errorf("stdout is not the help of %s:\n%s", name, r.stdout)
				}
				if r.stderr != "" {
					t.Errorf("printed on stderr: %q", r.stderr)
				}
			})
		}
	}
}

// TestCompletionScripts checks that each shell's completion script is
// printed, and that bash accepts its own.
func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{"bash": "# bash completion V2 for hansei", "zsh": "#compdef hansei", "fish": "complete -c hansei"} {
		t.Run(shell, func(t *testing.T) {
			r := runCLI(nil, "completion", shell)
			if r.err != nil || !strings.Contains(r.stdout, want) {
				t.Fatalf("completion %s: %v; printed %d bytes without %q", shell, r.err, len(r.stdout), want)
			}
			if shell != "bash" {
				return
			}
			bash, err := exec.LookPath("bash")
			if err != nil {
				t.Skip("bash not installed")
			}
			path := filepath.Join(t.TempDir(), "hansei.bash")
			if err := os.WriteFile(path, []byte(r.stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(bash, "-n", path).CombinedOutput(); err != nil {
				t.Fatalf("bash -n rejects the completion script: %v\n%s", err, out)
			}
		})
	}
}

// TestVersion checks --version, version and version --json, which say
// the same thing.
func TestVersion(t *testing.T) {
	flag := runCLI(nil, "--version")
	short := runCLI(nil, "-v")
	cmd := runCLI(nil, "version")
	if flag.err != nil || cmd.err != nil || short.err != nil {
		t.Fatalf("--version: %v; -v: %v; version: %v", flag.err, short.err, cmd.err)
	}
	if !strings.HasPrefix(flag.stdout, "hansei ") || !strings.Contains(flag.stdout, "(commit ") || flag.stdout != cmd.stdout || short.stdout != cmd.stdout {
		t.Fatalf("--version printed %q, -v %q, version %q; want one line \"hansei VERSION (commit …)\"", flag.stdout, short.stdout, cmd.stdout)
	}
	r := runCLI(nil, "version", "--json")
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || r.err != nil {
		t.Fatalf("version --json printed %q (%v, %v)", r.stdout, r.err, err)
	}
	for _, key := range []string{"version", "commit", "date", "go"} {
		if s, _ := v[key].(string); s == "" || !strings.Contains(cmd.stdout, s) {
			t.Errorf("version --json: %s is %v, which the text %q does not show", key, v[key], cmd.stdout)
		}
	}
}

// TestMistakesGetOneLine checks that a mistake in how a command is called
// is refused with exit status 2 and one line that names the mistake and
// what would be right, before any token or server is needed.
func TestMistakesGetOneLine(t *testing.T) {
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"incident", "declare", "--sevrity", "SEV1", "x"}, []string{"--sevrity", "did you mean --severity?"}},
		{[]string{"incident", "list", "-json"}, []string{"-json", "did you mean --json?"}},
		{[]string{"incident", "list", "--limit", "many"}, []string{`--limit "many"`, "whole number"}},
		{[]string{"incident", "declare", "x", "--severity"}, []string{"--severity needs a value"}},
		{[]string{"incidnet", "list"}, []string{`unknown command "incidnet"`, `did you mean "incident"?`}},
		{[]string{"incidnet", "--json"}, []string{`unknown command "incidnet"`, `did you mean "incident"?`}},
		{[]string{"incident", "shwo", "1"}, []string{`unknown incident subcommand "shwo"`, `did you mean "show"?`}},
		{[]string{"remediation"}, []string{"remediation needs a subcommand: add, cancel, list, progress, show or update"}},
		{[]string{"users", "frob"}, []string{`unknown users subcommand "frob"`, "add, link, list"}},
		{[]string{"completion", "elvish"}, []string{`unknown completion subcommand "elvish"`, "bash, fish, powershell or zsh"}},
		{[]string{"help", "frob"}, []string{`unknown command "frob"`}},
		{[]string{"incident", "show"}, []string{"incident show needs an incident NUMBER (got 0 argument(s))", "hansei incident show --help"}},
		{[]string{"serve", "now"}, []string{"serve takes no arguments"}},
		{[]string{"version", "--short"}, []string{"version has no flag --short"}},
		{[]string{"remediation", "show", "1", "--mine"}, []string{"remediation show has no flag --mine", "hansei remediation show --help"}},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runCLI(nil, tc.args...)
			if r.err == nil {
				t.Fatalf("succeeded, printing %q", r.stdout)
			}
			line := errorLine(r.err)
			for _, want := range tc.want {
				if !strings.Contains(line, want) {
					t.Errorf("error %q lacks %q", line, want)
				}
			}
			if strings.Contains(line, "\n") || strings.Contains(line, "HANSEI_TOKEN") {
				t.Errorf("error %q is not one line about the mistake", line)
			}
			if code := cli.ExitCode(r.err); code != 2 {
				t.Errorf("exit status %d, want 2", code)
			}
			if r.stdout != "" || r.stderr != "" {
				t.Errorf("printed %q and %q besides the error", r.stdout, r.stderr)
			}
		})
	}
}

// TestLocalCommandsPrintJSON checks --json on the commands that work on
// the database without a server.
func TestLocalCommandsPrintJSON(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "h.db")
	for _, tc := range []struct {
		args []string
		keys []string
	}{
		{[]string{"migrate", "--json"}, []string{"applied"}},
		{[]string{"users", "add", "bob", "--role", "responder", "--json"}, []string{"name", "role", "token"}},
		{[]string{"users", "token", "bob", "--label", "ci", "--json"}, []string{"name", "label", "token"}},
		{[]string{"users", "link", "bob", "--json"}, []string{"name", "url", "expires_at"}},
		{[]string{"users", "list", "--json"}, []string{"items"}},
		{[]string{"users", "tokens", "--json"}, []string{"items"}},
		{[]string{"users", "revoke-token", "1", "--json"}, []string{"revoked"}},
	} {
		r := runCLI(nil, append(tc.args, "--db", db)...)
		var v map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &v); r.err != nil || err != nil {
			t.Fatalf("hansei %s: %v; printed %q (%v)", strings.Join(tc.args, " "), r.err, r.stdout, err)
		}
		for _, k := range tc.keys {
			if _, ok := v[k]; !ok {
				t.Errorf("hansei %s: no %q in %s", strings.Join(tc.args, " "), k, r.stdout)
			}
		}
	}
}

// TestWatchJSONLines follows an incident with watch --json and reads one
// JSON event per line, as a program piping it would.
func TestWatchJSONLines(t *testing.T) {
	srv := startServer(t, "sqlite:"+filepath.Join(t.TempDir(), "h.db"))
	srv.mustCLI(t, srv.AdminToken, "incident", "declare", "--severity", "SEV2", "Checkout failing")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		env := envFunc(map[string]string{"HANSEI_URL": srv.URL, "HANSEI_TOKEN": srv.AdminToken})
		done <- run(ctx, []string{"watch", "1", "--json"}, env, nil, pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	next := func() map[string]any {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("watch --json ended: %v", lines.Err())
		}
		var e map[string]any
		if err := json.Unmarshal(lines.Bytes(), &e); err != nil {
			t.Fatalf("line %q is not JSON: %v", lines.Text(), err)
		}
		return e
	}
	if e := next(); e["type"] != "incident.declared" || e["seq"] != 1.0 {
		t.Fatalf("first line %v, want the declaration", e)
	}
	srv.mustCLI(t, srv.AdminToken, "incident", "note", "1", "Error rate 12%")
	for seq := 2.0; ; seq++ {
		e := next()
		if e["seq"] != seq {
			t.Fatalf("line %v, want seq %v next", e, seq)
		}
		if e["type"] == "note.added" {
			break
		}
	}
	cancel()
	go io.Copy(io.Discard, pr)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("watch stopped with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("watch did not stop when its context ended")
	}
}
