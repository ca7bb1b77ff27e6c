package config

import (
	"fmt"
	"slices"
	"strings"

	hansei "github.com/hansei-dev/hansei"
)

// Who hears of what beyond a notification's own recipients: a severity
// level's paging (severity[].paging) and the organisation's rules
// (notify.rules). Both name channels by a webhook's name; both are
// checked against the rest of the file once it is read (checkNotifyRoutes),
// so a typo stops the start instead of paging nobody.

func pagingFields() []field[hansei.Paging] {
	return []field[hansei.Paging]{
		{key: "users", doc: "User names paged (by their own channel, email) when an incident is declared at this level or moved to it.",
			value: listValue[hansei.Paging, string]{at: func(p *hansei.Paging) *[]string { return &p.Users }, kind: text(), plural: "user names"}},
		{key: "channels", doc: "Names of webhooks (`notify.webhooks[].name`) paged then.",
			value: listValue[hansei.Paging, string]{at: func(p *hansei.Paging) *[]string { return &p.Channels }, kind: text(), plural: "webhook names"}},
	}
}

func ruleFields() []field[hansei.NotifyRule] {
	return []field[hansei.NotifyRule]{
		{key: "event", doc: "The notification it applies to, such as `incident.declared` or `intent.awaiting_ack` (docs/notifications.md lists them).",
			def:   "`incident.declared`",
			value: scalar(func(r *hansei.NotifyRule) *string { return &r.Event }, text(), "")},
		{key: "severities", doc: "Severity keys it applies to; any when empty.",
			value: listValue[hansei.NotifyRule, string]{at: func(r *hansei.NotifyRule) *[]string { return &r.Severities }, kind: text(), plural: "severity keys"}},
		{key: "services", doc: "Services it applies to (an incident naming any of them); any when empty.",
			value: listValue[hansei.NotifyRule, string]{at: func(r *hansei.NotifyRule) *[]string { return &r.Services }, kind: text(), plural: "service names"}},
		{key: "users", doc: "User names who get it too, each by their own channel (email).",
			value: listValue[hansei.NotifyRule, string]{at: func(r *hansei.NotifyRule) *[]string { return &r.Users }, kind: text(), plural: "user names"}},
		{key: "channels", doc: "Names of webhooks (`notify.webhooks[].name`) that get it too.",
			value: listValue[hansei.NotifyRule, string]{at: func(r *hansei.NotifyRule) *[]string { return &r.Channels }, kind: text(), plural: "webhook names"}},
	}
}

// checkNotifyRoutes: what a rule or a level's paging names exists. A
// rule's event is a notification kind and its severities are levels of
// the severity scale; channels are webhook names. Services are not
// configured in hansei (an incident names its own), so a rule's services
// are checked only for being words; users live in the database and are
// checked when a notification is written (one who is gone is skipped).
func checkNotifyRoutes(d *decoder, c *Config) {
	var names []string
	for _, w := range c.Notify.Webhooks {
		if w.Name != "" {
			names = append(names, w.Name)
		}
	}
	channels := func(path string, list []string) {
		for i, ch := range list {
			if !slices.Contains(names, ch) {
				allowed := "none is named: give a webhook a name under notify.webhooks"
				if len(names) > 0 {
					allowed = "the named webhooks are " + strings.Join(names, ", ")
				}
				d.problem(fmt.Sprintf("%s[%d]", path, i), "unknown channel %q; %s", ch, allowed)
			}
		}
	}
	var levels []string
	for i, l := range c.Scales.Severity.Levels {
		levels = append(levels, l.Key)
		channels(fmt.Sprintf("severity[%d].paging.channels", i), l.Paging.Channels)
	}
	for i, r := range c.Notify.Rules {
		at := fmt.Sprintf("notify.rules[%d]", i)
		if r.Event != "" && !hansei.IsIncidentNotification(r.Event) {
			d.problem(at+".event", "unknown event %q; use one of %s", r.Event, strings.Join(hansei.IncidentNotifyKinds(), ", "))
		}
		for j, s := range r.Severities {
			if !slices.ContainsFunc(levels, func(l string) bool { return strings.EqualFold(l, s) }) {
				d.problem(fmt.Sprintf("%s.severities[%d]", at, j), "unknown severity %q; the severity levels are %s", s, strings.Join(levels, ", "))
			}
		}
		for j, s := range r.Services {
			if strings.TrimSpace(s) == "" {
				d.problem(fmt.Sprintf("%s.services[%d]", at, j), "a service must be a name, such as payments")
			}
		}
		if len(r.Users) == 0 && len(r.Channels) == 0 {
			d.problem(at, "a rule needs users or channels to send to")
		}
		channels(at+".channels", r.Channels)
	}
}
