package app_test

import (
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
)

// TestRecipients: who gets an incident's notification, by which channel
// and in which language. A named webhook gets only what is routed to it
// by name; an unnamed target gets whatever names someone; a notification
// that names nobody and is routed nowhere is not written.
func TestRecipients(t *testing.T) {
	users := map[string]hansei.User{
		"jun":   {Name: "jun", Channel: "email", Email: "jun@example.com", Language: "ja"},
		"dora":  {Name: "dora", Channel: "email", Email: "dora@example.com", Language: "de"},
		"quiet": {Name: "quiet", Channel: "none", Email: "q@example.com"},
	}
	look := hansei.Lookup{User: func(name string) (hansei.User, error) {
		if u, ok := users[name]; ok {
			return u, nil
		}
		return hansei.User{}, hansei.Errorf(hansei.ENOTFOUND, "no user %q", name)
	}}
	f := app.FanOut{Email: true, Language: "en", Targets: []hansei.Target{
		{Channel: "webhook", Address: "https://all.example.com", Language: "de"},
		{Channel: "webhook", Address: "https://sev1.example.com", Name: "incidents"},
	}, Rules: []hansei.NotifyRule{{Severities: []string{"SEV1"}, Users: []string{"jun", "quiet", "gone"}, Channels: []string{"incidents"}}}}
	declared := func(severity string, to ...string) hansei.Notification {
		return hansei.Notification{Kind: hansei.NotifyDeclared, To: to, Data: map[string]any{"severity": severity}}
	}
	for _, tc := range []struct {
		name string
		n    hansei.Notification
		want string
	}{
		{"SEV1 declared: the rule's users and channel", declared("SEV1"),
			"webhook:https://all.example.com:de webhook:https://sev1.example.com:en email:jun@example.com:ja"},
		{"SEV3 declared: nobody to tell", declared("SEV3"), ""},
		{"a role given to dora", hansei.Notification{Kind: hansei.NotifyRoleAssigned, To: []string{"dora"}, Data: map[string]any{"severity": "SEV1"}},
			"webhook:https://all.example.com:de email:dora@example.com:de"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, _, err := f.Recipients(tc.n, look)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rs {
				got = append(got, r.Target.Channel+":"+r.Target.Address+":"+r.Language)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("recipients = %q, want %q", strings.Join(got, " "), tc.want)
			}
		})
	}
}
