package hansei

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

var lintPeople = []string{"bob", "Bob Smith", "alice", "佐藤"}

// lintSection lints text as the summary section with the default rules.
func lintSection(text string) []Finding {
	return Lint(LintDoc{Sections: map[string]string{"summary": text}, People: lintPeople}, DefaultLintRules())
}

// spans returns the texts of the findings of one rule.
func lintSpans(fs []Finding, rule string) []string {
	var out []string
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f.Text)
		}
	}
	return out
}

func lintDescribe(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\n  " + f.Rule + " " + f.Section + " [" + strconv.Itoa(f.Start) + "," + strconv.Itoa(f.End) + ") " + "\"" + f.Text + "\"")
	}
	return b.String()
}

// TestLintTextRules holds, for every text rule, examples that must fire
// (with the exact spans) and near-misses that must not.
func TestLintTextRules(t *testing.T) {
	tests := []struct {
		rule, text string
		want       []string // spans of rule; nil = must not fire
		blocking   bool     // checked when want is not nil
	}{
		// blame-phrase: English.
		{RuleBlamePhrase, "The outage was caused by human error.", []string{"human error"}, true},
		{RuleBlamePhrase, "It was Human  Error.", []string{"Human  Error"}, true},
		{RuleBlamePhrase, "It was human-error.", []string{"human-error"}, true},
		{RuleBlamePhrase, "The engineer was careless.", []string{"careless"}, true},
		{RuleBlamePhrase, "The script was run carelessly.", []string{"carelessly"}, true},
		{RuleBlamePhrase, "The carelessness of it.", nil, false},
		{RuleBlamePhrase, "It was negligent.", []string{"negligent"}, true},
		{RuleBlamePhrase, "It was the fault of the release manager.", []string{"fault of"}, true},
		{RuleBlamePhrase, "A fault of the disk controller corrupted the page.", nil, false},
		{RuleBlamePhrase, "Someone is at fault here.", []string{"at fault"}, true},
		{RuleBlamePhrase, "Don't blame the deploy.", []string{"blame"}, true},
		{RuleBlamePhrase, "This is a blameless postmortem.", nil, false},
		{RuleBlamePhrase, "We ran a no-blame review.", nil, false},
		{RuleBlamePhrase, "He should have been more careful.", []string{"should have"}, false},
		{RuleBlamePhrase, "The change should've been reviewed.", []string{"should've"}, false},
		{RuleBlamePhrase, "The change should’ve been reviewed.", []string{"should’ve"}, false},
		// A proposal, not hindsight: "should have" + a noun phrase is not flagged.
		{RuleBlamePhrase, "We should have an alert for this.", nil, false},
		{RuleBlamePhrase, "The runbook should have a rollback step.", nil, false},
		{RuleBlamePhrase, "The engineer failed to check the lag.", []string{"failed to"}, false},
		{RuleBlamePhrase, "The check failed at 14:03.", nil, false},
		{RuleBlamePhrase, "Someone forgot the step.", []string{"forgot"}, false},
		{RuleBlamePhrase, "The step was forgotten.", []string{"forgotten"}, false},
		{RuleBlamePhrase, "Obviously the config was wrong.", []string{"Obviously"}, false},
		{RuleBlamePhrase, "Just restart the primary.", []string{"Just"}, false},
		{RuleBlamePhrase, "You just need to rerun it.", []string{"just"}, false},
		{RuleBlamePhrase, "We adjusted the pool size.", nil, false},
		{RuleBlamePhrase, "The cache uses just-in-time warming.", nil, false},
		{RuleBlamePhrase, "The alert fired just before the deploy.", nil, false},
		{RuleBlamePhrase, "It lasted just under 41 minutes.", nil, false},
		{RuleBlamePhrase, "The fix arrived just in time.", nil, false},
		{RuleBlamePhrase, "Justin reviewed the change.", nil, false},
		{RuleBlamePhrase, "We adjust, justify and readjust.", nil, false},
		// blame-phrase: Japanese.
		{RuleBlamePhrase, "人的ミスにより障害が発生した。", []string{"人的ミス"}, true},
		{RuleBlamePhrase, "原因はヒューマンエラーである。", []string{"ヒューマンエラー"}, true},
		{RuleBlamePhrase, "担当者が確認を怠った。", []string{"怠った"}, true},
		{RuleBlamePhrase, "不注意による設定ミス。", []string{"不注意"}, true},
		{RuleBlamePhrase, "うっかり本番で実行した。", []string{"うっかり"}, true},
		{RuleBlamePhrase, "デプロイ前に確認すべきだった。", []string{"すべきだった"}, false}, // not also べきだった
		{RuleBlamePhrase, "確認するべきだった。", []string{"べきだった"}, false},
		{RuleBlamePhrase, "手順を忘れた。", []string{"忘れた"}, false},
		{RuleBlamePhrase, "パスワードを忘れた場合の手順。", nil, false},
		{RuleBlamePhrase, "当然、設定を確認する。", []string{"当然"}, false},
		{RuleBlamePhrase, "単に再起動すればよい。", []string{"単に"}, false},
		{RuleBlamePhrase, "障害は簡単に再現できた。", nil, false},

		// blame-person.
		{RuleBlamePerson, "Bob failed to check the replica lag.", []string{"Bob failed"}, true},
		{RuleBlamePerson, "BOB FAILED to check.", []string{"BOB FAILED"}, true},
		{RuleBlamePerson, "Then bob didn't check the dashboard.", []string{"bob didn't"}, true},
		{RuleBlamePerson, "Alice did not page the database team.", []string{"Alice did not"}, true},
		{RuleBlamePerson, "Alice then missed the second alert.", []string{"Alice then missed"}, true},
		{RuleBlamePerson, "Alice accidentally ignored the page.", []string{"Alice accidentally ignored"}, true},
		{RuleBlamePerson, "Bob Smith, the on-call engineer, ignored the page.", []string{"Bob Smith, the on-call engineer, ignored"}, true},
		{RuleBlamePerson, "Alice was at fault.", []string{"Alice was at fault"}, true},
		{RuleBlamePerson, "Bob is to blame.", nil, false}, // only fillers may stand between: "is" is not one
		{RuleBlamePerson, "Bob Smith broke the build.", []string{"Bob Smith broke"}, true},
		{RuleBlamePerson, "Bob should have checked.", []string{"Bob should have"}, true},
		{RuleBlamePerson, "Bob messed up the config.", []string{"Bob messed up"}, true},
		{RuleBlamePerson, "It was Bob's mistake.", []string{"Bob's mistake"}, true},
		{RuleBlamePerson, "It was Bob’s honest mistake.", []string{"Bob’s honest mistake"}, true},
		{RuleBlamePerson, "The outage was alice's fault.", []string{"alice's fault"}, true},
		{RuleBlamePerson, "Bobby failed to check the lag.", nil, false},
		{RuleBlamePerson, "The check failed at 14:03.", nil, false},
		{RuleBlamePerson, "Bob noticed that the check failed.", nil, false},
		{RuleBlamePerson, "Bob restarted the primary.", nil, false},
		{RuleBlamePerson, "Bob's change was reviewed.", nil, false},
		{RuleBlamePerson, "Bob. The check failed.", nil, false},
		{RuleBlamePerson, "The team failed over to the replica, as alice proposed.", nil, false},
		{RuleBlamePerson, "佐藤さんが確認を怠った。", []string{"佐藤さんが確認を怠った"}, true},
		{RuleBlamePerson, "佐藤が手順を見落とした。", []string{"佐藤が手順を見落とした"}, true},
		{RuleBlamePerson, "佐藤のミスで障害が起きた。", []string{"佐藤のミス"}, true},
		{RuleBlamePerson, "Bobが設定を間違えた。", []string{"Bobが設定を間違えた"}, true},
		{RuleBlamePerson, "佐藤さんがロールバックを実施した。", nil, false},
		{RuleBlamePerson, "佐藤さんの手順書に従った。", nil, false},
		{RuleBlamePerson, "佐藤さんが宣言した。手順を忘れた場合もある。", nil, false},

		// imprecise-priority.
		{RuleImprecisePriority, "Fix this ASAP.", []string{"ASAP"}, false},
		{RuleImprecisePriority, "Fix this asap.", []string{"asap"}, false},
		{RuleImprecisePriority, "We will fix it as soon as possible.", []string{"as soon as possible"}, false},
		{RuleImprecisePriority, "This is urgent.", []string{"urgent"}, false},
		{RuleImprecisePriority, "Do it urgently.", []string{"urgently"}, false},
		{RuleImprecisePriority, "The ticket is high priority.", []string{"high priority"}, false},
		{RuleImprecisePriority, "A high-priority ticket.", []string{"high-priority"}, false},
		{RuleImprecisePriority, "Alerting is top priority.", []string{"top priority"}, false},
		{RuleImprecisePriority, "The lag alert is critical.", []string{"critical"}, false},
		{RuleImprecisePriority, "The migration is on the critical path.", nil, false},
		{RuleImprecisePriority, "The lock guards a critical section.", nil, false},
		{RuleImprecisePriority, "The non-critical jobs were paused.", nil, false},
		{RuleImprecisePriority, "This was a critical incident under SEV1.", nil, false},
		{RuleImprecisePriority, "The urgent fix shipped as p0.", nil, false},
		{RuleImprecisePriority, "It is SEV1. The fix is urgent.", []string{"urgent"}, false},
		{RuleImprecisePriority, "至急対応してください。", []string{"至急"}, false},
		{RuleImprecisePriority, "緊急で修正が必要だ。", []string{"緊急"}, false},
		{RuleImprecisePriority, "早急に対応する。", []string{"早急に"}, false},
		{RuleImprecisePriority, "できるだけ早く修正する。", []string{"できるだけ早く"}, false},
		{RuleImprecisePriority, "この修正は最優先で行う。", []string{"最優先"}, false},
		{RuleImprecisePriority, "緊急連絡先の一覧が古かった。", nil, false},
		{RuleImprecisePriority, "緊急度は P0 とした。", nil, false},
		{RuleImprecisePriority, "優先度P1（5 営業日以内）で至急対応する。", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.text, func(t *testing.T) {
			fs := lintSection(tt.text)
			got := lintSpans(fs, tt.rule)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("%s spans = %q, want %q; all findings:%s", tt.rule, got, tt.want, lintDescribe(fs))
			}
			for _, f := range fs {
				if f.Rule != tt.rule {
					continue
				}
				if f.Blocking != tt.blocking {
					t.Errorf("%q blocking = %v, want %v", f.Text, f.Blocking, tt.blocking)
				}
				if f.Message == "" || f.Suggestion == "" {
					t.Errorf("%q has no message or suggestion: %+v", f.Text, f)
				}
				if f.Section != "summary" {
					t.Errorf("section = %q", f.Section)
				}
				if got := string([]rune(tt.text)[f.Start:f.End]); got != f.Text {
					t.Errorf("runes[%d:%d] = %q, text %q", f.Start, f.End, got, f.Text)
				}
			}
		})
	}
}

