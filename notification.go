package hansei

import (
	"fmt"
	"slices"
	"time"
)

// Notification is something a person must hear about: a reminder, an
// escalation, a handover. It is written to the outbox in the transaction of
// the change (or the scheduled scan) that caused it, and delivered from
// there; Key makes it unique, so one event never notifies twice.
type Notification struct {
	Key  string   `json:"key"`
	Kind string   `json:"kind"`
	To   []string `json:"to"` // user names
	// Subject and Text are the words a person reads, printed by the
	// fan-out (app.FanOut) from SubjectMessage and TextMessages in the
	// language of the copy's reader; the domain leaves them empty.
	Subject string         `json:"subject"`
	Text    string         `json:"text"`
	Data    map[string]any `json:"data,omitempty"`
	// Language is the language Subject and Text are written in: the
	// recipient's on an email, the target's on a shared channel.
	// TimeZone is the recipient's, on an email.
	Language string `json:"language,omitempty"`
	TimeZone string `json:"time_zone,omitempty"`
	// SubjectMessage and TextMessages are what the notification says, as
	// message IDs and arguments (never prose, so that each copy is read in
	// its reader's language); TextMessages are the text's lines.
	SubjectMessage NotificationMessage   `json:"-"`
	TextMessages   []NotificationMessage `json:"-"`
	// About are the remediations the notification tells of. The
	// visibility rule (For) reads their incidents to decide what each copy
	// may say; it is not sent.
	About []Remediation `json:"-"`
}

// NotificationMessage is one sentence of a notification: a message ID of
// the catalogs (notify.reminder.subject) and its named arguments. An
// argument named Count chooses the plural form; an argument that is itself
// a NotificationMessage (a remediation's status as a word) is printed
// first. It satisfies i18n.Localizable by its methods' shape.
type NotificationMessage struct {
	ID   string
	Args map[string]any
}

// MessageID is the message's ID in the catalogs.
func (m NotificationMessage) MessageID() string { return m.ID }

// MessageArgs are the message's arguments by name.
func (m NotificationMessage) MessageArgs() map[string]any { return m.Args }

// say is a notification message with its arguments as name and value
// pairs.
func say(id string, args ...any) NotificationMessage {
	m := NotificationMessage{ID: id, Args: make(map[string]any, len(args)/2)}
	for i := 0; i+1 < len(args); i += 2 {
		m.Args[args[i].(string)] = args[i+1]
	}
	return m
}

// Notification kinds.
const (
	NotifyHandover   = "remediation.handover"
	NotifyReminder   = "remediation.reminder"
	NotifyDue        = "remediation.due"
	NotifyEscalation = "remediation.escalation"
	NotifyDigest     = "remediation.digest"
)

// ReminderPolicy says when owners are reminded and when overdue work is
// escalated to the incident's commander (and to EscalateTo).
type ReminderPolicy struct {
	BeforeDays        int    // remind this many days before the due date
	EscalateAfterDays int    // escalate when overdue by this many days
	EscalateTo        string // an extra user to escalate to, if any
	// Digest sends each owner a daily summary of their open remediations.
	Digest bool
}

// DefaultReminderPolicy reminds three days ahead and on the day, and
// escalates after two days overdue.
func DefaultReminderPolicy() ReminderPolicy {
	return ReminderPolicy{BeforeDays: 3, EscalateAfterDays: 2}
}

// DueRemediation is an open remediation with the commander of its
// incident, whom an escalation reaches too.
type DueRemediation struct {
	Remediation Remediation
	Commander   string
}

