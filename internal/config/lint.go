package config

import (
	"fmt"
	"slices"
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"go.yaml.in/yaml/v3"
)

// The lint section:
//
//	lint:
//	  disabled: [why-chain]        # rule ids not to run
//	  blame:                       # phrases added to the built-in blame list
//	    - phrase: dropped the ball
//	      blocking: true
//	      message: Names a person's lapse, not what the system allowed.
//	      suggestion: Describe the step that was missed and why the process let it be missed.
//	  priority:                    # phrases added to the imprecise-priority list
//	    - phrase: p-zero-ish
//	      message: …
//	      suggestion: …
func lintRuleIDs() []string {
	return []string{hansei.RuleBlamePhrase, hansei.RuleBlamePerson, hansei.RuleImprecisePriority, hansei.RuleMissingSection,
		hansei.RuleWhyChain, hansei.RuleWhyEmpty, hansei.RuleWhyEndsAtPerson, hansei.RuleFactorWithoutRemediation,
		hansei.RuleRemediationNoOwner, hansei.RuleRemediationNoDue}
}

func (d *decoder) lint(n *yaml.Node, path string, rules *hansei.LintRules) {
	r := d.resolve(n)
	if r == nil || d.broken || isNull(r) {
		return
	}
	if r.Kind != yaml.MappingNode {
		d.typeError(n, path, "expected a mapping with disabled, blame and priority, found %s", describe(r))
		return
	}
	d.fields(r, path, fieldSet{
		"disabled": func(_, v *yaml.Node, p string) {
			ids := d.texts(v, p, "rule ids")
			for i, id := range ids {
				if !slices.Contains(lintRuleIDs(), id) {
					d.errorf(v, fmt.Sprintf("%s[%d]", p, i), "unknown lint rule %q; the rules are %s", id, strings.Join(lintRuleIDs(), ", "))
				}
			}
			rules.Disabled = append(rules.Disabled, ids...)
		},
		"blame":    func(_, v *yaml.Node, p string) { rules.Blame = append(rules.Blame, d.phrases(v, p)...) },
		"priority": func(_, v *yaml.Node, p string) { rules.Priority = append(rules.Priority, d.phrases(v, p)...) },
	}, []string{"disabled", "blame", "priority"})
}

func (d *decoder) phrases(n *yaml.Node, path string) []hansei.LintPhrase {
	var out []hansei.LintPhrase
	d.list(n, path, "phrases", func(m *yaml.Node, at string) {
		var ph hansei.LintPhrase
		if m == nil {
			return
		}
		d.fields(m, at, fieldSet{
			"phrase":     func(_, v *yaml.Node, p string) { d.text(v, p, &ph.Phrase) },
			"lang":       func(_, v *yaml.Node, p string) { d.text(v, p, &ph.Lang) },
			"blocking":   func(_, v *yaml.Node, p string) { d.boolean(v, p, &ph.Blocking) },
			"message":    func(_, v *yaml.Node, p string) { d.text(v, p, &ph.Message) },
			"suggestion": func(_, v *yaml.Node, p string) { d.text(v, p, &ph.Suggestion) },
		}, []string{"phrase", "lang", "blocking", "message", "suggestion"})
		for field, value := range map[string]string{"phrase": ph.Phrase, "message": ph.Message, "suggestion": ph.Suggestion} {
			if value == "" {
				d.errorf(m, at+"."+field, "every lint phrase needs a %s", field)
			}
		}
		out = append(out, ph)
	})
	return out
}
