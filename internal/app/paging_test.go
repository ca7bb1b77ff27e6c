package app_test

import (
	"testing"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/i18n"
)

// A page goes to its rule's service only: not to the other paging
// services, the webhooks, Slack or anyone's email; printed in the shared
// channels' language.
func TestPageGoesToItsRuleOnly(t *testing.T) {
	rules := []hansei.PageRule{{Name: "pd", Kind: hansei.PagerPagerDuty, Severities: []string{"SEV1"}},
		{Name: "ga", Kind: hansei.PagerGoAlert, Severities: []string{"SEV2"}}}
	p := app.Paging{Rules: rules, Base: "https://h.example", Instance: "h.example"}
	inc := hansei.Incident{Number: 7, Title: "Checkout down", Severity: "SEV1", Status: hansei.StatusInvestigating, LastSeq: 1}
	pages := p.Pages(hansei.Incident{}, inc)
	if len(pages) != 1 {
		t.Fatalf("pages %v, want one (pd)", pages)
	}
	f := app.FanOut{Targets: []hansei.Target{{Channel: "webhook", Address: "https://hook"}}, Email: true,
		Catalogs: i18n.MustBuiltin(), Language: "de",
		Pagers: []hansei.Target{{Channel: "pagerduty", Address: "pd"}, {Channel: "goalert", Address: "ga"}}}
	look := hansei.Lookup{
		User:     func(string) (hansei.User, error) { t.Fatal("a page looked up a person"); return hansei.User{}, nil },
		Incident: func(int64) (hansei.Incident, error) { return inc, nil },
	}
	out, err := f.Outgoing(pages[0], look)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Channel != "pagerduty" || out[0].Address != "pd" ||
		out[0].Notification.Subject != "Vorfall INC-7 (SEV1): Checkout down" || out[0].Notification.Language != "de" {
		t.Fatalf("outgoing %+v", out)
	}
}
