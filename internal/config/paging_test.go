package config

import (
	"strings"
	"testing"
)

// A paging rule that would never page, or could not, is refused at start
// with its line and what is allowed.
func TestPagingRulesAreChecked(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown severity", "notify:\n  paging:\n    - name: pd\n      kind: pagerduty\n      routing_key: k\n      severities: [SEV1, SEV9]\n",
			`6: notify.paging[0].severities[1]: unknown severity "SEV9"; the severity levels are SEV1, SEV2, SEV3, SEV4`},
		{"unknown kind", "notify:\n  paging: [{name: x, kind: opsgenie, severities: [SEV1]}]\n",
			`2: notify.paging[0].kind: unknown kind "opsgenie"; use pagerduty or goalert`},
		{"goalert without its url and token", "notify:\n  paging:\n    - {name: g, kind: goalert, severities: [SEV1]}\n",
			`3: notify.paging[0].url: a goalert rule needs the url of the GoAlert instance, such as https://goalert.example.com`},
		{"pagerduty without a key", "notify:\n  paging:\n    - {name: p, kind: pagerduty, severities: [SEV1]}\n",
			`3: notify.paging[0].routing_key: a pagerduty rule needs its routing key (the Events API v2 integration key), in routing_key or secret_env`},
		{"a severity map naming no PagerDuty severity", "notify:\n  paging:\n    - name: p\n      kind: pagerduty\n      routing_key: k\n      severities: [SEV1]\n      severity_map: {SEV1: urgent}\n",
			`7: notify.paging[0].severity_map.SEV1: unknown PagerDuty severity "urgent"; use critical, error, warning or info`},
		{"two rules of one name", "notify:\n  paging:\n    - {name: p, kind: pagerduty, routing_key: k, severities: [SEV1]}\n    - {name: p, kind: pagerduty, routing_key: k, severities: [SEV2]}\n",
			`4: notify.paging[1].name: another paging rule is named "p"; names must be unique`},
		{"loopback url not allowed", "notify:\n  paging:\n    - {name: p, kind: pagerduty, routing_key: k, severities: [SEV1], url: \"http://127.0.0.1:9/x\"}\n",
			`3: notify.paging[0].url: http://127.0.0.1:9/x names a loopback address, which hansei does not send to; add "127.0.0.1" to notify.allow_private_hosts if it is meant`},
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
}

// The secret may come from the environment variable secret_env names, read
// by Load like every other variable; one that is unset stops the start.
func TestPagingSecretFromEnvironment(t *testing.T) {
	yaml := []byte("notify:\n  paging:\n    - {name: pd, kind: pagerduty, secret_env: PD_KEY, severities: [SEV1, SEV2], severity_map: {SEV2: warning}}\n" +
		"    - {name: ga, kind: goalert, url: \"https://goalert.example.com\", secret_env: GA_TOKEN, severities: [SEV1]}\n")
	env := map[string]string{"PD_KEY": "R0UTING", "GA_TOKEN": "t0ken"}
	c, err := load("h.yaml", yaml, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	pd, ga := c.Notify.Paging[0], c.Notify.Paging[1]
	if pd.Secret() != "R0UTING" || ga.Secret() != "t0ken" {
		t.Errorf("secrets %q, %q", pd.Secret(), ga.Secret())
	}
	sev := c.Scales.Severity
	for level, want := range map[string]string{"SEV1": "critical", "SEV2": "warning", "SEV3": "warning", "SEV4": "info"} {
		if got := pd.PagerDutySeverity(sev, level); got != want {
			t.Errorf("%s maps to %s, want %s", level, got, want)
		}
	}
	delete(env, "GA_TOKEN")
	_, err = load("h.yaml", yaml, func(k string) string { return env[k] })
	want := "h.yaml:4: notify.paging[1].secret_env: the environment variable GA_TOKEN holds no routing key or token; set it, or remove secret_env"
	if err == nil || strings.Join(problems(t, err), "\n") != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}
