package notify

import (
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
)

// TestSlackEscape: what a responder writes reaches Slack as text, never
// as a broadcast, a mention or a disguised link.
func TestSlackEscape(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Checkout failing", "Checkout failing"},
		{"<!channel> wake up", "&lt;!channel&gt; wake up"},
		{"<!here>", "&lt;!here&gt;"},
		{"<!everyone>", "&lt;!everyone&gt;"},
		{"ping <@U024BE7LH>", "ping &lt;@U024BE7LH&gt;"},
		{"<!subteam^S123|@oncall>", "&lt;!subteam^S123|@oncall&gt;"},
		{"see <http://evil.example|https://status.example.com>", "see &lt;http://evil.example|https://status.example.com&gt;"},
		{"a & b", "a &amp; b"},
		{"already &lt;escaped&gt;", "already &amp;lt;escaped&amp;gt;"},
		{"日本語 <b>", "日本語 &lt;b&gt;"},
		{"", ""},
	}
	for _, c := range cases {
		if got := SlackEscape(c.in); got != c.want {
			t.Errorf("SlackEscape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestSlackMessageEscapesSubjectAndText: both parts of the message are
// escaped; only hansei's own bold markers remain.
func TestSlackMessageEscapesSubjectAndText(t *testing.T) {
	got := SlackMessage(hansei.Notification{Subject: "<!here> 7", Text: `"<!channel> <http://evil.example|INC-1>" is due`})
	want := "*&lt;!here&gt; 7*\n\"&lt;!channel&gt; &lt;http://evil.example|INC-1&gt;\" is due"
	if got != want {
		t.Errorf("SlackMessage = %q, want %q", got, want)
	}
}

// FuzzSlackEscape: whatever the text, the escaped form has no < or >
// (so no control sequence can start), every & begins one of the three
// escapes, and unescaping gives the text back byte for byte.
func FuzzSlackEscape(f *testing.F) {
	for _, s := range []string{"<!channel>", "<@U1|x>", "&amp;", "&<>", "<http://a|b>", "\xff<\xfe", "日本 & <>"} {
		f.Add(s)
	}
	unescape := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")
	f.Fuzz(func(t *testing.T, in string) {
		out := SlackEscape(in)
		if strings.ContainsAny(out, "<>") {
			t.Fatalf("SlackEscape(%q) = %q keeps a control character", in, out)
		}
		for i := range len(out) {
			if out[i] == '&' && !strings.HasPrefix(out[i:], "&amp;") && !strings.HasPrefix(out[i:], "&lt;") && !strings.HasPrefix(out[i:], "&gt;") {
				t.Fatalf("SlackEscape(%q) = %q has a bare &", in, out)
			}
		}
		if back := unescape.Replace(out); back != in {
			t.Fatalf("unescaping %q gives %q, not %q", out, back, in)
		}
	})
}
