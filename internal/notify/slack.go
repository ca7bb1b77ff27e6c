package notify

import (
	"strings"

	hansei "github.com/hansei-dev/hansei"
)

// SlackMessage is the text a Slack target gets: the subject in bold, then
// the text, both escaped (SlackEscape), since titles, notes and names in
// them are written by responders.
func SlackMessage(n hansei.Notification) string {
	return "*" + SlackEscape(n.Subject) + "*\n" + SlackEscape(n.Text)
}

// SlackEscape makes text inert in a Slack message. Slack's formatting
// reads three characters as control characters, and asks senders to
// escape exactly those (docs.slack.dev, "Formatting text for app
// surfaces": & as &amp;, < as &lt;, > as &gt;). Every control sequence —
// a broadcast (<!channel>, <!here>, <!everyone>), a mention (<@U123>,
// <#C123>, <!subteam^S123>), a date, or a link whose text disguises its
// address (<http://evil.example|https://status.example>) — begins with <,
// so with < escaped none can be written; & is escaped first so that text
// which already reads "&lt;" stays what it was. slack-go has an escaper
// of its own but keeps it unexported, so this is ours (fuzzed in
// slack_test.go).
func SlackEscape(text string) string {
	if !strings.ContainsAny(text, "&<>") {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 16)
	// Byte by byte: the three are ASCII, so they never occur inside a
	// multi-byte character, and every other byte is kept as it was.
	for i := range len(text) {
		switch c := text[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
