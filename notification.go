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
	Key     string         `json:"key"`
	Kind    string         `json:"kind"`
	To      []string       `json:"to"` // user names
	Subject string         `json:"subject"`
	Text    string         `json:"text"`
	Data    map[string]any `json:"data,omitempty"`
	// Language and TimeZone are the recipient's, on an email.
	Language string `json:"language,omitempty"`
	TimeZone string `json:"time_zone,omitempty"`
	// About are the remediations the notification tells of. The
	// visibility rule (For) reads their incidents to decide what each copy
	// may say; it is not sent.
	About []Remediation `json:"-"`
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
			Subject: fmt.Sprintf("Remediation %d is due in %d days", r.ID, days),
			Text:    fmt.Sprintf("%q (INC-%d, %s) is due on %s. You are its accountable owner.", r.Title, r.Incident, r.Priority, r.Due), Data: data,
			About: []Remediation{r}}}
	case days == 0:
		return []Notification{{Key: fmt.Sprintf("reminder:%d:%s:due", r.ID, r.Due), Kind: NotifyDue, To: []string{r.Owner},
			Subject: fmt.Sprintf("Remediation %d is due today", r.ID),
			Text:    fmt.Sprintf("%q (INC-%d, %s) is due today. Record its progress, or reschedule it at the review.", r.Title, r.Incident, r.Priority), Data: data,
			About: []Remediation{r}}}
	case -days >= p.EscalateAfterDays:
		to := []string{r.Owner}
		for _, u := range []string{commander, p.EscalateTo} {
			if u != "" && u != r.Owner {
				to = append(to, u)
			}
		}
		return []Notification{{Key: fmt.Sprintf("escalation:%d:%s", r.ID, r.Due), Kind: NotifyEscalation, To: to,
			Subject: fmt.Sprintf("Remediation %d is %d days overdue", r.ID, -days),
			Text:    fmt.Sprintf("%q (INC-%d, %s), owned by %s, was due on %s.", r.Title, r.Incident, r.Priority, r.Owner, r.Due), Data: data,
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
		Subject: fmt.Sprintf("You now own remediation %d", r.ID),
		Text:    fmt.Sprintf("%s handed %q (INC-%d, %s, due %s) to you.", from, r.Title, r.Incident, r.Priority, r.Due),
		Data: map[string]any{"remediation": r.ID, "incident": r.Incident, "owner": r.Owner, "previous": from,
			"title": r.Title, "due": r.Due, "priority": r.Priority},
		About: []Remediation{r}}
}

// Digest is the daily summary of an owner's open remediations, the most
// pressing first; one per owner and day.
func Digest(owner, today string, open []Remediation) Notification {
	text := ""
	ids := make([]int64, len(open))
	for i, r := range open {
		ids[i] = r.ID
		text += fmt.Sprintf("- #%d %s (INC-%d, %s, due %s, %s)\n", r.ID, r.Title, r.Incident, r.Priority, r.Due, r.Status)
	}
	return Notification{Key: "digest:" + owner + ":" + today, Kind: NotifyDigest, To: []string{owner},
		Subject: fmt.Sprintf("Your %d open remediations", len(open)), Text: text,
		Data: map[string]any{"owner": owner, "date": today, "remediations": ids}, About: slices.Clone(open)}
}

func absDays(d time.Duration) int {
	days := int(d.Hours() / 24)
	if days < 0 {
		return -days
	}
	return days
}