// TestLintOffsets checks exact rune offsets, with Japanese text before the span.
func TestLintOffsets(t *testing.T) {
	tests := []struct {
		text, rule string
		start, end int
	}{
		{"Bob failed to check the replica lag.", RuleBlamePerson, 0, 10},
		{"Bob failed to check the replica lag.", RuleBlamePhrase, 4, 13},
		{"障害の原因: Bob failed to check.", RuleBlamePerson, 7, 17},
		{"障害の原因: Bob failed to check.", RuleBlamePhrase, 11, 20},
		{"障害の原因は人的ミスである。", RuleBlamePhrase, 6, 10},
		{"障害の原因は human error である。", RuleBlamePhrase, 7, 18},
		{"ログ確認後、佐藤さんが確認を怠った。", RuleBlamePerson, 6, 17},
		{"ログ確認後、ASAP で直す。", RuleImprecisePriority, 6, 10},
		{"😀 🚀 just restart it", RuleBlamePhrase, 4, 8},
	}
	for _, tt := range tests {
		var got []Finding
		for _, f := range lintSection(tt.text) {
			if f.Rule == tt.rule {
				got = append(got, f)
			}
		}
		if len(got) != 1 || got[0].Start != tt.start || got[0].End != tt.end {
			t.Errorf("%q: %s findings %s, want one at [%d,%d)", tt.text, tt.rule, lintDescribe(got), tt.start, tt.end)
		}
	}
}

