// Package notify delivers the outbox: email over SMTP, webhooks signed with
// HMAC-SHA256 and Slack incoming webhooks. Each delivery carries a stable id
// (Hansei-Delivery) so that receivers can drop repeats: delivery is at
// least once.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/i18n"
)

// Store is the outbox.
type Store interface {
	ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]hansei.Delivery, error)
	FinishDelivery(ctx context.Context, d hansei.Delivery, failure error) error
}

// Deliverer sends claimed deliveries.
type Deliverer struct {
	store Store
	http  *http.Client
	// timeout bounds each request, its answer read included.
	timeout time.Duration
	now     func() time.Time
	log     *slog.Logger
	// Secrets sign webhooks, by target URL.
	Secrets map[string]string
	// Pagers are the paging services, by rule name (paging.go).
	Pagers map[string]Pager
	// SMTP sends email deliveries; nil when email is not configured.
	SMTP *SMTP
	// Catalogs print what is known only when an email is sent (the line
	// that says when); nil for the built-in ones. The subject and text
	// come printed from the outbox.
	Catalogs *i18n.Catalogs
	// Events delivers the timeline to the event webhooks (events.go);
	// nil for none.
	Events EventStore
	wake   chan struct{}
}

// New returns a deliverer. allowPrivate are the hosts its requests may
// reach though they are not public (notify.allow_private_hosts; see
// Client).
func New(store Store, now func() time.Time, log *slog.Logger, allowPrivate []string) *Deliverer {
	// The time limit is put on each request's context in post rather
	// than left to http.Client.Timeout, which starts a goroutine and a
	// timer per request: a third of a delivery's cost to a fast receiver
	// (docs/performance.md, event webhooks).
	c := Client(allowPrivate, 10*time.Second)
	timeout := c.Timeout
	c.Timeout = 0
	return &Deliverer{store: store, http: c, timeout: timeout, now: now, log: log,
		Secrets: map[string]string{}, wake: make(chan struct{}, 1)}
}

// Wake makes the deliverer look at the outbox now. It never blocks: a
// wake that arrives while one is pending is the same wake.
func (d *Deliverer) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Woken receives the wakes. The scheduler runs DeliverOnce when one
// arrives, and polls besides (internal/scheduler/jobs.go).
func (d *Deliverer) Woken() <-chan struct{} { return d.wake }

// DeliverOnce claims what is due and delivers it; it returns how many it
// delivered.
func (d *Deliverer) DeliverOnce(ctx context.Context) (int, error) {
	delivered := 0
	if d.Events != nil {
		n, err := d.deliverEvents(ctx)
		if delivered += n; err != nil {
			return delivered, err
		}
	}
	for {
		batch, err := d.store.ClaimDeliveries(ctx, 50, 30*time.Second)
		if err != nil || len(batch) == 0 {
			return delivered, err
		}
		for _, del := range batch {
			failure := d.send(ctx, del)
			if failure == nil {
				delivered++
			} else {
				d.log.Warn("outbox: delivery failed", "delivery", del.DeliveryID, "channel", del.Channel, "attempt", del.Attempts, "err", failure)
			}
			if err := d.store.FinishDelivery(ctx, del, failure); err != nil {
				return delivered, err
			}
		}
	}
}

func (d *Deliverer) send(ctx context.Context, del hansei.Delivery) error {
	switch del.Channel {
	case "webhook":
		return d.post(ctx, del, del.Payload, d.Secrets[del.Target])
	case "email":
		return d.email(del)
	case hansei.PagerPagerDuty, hansei.PagerGoAlert:
		return d.page(ctx, del)
	case "slack":
		var n hansei.Notification
		if err := json.Unmarshal(del.Payload, &n); err != nil {
			return err
		}
		body, _ := json.Marshal(map[string]string{"text": SlackMessage(n)})
		return d.post(ctx, del, body, "")
	}
	return fmt.Errorf("unknown channel %q", del.Channel)
}

// post sends body to the target, signed when there is a secret.
func (d *Deliverer) post(ctx context.Context, del hansei.Delivery, body []byte, secret string) error {
	if _, bounded := ctx.Deadline(); !bounded {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, del.Target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "hansei")
	req.Header.Set("Hansei-Delivery", del.DeliveryID)
	if secret != "" {
		ts := strconv.FormatInt(d.now().Unix(), 10)
		req.Header.Set("Hansei-Timestamp", ts)
		req.Header.Set("Hansei-Signature", "sha256="+Sign(secret, ts, body))
	}
	resp, err := d.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return fmt.Errorf("%s answered HTTP %d, a redirect to %q; redirects are not followed (they would re-send the signed body elsewhere): configure the final URL",
			del.Target, resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s answered HTTP %d", del.Target, resp.StatusCode)
	}
	return nil
}

// Sign is the webhook signature: HMAC-SHA256, keyed with the secret, over
// the timestamp, a dot and the body, in hex.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a webhook's signature and that its timestamp is within
// tolerance of now, as a receiver should.
func Verify(secret, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) bool {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || now.Sub(time.Unix(ts, 0)).Abs() > tolerance {
		return false
	}
	want := "sha256=" + Sign(secret, timestamp, body)
	return hmac.Equal([]byte(want), []byte(signature))
}
