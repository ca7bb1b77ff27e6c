package hansei

import (
	"encoding/json"
	"time"
)

// Target is where notifications go: a channel ("webhook", "slack") and
// its address. Every notification is delivered to every target; it names
// its recipients, and the receiver routes it.
type Target struct {
	Channel string
	Address string
	// Name is a webhook's name, by which a level's paging or a rule sends
	// it a notification; a target without one gets every notification.
	Name string
	// Language is the language a shared target is written to (its
	// readers are many, so it is the deployment's choice, not a
	// person's); "" for the deployment's default.
	Language string
}

// Outgoing is a notification on its way to one target: a row of the
// outbox before it is written. Which targets a notification goes to is the
// application's rule (app.FanOut); storage writes what it is given.
type Outgoing struct {
	Target
	Notification Notification
}

// Delivery is one claimed outbox row.
type Delivery struct {
	ID         int64           `json:"id"`
	DeliveryID string          `json:"delivery_id"`
	Key        string          `json:"key"`
	Channel    string          `json:"channel"`
	Target     string          `json:"target"`
	Payload    json.RawMessage `json:"payload"`
	State      string          `json:"state"`
	Attempts   int             `json:"attempts"`
	NextAt     time.Time       `json:"next_attempt_at"`
	LastError  string          `json:"last_error"`
	CreatedAt  time.Time       `json:"created_at"`
}

// MaxAttempts is how often a delivery is tried before it is parked for an
// admin to look at.
const MaxAttempts = 8