// TestLintSeed is the example: every kind of blame in it is found
// and the finding that names a person blocks.
func TestLintSeed(t *testing.T) {
	text := "Bob failed to check the replica lag before the failover. Human error; he should have been more careful."
	fs := lintSection(text)
	want := []string{"blame-person Bob failed", "blame-phrase failed to", "blame-phrase Human error", "blame-phrase should have"}
	var got []string
	for _, f := range fs {
		got = append(got, f.Rule+" "+f.Text)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("findings:%s\nwant %q", lintDescribe(fs), want)
	}
	if !fs[0].Blocking || !strings.Contains(fs[0].Suggestion, "not the person") {
		t.Errorf("blame-person finding = %+v", fs[0])
	}
}

func TestLintMissingSection(t *testing.T) {
	doc := LintDoc{
		Sections: map[string]string{"summary": "Checkout failed for 41 minutes.", "impact": "  \n\t", "lessons": "x"},
		Required: []string{"summary", "impact", "detection", "summary"},
	}
	fs := Lint(doc, DefaultLintRules())
	var got []string
	for _, f := range fs {
		if f.Rule == RuleMissingSection {
			got = append(got, f.Section)
			if !f.Blocking || f.Start != 0 || f.End != 0 || f.Message == "" || f.Suggestion == "" {
				t.Errorf("finding = %+v", f)
			}
		}
	}
	if want := []string{"impact", "detection"}; !reflect.DeepEqual(got, want) {
		t.Errorf("missing sections = %q, want %q (in section order)", got, want)
	}
	if fs := Lint(LintDoc{Sections: map[string]string{"summary": "ok"}, Required: []string{"summary"}}, DefaultLintRules()); len(fs) != 0 {
		t.Errorf("present section: findings%s", lintDescribe(fs))
	}
	// "whys" and "remediations" are required as structure.
	fs = Lint(LintDoc{Required: []string{"whys", "remediations"}}, DefaultLintRules())
	if got := lintRuleSections(fs); !reflect.DeepEqual(got, []string{"why-empty whys", "missing-section remediations"}) {
		t.Errorf("structure: %q", got)
	}
	fs = Lint(LintDoc{Required: []string{"whys", "remediations"},
		Whys:         []LintWhy{{ID: 1, Question: "Why?", Answer: "The alert threshold was 50%."}},
		Remediations: []LintRemediation{{ID: 1, Title: "Lower the threshold", Owner: "alice", Due: "2025-07-01"}}}, DefaultLintRules())
	if len(fs) != 0 {
		t.Errorf("structure present: findings%s", lintDescribe(fs))
	}
}

