package config

import (
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// TestRules is the validation rule of each setting: what a mistake in the
// file is reported as, with its line and field. Every case is the whole
// report, so a mistake is reported once.
func TestRules(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"log level", "log_level: chatty\n",
			`1: log_level: "chatty" is not a log level; use debug, info, warn or error`},
		{"web UI address", "url: hansei.example.com\n",
			`1: url: "hansei.example.com" is not the web UI's address; give an http(s) URL such as https://hansei.example.com`},
		{"web UI address with a query", "url: https://hansei.example.com/?a=b\n",
			`1: url: "https://hansei.example.com/?a=b" is not the web UI's address; give an http(s) URL such as https://hansei.example.com`},
		{"intent window too long", "intent_window: 25h\n",
			`1: intent_window: expected a duration from 1s to 24h, such as 5m or 90s, not "25h"`},
		{"intent window of the wrong type", "intent_window: [5m]\n",
			`1: intent_window: expected a duration from 1s to 24h, such as 5m or 90s, found a list`},
		{"unknown lint rule, on its own line", "lint:\n  disabled:\n    - why-chain\n    - nope\n",
			`4: lint.disabled[1]: unknown lint rule "nope"; the rules are blame-phrase, blame-person, imprecise-priority, ` +
				`missing-section, why-chain, why-empty, why-ends-at-person, factor-without-remediation, remediation-no-owner, remediation-no-due`},
		{"lint phrase without anything", "lint:\n  priority:\n    - blocking: true\n",
			"3: lint.priority[0].phrase: every lint phrase needs a phrase\n" +
				"3: lint.priority[0].message: every lint phrase needs a message\n" +
				"3: lint.priority[0].suggestion: every lint phrase needs a suggestion"},
		{"lint of the wrong type", "lint: [why-chain]\n",
			"1: lint: expected a mapping with disabled, blame and priority, found a list"},
		{"smtp without a server", "notify:\n  smtp:\n    from: hansei@example.com\n",
			"2: notify.smtp.addr: addr must be host:port of the mail server, such as smtp.example.com:587"},
		{"smtp with a bad server", "notify:\n  smtp:\n    addr: smtp.example.com\n    from: hansei@example.com\n",
			"3: notify.smtp.addr: addr must be host:port of the mail server, such as smtp.example.com:587"},
		{"smtp password in the clear", "notify:\n  smtp:\n    addr: smtp.example.com:25\n    from: h@example.com\n    username: h\n",
			"2: notify.smtp.starttls: sending a password needs starttls: true"},
		{"smtp of the wrong type", "notify:\n  smtp: smtp.example.com:587\n",
			`2: notify.smtp: expected a mapping with addr, from, username, password and starttls, found text "smtp.example.com:587"`},
		{"webhook without a secret", "notify:\n  webhooks:\n    - url: https://x.example.com\n",
			"3: notify.webhooks[0].secret: every webhook needs a secret, so receivers can verify what hansei sends"},
		{"webhook to a bad URL", "notify:\n  webhooks:\n    - url: ftp://x\n      secret: s\n",
			`3: notify.webhooks[0].url: "ftp://x" is not an http(s) URL`},
		{"slack URL, on its own line", "notify:\n  slack:\n    - https://hooks.slack.com/a\n    - hooks.slack.com/b\n",
			`4: notify.slack[1]: "hooks.slack.com/b" is not an http(s) URL`},
		{"reminder days out of range", "notify:\n  reminders:\n    before_days: 400\n",
			`3: notify.reminders.before_days: expected a number of days from 0 to 365, not "400"`},
		{"reminders of the wrong type", "notify:\n  reminders: 3\n",
			"2: notify.reminders: expected a mapping with before_days, escalate_after_days, escalate_to and digest, found the number 3"},
		{"digest not a boolean", "notify:\n  reminders:\n    digest: daily\n",
			`3: notify.reminders.digest: expected true or false, found text "daily"`},
		{"unknown time zone", "reviews:\n  time_zone: Mars/Olympus\n",
			`2: reviews.time_zone: unknown time zone "Mars/Olympus"; use an IANA name such as Europe/Berlin or Asia/Tokyo`},
		{"unknown day, on its own line", "reviews:\n  working_days:\n    - mon\n    - funday\n",
			`4: reviews.working_days[1]: unknown day "funday"; use mon, tue, wed, thu, fri, sat or sun`},
		{"no working day", "reviews:\n  working_days: []\n",
			"2: reviews.working_days: name at least one working day"},
		{"status name too long", "status:\n  name: " + strings.Repeat("x", 101) + "\n",
			`2: status.name: the page's name must be 1 to 100 characters, such as "Example status"`},
		{"status limit of the wrong type", "status:\n  max_connections: [1]\n",
			"2: status.max_connections: expected a whole number from 0 (no limit) to 1000000, found a list"},
		{"glossary term twice, ignoring case", "glossary:\n  - {term: Freeze, definition: a}\n  - {term: FREEZE, definition: b}\n",
			`3: glossary[1].term: term "FREEZE" is already defined by glossary[0]; keep one`},
		{"misspelt glossary terms are not duplicates", "glossary:\n  - {trem: a, definition: a}\n  - {trem: b, definition: b}\n",
			"2: glossary[0]: field \"trem\" is not known; known fields: term, definition, translations (did you mean \"term\"?)\n" +
				"3: glossary[1]: field \"trem\" is not known; known fields: term, definition, translations (did you mean \"term\"?)"},
		{"problems across sections, all at once, by line",
			"status:\n  language: fr\naddr: localhost\nreviews:\n  stale_days: -1\nlog_level: loud\n",
			"2: status.language: unknown language \"fr\"; the status page speaks en, ja or de\n" +
				"3: addr: \"localhost\" is not a listen address; use host:port, such as 127.0.0.1:8080 or :8080\n" +
				"5: reviews.stale_days: expected a number of days from 0 to 365, not \"-1\"\n" +
				"6: log_level: \"loud\" is not a log level; use debug, info, warn or error"},
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
}

