package hansei

import (
	"strings"
	"testing"
)

func TestPageNotifications(t *testing.T) {
	rules := []PageRule{{Name: "pd", Kind: PagerPagerDuty, Severities: []string{"SEV1", "SEV2"}}}
	inc := func(sev string, st Status) Incident {
		return Incident{Number: 42, Title: "Checkout down", Severity: sev, Status: st, LastSeq: 7}
	}
	none := Incident{}
	for _, tc := range []struct {
		name          string
		before, after Incident
		want          string // the action, "" for no page
	}{
		{"declared at a paging severity", none, inc("SEV1", StatusInvestigating), PageTrigger},
		{"declared below", none, inc("SEV3", StatusInvestigating), ""},
		{"raised to a paging severity", inc("SEV3", StatusInvestigating), inc("SEV2", StatusInvestigating), PageTrigger},
		{"raised within paging severities", inc("SEV2", StatusInvestigating), inc("SEV1", StatusInvestigating), ""},
		{"lowered below", inc("SEV1", StatusIdentified), inc("SEV3", StatusIdentified), PageResolve},
		{"resolved", inc("SEV1", StatusMonitoring), inc("SEV1", StatusResolved), PageResolve},
		{"resolved below: nothing was paged", inc("SEV3", StatusMonitoring), inc("SEV3", StatusResolved), ""},
		{"reopened at a paging severity", inc("SEV1", StatusResolved), inc("SEV1", StatusInvestigating), PageTrigger},
		{"status moves while open", inc("SEV1", StatusInvestigating), inc("SEV1", StatusIdentified), ""},
		{"closed after resolved", inc("SEV1", StatusResolved), inc("SEV1", StatusClosed), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := PageNotifications(tc.before, tc.after, rules, "https://h.example", "h.example")
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("pages %v, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("pages %v, want one %s", got, tc.want)
			}
			n := got[0]
			if n.Kind != NotifyPage || n.Data["action"] != tc.want || n.Data["dedup_key"] != "hansei-h.example-INC-42" ||
				n.Data["rule"] != "pd" || n.Data["link"] != "https://h.example/incidents/42" || n.Key != "page:pd:42:7" {
				t.Fatalf("page = %+v", n)
			}
		})
	}
}

// A paging service is a shared channel: a page for a restricted incident
// says only its severity, with a dedup key that names no number but is
// the same for its trigger and its resolve.
func TestRestrictedPage(t *testing.T) {
	rules := []PageRule{{Name: "pd", Kind: PagerPagerDuty, Severities: []string{"SEV1"}}}
	open := Incident{Number: 42, Title: "Secret merger leak", Severity: "SEV1", Status: StatusInvestigating,
		Visibility: VisibilityRestricted, LastSeq: 1}
	resolved := open
	resolved.Status, resolved.LastSeq = StatusResolved, 5
	look := func(int64) (Incident, error) { return open, nil }
	var keys []string
	for _, n := range append(PageNotifications(Incident{}, open, rules, "https://h", "h"),
		PageNotifications(open, resolved, rules, "https://h", "h")...) {
		c, err := n.For(nil, look, "https://h/remediations")
		if err != nil {
			t.Fatal(err)
		}
		all := c.Key + " " + c.Subject + " " + c.Text
		for k, v := range c.Data {
			all += " " + k + "=" + strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(toString(v), "\n", " "), "\t", " "))
		}
		if strings.Contains(all, "42") || strings.Contains(all, "merger") || c.Data["restricted"] != true ||
			c.Data["severity"] != "SEV1" || c.Data["action"] != n.Data["action"] || c.SubjectMessage.ID != "notify.page.restricted_summary" {
			t.Fatalf("restricted page = %+v", c)
		}
		keys = append(keys, c.Data["dedup_key"].(string))
	}
	if len(keys) != 2 || keys[0] != keys[1] {
		t.Fatalf("dedup keys %v, want one key for trigger and resolve", keys)
	}
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if b, ok := v.(bool); ok && b {
		return "true"
	}
	return ""
}
