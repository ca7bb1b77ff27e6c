package hansei

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Incident notification kinds: what a change to an incident tells people.
// Each is written to the outbox in the transaction of the change
// (IncidentNotifications), and routed to more people and channels by the
// severity level's paging and the organisation's rules (Route).
const (
	NotifyDeclared          = "incident.declared"
	NotifySeverityChanged   = "incident.severity_changed"
	NotifyStatusChanged     = "incident.status_changed"
	NotifyResolved          = "incident.resolved"
	NotifyRoleAssigned      = "role.assigned"
	NotifyIntentAwaitingAck = "intent.awaiting_ack"
	NotifyIntentObjected    = "intent.objected"
	NotifyObjectionLifted   = "intent.objection_lifted"
	NotifyIntentAcked       = "intent.acknowledged"
	NotifyIntentExpired     = "intent.expired"
	NotifyReviewRequested   = "postmortem.review_requested"
	NotifyPublished         = "postmortem.published"
)

// incidentMessages are each kind's subject and text in the catalogs.
func incidentMessages(kind string) [2]string {
	return map[string][2]string{
		NotifyDeclared:          {"notify.incident.declared.subject", "notify.incident.declared.text"},
		NotifySeverityChanged:   {"notify.incident.severity_changed.subject", "notify.incident.severity_changed.text"},
		NotifyStatusChanged:     {"notify.incident.status_changed.subject", "notify.incident.status_changed.text"},
		NotifyResolved:          {"notify.incident.resolved.subject", "notify.incident.resolved.text"},
		NotifyRoleAssigned:      {"notify.role.assigned.subject", "notify.role.assigned.text"},
		NotifyIntentAwaitingAck: {"notify.intent.awaiting_ack.subject", "notify.intent.awaiting_ack.text"},
		NotifyIntentObjected:    {"notify.intent.objected.subject", "notify.intent.objected.text"},
		NotifyObjectionLifted:   {"notify.intent.objection_lifted.subject", "notify.intent.objection_lifted.text"},
		NotifyIntentAcked:       {"notify.intent.acknowledged.subject", "notify.intent.acknowledged.text"},
		NotifyIntentExpired:     {"notify.intent.expired.subject", "notify.intent.expired.text"},
		NotifyReviewRequested:   {"notify.postmortem.review_requested.subject", "notify.postmortem.review_requested.text"},
		NotifyPublished:         {"notify.postmortem.published.subject", "notify.postmortem.published.text"},
	}[kind]
}

// IncidentNotifyKinds lists every kind a change to an incident notifies
// of, in the order the docs show them: the names a rule (notify.rules) or
// a person's preferences choose from.
func IncidentNotifyKinds() []string {
	return []string{NotifyDeclared, NotifySeverityChanged, NotifyStatusChanged, NotifyResolved, NotifyRoleAssigned,
		NotifyIntentAwaitingAck, NotifyIntentObjected, NotifyObjectionLifted, NotifyIntentAcked, NotifyIntentExpired, NotifyReviewRequested, NotifyPublished}
}

// IsIncidentNotification reports whether kind is one of IncidentNotifyKinds.
func IsIncidentNotification(kind string) bool { return slices.Contains(IncidentNotifyKinds(), kind) }

// IncidentNotifications are what events tell people: before is the
// incident as it was (the zero Incident for a declaration), events the
// events just decided, in order. The default recipients are the people
// the change concerns, never the one who made it: the person given a role,
// those who must acknowledge an intent, its author when it is objected to,
// cleared, acknowledged by everyone or expired (then also the commander),
// the active responders when the severity or the status changes. The
// severity level's paging and the organisation's rules add others (Route).
// Each notification's key is its event's: written once whatever retries.
func IncidentNotifications(scales Scales, before Incident, events []Event) []Notification {
	var out []Notification
	inc := before
	for _, e := range events {
		after, err := Apply(inc, e)
		if err != nil {
			return out
		}
		out = append(out, eventNotifications(scales, inc, after, e)...)
		inc = after
	}
	return out
}

