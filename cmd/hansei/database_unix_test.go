//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadOnlyDatabaseIsRefusedAtStart is finding 5's other half as it
// was found: with a database file it may not write, `hansei serve`
// started, said ready, and answered 500 to every write, since SQLite opens
// such a file read-only without a word. Now it refuses to start, with one
// line. The kernel lets root write anything, so under root the server runs
// as nobody, as a service would.
func TestReadOnlyDatabaseIsRefusedAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	dir, err := os.MkdirTemp("", "hansei-readonly-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin := filepath.Join(dir, "hansei")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	path := filepath.Join(dir, "hansei.db")
	migrate(t, path)
	for _, p := range []string{path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--db", path)
	if os.Geteuid() == 0 {
		const nobody = 65534
		for _, p := range []string{dir, path} {
			if err := os.Chown(p, nobody, nobody); err != nil {
				t.Fatal(err)
			}
		}
		os.Chmod(dir, 0o755)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		cmd.Dir = dir
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("hansei serve on a read-only database file did not stop; it printed:\n%s\n%s", stdout.String(), stderr.String())
	}
	if err == nil {
		t.Fatal("hansei serve started on a read-only database file")
	}
	line := strings.TrimSpace(stderr.String())
	if strings.Contains(line, "\n") || !strings.Contains(line, "read-only") || !strings.Contains(line, path) {
		t.Errorf("hansei serve printed %q; want one line saying the file %s is read-only", line, path)
	}
	if strings.Contains(stdout.String(), "listening") {
		t.Errorf("hansei serve listened on a read-only database:\n%s", stdout.String())
	}
}
