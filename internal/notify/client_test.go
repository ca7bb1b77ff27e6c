package notify

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// counting is a local HTTP server that counts what reaches it.
func counting(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		io.Copy(io.Discard, r.Body)
		if h != nil {
			h(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// deliverTo delivers one signed webhook to target with a deliverer that
// may reach allowed, and returns the delivery's failure.
func deliverTo(t *testing.T, target string, allowed []string) error {
	t.Helper()
	store := &oneDelivery{d: []hansei.Delivery{{ID: 1, DeliveryID: "d-1", Channel: "webhook", Target: target,
		Payload: []byte(`{"kind":"remediation.reminder","subject":"secret body"}`), Attempts: 1}}}
	d := New(store, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)), allowed)
	d.Secrets[target] = "s3cret"
	if _, err := d.DeliverOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !store.done {
		t.Fatal("the delivery was not finished")
	}
	return store.failure
}

// TestRedirectsAreNotFollowed is the finding as it was reproduced: a
// receiver answered 307 to an internal address, and the client re-POSTed
// the signed body there. Now the 307 is a failed delivery that says so,
// and the second server hears nothing.
func TestRedirectsAreNotFollowed(t *testing.T) {
	internal, reached := counting(t, nil)
	for _, code := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound, http.StatusMovedPermanently} {
		hook, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, internal.URL+"/admin", code)
		})
		failure := deliverTo(t, hook.URL, []string{"127.0.0.1"})
		if failure == nil || !strings.Contains(failure.Error(), "redirects are not followed") ||
			!strings.Contains(failure.Error(), internal.URL+"/admin") {
			t.Errorf("HTTP %d: failure %v, want a redirect that is not followed", code, failure)
		}
	}
	if n := reached.Load(); n != 0 {
		t.Fatalf("the redirect's target got %d requests", n)
	}
}

// TestNonPublicAddressesAreRefusedWhenConnecting: without the host in the
// allow list, a loopback target is refused — also by a name that only
// resolves to it (localhost here, any DNS name in life), since the
// address is checked when the connection is made. Allowed by name, it is
// reached.
func TestNonPublicAddressesAreRefusedWhenConnecting(t *testing.T) {
	hook, reached := counting(t, nil)
	byName := strings.Replace(hook.URL, "127.0.0.1", "localhost", 1)
	for _, target := range []string{hook.URL, byName} {
		failure := deliverTo(t, target, nil)
		var refused *RefusedAddressError
		if !errors.As(failure, &refused) || refused.What != "a loopback address" {
			t.Errorf("%s: failure %v, want a refused loopback address", target, failure)
		}
	}
	// Allowing another host allows nothing here.
	if failure := deliverTo(t, byName, []string{"127.0.0.1"}); failure == nil {
		t.Error("localhost was reached with only 127.0.0.1 allowed")
	}
	if n := reached.Load(); n != 0 {
		t.Fatalf("a refused target got %d requests", n)
	}
	if failure := deliverTo(t, hook.URL, []string{"127.0.0.1"}); failure != nil {
		t.Fatalf("an allowed host: %v", failure)
	}
	if failure := deliverTo(t, byName, []string{"LOCALHOST."}); failure != nil {
		t.Fatalf("an allowed name: %v", failure)
	}
	if n := reached.Load(); n != 2 {
		t.Fatalf("the allowed target got %d requests, want 2", n)
	}
}
