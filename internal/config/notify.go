package config

import (
	"net"
	"net/url"
	"strconv"

	hansei "github.com/hansei-dev/hansei"
	"go.yaml.in/yaml/v3"
)

// Webhook is an outgoing webhook that receives every notification, signed
// with Secret.
type Webhook struct {
	URL    string
	Secret string
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
}

// The notify section:
//
//	notify:
//	  webhooks:
//	    - url: https://pager.example.com/hansei
//	      secret: a-long-random-string
//	  slack: [https://hooks.slack.com/services/…]
//	  reminders:
//	    before_days: 3
//	    escalate_after_days: 2
//	    escalate_to: alice
func (d *decoder) notify(n *yaml.Node, path string, out *Notify) {
	r := d.resolve(n)
	if r == nil || d.broken || isNull(r) {
		return
	}
	if r.Kind != yaml.MappingNode {
		d.typeError(n, path, "expected a mapping with webhooks, slack and reminders, found %s", describe(r))
		return
	}
	d.fields(r, path, fieldSet{
		"smtp": func(_, v *yaml.Node, p string) {
			m := d.resolve(v)
			if m == nil || isNull(m) {
				return
			}
			var s SMTP
			d.fields(m, p, fieldSet{
				"addr":     func(_, v *yaml.Node, p string) { d.text(v, p, &s.Addr) },
				"from":     func(_, v *yaml.Node, p string) { d.text(v, p, &s.From) },
				"username": func(_, v *yaml.Node, p string) { d.text(v, p, &s.Username) },
				"password": func(_, v *yaml.Node, p string) { d.text(v, p, &s.Password) },
				"starttls": func(_, v *yaml.Node, p string) { d.boolean(v, p, &s.StartTLS) },
			}, []string{"addr", "from", "username", "password", "starttls"})
			if _, _, err := net.SplitHostPort(s.Addr); err != nil {
				d.errorf(m, p+".addr", "addr must be host:port of the mail server, such as smtp.example.com:587")
			}
			if s.From == "" {
				d.errorf(m, p+".from", "from is required: the address notifications come from")
			}
			if s.Username != "" && !s.StartTLS {
				d.errorf(m, p+".starttls", "sending a password needs starttls: true")
			}
			out.SMTP = &s
		},
		"webhooks": func(_, v *yaml.Node, p string) {
			d.list(v, p, "webhooks", func(m *yaml.Node, at string) {
				if m == nil {
					return
				}
				var w Webhook
				d.fields(m, at, fieldSet{
					"url":    func(_, v *yaml.Node, p string) { d.text(v, p, &w.URL); d.checkURL(v, p, w.URL) },
					"secret": func(_, v *yaml.Node, p string) { d.text(v, p, &w.Secret) },
				}, []string{"url", "secret"})
				if w.Secret == "" {
					d.errorf(m, at+".secret", "every webhook needs a secret, so receivers can verify what hansei sends")
				}
				out.Webhooks = append(out.Webhooks, w)
			})
		},
		"slack": func(_, v *yaml.Node, p string) {
			for i, u := range d.texts(v, p, "Slack webhook URLs") {
				d.checkURL(v, p+"["+strconv.Itoa(i)+"]", u)
				out.Slack = append(out.Slack, u)
			}
		},
		"reminders": func(_, v *yaml.Node, p string) {
			m := d.resolve(v)
			if m == nil || isNull(m) {
				return
			}
			d.fields(m, p, fieldSet{
				"before_days":         func(_, v *yaml.Node, p string) { d.days(v, p, &out.Reminders.BeforeDays) },
				"escalate_after_days": func(_, v *yaml.Node, p string) { d.days(v, p, &out.Reminders.EscalateAfterDays) },
				"escalate_to":         func(_, v *yaml.Node, p string) { d.text(v, p, &out.Reminders.EscalateTo) },
				"digest":              func(_, v *yaml.Node, p string) { d.boolean(v, p, &out.Reminders.Digest) },
			}, []string{"before_days", "escalate_after_days", "escalate_to", "digest"})
		},
	}, []string{"smtp", "webhooks", "slack", "reminders"})
}

func (d *decoder) checkURL(n *yaml.Node, path, raw string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		d.errorf(n, path, "%q is not an http(s) URL", raw)
	}
}

func (d *decoder) days(n *yaml.Node, path string, dst *int) {
	var raw string
	d.text(n, path, &raw)
	v, err := strconv.Atoi(raw)
	if err != nil || v < 0 || v > 365 {
		d.errorf(n, path, "expected a number of days from 0 to 365, not %q", raw)
		return
	}
	*dst = v
}