func lintRuleSections(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule+" "+f.Section)
	}
	return out
}

func lintRuleNodes(fs []Finding, rule string) []int64 {
	var out []int64
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f.Node)
		}
	}
	return out
}

func TestLintWhyChain(t *testing.T) {
	why := func(id, parent int64) LintWhy {
		return LintWhy{ID: id, Parent: parent, Question: "Why?", Answer: "Because the system allowed it."}
	}
	tests := []struct {
		name string
		whys []LintWhy
		want bool
	}{
		{"chain of three", []LintWhy{why(1, 0), why(2, 1), why(3, 2)}, true},
		{"chain of five, out of order", []LintWhy{why(5, 4), why(1, 0), why(3, 2), why(2, 1), why(4, 3)}, true},
		{"two nodes", []LintWhy{why(1, 0), why(2, 1)}, false},
		{"branching", []LintWhy{why(1, 0), why(2, 1), why(3, 1)}, false},
		{"branching lower down", []LintWhy{why(1, 0), why(2, 1), why(3, 2), why(4, 2)}, false},
		{"two roots", []LintWhy{why(1, 0), why(2, 1), why(3, 0)}, false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		fs := Lint(LintDoc{Whys: tt.whys}, DefaultLintRules())
		got := len(lintRuleNodes(fs, RuleWhyChain)) == 1
		if got != tt.want {
			t.Errorf("%s: why-chain fired = %v, want %v:%s", tt.name, got, tt.want, lintDescribe(fs))
		}
		for _, f := range fs {
			if f.Rule == RuleWhyChain && (f.Blocking || f.Section != "whys" || f.Suggestion == "") {
				t.Errorf("%s: finding = %+v", tt.name, f)
			}
		}
	}
}

func TestLintWhyEndsAtPerson(t *testing.T) {
	tests := []struct {
		answer string
		want   bool
	}{
		{"Bob did not check the lag.", true},
		{"Because alice ran the script.", true},
		{"Human error.", true},
		{"人的ミス。", true},
		{"佐藤さんが確認を怠った。", true},
		{"The operator was careless.", true},
		{"The runbook does not list the lag check.", false},
		{"Bobby's team owns the pipeline, which has no lag check.", false},
		{"The failover script promotes a replica without checking its lag.", false},
		{"", false},
	}
	for _, tt := range tests {
		doc := LintDoc{People: lintPeople, Whys: []LintWhy{
			{ID: 1, Question: "Why did checkout fail?", Answer: "The primary was replaced by a lagging replica."},
			{ID: 2, Parent: 1, Question: "Why was a lagging replica promoted?", Answer: tt.answer},
		}}
		fs := Lint(doc, DefaultLintRules())
		got := lintRuleNodes(fs, RuleWhyEndsAtPerson)
		if tt.want && !reflect.DeepEqual(got, []int64{2}) || !tt.want && len(got) != 0 {
			t.Errorf("%q: why-ends-at-person on nodes %v, want fired=%v", tt.answer, got, tt.want)
		}
	}
	// A person named in an inner node is fine when the branch goes on to the system.
	doc := LintDoc{People: lintPeople, Whys: []LintWhy{
		{ID: 1, Question: "Why was a lagging replica promoted?", Answer: "Bob ran the failover without checking the lag."},
		{ID: 2, Parent: 1, Question: "Why was the lag not checked?", Answer: "The runbook does not list the check."},
	}}
	if got := lintRuleNodes(Lint(doc, DefaultLintRules()), RuleWhyEndsAtPerson); len(got) != 0 {
		t.Errorf("inner node: fired on %v", got)
	}
}

func TestLintFactorWithoutRemediation(t *testing.T) {
	doc := LintDoc{Whys: []LintWhy{
		{ID: 1, Question: "Why?", Answer: "No lag alert.", Factor: "detection", Remediations: []int64{7}},
		{ID: 2, Parent: 1, Question: "Why?", Answer: "No pre-failover check.", Factor: "tooling"},
		{ID: 3, Parent: 1, Question: "Why?", Answer: "The runbook was out of date."},
	}}
	fs := Lint(doc, DefaultLintRules())
	if got := lintRuleNodes(fs, RuleFactorWithoutRemediation); !reflect.DeepEqual(got, []int64{2}) {
		t.Fatalf("factor-without-remediation on %v, want [2]:%s", got, lintDescribe(fs))
	}
	for _, f := range fs {
		if f.Rule == RuleFactorWithoutRemediation && (!f.Blocking || f.Text != "No pre-failover check." || !strings.Contains(f.Message, "tooling")) {
			t.Errorf("finding = %+v", f)
		}
	}
}

func TestLintRemediations(t *testing.T) {
	doc := LintDoc{Remediations: []LintRemediation{
		{ID: 1, Title: "Add a lag alert", Owner: "alice", Due: "2025-07-01"},
		{ID: 2, Title: "Add a pre-failover check", Due: "2025-07-01"},
		{ID: 3, Title: "Update the runbook", Owner: "bob"},
		{ID: 4, Title: "Rotate the keys", Owner: " ", Due: "next week"},
	}}
	fs := Lint(doc, DefaultLintRules())
	var got []string
	for _, f := range fs {
		got = append(got, f.Rule+" "+strconv.Itoa(int(f.Remediation))+" "+f.Text)
		if !f.Blocking || f.Section != "remediations" || f.Suggestion == "" {
			t.Errorf("finding = %+v", f)
		}
	}
	want := []string{
		"remediation-no-owner 2 Add a pre-failover check",
		"remediation-no-due 3 Update the runbook",
		"remediation-no-due 4 Rotate the keys",
		"remediation-no-owner 4 Rotate the keys",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings = %q\nwant %q", got, want)
	}
}

func TestLintDisabledAndCustomRules(t *testing.T) {
	text := "Bob failed to fix it ASAP; obviously human error."
	r := DefaultLintRules()
	r.Disabled = []string{RuleBlamePhrase, RuleImprecisePriority}
	fs := Lint(LintDoc{Sections: map[string]string{"summary": text}, People: lintPeople}, r)
	if got := lintRuleSections(fs); !reflect.DeepEqual(got, []string{"blame-person summary"}) {
		t.Errorf("with blame-phrase and imprecise-priority disabled: %q", got)
	}

	// Word lists are configurable: another language, another scale.
	r = DefaultLintRules()
	r.Blame = append(r.Blame, LintPhrase{Phrase: "menschliches Versagen", Lang: "de", Blocking: true, Message: "m", Suggestion: "s"})
	r.Priority = append(r.Priority, LintPhrase{Phrase: "dringend", Lang: "de", Message: "m", Suggestion: "s"})
	fs = lintWith(r, "Ursache war menschliches Versagen. Das ist dringend.")
	if got := lintSpans(fs, RuleBlamePhrase); !reflect.DeepEqual(got, []string{"menschliches Versagen"}) {
		t.Errorf("custom blame phrase: %q", got)
	}
	if got := lintSpans(fs, RuleImprecisePriority); !reflect.DeepEqual(got, []string{"dringend"}) {
		t.Errorf("custom priority phrase: %q", got)
	}
	s := DefaultScales()
	s.Priority.Levels[0].Key = "PRIO-A"
	r = DefaultLintRules().WithScales(s)
	if fs := lintWith(r, "Urgent, as PRIO-A."); len(fs) != 0 {
		t.Errorf("configured level key not recognised:%s", lintDescribe(fs))
	}
	if fs := lintWith(r, "Urgent, as P0."); len(lintSpans(fs, RuleImprecisePriority)) != 1 {
		t.Errorf("P0 is no longer a level key, want a finding:%s", lintDescribe(fs))
	}
	// Empty rules find only structural problems.
	if fs := Lint(LintDoc{Sections: map[string]string{"summary": "Bob failed, human error, ASAP."}, People: lintPeople}, LintRules{}); len(fs) != 0 {
		t.Errorf("empty rules:%s", lintDescribe(fs))
	}
}

func lintWith(r LintRules, text string) []Finding {
	return Lint(LintDoc{Sections: map[string]string{"summary": text}, People: lintPeople}, r)
}

func TestLintSorted(t *testing.T) {
	doc := LintDoc{
		Sections: map[string]string{
			"lessons":  "Fix it ASAP.",
			"zeta":     "urgent",
			"alpha":    "urgent",
			"summary":  "It is urgent. Human error.",
			"response": "Obviously.",
		},
		Required:     []string{"impact"},
		People:       lintPeople,
		Whys:         []LintWhy{{ID: 1, Answer: "Human error.", Factor: "x"}},
		Remediations: []LintRemediation{{ID: 1, Title: "t", Owner: "bob"}},
	}
	var got []string
	for _, f := range Lint(doc, DefaultLintRules()) {
		got = append(got, f.Section+" "+strconv.Itoa(f.Start)+" "+f.Rule)
	}
	want := []string{
		"summary 6 imprecise-priority",
		"summary 14 blame-phrase",
		"impact 0 missing-section",
		"response 0 blame-phrase",
		"lessons 7 imprecise-priority",
		"alpha 0 imprecise-priority",
		"zeta 0 imprecise-priority",
		"whys 0 factor-without-remediation",
		"whys 0 why-ends-at-person",
		"remediations 0 remediation-no-due",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order:\n%q\nwant\n%q", got, want)
	}
}

func TestFindingJSON(t *testing.T) {
	b, err := json.Marshal(Finding{Rule: "r", Section: "s", Start: 1, End: 2, Text: "t", Message: "m", Suggestion: "g", Blocking: true})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"blocking", "end", "message", "rule", "section", "start", "suggestion", "text"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys = %q, want %q", keys, want)
	}
}

