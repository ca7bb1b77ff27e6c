package hansei

// DefaultScales returns the built-in vocabulary: the severity scale SEV1…SEV4
// for incidents, the priority scale P0…P3 for remediation work, and a short
// glossary. Every level carries a one-sentence definition, measurable
// criteria, the expected response, who is paged, whether work continues out
// of hours, examples, and Japanese and German translations.
//
// Each call builds a new value, so callers may change what they get back.
// A config file can replace any of the three parts.
func DefaultScales() Scales {
	s := Scales{
		Severity: Scale{Kind: "severity", Levels: []Level{
			{
				Key:        "SEV1",
				Name:       "Critical",
				Definition: "A core function (such as sign-in, checkout or the public API) is unavailable for most customers, or customer data is being lost, corrupted or exposed.",
				Criteria: []string{
					"customer-facing error rate above 25%, or a core function unavailable, for 5 minutes or more",
					"any confirmed or suspected loss, corruption or exposure of customer data",
					"a security breach in progress",
				},
				Response:   "Page on-call now and name an incident commander within 15 minutes; everyone needed works on it, day or night, until it is mitigated; the status page is updated within 15 minutes and then at least every 30 minutes.",
				Pages:      "the on-call engineers of the affected services (primary and secondary), the incident commander on call, and the communications lead",
				OutOfHours: true,
				Examples: []string{
					"Checkout fails for every customer in the EU region.",
					"A database failover lost the writes of the last 20 minutes.",
					"Customer records can be read without signing in.",
				},
				Translations: map[string]Translation{
					"ja": {
						Name:       "致命的",
						Definition: "主要機能（ログイン、決済、公開 API など）が大半の顧客で利用できない、または顧客データの消失・破損・漏えいが起きている状態。",
					},
					"de": {
						Name:       "Kritisch",
						Definition: "Eine Kernfunktion (etwa Anmeldung, Bezahlvorgang oder die öffentliche API) ist für die meisten Kunden nicht verfügbar, oder Kundendaten gehen verloren, werden beschädigt oder offengelegt.",
					},
				},
			},
			{
				Key:        "SEV2",
				Name:       "Major",
				Definition: "A core function is badly degraded for many customers, or unavailable for some, and there is no practical workaround.",
				Criteria: []string{
					"customer-facing error rate above 5% for 5 minutes or more",
					"95th-percentile latency of a core function above three times its normal value for 15 minutes or more",
					"a core function unavailable in one region or for one large customer",
				},
				Response:   "Page on-call now; work continues out of hours until the impact is mitigated; the status page is updated within 30 minutes and then at least every hour.",
				Pages:      "the primary on-call engineer of the affected services and the incident commander on call",
				OutOfHours: true,
				Examples: []string{
					"One search request in ten times out.",
					"Payments with one card network fail.",
					"Single sign-on fails for customers of one identity provider.",
				},
				Translations: map[string]Translation{
					"ja": {
						Name:       "重大",
						Definition: "主要機能が多くの顧客で著しく劣化している、または一部の顧客で利用できず、実用的な回避策がない状態。",
					},
					"de": {
						Name:       "Schwerwiegend",
						Definition: "Eine Kernfunktion ist für viele Kunden stark beeinträchtigt oder für einige nicht verfügbar, und es gibt keine praktikable Umgehung.",
					},
				},
			},
			{
				Key:        "SEV3",
				Name:       "Minor",
				Definition: "A non-core function is degraded, or a core function is impaired for a few customers who have a workaround.",
				Criteria: []string{
					"customer-facing error rate between 1% and 5%, or above 5% for a non-core function",
					"fewer than 1% of customers affected, and a workaround exists",
					"redundancy lost without customer impact yet, such as one of two database replicas down",
				},
				Response:   "No page: the owning team is notified and works on it in working hours, starting the same working day; it becomes SEV2 if it worsens.",
				Pages:      "nobody; the owning team's channel is notified",
				OutOfHours: false,
				Examples: []string{
					"Exporting reports as CSV fails; the reports can still be viewed.",
					"Notification emails arrive up to an hour late.",
					"One of three availability zones is unhealthy and the others serve all traffic.",
				},
				Translations: map[string]Translation{
					"ja": {
						Name:       "軽度",
						Definition: "主要でない機能が劣化している、または主要機能が一部の顧客で不調だが回避策がある状態。",
					},
					"de": {
						Name:       "Leicht",
						Definition: "Eine Nebenfunktion ist beeinträchtigt, oder eine Kernfunktion ist für wenige Kunden gestört, denen eine Umgehung zur Verfügung steht.",
					},
				},
			},
			{
				Key:        "SEV4",
				Name:       "Low",
				Definition: "There is no measurable customer impact: a cosmetic or internal-only problem, or a near miss caught before it reached customers.",
				Criteria: []string{
					"no customer-facing impact measured",
					"an internal tool degraded, with a workaround",
					"a failure caught before it reached customers (a near miss)",
				},
				Response:   "No page: it is recorded and handled in working hours within the team's normal planning; a short postmortem records what was learned.",
				Pages:      "nobody",
				OutOfHours: false,
				Examples: []string{
					"A typo on the status page.",
					"A canary check rolled a deploy back before customer traffic reached it.",
					"The internal metrics dashboard takes 30 seconds to load.",
				},
				Translations: map[string]Translation{
					"ja": {
						Name:       "低",
						Definition: "顧客への測定可能な影響がない状態。見た目だけの問題や社内に限られた問題、または顧客に届く前に食い止めたニアミス。",
					},
					"de": {
						Name:       "Gering",
						Definition: "Keine messbaren Auswirkungen auf Kunden: ein rein optisches oder internes Problem oder ein Beinahe-Vorfall, der abgefangen wurde, bevor er Kunden erreichte.",
					},
				},
			},
		}},
		Priority: Scale{Kind: "priority", Levels: []Level{
			{
				Key:        "P0",
				Name:       "Immediate",
				Definition: "Start now and put all other work aside; done, or the risk otherwise removed, within 24 hours, out of hours if needed.",
				Criteria: []string{
					"without it the incident is likely to recur within days",
					"it closes an exploitable security hole or stops ongoing data loss",
					"the incident's mitigation is temporary and will stop working, such as a disk that fills up again within 48 hours",
				},
				Response:      "The accountable owner starts now, drops other work and continues out of hours until it is done or the risk is removed; progress is reviewed every day.",
				Pages:         "the accountable owner, and their team's on-call engineer if the owner cannot start within 1 hour",
				OutOfHours:    true,
				DueWithinDays: 1, // 24 hours
				Examples: []string{
					"Add disk space to the database host that will be full again in two days.",
					"Revoke the API key that was published in a public repository.",
				},
				Translations: map[string]Translation{
					"ja": {
						Name:       "即時",
						Definition: "直ちに着手し、他の作業はすべて後回しにする。必要なら業務時間外も作業し、24 時間以内に完了させる（または別の手段でリスクを取り除く）。",
					},
					"de": {
						Name:       "Sofort",
						Definition: "Sofort beginnen und alle andere Arbeit zurückstellen; innerhalb von 24 Stunden erledigt oder das Risiko anderweitig beseitigt, bei Bedarf auch außerhalb der Arbeitszeit.",
					},
				},
			},
			{
				Key:        "P1",
				Name:       "High",
				Definition: "Next in line after P0 work and ahead of planned project work; done within 5 working days.",
				Criteria: []string{
					"without it the incident is likely to recur within weeks",
					"it removes a cause, or adds a missing safeguard, of a SEV1 or SEV2 incident",
					"it fixes an alert or a runbook that failed during the incident",
				},
				Response:      "Planned into the current week ahead of project work and worked on in working hours; progress is checked at every follow-up review.",
				Pages:         "nobody; the accountable owner is notified",
				OutOfHours:    false,
				DueWithinDays: 7, // 5 working days
				Examples: []string{
					"Alert on the replication lag that went unnoticed for 40 minutes.",
					"Rate-limit the endpoint whose traffic overloaded the database.",
					"Correct the runbook step that named the wrong cluster.",
				},
				Translations: map[string]Translation{
					"ja": {
						Name:       "高",
						Definition: "P0 の次に優先し、計画済みのプロジェクト作業より先に行う。5 営業日以内に完了させる。",
					},
					"de": {
						Name:       "Hoch",
						Definition: "Direkt nach P0-Arbeit und vor geplanter Projektarbeit; innerhalb von 5 Arbeitstagen erledigt.",
					},
				},
			},
			{
				Key:        "P2",
				Name:       "Normal",
				Definition: "Scheduled into the team's normal planning; done within 20 working days (about one month).",
				Criteria: []string{
					"it shortens the detection or the impact of a similar incident, but no recurrence is expected soon",
					"it addresses a contributing factor of a SEV3 or SEV4 incident",
					"it takes more than a day of work or needs another team",
				},
				Response:      "Taken into the team's next planning cycle and worked on in working hours; progress is checked at follow-up reviews.",
				Pages:         "nobody; the accountable owner is notified",
				OutOfHours:    false,
				DueWithinDays: 28, // 20 working days
				Examples: []string{
					"Automate the manual failover step that took 20 minutes.",
					"Add a load test for the checkout path.",
					"Give each service its own database credentials.",
				},
				Translations: map[string]Translation{
					"ja": {
						Name:       "通常",
						Definition: "チームの通常の計画に組み込む。20 営業日（約 1 か月）以内に完了させる。",
					},
					"de": {
						Name:       "Normal",
						Definition: "Wird in die normale Planung des Teams aufgenommen; innerhalb von 20 Arbeitstagen (etwa einem Monat) erledigt.",
					},
				},
			},
			{
				Key:        "P3",
				Name:       "Backlog",
				Definition: "Worth doing but not committed: kept in the backlog without a deadline and reviewed every quarter, to be scheduled or closed as won't do.",
				Criteria: []string{
					"it would make a similar incident somewhat shorter or easier to handle",
					"no risk of recurrence is known",
					"its cost is high compared with the expected benefit",
				},
				Response:   "Placed in the backlog; at least every quarter it is raised to P2 or closed as won't do with a reason.",
				Pages:      "nobody",
				OutOfHours: false,
				Examples: []string{
					"Rewrite the deploy script in a language the team maintains.",
					"Make dashboard colours consistent across services.",
				},
				Translations: map[string]Translation{
					"ja": {
						Name:       "バックログ",
						Definition: "やる価値はあるが実施を約束しない。期限を設けずにバックログに置き、四半期ごとに見直して、計画に入れるか「対応しない」として閉じる。",
					},
					"de": {
						Name:       "Backlog",
						Definition: "Sinnvoll, aber nicht zugesagt: ohne Frist im Backlog, vierteljährlich geprüft und dann eingeplant oder als „wird nicht umgesetzt“ geschlossen.",
					},
				},
			},
		}},
		Glossary: []Term{
			{
				Term:       "incident commander",
				Definition: "The one person who coordinates the response: they assign roles, make decisions and acknowledge statements of intent, and delegate hands-on work instead of doing it.",
				Translations: map[string]Translation{
					"ja": {Name: "インシデントコマンダー", Definition: "対応全体を調整するただ一人の担当者。役割を割り当て、判断を下し、意図の表明に応答する。手を動かす作業は自分で行わず、他の人に任せる。"},
					"de": {Name: "Incident Commander (Einsatzleitung)", Definition: "Die eine Person, die den Einsatz koordiniert: Sie vergibt Rollen, trifft Entscheidungen und bestätigt Absichtserklärungen; praktische Arbeit delegiert sie, statt sie selbst zu erledigen."},
				},
			},
			{
				Term:       "mitigated",
				Definition: "Customer impact has stopped or fallen to an acceptable level, even though the underlying cause may not be fixed yet.",
				Translations: map[string]Translation{
					"ja": {Name: "緩和済み", Definition: "根本原因はまだ直っていなくても、顧客への影響が止まった、または許容できる程度まで下がった状態。"},
					"de": {Name: "Eingedämmt", Definition: "Die Auswirkungen auf Kunden sind beendet oder auf ein vertretbares Maß gesunken, auch wenn die eigentliche Ursache noch nicht behoben ist."},
				},
			},
			{
				Term:       "resolved",
				Definition: "The cause is fixed or safely worked around, monitoring shows normal behaviour, and responders may stand down; the postmortem follows.",
				Translations: map[string]Translation{
					"ja": {Name: "解決済み", Definition: "原因が修正されたか安全に回避され、監視で正常な動作が確認でき、レスポンダーが離脱してよい状態。この後にポストモーテムを行う。"},
					"de": {Name: "Behoben", Definition: "Die Ursache ist behoben oder sicher umgangen, die Überwachung zeigt normales Verhalten, und die Beteiligten dürfen sich abmelden; danach folgt das Postmortem."},
				},
			},
			{
				Term:       "statement of intent",
				Definition: "Saying, before acting, what you are about to do and why, then waiting for acknowledgement or objection; silence is not consent.",
				Translations: map[string]Translation{
					"ja": {Name: "意図の表明", Definition: "行動する前に、何をなぜ行うのかを宣言し、確認または異議を待つこと。沈黙は同意ではない。"},
					"de": {Name: "Absichtserklärung", Definition: "Vor dem Handeln ankündigen, was man vorhat und warum, und dann auf Bestätigung oder Einspruch warten; Schweigen ist keine Zustimmung."},
				},
			},
			{
				Term:       "stand down",
				Definition: "To leave the response after handing over any role you hold and stating your intent to leave.",
				Translations: map[string]Translation{
					"ja": {Name: "離脱", Definition: "担っている役割を引き継ぎ、離脱する意思を表明したうえで、インシデント対応から抜けること。"},
					"de": {Name: "Abmelden (vom Einsatz)", Definition: "Den Einsatz verlassen, nachdem man jede übernommene Rolle übergeben und die Absicht zu gehen erklärt hat."},
				},
			},
			{
				Term:       "accountable owner",
				Definition: "The one person tasked with making sure that a remediation is actually pursued and implemented; accountability here means follow-through, not fault.",
				Translations: map[string]Translation{
					"ja": {Name: "推進責任者", Definition: "改善策が実際に進められ、実施されるまで見届ける役目を負うただ一人の人。ここでの責任とは最後までやり遂げることであり、過失を意味しない。"},
					"de": {Name: "Umsetzungsverantwortliche Person", Definition: "Die eine Person, die dafür sorgt, dass eine Verbesserung tatsächlich verfolgt und umgesetzt wird; Verantwortung bedeutet hier Umsetzung, nicht Schuld."},
				},
			},
			{
				Term:       "postmortem",
				Definition: "A written, blameless analysis of why the system, technical and human, did not work as designed, and what will be improved.",
				Translations: map[string]Translation{
					"ja": {Name: "ポストモーテム", Definition: "技術と人からなるシステムが設計どおりに機能しなかった理由と改善点を、誰も責めずにまとめた文書による分析。"},
					"de": {Name: "Postmortem (Nachbetrachtung)", Definition: "Eine schriftliche Analyse ohne Schuldzuweisung, warum das System aus Technik und Menschen nicht wie vorgesehen funktioniert hat und was verbessert wird."},
				},
			},
		},
	}
	// Every field of every level in Japanese and German, beside the name
	// and definition above (scale_defaults_ja.go, scale_defaults_de.go).
	for lang, levels := range map[string]map[string]Translation{"ja": defaultLevelsJA(), "de": defaultLevelsDE()} {
		for _, sc := range []*Scale{&s.Severity, &s.Priority} {
			for i, l := range sc.Levels {
				t, more := l.Translations[lang], levels[l.Key]
				t.Criteria, t.Response, t.Pages, t.Examples = more.Criteria, more.Response, more.Pages, more.Examples
				sc.Levels[i].Translations[lang] = t
			}
		}
	}
	s.Roles = BuiltinRoles()
	return s
}
