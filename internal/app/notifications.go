package app

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/i18n"
)

type outboxStore interface {
	Outbox(ctx context.Context, state string, limit int) ([]hansei.Delivery, error)
	RetryDelivery(ctx context.Context, id int64) error
	// RemediationsDue reads the open remediations due on or before a
	// date, each with its incident's commander.
	RemediationsDue(ctx context.Context, by string) ([]hansei.DueRemediation, error)
	// OpenRemediations reads every open remediation.
	OpenRemediations(ctx context.Context) ([]hansei.Remediation, error)
	// Enqueue writes notifications to the outbox in one transaction,
	// through the fan-out rule (FanOut), each once.
	Enqueue(ctx context.Context, ns []hansei.Notification) error
}

// Notifications is who hears about what: the reminders, escalations and
// digests that open remediations call for, and the admin's view of the
// outbox (what was sent, what is waiting, what was parked after failing).
// Where a notification goes is FanOut's rule.
type Notifications struct{ store outboxStore }

// outboxPage bounds an outbox listing.
const outboxPage = 200

// Outbox lists deliveries in a state ("" for every state).
func (s *Notifications) Outbox(ctx context.Context, actor hansei.User, state string) ([]hansei.Delivery, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	switch state {
	case "", "pending", "delivered", "parked":
	default:
		return nil, hansei.FieldError("state", "state must be pending, delivered or parked, not %q", state)
	}
	return s.store.Outbox(ctx, state, outboxPage)
}

// Retry puts a parked delivery back in the queue.
func (s *Notifications) Retry(ctx context.Context, actor hansei.User, id int64) error {
	if err := actor.RequireAdmin(); err != nil {
		return err
	}
	return s.store.RetryDelivery(ctx, id)
}

// ScanReminders writes to the outbox the reminders and escalations that
// open remediations call for on today (YYYY-MM-DD, in the organisation's
// time zone) and, with p.Digest, each owner's digest. Each is written
// once however often the scan runs (its key is unique); the scheduler
// runs it every minute and asks for the digest once a day. It returns how
// many notifications were due.
func (s *Notifications) ScanReminders(ctx context.Context, today string, p hansei.ReminderPolicy) (int, error) {
	day, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return 0, fmt.Errorf("scan reminders: the day %q is not a date such as 2026-11-25", today)
	}
	// Nothing is reminded of earlier than BeforeDays ahead of its due date.
	candidates, err := s.store.RemediationsDue(ctx, day.AddDate(0, 0, p.BeforeDays).Format(time.DateOnly))
	if err != nil {
		return 0, err
	}
	var due []hansei.Notification
	for _, c := range candidates {
		due = append(due, p.Reminders(c.Remediation, c.Commander, today)...)
	}
	if p.Digest {
		open, err := s.store.OpenRemediations(ctx)
		if err != nil {
			return 0, err
		}
		due = append(due, digests(today, open)...)
	}
	return len(due), s.store.Enqueue(ctx, due)
}

// digests is each owner's summary of their open remediations, the
// earliest due first (then by id), in owner order. The order is decided
// here, not in SQL, so both databases' collations give the same digest.
func digests(today string, open []hansei.Remediation) []hansei.Notification {
	open = slices.Clone(open)
	slices.SortFunc(open, func(a, b hansei.Remediation) int {
		return cmp.Or(cmp.Compare(a.Owner, b.Owner), cmp.Compare(a.Due, b.Due), cmp.Compare(a.ID, b.ID))
	})
	var out []hansei.Notification
	for i := 0; i < len(open); {
		j := i + 1
		for j < len(open) && open[j].Owner == open[i].Owner {
			j++
		}
		out = append(out, hansei.Digest(open[i].Owner, today, open[i:j]))
		i = j
	}
	return out
}

// FanOut is the rule of where a notification goes, and what each copy
// may say: to every configured webhook and Slack target (a notification
// names its recipients in To, and the receiver routes it), and, when email
// is configured, to each recipient who chose email and gave an address, in
// their language and time zone (a shared target in its configured
// language: see notification_words.go). Every copy passes through the domain's
// visibility rule (hansei.Notification.For): a shared target, or a person
// who may not read an incident the notification tells of, gets a notice
// that names no restricted incident. internal/server builds it from the
// configuration and hands Outgoing to the store, which runs it inside the
// transaction of the change that caused the notification (see sqldb's
// enqueue for why).
type FanOut struct {
	Targets []hansei.Target
	// Email sends each recipient who chose email a copy of their own.
	Email bool
	// Link is the page a notice about a restricted incident points to
	// (the web UI's remediations, behind sign-in); "" for none.
	Link string
	// Catalogs print every copy in its reader's language: an email in its
	// recipient's, a shared target in its own Language or else in
	// Language, the deployment's default for shared channels ("" for
	// English). Nil prints with the built-in catalogs.
	Catalogs *i18n.Catalogs
	Language string
	// Base is the web UI's address: a notification about an incident
	// links to its page there; "" for no link.
	Base string
	// Scales give each severity level's paging, and Rules the
	// organisation's notify.rules: who else hears of what (hansei.Route).
	Scales hansei.Scales
	Rules  []hansei.NotifyRule
	// Pagers are the paging services (channel pagerduty or goalert,
	// address the rule's name) that pages go to, each only its rule's
	// (paging.go).
	Pagers []hansei.Target
}

