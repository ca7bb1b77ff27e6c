package config

import (
	"reflect"
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
)

// TestNotifyRulesNameWhatExists: a rule (or a level's paging) naming an
// unknown event, severity or channel stops the start with its line and
// what is allowed; a good one is read as written.
func TestNotifyRulesNameWhatExists(t *testing.T) {
	const hooks = "notify:\n  webhooks: [{name: incidents, url: \"https://hooks.example.com/i\", secret: s}]\n"
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown severity", hooks + "  rules:\n    - severities: [SEV1, SEV9]\n      channels: [incidents]\n",
			`4: notify.rules[0].severities[1]: unknown severity "SEV9"; the severity levels are SEV1, SEV2, SEV3, SEV4`},
		{"unknown channel", hooks + "  rules:\n    - severities: [SEV1]\n      channels: [\"#incidents\"]\n",
			`5: notify.rules[0].channels[0]: unknown channel "#incidents"; the named webhooks are incidents`},
		{"unknown event", hooks + "  rules:\n    - event: incident.exploded\n      users: [alice]\n",
			`4: notify.rules[0].event: unknown event "incident.exploded"; use one of ` + strings.Join(hansei.IncidentNotifyKinds(), ", ")},
		{"nobody to send to", hooks + "  rules:\n    - severities: [SEV1]\n",
			`4: notify.rules[0]: a rule needs users or channels to send to`},
		{"paging an unnamed channel", "notify:\n  webhooks: [{url: \"https://hooks.example.com/i\", secret: s}]\n" +
			"severity:\n  - {key: SEV1, name: Critical, definition: Down., paging: {channels: [pager]}}\n",
			`4: severity[0].paging.channels[0]: unknown channel "pager"; none is named: give a webhook a name under notify.webhooks`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("h.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("Parse accepted:\n%s", tc.yaml)
			}
			if got := strings.Join(problems(t, err), "\n"); got != "h.yaml:"+tc.want {
				t.Errorf("problems:\n%s\nwant\nh.yaml:%s", got, tc.want)
			}
		})
	}
	c, err := Parse("h.yaml", []byte(hooks+"  rules:\n    - {severities: [sev1, SEV2], services: [payments], users: [alice, bob], channels: [incidents]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []hansei.NotifyRule{{Severities: []string{"sev1", "SEV2"}, Services: []string{"payments"}, Users: []string{"alice", "bob"}, Channels: []string{"incidents"}}}
	if !reflect.DeepEqual(c.Notify.Rules, want) || c.Notify.Webhooks[0].Name != "incidents" {
		t.Errorf("rules = %+v, webhooks = %+v", c.Notify.Rules, c.Notify.Webhooks)
	}
}
