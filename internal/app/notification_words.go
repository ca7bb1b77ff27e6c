package app

import (
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/i18n"
)

// Printing a notification in its reader's language. The domain says what
// a notification tells as message IDs and arguments
// (hansei.NotificationMessage); the fan-out prints each copy for the one
// who reads it — a person's email in their own language, a shared channel
// (a webhook, Slack) in the language configured for it — so a reminder is
// never in the language of whoever caused it. Printing happens before the
// copy is written to the outbox: the restricted-incident rule (For) has
// already decided what the copy may say, and the outbox row holds the
// words as they were sent.

// printNotification fills n's Subject and Text in p's language and
// records the language on the copy.
func printNotification(n hansei.Notification, p *i18n.Printer) hansei.Notification {
	if n.SubjectMessage.ID == "" && len(n.TextMessages) == 0 {
		// A notification written as prose (none in hansei today) is kept
		// as it is, rather than sent empty.
		return n
	}
	n.Subject = printMessage(p, n.SubjectMessage)
	lines := make([]string, len(n.TextMessages))
	for i, m := range n.TextMessages {
		lines[i] = printMessage(p, m)
	}
	n.Text = strings.Join(lines, "\n")
	if n.Kind == hansei.NotifyDigest && n.Text != "" {
		// A digest is a list: each item a line, as before.
		n.Text += "\n"
	}
	n.Language = p.Lang()
	return n
}

// printMessage prints m; the printer prints its arguments that are
// messages themselves (a remediation's status as a word) in the same
// language, into a copy of the arguments, so the domain's map, shared by
// every copy of the notification, is left as it was.
func printMessage(p *i18n.Printer, m hansei.NotificationMessage) string {
	if m.ID == "" {
		return ""
	}
	return p.Print(m)
}