// Recipient is one reader of a notification: a person by their own
// channel (User set: their email), or a shared target (a webhook, Slack),
// and the language the copy is printed in.
type Recipient struct {
	User     *hansei.User
	Target   hansei.Target
	Language string
}

// Recipients is who gets n, each by a channel and in a language, and n
// with To naming every person routed to it (the webhooks' copy names them
// all). It is the one place that decides who gets what: n's own
// recipients, the severity level's paging and the organisation's rules
// (hansei.Route); a person's preferences belong here too. A shared target
// with a name gets only what is routed to it by that name; one without
// gets every notification that names someone, as before there were
// names. A recipient who is gone is skipped, since the webhooks' copy
// still names them.
func (f FanOut) Recipients(n hansei.Notification, look hansei.Lookup) ([]Recipient, hansei.Notification, error) {
	cats := f.catalogs()
	users, channels := hansei.Route(n, f.Scales, f.Rules)
	n.To = users
	if len(users) == 0 && len(channels) == 0 {
		// Nobody to tell (a declaration that no level pages and no rule
		// routes): a receiver routes by To, and would have nowhere to
		// send it.
		return nil, n, nil
	}
	var out []Recipient
	for _, t := range f.Targets {
		if t.Name == "" || slices.Contains(channels, t.Name) {
			out = append(out, Recipient{Target: t, Language: cats.Match(cmp.Or(t.Language, f.Language, "en"))})
		}
	}
	if !f.Email {
		return out, n, nil
	}
	for _, name := range users {
		u, err := look.User(name)
		if hansei.ErrorCode(err) == hansei.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, n, err
		}
		if u.Channel != "email" || u.Email == "" {
			continue
		}
		out = append(out, Recipient{User: &u, Target: hansei.Target{Channel: "email", Address: u.Email}, Language: cats.Match(u.Language)})
	}
	return out, n, nil
}

func (f FanOut) catalogs() *i18n.Catalogs {
	if f.Catalogs == nil {
		return i18n.MustBuiltin()
	}
	return f.Catalogs
}

// Outgoing is the outbox rows for n, each copy as its reader may see it.
// look finds recipients and incidents (in the store's transaction).
func (f FanOut) Outgoing(n hansei.Notification, look hansei.Lookup) ([]hansei.Outgoing, error) {
	if n.Kind == hansei.NotifyPage {
		return f.pageOutgoing(n, look)
	}
	incident := memoIncidents(look.Incident)
	cats := f.catalogs()
	recipients, n, err := f.Recipients(n, look)
	if err != nil {
		return nil, err
	}
	link := f.Link
	if hansei.IsIncidentNotification(n.Kind) && f.Base != "" {
		link = f.Base + "/incidents"
	}
	out := make([]hansei.Outgoing, 0, len(recipients))
	// Shared targets: one printing per language, whatever their number.
	byLang := map[string]hansei.Notification{}
	for _, r := range recipients {
		if r.User != nil {
			continue
		}
		printed, ok := byLang[r.Language]
		if !ok {
			shared, err := n.For(nil, incident, link)
			if err != nil {
				return nil, err
			}
			printed = printNotification(f.linked(shared), cats.Printer(r.Language))
			byLang[r.Language] = printed
		}
		out = append(out, hansei.Outgoing{Target: r.Target, Notification: printed})
	}
	for _, r := range recipients {
		if r.User == nil {
			continue
		}
		personal, err := n.For(r.User, incident, link)
		if err != nil {
			return nil, err
		}
		personal = printNotification(f.linked(personal), cats.Printer(r.Language))
		personal.TimeZone = r.User.TimeZone
		out = append(out, hansei.Outgoing{Target: r.Target, Notification: personal})
	}
	return out, nil
}

// linked is a copy about an incident with a last line linking to the
// incident's page, when the copy may name it (a restricted notice links
// only to the page to sign in to).
func (f FanOut) linked(n hansei.Notification) hansei.Notification {
	number, ok := n.Data["incident"].(int64)
	if !ok || f.Base == "" || !hansei.IsIncidentNotification(n.Kind) || n.Data["restricted"] == true {
		return n
	}
	link := fmt.Sprintf("%s/incidents/%d", f.Base, number)
	n.Data = maps.Clone(n.Data)
	n.Data["link"] = link
	n.TextMessages = append(slices.Clone(n.TextMessages), hansei.NotificationMessage{ID: "notify.incident.link", Args: map[string]any{"Link": link}})
	return n
}

// memoIncidents reads each incident once for all of a notification's
// copies.
func memoIncidents(read func(number int64) (hansei.Incident, error)) func(number int64) (hansei.Incident, error) {
	type result struct {
		inc hansei.Incident
		err error
	}
	seen := map[int64]result{}
	return func(number int64) (hansei.Incident, error) {
		if r, ok := seen[number]; ok {
			return r.inc, r.err
		}
		inc, err := read(number)
		seen[number] = result{inc, err}
		return inc, err
	}
}
