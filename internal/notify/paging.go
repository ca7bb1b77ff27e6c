package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	hansei "github.com/hansei-dev/hansei"
)

// Pager is a paging service that pages go to (notify.paging), by rule
// name. Its key or token lives here, not in the outbox: the admin's view
// of the outbox shows payloads.
type Pager struct {
	// Kind is hansei.PagerPagerDuty or hansei.PagerGoAlert.
	Kind string
	// URL is PagerDuty's Events API v2 endpoint
	// (https://events.pagerduty.com/v2/enqueue), or the address of the
	// GoAlert instance (its generic API is /api/v2/generic/incoming there).
	URL string
	// Secret is PagerDuty's routing key (the integration key of a
	// service's Events API v2 integration), or GoAlert's integration-key
	// token.
	Secret string
	// Severities map hansei's severity levels to PagerDuty's (critical,
	// error, warning, info).
	Severities map[string]string
	// Source is PagerDuty's payload.source: this hansei (the host of its
	// URL).
	Source string
}

// orderedStore is an outbox that tells what waits before a delivery
// (sqldb's); pages are sent in order per service with it.
type orderedStore interface {
	UndeliveredBefore(ctx context.Context, d hansei.Delivery) (int64, error)
}

// PagerDutyEnqueue is PagerDuty's Events API v2 endpoint.
const PagerDutyEnqueue = "https://events.pagerduty.com/v2/enqueue"

// page sends a page (hansei.NotifyPage) in its service's API.
func (d *Deliverer) page(ctx context.Context, del hansei.Delivery) error {
	p, ok := d.Pagers[del.Target]
	if !ok {
		return fmt.Errorf("no paging rule %q is configured (notify.paging); put it back, or leave this delivery parked", del.Target)
	}
	if s, ok := d.store.(orderedStore); ok {
		earlier, err := s.UndeliveredBefore(ctx, del)
		if err != nil {
			return err
		}
		if earlier != 0 {
			return fmt.Errorf("waits for delivery %d to the same paging service: pages go in order, so that a resolve never overtakes its trigger", earlier)
		}
	}
	var n hansei.Notification
	if err := json.Unmarshal(del.Payload, &n); err != nil {
		return err
	}
	var (
		endpoint string
		body     any
	)
	switch p.Kind {
	case hansei.PagerPagerDuty:
		endpoint, body = p.URL, PagerDutyEvent(p, n)
	case hansei.PagerGoAlert:
		endpoint = strings.TrimRight(p.URL, "/") + "/api/v2/generic/incoming?token=" + url.QueryEscape(p.Secret)
		body = GoAlertEvent(n)
	default:
		return fmt.Errorf("paging rule %q: unknown kind %q", del.Target, p.Kind)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("paging rule %q: %s", del.Target, redactQuery(err.Error(), endpoint))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "hansei")
	req.Header.Set("Hansei-Delivery", del.DeliveryID)
	// Named without its query: GoAlert's token is there, and the error
	// is shown in the outbox.
	where := fmt.Sprintf("paging rule %q (%s %s)", del.Target, p.Kind, strings.SplitN(endpoint, "?", 2)[0])
	resp, err := d.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %s", where, redactQuery(err.Error(), endpoint))
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode >= 300 {
		// PagerDuty answers 400 with its reason ("Event object is
		// invalid", and which field): worth keeping for the admin.
		return fmt.Errorf("%s answered HTTP %d: %s", where, resp.StatusCode, strings.TrimSpace(string(answer)))
	}
	return nil
}

// redactQuery removes endpoint's query (a token) from an error message
// that quotes the URL.
func redactQuery(msg, endpoint string) string {
	base, _, found := strings.Cut(endpoint, "?")
	if !found {
		return msg
	}
	return strings.ReplaceAll(msg, endpoint, base+"?token=…")
}

// PagerDutyEvent is a page as PagerDuty's Events API v2 takes it: a
// trigger with its payload and link, or a resolve, which needs only the
// routing key, the action and the dedup key.
func PagerDutyEvent(p Pager, n hansei.Notification) map[string]any {
	action, _ := n.Data["action"].(string)
	ev := map[string]any{"routing_key": p.Secret, "event_action": action, "dedup_key": n.Data["dedup_key"]}
	if action != hansei.PageTrigger {
		return ev
	}
	level, _ := n.Data["severity"].(string)
	severity := p.Severities[level]
	if severity == "" {
		severity = "critical" // a level the map leaves out pages: it is configured to page
	}
	details := map[string]any{"severity": level, "details": n.Text}
	if num, ok := n.Data["incident"]; ok {
		details["incident"] = num
	}
	ev["payload"] = map[string]any{"summary": truncate(n.Subject, 1024), "source": p.Source, "severity": severity,
		"component": "hansei", "class": "incident", "custom_details": details}
	ev["client"] = "hansei"
	if link, _ := n.Data["link"].(string); link != "" {
		ev["client_url"] = link
		ev["links"] = []map[string]string{{"href": link, "text": truncate(n.Subject, 1024)}}
	}
	return ev
}

// GoAlertEvent is a page as GoAlert's generic incoming API takes it: a
// summary and details open (or keep open) the alert of the dedup key, and
// action "close" closes it.
func GoAlertEvent(n hansei.Notification) map[string]any {
	ev := map[string]any{"summary": n.Subject, "details": n.Text, "dedup": n.Data["dedup_key"]}
	if n.Data["action"] == hansei.PageResolve {
		ev["action"] = "close"
	}
	return ev
}

// truncate cuts s to at most n bytes, at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
