package app

import (
	"cmp"
	"context"
	"fmt"
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
	// Pagers are the paging services (channel pagerduty or goalert,
	// address the rule's name) that pages go to, each only its rule's
	// (paging.go).
	Pagers []hansei.Target
}

// catalogs are the catalogs the copies are printed with.
func (f FanOut) catalogs() *i18n.Catalogs {
	if f.Catalogs == nil {
		return i18n.MustBuiltin()
	}
	return f.Catalogs
}

// Outgoing is the outbox rows for n, each copy as its reader may see it.
// look finds recipients and incidents (in the store's transaction); a
// recipient who is gone is skipped, since the webhooks' copy still names
// them.
func (f FanOut) Outgoing(n hansei.Notification, look hansei.Lookup) ([]hansei.Outgoing, error) {
	if n.Kind == hansei.NotifyPage {
		return f.pageOutgoing(n, look)
	}
	incident := memoIncidents(look.Incident)
	cats := f.Catalogs
	if cats == nil {
		cats = i18n.MustBuiltin()
	}
	out := make([]hansei.Outgoing, 0, len(f.Targets))
	if len(f.Targets) > 0 {
		shared, err := n.For(nil, incident, f.Link)
		if err != nil {
			return nil, err
		}
		// One printing per language, whatever the number of targets.
		byLang := map[string]hansei.Notification{}
		for _, t := range f.Targets {
			lang := cats.Match(cmp.Or(t.Language, f.Language, "en"))
			printed, ok := byLang[lang]
			if !ok {
				printed = printNotification(shared, cats.Printer(lang))
				byLang[lang] = printed
			}
			out = append(out, hansei.Outgoing{Target: t, Notification: printed})
		}
	}
	if !f.Email {
		return out, nil
	}
	for _, name := range n.To {
		u, err := look.User(name)
		if hansei.ErrorCode(err) == hansei.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if u.Channel != "email" || u.Email == "" {
			continue
		}
		personal, err := n.For(&u, incident, f.Link)
		if err != nil {
			return nil, err
		}
		personal = printNotification(personal, cats.Printer(cats.Match(u.Language)))
		personal.TimeZone = u.TimeZone
		out = append(out, hansei.Outgoing{Target: hansei.Target{Channel: "email", Address: u.Email}, Notification: personal})
	}
	return out, nil
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
