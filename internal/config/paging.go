package config

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	hansei "github.com/hansei-dev/hansei"
)

// PageRule is a paging hand-off (notify.paging): an incident declared at,
// raised to or reopened at one of Severities opens a page in PagerDuty or
// GoAlert, and its resolution resolves it.
type PageRule struct {
	Name string
	// Kind is pagerduty or goalert.
	Kind       string
	Severities []string
	// URL is PagerDuty's Events API endpoint ("" for PagerDuty's own), or
	// the GoAlert instance's address.
	URL string
	// RoutingKey is PagerDuty's integration key, Token GoAlert's; either
	// may come from the environment variable SecretEnv names instead.
	RoutingKey, Token, SecretEnv string
	// SeverityMap maps severity levels to PagerDuty's severities; a level
	// it leaves out takes the default (the scale's first level critical,
	// the second error, the third warning, the others info).
	SeverityMap map[string]string
}

// Secret is the rule's routing key or token.
func (r PageRule) Secret() string {
	if r.Kind == hansei.PagerGoAlert {
		return r.Token
	}
	return r.RoutingKey
}

// pagerDutySeverities are PagerDuty's severities, most severe first.
func pagerDutySeverities() []string { return []string{"critical", "error", "warning", "info"} }

// PagerDutySeverity is the PagerDuty severity of level in the rule: its
// severity_map's, or by the level's place in the scale.
func (r PageRule) PagerDutySeverity(scale hansei.Scale, level string) string {
	if s, ok := r.SeverityMap[level]; ok {
		return s
	}
	i := slices.Index(scale.Keys(), level)
	if i < 0 || i >= len(pagerDutySeverities()) {
		return "info"
	}
	return pagerDutySeverities()[i]
}

// The paging section:
//
//	notify:
//	  paging:
//	    - name: pd-primary
//	      kind: pagerduty
//	      severities: [SEV1, SEV2]
//	      secret_env: HANSEI_PAGERDUTY_KEY    # or routing_key: … in the file
//	      severity_map: {SEV2: warning}       # else SEV1 critical, SEV2 error, …
//	    - name: goalert
//	      kind: goalert
//	      url: https://goalert.example.com
//	      severities: [SEV1]
//	      token: …
func pagingField() field[Notify] {
	return field[Notify]{key: "paging", doc: "Paging hand-off: PagerDuty or GoAlert services that open a page when an incident of their severities is declared, and resolve it when it resolves.",
		value: pagingValue{recordsValue[Notify, PageRule]{at: func(n *Notify) *[]PageRule { return &n.Paging },
			fields: pageRuleFields(), noun: "paging rule", check: checkPageNames}}}
}

func pageRuleFields() []field[PageRule] {
	str := func(at func(*PageRule) *string) value[PageRule] { return scalar(at, text(), "") }
	kinds := []string{hansei.PagerPagerDuty, hansei.PagerGoAlert}
	return []field[PageRule]{
		{key: "name", doc: "The rule's name, unique; the outbox names the rule's deliveries by it.",
			required: "every paging rule needs a name", value: str(func(r *PageRule) *string { return &r.Name })},
		{key: "kind", doc: "`pagerduty` (Events API v2) or `goalert` (its generic incoming API).",
			required: "kind is required: pagerduty or goalert",
			value: scalar(func(r *PageRule) *string { return &r.Kind }, oneOf(kinds, func(raw string) string {
				return fmt.Sprintf("unknown kind %q; use pagerduty or goalert", raw)
			}), "")},
		{key: "severities", doc: "The severity levels that open a page, such as `[SEV1, SEV2]`.",
			required: "severities is required: the severity levels that open a page, such as [SEV1]",
			value:    listValue[PageRule, string]{at: func(r *PageRule) *[]string { return &r.Severities }, kind: text(), plural: "severity levels"}},
		{key: "url", doc: "PagerDuty: the Events API v2 endpoint; GoAlert: the instance's address (required). Set it to a local server to test.",
			def:   "PagerDuty's `https://events.pagerduty.com/v2/enqueue`",
			value: scalar(func(r *PageRule) *string { return &r.URL }, httpURL(), "")},
		{key: "routing_key", doc: "PagerDuty: the integration key of the service's Events API v2 integration; better in `secret_env`.",
			value: str(func(r *PageRule) *string { return &r.RoutingKey })},
		{key: "token", doc: "GoAlert: the generic API integration key's token; better in `secret_env`.",
			value: str(func(r *PageRule) *string { return &r.Token })},
		{key: "secret_env", doc: "An environment variable that holds the routing key or token, read at start, to keep it out of the file.",
			value: str(func(r *PageRule) *string { return &r.SecretEnv })},
		{key: "severity_map", doc: "PagerDuty: a severity level's PagerDuty severity (`critical`, `error`, `warning` or `info`), such as `{SEV2: warning}`; a level left out takes its place in the scale: first critical, second error, third warning, others info.",
			value: severityMapValue{}},
	}
}