func TestDefaultLintRules(t *testing.T) {
	r := DefaultLintRules()
	langs := map[string]bool{}
	for _, p := range append(append([]LintPhrase{}, r.Blame...), r.Priority...) {
		langs[p.Lang] = true
		if strings.TrimSpace(p.Phrase) == "" || p.Message == "" || p.Suggestion == "" {
			t.Errorf("incomplete phrase %+v", p)
		}
	}
	if !langs["en"] || !langs["ja"] {
		t.Errorf("languages = %v, want en and ja", langs)
	}
	if want := []string{"SEV1", "SEV2", "SEV3", "SEV4", "P0", "P1", "P2", "P3"}; !reflect.DeepEqual(r.LevelKeys, want) {
		t.Errorf("level keys = %q", r.LevelKeys)
	}
	// The rules round-trip through JSON, as a config file would carry them.
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back LintRules
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Error("rules do not round-trip through JSON")
	}
}

// corpus reads one sentence per line, skipping blanks and # comments.
func lintCorpus(t testing.TB, name string) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/lint/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// TestLintGoodCorpus: well-written sentences, English and Japanese, near
// misses included, produce no finding at all, one by one and together.
func TestLintGoodCorpus(t *testing.T) {
	lines := lintCorpus(t, "good.txt")
	if len(lines) < 40 {
		t.Fatalf("good corpus has %d sentences, want at least 40", len(lines))
	}
	ja := 0
	for _, l := range lines {
		if !lintASCII([]rune(l)) {
			ja++
		}
		if fs := lintSection(l); len(fs) != 0 {
			t.Errorf("%q:%s", l, lintDescribe(fs))
		}
	}
	if ja < 10 {
		t.Errorf("good corpus has %d Japanese sentences, want at least 10", ja)
	}
	if fs := lintSection(strings.Join(lines, "\n")); len(fs) != 0 {
		t.Errorf("whole corpus:%s", lintDescribe(fs))
	}
}

