package statuspage

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestPublicListenerLargeBodies: a page above fileBodyMin goes out of the
// public listener byte for byte as the mux sends it, to many keep-alive
// requests at once (each read of the file starts at its beginning), after
// a rebuild has released the old set's files (the new bytes, never the
// old), and without a body for HEAD.
func TestPublicListenerLargeBodies(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	p, src := testStatusPage(t, benchSnapshot(t, now), now, Config{})
	mux := mountedStatus(t, p)
	want := get(t, mux, http.MethodGet, "/status").Body.Bytes()
	if len(want) < fileBodyMin {
		t.Fatalf("the test page has %d bytes; it must be above fileBodyMin (%d) to be sent from a file", len(want), fileBodyMin)
	}
	base := "http://" + startPublic(t, p, (&observations{}).observe)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 8}}
	fetch := func(method string) []byte {
		t.Helper()
		req, _ := http.NewRequest(method, base+"/status", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s /status: %d, %v", method, resp.StatusCode, err)
		}
		return b
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				if got := fetch(http.MethodGet); !bytes.Equal(got, want) {
					t.Errorf("GET /status: %d bytes differ from the mux's %d", len(got), len(want))
					return
				}
			}
		})
	}
	wg.Wait()
	if got := fetch(http.MethodHead); len(got) != 0 {
		t.Errorf("HEAD /status sent %d bytes of body", len(got))
	}

	changed := benchSnapshot(t, now)
	changed.Components[0].Name = "Renamed checkout"
	src.set(changed)
	if err := p.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	want2 := get(t, mux, http.MethodGet, "/status").Body.Bytes()
	if bytes.Equal(want, want2) {
		t.Fatal("the rebuild did not change the page")
	}
	for range 3 {
		if got := fetch(http.MethodGet); !bytes.Equal(got, want2) {
			t.Fatalf("after a rebuild GET /status sent %d bytes, not the new page's %d", len(got), len(want2))
		}
	}
}
