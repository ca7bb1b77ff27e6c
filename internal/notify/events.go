package notify

import (
	"context"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// EventStore is the event webhooks' storage (internal/sqldb).
type EventStore interface {
	ClaimWebhooks(ctx context.Context, lease time.Duration) ([]hansei.WebhookEndpoint, error)
	WebhookEvents(ctx context.Context, after int64, limit int) ([]hansei.Event, map[int64]hansei.Incident, error)
	FinishWebhook(ctx context.Context, w hansei.WebhookEndpoint, cursor int64, failure error, log []hansei.WebhookDelivery) error
}

// webhookLease is how long one instance walks an endpoint before another
// may; a walk stops well before it ends (see walk).
const webhookLease = 30 * time.Second

// webhookBatch is how many events a walk reads at a time.
const webhookBatch = 500

// webhookLogKept is how many attempts of a walk are logged, at most: as
// many as the store keeps per endpoint (sqldb's webhookLog).
const webhookLogKept = 200

// deliverEvents walks each endpoint that has events to deliver, in
// position order, and returns how many events it delivered.
func (d *Deliverer) deliverEvents(ctx context.Context) (int, error) {
	endpoints, err := d.Events.ClaimWebhooks(ctx, webhookLease)
	if err != nil {
		return 0, err
	}
	delivered := 0
	for _, w := range endpoints {
		n, err := d.walk(ctx, w)
		delivered += n
		if err != nil {
			return delivered, err
		}
	}
	return delivered, nil
}

// walk delivers an endpoint's events after its cursor, one at a time in
// order, and stops at the first failure: the cursor stays before the
// failed event, so it is retried first, with the same delivery id, and no
// later event overtakes it. Events the endpoint does not take (another
// type or severity, a restricted incident) move the cursor past them.
func (d *Deliverer) walk(ctx context.Context, w hansei.WebhookEndpoint) (int, error) {
	start := d.now()
	// One deadline for the walk's requests, not a timer each: the walk
	// takes no new event after webhookLease/3, and the last request has
	// the deliverer's timeout to answer.
	posts, cancel := context.WithTimeout(ctx, webhookLease/3+d.timeout)
	defer cancel()
	cursor := w.Cursor
	var log []hansei.WebhookDelivery
	var failure error
	delivered := 0
	for failure == nil && d.now().Sub(start) < webhookLease/3 {
		events, incs, err := d.Events.WebhookEvents(ctx, cursor, webhookBatch)
		if err != nil {
			return delivered, err
		}
		if len(events) == 0 {
			break
		}
		incJSON := map[int64][]byte{} // each incident marshalled once a batch
		for _, e := range events {
			inc := incs[e.Incident]
			if !w.Delivers(inc, e) {
				cursor = e.Pos
				continue
			}
			if incJSON[e.Incident] == nil {
				if incJSON[e.Incident], err = hansei.WebhookIncident(inc); err != nil {
					return delivered, err
				}
			}
			body, err := hansei.WebhookBody(e, incJSON[e.Incident])
			if err != nil {
				return delivered, err
			}
			attempt := 1
			if cursor == w.Cursor { // the event that failed last time
				attempt = w.Attempts + 1
			}
			id := hansei.WebhookDeliveryID(w.ID, e.Pos)
			failure = d.post(posts, hansei.Delivery{DeliveryID: id, Target: w.URL}, body, w.Secret)
			entry := hansei.WebhookDelivery{Endpoint: w.ID, DeliveryID: id, Incident: e.Incident, Seq: e.Seq, Type: e.Type,
				Attempt: attempt, At: d.now()}
			if failure != nil {
				entry.Error = failure.Error()
				log = append(log, entry)
				d.log.Warn("event webhook: delivery failed", "endpoint", w.ID, "delivery", id, "attempt", attempt, "err", failure)
				break
			}
			log = append(log, entry)
			cursor = e.Pos
			delivered++
		}
	}
	// Only the newest attempts are kept (the store keeps webhookLogKept
	// per endpoint): a long walk need not write what would be pruned.
	log = log[max(0, len(log)-webhookLogKept):]
	return delivered, d.Events.FinishWebhook(ctx, w, cursor, failure, log)
}
