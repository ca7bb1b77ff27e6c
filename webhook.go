package hansei

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// WebhookEndpoint is an admin's subscription of a receiver to the
// timeline: every event of a matching incident is delivered to URL, signed
// with Secret, in the events' commit order (docs/webhooks.md). Delivery
// follows a durable cursor over the events' global positions: Cursor is the
// position of the last event the endpoint has been given (or skipped), so a
// failing endpoint holds back its later events instead of reordering them,
// and nothing committed is lost.
type WebhookEndpoint struct {
	ID  int64  `json:"id"`
	URL string `json:"url"`
	// Secret signs every delivery. It is shown once, in the answer to the
	// creation, and never again.
	Secret     string    `json:"secret,omitempty"`
	Events     []string  `json:"events"`
	Severities []string  `json:"severities"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	Cursor     int64     `json:"cursor"`
	// Attempts counts the failed attempts at the event after Cursor (0
	// when the endpoint is in step); NextAttemptAt is when it is tried
	// again, LastError why the last attempt failed.
	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `json:"next_attempt_at"`
	LastError     string    `json:"last_error"`
}

// WebhookDelivery is one attempt to deliver an event to an endpoint, kept
// for the admin's view of recent deliveries and failures.
type WebhookDelivery struct {
	Endpoint   int64     `json:"endpoint"`
	DeliveryID string    `json:"delivery_id"`
	Incident   int64     `json:"incident"`
	Seq        int64     `json:"seq"`
	Type       string    `json:"type"`
	Attempt    int       `json:"attempt"`
	Error      string    `json:"error"` // "" when delivered
	At         time.Time `json:"at"`
}

// NewWebhook checks an endpoint as an admin registers it: an http or https
// URL, event types the timeline has, severities of the scale. A secret, if
// given, is long enough to be worth signing with.
func NewWebhook(rawURL, secret string, events, severities []string, scale Scale) (WebhookEndpoint, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return WebhookEndpoint{}, webhookError("url", "url must be an http or https URL such as https://hooks.example.com/hansei, not %q", rawURL)
	}
	if secret != "" && len(secret) < 16 {
		return WebhookEndpoint{}, webhookError("secret", "secret must be at least 16 characters (or leave it out and hansei makes one)")
	}
	known := EventTypes()
	for _, e := range events {
		if !slices.Contains(known, e) {
			return WebhookEndpoint{}, webhookError("events", "events: %q is not an event type; allowed: %s", e, strings.Join(known, ", "))
		}
	}
	for _, s := range severities {
		if _, err := scale.Level(s); err != nil {
			return WebhookEndpoint{}, webhookError("severities", "severities: %q is not a severity; allowed: %s", s, strings.Join(scale.Keys(), ", "))
		}
	}
	return WebhookEndpoint{URL: rawURL, Secret: secret, Events: nonNil(slices.Clone(events)), Severities: nonNil(slices.Clone(severities))}, nil
}

// Delivers says whether the endpoint is sent event e of incident inc. An
// endpoint is a shared channel: like every webhook and Slack target
// (Notification.For), it never hears a restricted incident's content, and
// an event carries nothing but content, so it hears nothing of one. Empty
// filters match everything; the severity is the incident's as it stands.
func (w WebhookEndpoint) Delivers(inc Incident, e Event) bool {
	if inc.Visibility == VisibilityRestricted {
		return false
	}
	if len(w.Events) > 0 && !slices.Contains(w.Events, e.Type) {
		return false
	}
	return len(w.Severities) == 0 || slices.Contains(w.Severities, inc.Severity)
}

// WebhookDeliveryID is the Hansei-Delivery of event pos to endpoint id: the
// same on every attempt, and after a restart, so receivers drop repeats.
func WebhookDeliveryID(endpoint, pos int64) string {
	return fmt.Sprintf("ev_%d_%d", endpoint, pos)
}

// WebhookIncident is the incident as an endpoint receives it: as GET
// /api/v1/incidents/{n} gives it. A delivery batch marshals it once per
// incident (WebhookBody takes it marshalled).
func WebhookIncident(inc Incident) ([]byte, error) {
	if inc.Roles == nil {
		inc.Roles = map[string]string{}
	}
	if inc.Responders == nil {
		inc.Responders = []Responder{}
	}
	if inc.Services == nil {
		inc.Services = []string{}
	}
	return json.Marshal(struct {
		Incident
		Ref string `json:"ref"`
	}{inc, inc.Ref()})
}

// WebhookBody is what an endpoint receives: {"event": the event as the
// timeline API gives it, "incident": WebhookIncident's}. The incident is
// spliced in as it was marshalled, not marshalled again with the event:
// a delivery batch reuses it for every event of that incident.
func WebhookBody(e Event, incident []byte) ([]byte, error) {
	event, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	body := make([]byte, 0, len(event)+len(incident)+24)
	body = append(body, `{"event":`...)
	body = append(body, event...)
	body = append(body, `,"incident":`...)
	body = append(body, incident...)
	return append(body, '}'), nil
}

// webhookError refuses an endpoint's field with 422, as the API contract
// says (docs/api.md): the request is well-formed, the endpoint is not one
// hansei can deliver to.
func webhookError(field, format string, args ...any) *Error {
	e := FieldError(field, format, args...)
	e.Code = EUNPROCESSABLE
	return e
}