// eventNotifications are what one event tells.
func eventNotifications(scales Scales, before, inc Incident, e Event) []Notification {
	mk := func(kind string, to []string, args ...any) Notification {
		n := incidentNotification(scales, inc, kind, fmt.Sprintf("incident:%d:%d:%s", inc.Number, e.Seq, kind), e.Actor, to, args...)
		n.Data["event"], n.Data["seq"] = e.Type, e.Seq
		return n
	}
	others := func(names ...string) []string {
		var to []string
		for _, n := range names {
			if n != "" && n != e.Actor && !strings.Contains(n, " ") && !slices.Contains(to, n) {
				to = append(to, n)
			}
		}
		return to
	}
	switch e.Type {
	case EventDeclared:
		return []Notification{mk(NotifyDeclared, []string{})}
	case EventSeverityChanged:
		n := mk(NotifySeverityChanged, others(activeResponders(inc)...), "From", before.Severity, "To", inc.Severity)
		n.Data["previous"] = before.Severity
		return []Notification{n}
	case EventStatusChanged:
		if inc.Status == StatusClosed {
			return nil // publishing the postmortem closes it: postmortem.published tells
		}
		if inc.Status == StatusResolved {
			return []Notification{mk(NotifyResolved, others(activeResponders(inc)...))}
		}
		n := mk(NotifyStatusChanged, others(activeResponders(inc)...), "From", statusWord(before.Status), "To", statusWord(inc.Status))
		n.Data["previous"] = string(before.Status)
		return []Notification{n}
	case EventRoleAssigned:
		var p RoleAssignedData
		if json.Unmarshal(e.Data, &p) != nil || len(others(p.User)) == 0 {
			return nil
		}
		n := mk(NotifyRoleAssigned, others(p.User), "Role", p.Role, "Previous", p.Previous)
		n.SubjectMessage.Args["Role"] = p.Role
		n.Data["role"], n.Data["user"] = p.Role, p.User
		if p.Previous != "" {
			n.Data["previous"] = p.Previous
		}
		return []Notification{n}
	}
	var ref IntentRefData
	if !strings.HasPrefix(e.Type, "intent.") || json.Unmarshal(e.Data, &ref) != nil {
		return nil
	}
	in, ok := inc.Intent(ref.ID)
	if !ok {
		return nil
	}
	intent := func(kind string, to []string, args ...any) []Notification {
		if len(to) == 0 {
			return nil
		}
		n := mk(kind, to, append([]any{"Intent", in.ID, "Text", in.Text, "Author", in.Author}, args...)...)
		n.SubjectMessage.Args["Intent"] = in.ID
		n.Data["intent"], n.Data["author"] = in.ID, in.Author
		return []Notification{n}
	}
	switch e.Type {
	case EventIntentStated:
		return intent(NotifyIntentAwaitingAck, others(pendingAckers(inc, in)...), "Expires", in.ExpiresAt.UTC().Format("15:04 UTC"))
	case EventIntentObjected:
		var p IntentObjectedData
		json.Unmarshal(e.Data, &p)
		return intent(NotifyIntentObjected, others(in.Author), "Reason", p.Reason)
	case EventObjectionLifted:
		return intent(NotifyObjectionLifted, others(in.Author))
	case EventIntentAcked:
		var p IntentAckedData
		if json.Unmarshal(e.Data, &p) != nil || !p.Complete {
			return nil
		}
		return intent(NotifyIntentAcked, others(in.Author))
	case EventIntentExpired:
		if in.State != IntentExpired {
			return nil
		}
		return intent(NotifyIntentExpired, others(in.Author, inc.Roles[RoleCommander]))
	}
	return nil
}

// incidentNotification is a notification of kind about inc, caused by
// actor: its subject and text (with the incident's number, title and the
// actor, and args), the severity with its definition, and the data that
// routing (Route) and receivers read.
func incidentNotification(scales Scales, inc Incident, kind, key, actor string, to []string, args ...any) Notification {
	data := map[string]any{"incident": inc.Number, "title": inc.Title, "severity": inc.Severity,
		"status": string(inc.Status), "services": slices.Clone(inc.Services), "actor": actor}
	base := []any{"Incident", inc.Number, "Title", inc.Title, "Actor", actor}
	return Notification{Key: key, Kind: kind, To: to,
		SubjectMessage: say(incidentMessages(kind)[0], base...),
		TextMessages: []NotificationMessage{say(incidentMessages(kind)[1], append(base, args...)...),
			say("notify.incident.severity", "Severity", severityWords(scales, inc.Severity))},
		Data: data}
}

// activeResponders are the names of those taking part now.
func activeResponders(inc Incident) []string {
	var out []string
	for _, r := range inc.Responders {
		if r.State == ResponderActive {
			out = append(out, r.User)
		}
	}
	return out
}

// pendingAckers are the people who may acknowledge a live intent, by
// name: its commander, or for "any" and "all" the active responders who
// have not yet (PendingAcks says "any active responder but …" for those).
func pendingAckers(inc Incident, in Intent) []string {
	var out []string
	for _, p := range inc.PendingAcks(in) {
		if !strings.Contains(p, " ") {
			out = append(out, p)
			continue
		}
		for _, u := range activeResponders(inc) {
			if u != in.Author && !slices.Contains(in.AcknowledgedBy, u) {
				out = append(out, u)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// levelWords is a severity level as a notification names it: its key,
// its name and its definition, in the reader's language (the printer asks
// InLanguage); a level the scale no longer has is named by its key.
type levelWords struct {
	key   string
	level *Level
}

func severityWords(scales Scales, key string) levelWords {
	for _, l := range scales.Severity.Levels {
		if l.Key == key {
			return levelWords{key: key, level: &l}
		}
	}
	return levelWords{key: key}
}

// InLanguage is "SEV1 (Critical): definition" in lang.
func (w levelWords) InLanguage(lang string) string {
	if w.level == nil {
		return w.key
	}
	name, def := w.level.Localized(lang)
	return fmt.Sprintf("%s (%s): %s", w.key, name, def)
}

// String is the level in its configured words.
func (w levelWords) String() string { return w.InLanguage("") }

// statusWord is a status as a word of the reader's catalog.
func statusWord(s Status) NotificationMessage {
	return NotificationMessage{ID: "word.incident_status." + string(s)}
}
