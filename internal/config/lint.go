package config

import (
	"fmt"
	"strings"

	hansei "github.com/hansei-dev/hansei"
)

// The lint section adds to the postmortem lint's built-in word lists and
// turns rules off:
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
func lintField() field[Config] {
	return field[Config]{key: "lint", doc: "The postmortem lint: rules turned off, and phrases added to its word lists.",
		value: sectionValue[Config, hansei.LintRules]{at: func(c *Config) *hansei.LintRules { return &c.Lint },
			fields: lintFields(), base: hansei.DefaultLintRules}}
}

func lintFields() []field[hansei.LintRules] {
	rules := []string{hansei.RuleBlamePhrase, hansei.RuleBlamePerson, hansei.RuleImprecisePriority, hansei.RuleMissingSection,
		hansei.RuleWhyChain, hansei.RuleWhyEmpty, hansei.RuleWhyEndsAtPerson, hansei.RuleFactorWithoutRemediation,
		hansei.RuleRemediationNoOwner, hansei.RuleRemediationNoDue}
	ruleID := oneOf(rules, func(id string) string {
		return fmt.Sprintf("unknown lint rule %q; the rules are %s", id, strings.Join(rules, ", "))
	})
	phrases := func(at func(*hansei.LintRules) *[]hansei.LintPhrase, def func() []hansei.LintPhrase) value[hansei.LintRules] {
		return recordsValue[hansei.LintRules, hansei.LintPhrase]{at: at, fields: phraseFields(), noun: "phrase", def: def, adds: true}
	}
	return []field[hansei.LintRules]{
		{key: "disabled", doc: "Ids of the rules not to run (see [postmortems.md](postmortems.md)).",
			value: listValue[hansei.LintRules, string]{at: func(r *hansei.LintRules) *[]string { return &r.Disabled },
				kind: ruleID, plural: "rule ids"}},
		{key: "blame", def: "the built-in list",
			doc: "Phrases the blame-phrase rule reports, added to the built-in ones.",
			value: phrases(func(r *hansei.LintRules) *[]hansei.LintPhrase { return &r.Blame },
				func() []hansei.LintPhrase { return hansei.DefaultLintRules().Blame })},
		{key: "priority", def: "the built-in list",
			doc: "Phrases the imprecise-priority rule reports, added to the built-in ones; fields as in `lint.blame[]`.",
			value: phrases(func(r *hansei.LintRules) *[]hansei.LintPhrase { return &r.Priority },
				func() []hansei.LintPhrase { return hansei.DefaultLintRules().Priority })},
	}
}

func phraseFields() []field[hansei.LintPhrase] {
	str := func(at func(*hansei.LintPhrase) *string) value[hansei.LintPhrase] { return scalar(at, text(), "") }
	return []field[hansei.LintPhrase]{
		{key: "phrase", doc: "The words to find.", required: "every lint phrase needs a phrase",
			value: str(func(p *hansei.LintPhrase) *string { return &p.Phrase })},
		{key: "lang", doc: "The phrase's language, such as `en` or `ja`; informational.",
			value: str(func(p *hansei.LintPhrase) *string { return &p.Lang })},
		{key: "blocking", doc: "Whether the finding blocks publishing.",
			value: scalar(func(p *hansei.LintPhrase) *bool { return &p.Blocking }, boolean(), false)},
		{key: "message", doc: "Why the phrase is a problem.", required: "every lint phrase needs a message",
			value: str(func(p *hansei.LintPhrase) *string { return &p.Message })},
		{key: "suggestion", doc: "What to write instead.", required: "every lint phrase needs a suggestion",
			value: str(func(p *hansei.LintPhrase) *string { return &p.Suggestion })},
	}
}
