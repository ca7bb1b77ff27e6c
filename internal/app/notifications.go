package app

import (
	"context"

	hansei "github.com/hansei-dev/hansei"
)

type outboxStore interface {
	Outbox(ctx context.Context, state string, limit int) ([]hansei.Delivery, error)
	RetryDelivery(ctx context.Context, id int64) error
}

// Notifications is the admin's view of the outbox: what was sent, what is
// waiting, and what was parked after failing.
type Notifications struct{ store outboxStore }

// outboxPage bounds an outbox listing.
const outboxPage = 200

// Outbox lists deliveries in a state ("" for every state).
func (s *Notifications) Outbox(ctx context.Context, actor hansei.User, state string) ([]hansei.Delivery, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	switch state {
	case "", "pending", "delivered", "parked":
	default:
		return nil, hansei.FieldError("state", "state must be pending, delivered or parked, not %q", state)
	}
	return s.store.Outbox(ctx, state, outboxPage)
}

// Retry puts a parked delivery back in the queue.
func (s *Notifications) Retry(ctx context.Context, actor hansei.User, id int64) error {
	if err := actor.RequireAdmin(); err != nil {
		return err
	}
	return s.store.RetryDelivery(ctx, id)
}
