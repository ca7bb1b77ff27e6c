package config

import (
	"reflect"
	"strings"
	"testing"
)

// TestNonPublicTargetsAreRefusedUnlessAllowed: a webhook or Slack URL that
// names a loopback, private or link-local address (or localhost) is a
// mistake said at start, unless its host is in allow_private_hosts.
func TestNonPublicTargetsAreRefusedUnlessAllowed(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"webhook to the cloud's metadata service", "notify:\n  webhooks:\n    - url: http://169.254.169.254/latest/meta-data\n      secret: s\n",
			`3: notify.webhooks[0].url: http://169.254.169.254/latest/meta-data names a link-local address, which hansei does not send to; ` +
				`add "169.254.169.254" to notify.allow_private_hosts if it is meant`},
		{"slack to loopback, on its own line", "notify:\n  slack:\n    - https://hooks.slack.com/a\n    - http://127.0.0.1:9000/hook\n",
			`4: notify.slack[1]: http://127.0.0.1:9000/hook names a loopback address, which hansei does not send to; ` +
				`add "127.0.0.1" to notify.allow_private_hosts if it is meant`},
		{"localhost", "notify:\n  webhooks: [{url: \"http://localhost:8080/h\", secret: s}]\n",
			`2: notify.webhooks[0].url: http://localhost:8080/h names a loopback address, which hansei does not send to; ` +
				`add "localhost" to notify.allow_private_hosts if it is meant`},
		{"IPv6 link-local, another host allowed", "notify:\n  allow_private_hosts: [10.0.0.7]\n  webhooks: [{url: \"http://[fe80::1]/h\", secret: s}]\n",
			`3: notify.webhooks[0].url: http://[fe80::1]/h names a link-local address, which hansei does not send to; ` +
				`add "fe80::1" to notify.allow_private_hosts if it is meant`},
		{"a private address", "notify:\n  webhooks: [{url: \"https://10.1.2.3/h\", secret: s}]\n",
			`2: notify.webhooks[0].url: https://10.1.2.3/h names a private address, which hansei does not send to; ` +
				`add "10.1.2.3" to notify.allow_private_hosts if it is meant`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("h.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("Parse accepted:\n%s", tc.yaml)
			}
			want := "h.yaml:" + strings.ReplaceAll(tc.want, "\n", "\nh.yaml:")
			if got := strings.Join(problems(t, err), "\n"); got != want {
				t.Errorf("problems:\n%s\nwant\n%s", got, want)
			}
		})
	}

	c, err := Parse("h.yaml", []byte(`notify:
  webhooks: [{url: "http://127.0.0.1:8080/h", secret: s}, {url: "http://LocalHost./x", secret: s}, {url: "https://hooks.example.com/h", secret: s}]
  slack: ["http://[::1]:9000/hook"]
  allow_private_hosts: [127.0.0.1, localhost, "0:0::1"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"127.0.0.1", "localhost", "0:0::1"}; !reflect.DeepEqual(c.Notify.AllowPrivateHosts, want) {
		t.Errorf("allow_private_hosts = %q, want %q", c.Notify.AllowPrivateHosts, want)
	}
}
