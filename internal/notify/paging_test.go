package notify

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// waitingStore is an outbox where an earlier page to the same service is
// still undelivered.
type waitingStore struct {
	oneDelivery
	earlier int64
}

func (w *waitingStore) UndeliveredBefore(context.Context, hansei.Delivery) (int64, error) {
	return w.earlier, nil
}

func pageDelivery(target, action string) hansei.Delivery {
	return hansei.Delivery{ID: 2, DeliveryID: "d-2", Channel: hansei.PagerGoAlert, Target: target, Attempts: 1,
		Payload: []byte(`{"kind":"incident.page","subject":"Incident INC-1 (SEV1): x","data":{"action":"` + action + `","dedup_key":"hansei-h-INC-1"}}`)}
}

// A resolve waits while its service has an earlier page undelivered (the
// trigger, failing): sent first, it would leave the page open for good.
func TestPageWaitsForTheEarlierPage(t *testing.T) {
	srv, reached := counting(t, nil)
	store := &waitingStore{oneDelivery: oneDelivery{d: []hansei.Delivery{pageDelivery("ga", hansei.PageResolve)}}, earlier: 1}
	d := New(store, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)), []string{"127.0.0.1"})
	d.Pagers = map[string]Pager{"ga": {Kind: hansei.PagerGoAlert, URL: srv.URL, Secret: "t"}}
	if _, err := d.DeliverOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if store.failure == nil || !strings.Contains(store.failure.Error(), "waits for delivery 1") || reached.Load() != 0 {
		t.Fatalf("failure %v, %d requests: want a wait and no request", store.failure, reached.Load())
	}
	store.earlier, store.d = 0, []hansei.Delivery{pageDelivery("ga", hansei.PageResolve)}
	if _, err := d.DeliverOnce(context.Background()); err != nil || store.failure != nil || reached.Load() != 1 {
		t.Fatalf("once the trigger is out: %v, %v, %d requests", err, store.failure, reached.Load())
	}
}

// GoAlert's token travels in the query: an error, which the outbox shows
// to admins, never quotes it.
func TestGoAlertTokenIsNotInErrors(t *testing.T) {
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusUnauthorized) })
	store := &oneDelivery{d: []hansei.Delivery{pageDelivery("ga", hansei.PageTrigger)}}
	d := New(store, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)), []string{"127.0.0.1"})
	d.Pagers = map[string]Pager{"ga": {Kind: hansei.PagerGoAlert, URL: srv.URL, Secret: "s3cret-token"}}
	if _, err := d.DeliverOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if store.failure == nil || strings.Contains(store.failure.Error(), "s3cret") || !strings.Contains(store.failure.Error(), "HTTP 401") {
		t.Fatalf("failure %v", store.failure)
	}
	// A closed port: the transport's error quotes the URL.
	srv.Close()
	store.d = []hansei.Delivery{pageDelivery("ga", hansei.PageTrigger)}
	d.DeliverOnce(context.Background())
	if store.failure == nil || strings.Contains(store.failure.Error(), "s3cret") {
		t.Fatalf("failure %v", store.failure)
	}
}
