package app

import (
	"context"
	"net/url"

	hansei "github.com/hansei-dev/hansei"
)

type webhookStore interface {
	CreateWebhook(ctx context.Context, w hansei.WebhookEndpoint) (hansei.WebhookEndpoint, error)
	Webhooks(ctx context.Context) ([]hansei.WebhookEndpoint, error)
	DeleteWebhook(ctx context.Context, id int64) error
	WebhookDeliveries(ctx context.Context, id int64, limit int) ([]hansei.WebhookDelivery, error)
}

// Webhooks are the admin's event webhooks: endpoints that receive every
// timeline event of matching incidents, signed (docs/webhooks.md). The
// deliveries are internal/notify's.
type Webhooks struct {
	store  webhookStore
	scales hansei.Scales
	// AllowPrivateHosts are the hosts an endpoint may name though they
	// are not public (notify.allow_private_hosts), as for the configured
	// webhooks.
	AllowPrivateHosts []string
}

// webhookDeliveriesShown bounds an endpoint's listing of recent attempts.
const webhookDeliveriesShown = 50

// Create registers an endpoint; the answer is the only time its secret is
// shown. Without a secret, one is made.
func (s *Webhooks) Create(ctx context.Context, actor hansei.User, rawURL, secret string, events, severities []string) (hansei.WebhookEndpoint, error) {
	if err := actor.RequireAdmin(); err != nil {
		return hansei.WebhookEndpoint{}, err
	}
	w, err := hansei.NewWebhook(rawURL, secret, events, severities, s.scales.Severity)
	if err != nil {
		return w, err
	}
	u, _ := url.Parse(rawURL)
	if what := hansei.NonPublicHost(u.Hostname()); what != "" && !hansei.HostAllowed(u.Hostname(), s.AllowPrivateHosts) {
		e := hansei.FieldError("url", "url %s names %s, which hansei does not send to; allow it with notify.allow_private_hosts in the config",
			rawURL, what)
		e.Code = hansei.EUNPROCESSABLE
		return hansei.WebhookEndpoint{}, e
	}
	if w.Secret == "" {
		w.Secret = randomToken("hwh_")
	}
	w.CreatedBy = actor.Name
	created, err := s.store.CreateWebhook(ctx, w)
	return created, err
}

// List is every endpoint, without secrets.
func (s *Webhooks) List(ctx context.Context, actor hansei.User) ([]hansei.WebhookEndpoint, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	ws, err := s.store.Webhooks(ctx)
	for i := range ws {
		ws[i].Secret = ""
	}
	return ws, err
}

// Delete removes an endpoint; what it had not received is not sent.
func (s *Webhooks) Delete(ctx context.Context, actor hansei.User, id int64) error {
	if err := actor.RequireAdmin(); err != nil {
		return err
	}
	return s.store.DeleteWebhook(ctx, id)
}

// Deliveries is an endpoint's recent attempts, newest first.
func (s *Webhooks) Deliveries(ctx context.Context, actor hansei.User, id int64) ([]hansei.WebhookDelivery, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return s.store.WebhookDeliveries(ctx, id, webhookDeliveriesShown)
}
