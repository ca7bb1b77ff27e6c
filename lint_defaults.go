package hansei

import (
	"strings"
)

// DefaultLintRules returns the built-in English and Japanese lists, with the
// level keys of DefaultScales.
//
// Blocking choices: words that assign fault or stop the analysis at a person
// block publishing ("human error", 人的ミス, ヒューマンエラー, "careless",
// 不注意, うっかり, "negligent", 怠った, "fault of", "at fault", "blame"), as
// does a person named as the subject of a failure. Words that are hindsight
// or minimising but often written in good faith, or that also describe
// systems ("failed to start"), only warn: "should have", "failed to",
// "forgot", "obviously", "just", すべきだった, 忘れた, 当然, 単に. Imprecise
// priority words only warn.
func DefaultLintRules() LintRules {
	const (
		hindsight  = "Hindsight: it judges a past decision by what is known now, not by what the people involved knew at the time."
		hindsightJ = "起きた後に分かったことで当時の判断を裁いている（後知恵バイアス）。"
		priorityEN = "Name a level of the priority scale instead, e.g. 'P1 (done within 5 working days)' or 'P0 (start now, done within 24 hours)'."
		priorityJA = "優先度の尺度のレベルで書く。例:「P1（5 営業日以内に完了）」「P0（直ちに着手し 24 時間以内に完了）」。"
		priorityM  = "'%s' means different things to different people, teams and languages; only a level of the scale has an agreed definition."
	)
	en := func(phrase string, blocking bool, message, suggestion string) LintPhrase {
		return LintPhrase{Phrase: phrase, Lang: "en", Blocking: blocking, Message: message, Suggestion: suggestion}
	}
	ja := func(phrase string, blocking bool, message, suggestion string) LintPhrase {
		return LintPhrase{Phrase: phrase, Lang: "ja", Blocking: blocking, Message: message, Suggestion: suggestion}
	}
	tag := func(id string, p LintPhrase) LintPhrase { p.Says = id; return p }
	prio := func(phrase, lang string, except ...string) LintPhrase {
		s := priorityEN
		if lang == "ja" {
			s = priorityJA
		}
		return LintPhrase{Phrase: phrase, Lang: lang, Message: strings.Replace(priorityM, "%s", phrase, 1),
			Suggestion: s, ExceptFollowedBy: except, Says: "priority"}
	}

	humanError := "'Human error' ends the analysis at a person and explains nothing: people act on the information, tools and time they have."
	humanErrorS := "Describe what the system allowed and what the person knew: 'the deploy tool accepted a config with zero replicas and showed no warning'."
	humanErrorJ := "仕組みが何を許し、担当者がどんな情報を持っていたかを書く:「デプロイツールはレプリカ数 0 の設定を警告なしに受け付けた」。"
	careless := "'Careless' judges a person's character instead of explaining the conditions that made the slip likely."
	carelessS := "Describe the conditions: 'the command ran against production because both terminals had the same prompt'."
	blame := "Assigning fault makes people hide what they know, and the next incident is harder to learn from."
	blameS := "Describe the sequence of events and the decisions with the information available at the time; name systems and steps, not culprits."
	shouldHave := []string{"a", "an", "the", "more", "fewer", "less", "some", "no", "its", "their", "our", "better", "clear", "alerts", "alerting", "tests", "monitoring"}

	return LintRules{
		Sections: []string{"summary", "impact", "detection", "response", "recovery", "went_well", "went_poorly", "lucky", "lessons"},
		Blame: []LintPhrase{
			tag("human_error", en("human error", true, humanError, humanErrorS)),
			tag("careless", en("careless", true, careless, carelessS)),
			tag("careless", en("carelessly", true, careless, carelessS)),
			tag("negligent", en("negligent", true, "'Negligent' is an accusation, not an explanation.", blameS)),
			tag("negligent", en("negligence", true, "'Negligence' is an accusation, not an explanation.", blameS)),
			tag("blame", LintPhrase{Phrase: "fault of", Lang: "en", Blocking: true, Message: blame, Suggestion: blameS,
				ExceptPrecededBy: []string{"a", "hardware", "disk", "power", "network"}}),
			tag("blame", en("at fault", true, blame, blameS)),
			tag("blame", en("blame", true, blame, blameS)),
			tag("blame", en("blamed", true, blame, blameS)),
			// "We should have an alert" proposes an improvement; "should have
			// checked" judges a past decision. Only the second is flagged.
			tag("hindsight", LintPhrase{Phrase: "should have", Lang: "en", Message: hindsight, ExceptFollowedBy: shouldHave,
				Suggestion: "Say what was done and what was known at the time, then what would make the safer choice easier: 'the lag was not checked; the runbook does not list the check'."}),
			tag("hindsight", LintPhrase{Phrase: "should've", Lang: "en", Message: hindsight, ExceptFollowedBy: shouldHave,
				Suggestion: "Say what was done and what was known at the time, then what would make the safer choice easier: 'the lag was not checked; the runbook does not list the check'."}),
			tag("failed_to", en("failed to", false, "'Failed to' frames an action as a personal failure and hides why it did not happen.",
				"Describe what the system did and what information the person had: 'the check was not run because the runbook did not list it'.")),
			tag("forgot", en("forgot", false, "'Forgot' puts the gap in a person's memory instead of in the process that relied on it.",
				"Describe the missing prompt or safeguard: 'the step is not in the checklist, so it was not done'.")),
			tag("forgot", en("forgotten", false, "'Forgotten' puts the gap in a person's memory instead of in the process that relied on it.",
				"Describe the missing prompt or safeguard: 'the step is not in the checklist, so it was not done'.")),
			tag("obviously", en("obviously", false, "What is obvious in hindsight was not obvious at the time; the word implies the people involved should have seen it.",
				"Remove it, or state the evidence: 'the dashboard showed a 40% error rate from 14:02'.")),
			// "just" as a minimiser ("just restart it"); the time and amount
			// senses ("just before", "just under 5 minutes") are precise.
			tag("just", LintPhrase{Phrase: "just", Lang: "en", Message: "'Just' makes a step sound trivial; it hides its cost and risk and implies that anyone who did not do it was careless.",
				Suggestion:       "Remove 'just', or state what the step involves and its risk: 'restart the primary (4 minutes, drops open connections)'.",
				ExceptFollowedBy: []string{"before", "after", "as", "now", "then", "under", "over", "below", "above", "in time", "in case", "like", "about", "when", "once", "prior"}}),
			tag("human_error", ja("人的ミス", true, humanError, humanErrorJ)),
			tag("human_error", ja("ヒューマンエラー", true, humanError, humanErrorJ)),
			tag("careless", ja("不注意", true, careless, "状況を書く:「両方の端末のプロンプトが同じだったため、本番環境でコマンドが実行された」。")),
			tag("careless", ja("うっかり", true, careless, "状況を書く:「手順書に確認の手順がなく、確認されないまま作業が進んだ」。")),
			tag("negligent", ja("怠った", true, "'怠った' (neglected) is an accusation of negligence, not an explanation.",
				"何が行われ、なぜ行われなかったかを書く:「手順書に記載がなかったため、遅延の確認は実行されなかった」。")),
			tag("hindsight", ja("すべきだった", false, hindsight, "当時何が行われ、何が分かっていたかを書き、安全な選択を容易にする改善を書く。"+hindsightJ)),
			tag("hindsight", ja("べきだった", false, hindsight, "当時何が行われ、何が分かっていたかを書き、安全な選択を容易にする改善を書く。"+hindsightJ)),
			tag("forgot", LintPhrase{Phrase: "忘れた", Lang: "ja", Message: "'忘れた' (forgot) puts the gap in a person's memory instead of in the process that relied on it.",
				Suggestion: "欠けていた仕組みを書く:「チェックリストにその手順がなかったため、実施されなかった」。", ExceptFollowedBy: []string{"場合"}}),
			tag("obviously", ja("当然", false, "'当然' (obviously): what is obvious in hindsight was not obvious at the time.",
				"削除するか、根拠を書く:「14:02 からダッシュボードのエラー率が 40% を示していた」。")),
			tag("just", LintPhrase{Phrase: "単に", Lang: "ja", Message: "'単に' (just) makes a step sound trivial and hides its cost and risk.",
				Suggestion: "削除するか、手順の内容とリスクを書く:「プライマリを再起動する（約 4 分、接続が切断される）」。", ExceptPrecededBy: []string{"簡"}}),
		},
		Priority: []LintPhrase{
			prio("ASAP", "en"),
			prio("as soon as possible", "en"),
			prio("urgent", "en"),
			prio("urgently", "en"),
			prio("high priority", "en"),
			prio("highest priority", "en"),
			prio("top priority", "en"),
			prio("critical", "en", "path", "paths", "section", "sections", "region", "regions", "mass"),
			prio("至急", "ja"),
			prio("緊急", "ja", "連絡", "時", "停止", "地震", "事態"),
			prio("早急に", "ja"),
			prio("できるだけ早く", "ja"),
			prio("最優先", "ja"),
		},
		LevelKeys: lintDefaultLevelKeys(),
		FailureVerbs: []string{
			"failed", "fails", "forgot", "forgets", "missed", "broke", "didn't", "did not", "neglected", "ignored",
			"caused", "messed up", "screwed up", "should have", "should've", "overlooked", "made a mistake",
			"made an error", "at fault", "to blame", "was careless", "was negligent", "dropped the ball", "blundered",
			"怠っ", "怠り", "忘れ", "見落とし", "見逃し", "間違え", "誤って", "ミスし", "ミスを", "失敗し", "壊し",
			"引き起こし", "無視し", "すべきだった", "べきだった",
		},
		BlameNouns: []string{
			"mistake", "mistakes", "fault", "oversight", "negligence", "carelessness", "blunder", "screw-up", "screwup",
			"ミス", "過失", "せい", "落ち度", "不注意", "怠慢",
		},
		PersonFillers: []string{"then", "also", "again", "had", "has", "have", "was", "still", "never", "just", "apparently", "simply", "himself", "herself", "themselves"},
		Honorifics:    []string{"さん", "様", "氏", "くん", "君", "ちゃん"},
		PersonWindow:  20,
	}
}

// lintDefaultLevelKeys returns the keys of the default severity and
// priority scales (SEV1…SEV4, P0…P3).
func lintDefaultLevelKeys() []string {
	s := DefaultScales()
	return append(s.Severity.Keys(), s.Priority.Keys()...)
}
