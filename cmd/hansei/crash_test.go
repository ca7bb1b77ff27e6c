package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
)

// TestCrashLosesNoNotification kills `hansei serve` with SIGKILL while
// deliveries are in flight and starts it again: every notification of a
// committed change arrives at least once, repeats carry the same delivery
// id, and a refused change notifies nobody.
func TestCrashLosesNoNotification(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	eachDB(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		bin := filepath.Join(dir, "hansei")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		var mu sync.Mutex
		byKey := map[string]map[string]bool{} // notification key → delivery ids seen
		slow := make(chan struct{})
		inFlight := make(chan struct{})
		var first sync.Once
		recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			first.Do(func() { close(inFlight) })
			body, _ := io.ReadAll(r.Body)
			var n hansei.Notification
			json.Unmarshal(body, &n)
			select {
			case <-slow: // after the restart: answer at once
			case <-time.After(2 * time.Second): // before: deliveries stay in flight
			}
			mu.Lock()
			if byKey[n.Key] == nil {
				byKey[n.Key] = map[string]bool{}
			}
			byKey[n.Key][r.Header.Get("Hansei-Delivery")] = true
			mu.Unlock()
		}))
		defer recv.Close()
		cfg := filepath.Join(dir, "hansei.yaml")
		os.WriteFile(cfg, []byte("notify:\n  allow_private_hosts: [127.0.0.1] # the test receivers listen there\n  webhooks:\n    - url: "+recv.URL+"\n      secret: s\n"), 0o600)

		start := func() (*exec.Cmd, string, string) {
			cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--create", "--config", cfg)
			cmd.Env = append(os.Environ(), "HANSEI_LOG_LEVEL=error")
			out, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(out)
			var url, token string
			for sc.Scan() {
				line := strings.TrimSpace(sc.Text())
				if strings.HasPrefix(line, "hsi_") {
					token = line
				}
				if u, ok := strings.CutPrefix(line, "hansei listening on "); ok {
					url, _, _ = strings.Cut(u, " ")
					break
				}
			}
			go io.Copy(io.Discard, out)
			if url == "" {
				t.Fatal("the server did not start")
			}
			return cmd, url, token
		}
		cmd, url, admin := start()
		c := client.New(url, admin)
		ctx := context.Background()
		for _, name := range []string{"bob", "carla"} {
			if _, _, err := runUsersAdd(dsn, name); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.Declare(ctx, client.DeclareRequest{Title: "Checkout failing", Severity: "SEV2"}); err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for i := 0; i < 6; i++ {
			owner, title, due, p := "bob", "Fix "+string(rune('a'+i)), "2027-01-10", "P2"
			r, err := c.CreateRemediation(ctx, client.RemediationRequest{Incident: 1, Title: &title, Owner: &owner, Priority: &p, Due: &due})
			if err != nil {
				t.Fatal(err)
			}
			to := "carla"
			got, err := c.PatchRemediation(ctx, r.ID, client.RemediationRequest{Owner: &to})
			if err != nil {
				t.Fatal(err)
			}
			want[hansei.HandoverNotification(got, "bob", len(got.Progress)).Key] = true
		}
		ghost := "ghost"
		if _, err := c.PatchRemediation(ctx, 1, client.RemediationRequest{Owner: &ghost}); err == nil {
			t.Fatal("a handover to a user who does not exist was accepted")
		}
		select { // kill while a delivery is in flight
		case <-inFlight:
		case <-time.After(30 * time.Second):
			t.Fatal("no delivery was attempted")
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		close(slow)
		cmd, _, _ = start()
		defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
		// Claimed rows come back when the dead worker's 30-second lease ends.
		deadline := time.Now().Add(90 * time.Second)
		for {
			mu.Lock()
			done := 0
			for k := range want {
				if len(byKey[k]) > 0 {
					done++
				}
			}
			mu.Unlock()
			if done == len(want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d notifications arrived after the crash", done, len(want))
			}
			time.Sleep(50 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		for k, ids := range byKey {
			if !want[k] {
				t.Errorf("a notification no committed change caused: %s", k)
			}
			if len(ids) != 1 {
				t.Errorf("%s arrived with %d different delivery ids; repeats must share one", k, len(ids))
			}
		}
	})
}

// runUsersAdd runs `hansei users add NAME --role responder` on dsn.
func runUsersAdd(dsn, name string) (string, string, error) {
	var out, errs strings.Builder
	err := run(context.Background(), []string{"users", "add", name, "--role", "responder", "--db", dsn}, envFunc(nil), nil, &out, &errs)
	return out.String(), errs.String(), err
}
