package app_test

import (
	"testing"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/i18n"
)

// TestFanOutPrintsEachCopyInItsReadersLanguage: one reminder, three
// readers — a webhook that asked for Japanese, a Slack target in the
// deployment's German, and a recipient whose setting is English — each
// get it in their own words, with the plural the number needs, and the
// machine fields are the same in every copy.
func TestFanOutPrintsEachCopyInItsReadersLanguage(t *testing.T) {
	slack := hansei.Target{Channel: "slack", Address: "http://127.0.0.1:1/slack"}
	ja := hansei.Target{Channel: "webhook", Address: "http://127.0.0.1:1/ja", Language: "ja"}
	f := app.FanOut{Targets: []hansei.Target{ja, slack}, Email: true, Catalogs: i18n.MustBuiltin(), Language: "de"}
	look := hansei.Lookup{
		User: func(name string) (hansei.User, error) {
			return hansei.User{Name: name, Email: name + "@example.com", Channel: "email", Language: "en-GB"}, nil
		},
		Incident: func(number int64) (hansei.Incident, error) { return hansei.Incident{Number: number}, nil },
	}
	r := hansei.Remediation{ID: 7, Incident: 42, Title: "Back off retries", Owner: "carla", Priority: "P1", Due: "2026-12-01",
		Status: hansei.RemediationOpen}
	for _, tc := range []struct {
		today, policy string
		want          [3]string // the Japanese webhook, German Slack, English email
	}{
		{"2026-11-30", "before", [3]string{"改善策 7 の期限まであと 1 日です", "Maßnahme 7 ist in 1 Tag fällig", "Remediation 7 is due in 1 day"}},
		{"2026-11-29", "before", [3]string{"改善策 7 の期限まであと 2 日です", "Maßnahme 7 ist in 2 Tagen fällig", "Remediation 7 is due in 2 days"}},
		{"2026-12-02", "after", [3]string{"改善策 7 は期限を 1 日過ぎています", "Maßnahme 7 ist 1 Tag überfällig", "Remediation 7 is 1 day overdue"}},
		{"2026-12-03", "after", [3]string{"改善策 7 は期限を 2 日過ぎています", "Maßnahme 7 ist 2 Tage überfällig", "Remediation 7 is 2 days overdue"}},
	} {
		p := hansei.ReminderPolicy{BeforeDays: 1, EscalateAfterDays: 1}
		if tc.today == "2026-11-29" {
			p.BeforeDays = 2
		}
		ns := p.Reminders(r, "", tc.today)
		if len(ns) != 1 {
			t.Fatalf("%s: %+v", tc.today, ns)
		}
		out, err := f.Outgoing(ns[0], look)
		if err != nil || len(out) != 3 {
			t.Fatalf("%s: %+v, %v", tc.today, out, err)
		}
		for i, o := range out {
			n := o.Notification
			if n.Subject != tc.want[i] || n.Key != ns[0].Key || n.Kind != ns[0].Kind || n.Data["days"] != ns[0].Data["days"] {
				t.Errorf("%s to %s: %q (key %s, data %v), want %q", tc.today, o.Address, n.Subject, n.Key, n.Data, tc.want[i])
			}
			if n.Text == "" || n.Language != []string{"ja", "de", "en"}[i] {
				t.Errorf("%s to %s: text %q in %q", tc.today, o.Address, n.Text, n.Language)
			}
		}
	}
}