// TestLintBadCorpus: every sentence produces at least one finding.
func TestLintBadCorpus(t *testing.T) {
	lines := lintCorpus(t, "bad.txt")
	for _, l := range lines {
		fs := lintSection(l)
		if len(fs) == 0 {
			t.Errorf("no finding for %q", l)
		}
		t.Logf("%s:%s", l, lintDescribe(fs))
	}
}

// BenchmarkLint20000Words lints a 20,000-word postmortem made of the good
// and bad corpora, spread over the sections (goal: < 100 ms per lint).
func BenchmarkLint20000Words(b *testing.B) {
	good, bad := lintCorpus(b, "good.txt"), lintCorpus(b, "bad.txt")
	r := DefaultLintRules()
	keys := r.Sections
	var parts = make([]strings.Builder, len(keys))
	words := 0
	for i := 0; words < 20000; i++ {
		l := good[i%len(good)]
		if i%4 == 3 {
			l = bad[i%len(bad)]
		}
		words += len(strings.Fields(l))
		if !lintASCII([]rune(l)) {
			words += len([]rune(l)) / 3 // Japanese: about one word per three characters
		}
		sb := &parts[i%len(keys)]
		sb.WriteString(l)
		sb.WriteString(" ")
	}
	doc := LintDoc{Sections: map[string]string{}, Required: keys, People: lintPeople}
	for i, k := range keys {
		doc.Sections[k] = parts[i].String()
	}
	for i := int64(1); i <= 50; i++ {
		doc.Whys = append(doc.Whys, LintWhy{ID: i, Parent: i / 2, Question: "Why?", Answer: good[int(i)%len(good)], Factor: "tooling", Remediations: []int64{i}})
		doc.Remediations = append(doc.Remediations, LintRemediation{ID: i, Title: "Fix", Owner: "bob", Due: "2025-07-01"})
	}
	var (
		n       int
		samples []time.Duration
	)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		n = len(Lint(doc, r))
		samples = append(samples, time.Since(start))
	}
	slices.Sort(samples)
	at := func(p int) float64 { return float64(samples[(len(samples)-1)*p/100]) / 1e6 }
	b.ReportMetric(float64(n), "findings")
	b.ReportMetric(at(50), "p50-ms")
	b.ReportMetric(at(99), "p99-ms")
	b.ReportMetric(float64(words), "words")
}

// TestLintAdversarialInputs: repetitive texts that would make a naive
// matcher quadratic still lint quickly.
func TestLintAdversarialInputs(t *testing.T) {
	inputs := map[string]string{
		"priority words in one sentence": strings.Repeat("urgent ", 50000),
		"names without verbs":            strings.Repeat("bob ", 50000),
		"names and commas":               strings.Repeat("bob, ", 50000),
		"Japanese subjects":              strings.Repeat("佐藤が", 50000),
		"nested phrases":                 strings.Repeat("すべきだった", 30000),
		"blame everywhere":               strings.Repeat("Bob failed to fix it ASAP; human error. ", 5000),
		"one long word":                  "bob " + strings.Repeat("x", 200000),
	}
	for name, text := range inputs {
		start := time.Now()
		lintSection(text)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: %v", name, d)
		}
	}
}
