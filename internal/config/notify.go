package config

import (
	"fmt"
	"net"
	"net/url"

	hansei "github.com/hansei-dev/hansei"
)

// Webhook is an outgoing webhook that receives every notification, signed
// with Secret.
type Webhook struct {
	// Name, if set, makes the webhook a channel that a level's paging or
	// a rule sends to by name; it then gets only what is sent to it.
	Name   string
	URL    string
	Secret string
	// Language is the language its notifications' words are written in;
	// "" for Notify.Language.
	Language string
}

// SMTP is the mail server for email notifications.
type SMTP struct {
	Addr, From, Username, Password string
	StartTLS                       bool
}

// Notify is where notifications go and when reminders are sent.
type Notify struct {
	SMTP      *SMTP
	Webhooks  []Webhook
	Slack     []string // Slack incoming-webhook URLs
	Reminders hansei.ReminderPolicy
	// Rules send notifications to more users and channels
	// (notify_rules.go).
	Rules []hansei.NotifyRule
	// Language is the language notifications to shared channels (Slack,
	// and webhooks that name none of their own) are written in: their
	// readers are many, so it is the organisation's, not a person's. An
	// email is always in its recipient's language.
	Language string
	// AllowPrivateHosts are the hosts, by name or address, that outgoing
	// requests may reach although they are not public (loopback, private,
	// link-local): a receiver inside the network, or a test's.
	AllowPrivateHosts []string
	// Paging are the paging hand-offs to PagerDuty and GoAlert (paging.go).
	Paging []PageRule
}

// The notify section:
//
//	notify:
//	  smtp:                       # email; the password is best kept in HANSEI_SMTP_PASSWORD
//	    addr: smtp.example.com:587
//	    from: hansei@example.com
//	    username: hansei
//	    starttls: true
//	  webhooks:
//	    - url: https://pager.example.com/hansei
//	      secret: a-long-random-string
//	      language: ja              # this target's words; else notify.language
//	  slack: [https://hooks.slack.com/services/…]
//	  language: de                  # shared channels' words (default en); email is in each recipient's
//	  reminders:
//	    before_days: 3
//	    escalate_after_days: 2
//	    escalate_to: alice
//	    digest: true
//	  allow_private_hosts: [hooks.internal.example]
func notifyField() field[Config] {
	return field[Config]{key: "notify", doc: "Where notifications go (email, webhooks, Slack) and when reminders are sent.",
		value: sectionValue[Config, Notify]{at: func(c *Config) *Notify { return &c.Notify }, fields: notifyFields(), check: checkTargets}}
}

func notifyFields() []field[Notify] {
	return []field[Notify]{
		{key: "smtp", doc: "The mail server for email notifications; email is off without it.",
			value: optionalValue[Notify, SMTP]{at: func(n *Notify) **SMTP { return &n.SMTP }, fields: smtpFields(), check: checkSMTP}},
		{key: "webhooks", doc: "Webhooks, signed with their secret: each receives every notification, or, with a name, what is sent to it by name.",
			value: recordsValue[Notify, Webhook]{at: func(n *Notify) *[]Webhook { return &n.Webhooks }, fields: webhookFields(), noun: "webhook"}},
		{key: "slack", doc: "Slack incoming-webhook URLs that receive every notification.",
			value: listValue[Notify, string]{at: func(n *Notify) *[]string { return &n.Slack }, kind: httpURL(), plural: "Slack webhook URLs"}},
		{key: "reminders", doc: "When owners of remediations are reminded, and to whom overdue ones escalate.",
			value: sectionValue[Notify, hansei.ReminderPolicy]{at: func(n *Notify) *hansei.ReminderPolicy { return &n.Reminders },
				fields: reminderFields()}},
		{key: "rules", doc: "Who else hears of what: `{event, severities, services, users, channels}`; see notifications.md.",
			value: recordsValue[Notify, hansei.NotifyRule]{at: func(n *Notify) *[]hansei.NotifyRule { return &n.Rules }, fields: ruleFields(), noun: "rule"}},
		{key: "language", doc: "The language of notifications to shared channels (Slack, and webhooks without a `language` of their own), a code with a catalog such as `de`; an email is always in its recipient's language.",
			value: scalar(func(n *Notify) *string { return &n.Language }, languageKind(), "en")},
		{key: "allow_private_hosts", doc: "Hosts (names or addresses) that webhooks and Slack may reach though they are loopback, private or link-local; none by default.",
			value: listValue[Notify, string]{at: func(n *Notify) *[]string { return &n.AllowPrivateHosts }, kind: text(), plural: "host names"}},
		pagingField(),
	}
}