// pagingValue is the list of paging rules, whose secrets may come from
// the environment: config.Load is the one reader of the server's
// environment, so a rule's secret_env is read here.
type pagingValue struct {
	recordsValue[Notify, PageRule]
}

func (v pagingValue) applyEnv(d *decoder, getenv func(string) string, n *Notify, path string) {
	for i := range n.Paging {
		r := &n.Paging[i]
		if r.SecretEnv == "" {
			continue
		}
		at := fmt.Sprintf("%s[%d].secret_env", path, i)
		secret := getenv(r.SecretEnv)
		if secret == "" {
			d.problem(at, "the environment variable %s holds no routing key or token; set it, or remove secret_env", r.SecretEnv)
			continue
		}
		if r.Kind == hansei.PagerGoAlert {
			r.Token = secret
		} else {
			r.RoutingKey = secret
		}
	}
}

// checkPageNames: names are unique, since deliveries find their rule by
// name.
func checkPageNames(d *decoder, rules []PageRule, path string) {
	seen := map[string]bool{}
	for i, r := range rules {
		if r.Name != "" && seen[r.Name] {
			d.problem(fmt.Sprintf("%s[%d].name", path, i), "another paging rule is named %q; names must be unique", r.Name)
		}
		seen[r.Name] = true
	}
}

// checkPaging checks the paging rules against the severity scale, once
// both are read: a level that is not on the scale would never page, and
// is a mistake said at start, with what is allowed.
func checkPaging(d *decoder, c *Config) {
	levels := c.Scales.Severity.Keys()
	allowed := strings.Join(levels, ", ")
	for i, r := range c.Notify.Paging {
		at := fmt.Sprintf("notify.paging[%d]", i)
		for j, s := range r.Severities {
			if !slices.Contains(levels, s) {
				d.problem(fmt.Sprintf("%s.severities[%d]", at, j), "unknown severity %q; the severity levels are %s", s, allowed)
			}
		}
		for level, pd := range r.SeverityMap {
			if !slices.Contains(levels, level) {
				d.problem(at+".severity_map."+level, "unknown severity %q; the severity levels are %s", level, allowed)
			}
			if !slices.Contains(pagerDutySeverities(), pd) {
				d.problem(at+".severity_map."+level, "unknown PagerDuty severity %q; use critical, error, warning or info", pd)
			}
		}
		switch {
		case r.Kind == hansei.PagerGoAlert && r.URL == "":
			d.problem(at+".url", "a goalert rule needs the url of the GoAlert instance, such as https://goalert.example.com")
		case r.Kind == hansei.PagerGoAlert && r.Token == "" && r.SecretEnv == "":
			d.problem(at+".token", "a goalert rule needs its token (the generic API integration key), in token or secret_env")
		case r.Kind == hansei.PagerPagerDuty && r.RoutingKey == "" && r.SecretEnv == "":
			d.problem(at+".routing_key", "a pagerduty rule needs its routing key (the Events API v2 integration key), in routing_key or secret_env")
		case r.Kind == hansei.PagerGoAlert && len(r.SeverityMap) > 0:
			d.problem(at+".severity_map", "severity_map is for pagerduty rules; GoAlert takes no severity")
		}
		if u, err := url.Parse(r.URL); r.URL != "" && err == nil {
			host := u.Hostname()
			if what := hansei.NonPublicHost(host); what != "" && !hansei.HostAllowed(host, c.Notify.AllowPrivateHosts) {
				d.problem(at+".url", "%s names %s, which hansei does not send to; add %q to notify.allow_private_hosts if it is meant",
					r.URL, what, host)
			}
		}
	}
}

// severityMapValue is a mapping of severity levels to PagerDuty
// severities; the levels are checked against the scale in checkPaging.
type severityMapValue struct{ noEnv[PageRule] }

func (severityMapValue) decode(d *decoder, n *yaml.Node, path string, r *PageRule) {
	m := d.resolve(n)
	if m == nil || d.broken || isNull(m) {
		return
	}
	if m.Kind != yaml.MappingNode {
		d.typeError(n, path, "expected a mapping of severity levels to PagerDuty severities, such as {SEV1: critical}, found %s", describe(m))
		return
	}
	out := map[string]string{}
	for _, p := range d.pairs(m, path, 0) {
		at := path + "." + p.key.Value
		d.lines[at] = p.key.Line
		v := d.resolve(p.val)
		if v == nil || d.broken {
			return
		}
		if v.Kind != yaml.ScalarNode {
			d.typeError(p.val, at, "expected critical, error, warning or info, found %s", describe(v))
			continue
		}
		out[p.key.Value] = scalarText(v)
	}
	r.SeverityMap = out
}

func (severityMapValue) reset(r *PageRule)      { r.SeverityMap = nil }
func (severityMapValue) unset(r *PageRule) bool { return len(r.SeverityMap) == 0 }
func (severityMapValue) applyEnv(*decoder, func(string) string, *PageRule, string) {
}
func (severityMapValue) describe(string, map[string]bool) (string, []Setting) {
	return "by place in the scale", nil
}
