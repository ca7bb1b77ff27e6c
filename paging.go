package hansei

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
)

// Paging hand-off: an organisation whose on-call lives in PagerDuty or
// GoAlert has hansei open a page there when an incident reaches a
// severity that calls for one, and resolve it when that stops being so.
// The decision is the domain's (PageNotifications); the page travels
// through the outbox like every notification, to the one paging service
// its rule names (app.FanOut), and the deliverer speaks that service's
// API (internal/notify/paging.go).

// NotifyPage is the kind of a page: Data["action"] is PageTrigger or
// PageResolve.
const NotifyPage = "incident.page"

// Page actions.
const (
	PageTrigger = "trigger"
	PageResolve = "resolve"
)

// Paging services.
const (
	PagerPagerDuty = "pagerduty"
	PagerGoAlert   = "goalert"
)

// PageRule says which severities page through one paging service.
type PageRule struct {
	// Name names the rule (unique); the outbox's target is it, so that
	// the service's key or token is never written there.
	Name string
	// Kind is PagerPagerDuty or PagerGoAlert.
	Kind       string
	Severities []string
}

// pages reports whether inc, as it stands, calls for rule's page: it is
// open (not resolved or closed) at one of the rule's severities.
func (rule PageRule) pages(inc Incident) bool {
	return inc.Number != 0 && inc.Status != StatusResolved && inc.Status != StatusClosed &&
		slices.Contains(rule.Severities, inc.Severity)
}

// PageNotifications are the pages a change of an incident from before to
// after calls for (before is the zero Incident for a declaration): a
// trigger when the incident comes to call for a rule's page (declared at,
// raised to, or reopened at one of its severities), a resolve when it
// stops calling for it (resolved, or lowered below those severities: the
// on-call is no longer woken for it; hansei keeps the incident). One
// dedup key per incident and instance ties the two together at the
// service, so a page raised again opens a new alert under the same key.
// instance names this hansei (the host of its URL), so that two
// deployments sending to one service never resolve each other's pages.
// base is the web UI's address, for the link to the incident.
func PageNotifications(before, after Incident, rules []PageRule, base, instance string) []Notification {
	var out []Notification
	for _, rule := range rules {
		was, is := rule.pages(before), rule.pages(after)
		if was == is {
			continue
		}
		action := PageTrigger
		if was {
			action = PageResolve
		}
		link := fmt.Sprintf("%s/incidents/%d", base, after.Number)
		out = append(out, Notification{
			// The event's sequence number makes each page once, however
			// often the incident comes to call for one.
			Key:  fmt.Sprintf("page:%s:%d:%d", rule.Name, after.Number, after.LastSeq),
			Kind: NotifyPage,
			Data: map[string]any{"incident": after.Number, "rule": rule.Name, "action": action,
				"dedup_key": PageDedupKey(instance, after.Number), "severity": after.Severity,
				"title": after.Title, "link": link},
			SubjectMessage: say("notify.page.summary", "Ref", after.Ref(), "Severity", after.Severity, "Title", after.Title),
			TextMessages:   []NotificationMessage{say("notify.page.details", "Ref", after.Ref(), "Severity", after.Severity, "Link", link)},
		})
	}
	return out
}

// PageDedupKey is the key that ties an incident's trigger and resolve
// together at the paging service: hansei-<instance>-INC-42.
func PageDedupKey(instance string, number int64) string {
	return fmt.Sprintf("hansei-%s-INC-%d", instance, number)
}

// restrictedPage is the page a paging service gets for a restricted
// incident: a paging service is a shared channel (everyone with access to
// the service reads its alerts), so it names no title, number or text.
// It keeps what the service needs to wake the on-call and to resolve the
// page later: the action, the rule, the severity (its urgency: a page
// without it could not be routed), a dedup key that is a digest of the
// incident's (as stable, so the resolve finds the trigger, but naming no
// number), and the link every restricted notice has, behind sign-in.
func restrictedPage(n Notification, link string) Notification {
	dedup, _ := n.Data["dedup_key"].(string)
	severity, _ := n.Data["severity"].(string)
	key := sha256.Sum256([]byte(n.Key))
	sum := sha256.Sum256([]byte(dedup))
	out := Notification{Key: "restricted:" + hex.EncodeToString(key[:12]), Kind: n.Kind, To: n.To,
		Data: map[string]any{"restricted": true, "rule": n.Data["rule"], "action": n.Data["action"],
			"dedup_key": "hansei-" + hex.EncodeToString(sum[:12]), "severity": severity},
		Language:       n.Language,
		SubjectMessage: say("notify.page.restricted_summary", "Severity", severity),
		TextMessages:   []NotificationMessage{say("notify.restricted.text")},
	}
	if link != "" {
		out.Data["link"] = link
		out.TextMessages = []NotificationMessage{say("notify.restricted.text_link", "Link", link)}
	}
	return out
}