// checkTargets refuses a webhook or Slack URL that names a loopback,
// private, link-local or other non-public address outright (or
// localhost), unless its host is in allow_private_hosts: the deliverer
// would refuse every delivery to it (internal/notify.Client), so the
// mistake is said at start, where it is made, rather than in the outbox.
// A name that only resolves to such an address is refused when a delivery
// connects.
func checkTargets(d *decoder, n *Notify, path string) {
	check := func(at, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return // the URL's own kind reported it
		}
		host := u.Hostname()
		if what := hansei.NonPublicHost(host); what != "" && !hansei.HostAllowed(host, n.AllowPrivateHosts) {
			d.problem(at, "%s names %s, which hansei does not send to; add %q to %s.allow_private_hosts if it is meant",
				raw, what, host, path)
		}
	}
	for i, w := range n.Webhooks {
		check(fmt.Sprintf("%s.webhooks[%d].url", path, i), w.URL)
	}
	for i, s := range n.Slack {
		check(fmt.Sprintf("%s.slack[%d]", path, i), s)
	}
}

func smtpFields() []field[SMTP] {
	str := func(at func(*SMTP) *string) value[SMTP] { return scalar(at, text(), "") }
	mailServer := textKind(func(addr string) string {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return "addr must be host:port of the mail server, such as smtp.example.com:587"
		}
		return ""
	})
	return []field[SMTP]{
		{key: "addr", doc: "The mail server, host:port.", required: "addr must be host:port of the mail server, such as smtp.example.com:587",
			value: scalar(func(s *SMTP) *string { return &s.Addr }, mailServer, "")},
		{key: "from", doc: "The address notifications come from.", required: "from is required: the address notifications come from",
			value: str(func(s *SMTP) *string { return &s.From })},
		{key: "username", doc: "The user to sign in to the mail server as; none sends without signing in.",
			value: str(func(s *SMTP) *string { return &s.Username })},
		{key: "password", env: "HANSEI_SMTP_PASSWORD", doc: "The mail server password; keep it out of the file, in the environment.",
			value: str(func(s *SMTP) *string { return &s.Password })},
		{key: "starttls", doc: "Whether to switch to TLS before signing in; needed with a username.",
			value: scalar(func(s *SMTP) *bool { return &s.StartTLS }, boolean(), false)},
	}
}

// checkSMTP: a password is never sent in the clear.
func checkSMTP(d *decoder, s *SMTP, path string) {
	if s.Username != "" && !s.StartTLS {
		d.problem(path+".starttls", "sending a password needs starttls: true")
	}
}

func webhookFields() []field[Webhook] {
	return []field[Webhook]{
		{key: "name", doc: "A name that makes it a channel: it then gets only what a level's `paging` or a rule sends it by this name; without one it gets every notification.",
			value: scalar(func(w *Webhook) *string { return &w.Name }, text(), "")},
		{key: "url", doc: "Where to send, an http(s) URL.",
			value: scalar(func(w *Webhook) *string { return &w.URL }, httpURL(), "")},
		{key: "secret", doc: "The key that signs each delivery.",
			required: "every webhook needs a secret, so receivers can verify what hansei sends",
			value:    scalar(func(w *Webhook) *string { return &w.Secret }, text(), "")},
		{key: "language", doc: "The language of this webhook's `subject` and `text`; its other fields never change with it.",
			def:   "`notify.language`",
			value: scalar(func(w *Webhook) *string { return &w.Language }, languageKind(), "")},
	}
}

func reminderFields() []field[hansei.ReminderPolicy] {
	def := hansei.DefaultReminderPolicy()
	return []field[hansei.ReminderPolicy]{
		{key: "before_days", doc: "Remind an owner this many days before the due date (and on the day).",
			value: scalar(func(p *hansei.ReminderPolicy) *int { return &p.BeforeDays }, days(), def.BeforeDays)},
		{key: "escalate_after_days", doc: "Escalate a remediation overdue by this many days.",
			value: scalar(func(p *hansei.ReminderPolicy) *int { return &p.EscalateAfterDays }, days(), def.EscalateAfterDays)},
		{key: "escalate_to", doc: "A user who also receives escalations, besides the owner and the incident's commander.",
			value: scalar(func(p *hansei.ReminderPolicy) *string { return &p.EscalateTo }, text(), def.EscalateTo)},
		{key: "digest", doc: "Whether each owner gets a daily summary of their open remediations.",
			value: scalar(func(p *hansei.ReminderPolicy) *bool { return &p.Digest }, boolean(), def.Digest)},
	}
}

// languageKind is a language code such as de or pt-BR; whether a catalog
// speaks it is checked at start, once the catalogs are read.
func languageKind() kind[string] {
	return textKind(func(lang string) string {
		if lang == "" {
			return ""
		}
		return checkLanguage(lang)
	})
}