// Reminders returns the notifications an open remediation calls for on
// today (YYYY-MM-DD, in the organisation's time zone). commander is the
// incident's commander.
func (p ReminderPolicy) Reminders(r Remediation, commander, today string) []Notification {
	if r.Status.Closed() || r.Due == "" {
		return nil
	}
	due, err := time.Parse("2006-01-02", r.Due)
	if err != nil {
		return nil
	}
	day, err := time.Parse("2006-01-02", today)
	if err != nil {
		return nil
	}
	data := map[string]any{"remediation": r.ID, "incident": r.Incident, "owner": r.Owner, "due": r.Due, "priority": r.Priority,
		"title": r.Title, "days": absDays(due.Sub(day))}
	days := int(due.Sub(day).Hours() / 24)
	switch {
	case days == p.BeforeDays && days > 0:
		return []Notification{{Key: fmt.Sprintf("reminder:%d:%s:before", r.ID, r.Due), Kind: NotifyReminder, To: []string{r.Owner},
			SubjectMessage: say("notify.reminder.subject", "ID", r.ID, "Count", days),
			TextMessages: []NotificationMessage{say("notify.reminder.text", "Title", r.Title, "Incident", r.Incident, "Priority", r.Priority,
				"Due", r.Due)}, Data: data,
			About: []Remediation{r}}}
	case days == 0:
		return []Notification{{Key: fmt.Sprintf("reminder:%d:%s:due", r.ID, r.Due), Kind: NotifyDue, To: []string{r.Owner},
			SubjectMessage: say("notify.due.subject", "ID", r.ID),
			TextMessages:   []NotificationMessage{say("notify.due.text", "Title", r.Title, "Incident", r.Incident, "Priority", r.Priority)}, Data: data,
			About: []Remediation{r}}}
	case -days >= p.EscalateAfterDays:
		to := []string{r.Owner}
		for _, u := range []string{commander, p.EscalateTo} {
			if u != "" && u != r.Owner {
				to = append(to, u)
			}
		}
		return []Notification{{Key: fmt.Sprintf("escalation:%d:%s", r.ID, r.Due), Kind: NotifyEscalation, To: to,
			SubjectMessage: say("notify.escalation.subject", "ID", r.ID, "Count", -days),
			TextMessages: []NotificationMessage{say("notify.escalation.text", "Title", r.Title, "Incident", r.Incident, "Priority", r.Priority,
				"Owner", r.Owner, "Due", r.Due)}, Data: data,
			About: []Remediation{r}}}
	}
	return nil
}

// ChangeNotifications are what a change to a remediation tells people: a
// new owner hears that it is theirs. The store writes them to the outbox
// in the change's transaction.
func ChangeNotifications(before, after Remediation) []Notification {
	if after.Owner == before.Owner {
		return nil
	}
	return []Notification{HandoverNotification(after, before.Owner, len(after.Progress))}
}

// HandoverNotification tells a remediation's new owner that it is theirs.
func HandoverNotification(r Remediation, from string, version int) Notification {
	return Notification{Key: fmt.Sprintf("handover:%d:%d", r.ID, version), Kind: NotifyHandover, To: []string{r.Owner},
		SubjectMessage: say("notify.handover.subject", "ID", r.ID),
		TextMessages: []NotificationMessage{say("notify.handover.text", "From", from, "Title", r.Title, "Incident", r.Incident,
			"Priority", r.Priority, "Due", r.Due)},
		Data: map[string]any{"remediation": r.ID, "incident": r.Incident, "owner": r.Owner, "previous": from,
			"title": r.Title, "due": r.Due, "priority": r.Priority},
		About: []Remediation{r}}
}

// Digest is the daily summary of an owner's open remediations, the most
// pressing first; one per owner and day.
func Digest(owner, today string, open []Remediation) Notification {
	lines := make([]NotificationMessage, len(open))
	ids := make([]int64, len(open))
	for i, r := range open {
		ids[i] = r.ID
		lines[i] = say("notify.digest.item", "ID", r.ID, "Title", r.Title, "Incident", r.Incident, "Priority", r.Priority,
			"Due", r.Due, "Status", NotificationMessage{ID: "word.remediation_status." + string(r.Status)})
	}
	return Notification{Key: "digest:" + owner + ":" + today, Kind: NotifyDigest, To: []string{owner},
		SubjectMessage: say("notify.digest.subject", "Count", len(open)), TextMessages: lines,
		Data: map[string]any{"owner": owner, "date": today, "remediations": ids}, About: slices.Clone(open)}
}

func absDays(d time.Duration) int {
	days := int(d.Hours() / 24)
	if days < 0 {
		return -days
	}
	return days
}