// TestAccepted is what valid settings become.
func TestAccepted(t *testing.T) {
	c, err := Parse("h.yaml", []byte(`url: https://hansei.example.com/
log_level: DEBUG
notify:
  smtp: {addr: "smtp.example.com:587", from: h@example.com, username: h, password: p, starttls: true}
  webhooks: [{url: "https://x.example.com/h", secret: s}]
  slack: ["https://hooks.slack.com/a"]
  reminders: {before_days: 5, escalate_after_days: 0, escalate_to: alice, digest: true}
reviews:
  time_zone: Asia/Tokyo
  working_days: [Mon, tue, mon, sat]
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.URL != "https://hansei.example.com" || c.LogLevel != slog.LevelDebug {
		t.Errorf("url %q, log level %v", c.URL, c.LogLevel)
	}
	wantNotify := Notify{
		SMTP:      &SMTP{Addr: "smtp.example.com:587", From: "h@example.com", Username: "h", Password: "p", StartTLS: true},
		Webhooks:  []Webhook{{URL: "https://x.example.com/h", Secret: "s"}},
		Slack:     []string{"https://hooks.slack.com/a"},
		Reminders: hansei.ReminderPolicy{BeforeDays: 5, EscalateAfterDays: 0, EscalateTo: "alice", Digest: true},
		Language:  "en",
	}
	if !reflect.DeepEqual(c.Notify, wantNotify) {
		t.Errorf("notify = %+v (smtp %+v)", c.Notify, c.Notify.SMTP)
	}
	if c.Reviews.Location.String() != "Asia/Tokyo" ||
		!reflect.DeepEqual(c.Reviews.WorkingDays, []time.Weekday{time.Monday, time.Tuesday, time.Saturday}) || c.Reviews.StaleDays != 7 {
		t.Errorf("reviews = %+v", c.Reviews)
	}
	// A section the file leaves empty keeps its defaults.
	c, err = Parse("h.yaml", []byte("notify:\nreviews: {}\nstatus:\n"))
	if err != nil || !reflect.DeepEqual(c, Default()) {
		t.Errorf("empty sections: %v\n%+v", err, c)
	}
}

// TestDefaultsAreTheDomains: where the domain owns a policy, the
// configuration's defaults are the domain's.
func TestDefaultsAreTheDomains(t *testing.T) {
	c := Default()
	if !reflect.DeepEqual(c.Reviews, hansei.DefaultReviewPolicy()) {
		t.Errorf("reviews %+v, want %+v", c.Reviews, hansei.DefaultReviewPolicy())
	}
	if c.Notify.Reminders != hansei.DefaultReminderPolicy() || c.Notify.SMTP != nil || c.Notify.Webhooks != nil || c.Notify.Slack != nil {
		t.Errorf("notify %+v", c.Notify)
	}
	if !reflect.DeepEqual(c.Lint, hansei.DefaultLintRules()) {
		t.Error("lint rules differ from hansei.DefaultLintRules()")
	}
	if c.IntentWindow != hansei.DefaultIntentWindow || c.LogLevel != slog.LevelInfo || c.URL != "" {
		t.Errorf("intent window %v, log level %v, url %q", c.IntentWindow, c.LogLevel, c.URL)
	}
}
