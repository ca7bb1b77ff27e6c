package hansei

import (
	"testing"
	"time"
)

// TestEveryUseCaseChecksWhatIsWritten: the red team's inputs, and their
// like, against every use case that keeps text or a date. Each must be
// refused by the shared checks (Line, Lines, CheckTime, ParseDate,
// CheckNotPast) with an error naming the field, whichever way in it came.
func TestEveryUseCaseChecksWhatIsWritten(t *testing.T) {
	const (
		nul       = "Checkout\x00failing"
		zeroWidth = "\u200b\u200c\u200d"
		bidi      = "\u202e\u2066\u200f"
		newline   = "Checkout\nfailing"
		bell      = "ding\x07"
	)
	year1 := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	year9999 := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	inc, _ := declared(t)
	crew := intentPair(t)
	crew, _ = decideWith(t, crew, envAs("alice"), StateIntent{ID: 1, Text: "restart the pool", Kind: IntentAction})
	publisher := envAs("alice")
	decideErr := func(inc Incident, env Env, cmd Command) func() error {
		return func() error { _, err := Decide(inc, env, cmd); return err }
	}
	declare := func(d Declare) func() error {
		if d.Severity == "" {
			d.Severity = "SEV2"
		}
		return decideErr(Incident{Number: 8}, envAs("alice"), d)
	}
	rem := rmtNew(t)
	remEnv := rmtEnv("alice")
	remEnv.Location = time.FixedZone("JST", 9*3600)
	remIn := func(edit func(*RemediationInput)) func() error {
		in := rmtInput()
		edit(&in)
		return func() error { _, err := NewRemediation(7, in, rmtEnv("alice")); return err }
	}
	pm := pmtDraft(t)
	pmErr := func(cmd PostmortemCommand) func() error {
		return func() error { _, _, err := DecidePostmortem(pm, pmtEnv("alice"), cmd); return err }
	}
	policy := DefaultReviewPolicy()
	comp := Component{Key: "checkout", Name: "Checkout"}
	window := Maintenance{Title: "Database upgrade", StartsAt: rmtNow.Add(time.Hour), EndsAt: rmtNow.Add(2 * time.Hour)}

	for _, tc := range []struct {
		name, field string
		try         func() error
	}{
		// Incidents.
		{"title of zero-width characters", "title", declare(Declare{Title: zeroWidth})},
		{"title of direction controls", "title", declare(Declare{Title: bidi})},
		{"title with NUL", "title", declare(Declare{Title: nul})},
		{"title with a line break", "title", declare(Declare{Title: newline})},
		{"summary with a bell", "summary", declare(Declare{Title: "x", Summary: bell})},
		{"service of zero-width characters", "services[1]", declare(Declare{Title: "x", Services: []string{"api", zeroWidth}})},
		{"started in year 1", "started_at", declare(Declare{Title: "x", StartedAt: &year1})},
		{"detected in year 1", "detected_at", declare(Declare{Title: "x", DetectedAt: &year1})},
		{"detected in 9999", "detected_at", declare(Declare{Title: "x", DetectedAt: &year9999})},
		{"detected before started", "detected_at", declare(Declare{Title: "x", StartedAt: ptr(t0.Add(-time.Hour)), DetectedAt: ptr(t0.Add(-2 * time.Hour))})},
		{"severity reason with NUL", "reason", decideErr(inc, envAs("alice"), ChangeSeverity{Severity: "SEV1", Reason: nul})},
		{"status message with a bell", "message", decideErr(inc, envAs("alice"), ChangeStatus{Status: StatusIdentified, Message: bell})},
		{"note of zero-width characters", "text", decideErr(inc, envAs("alice"), AddNote{Text: zeroWidth})},
		{"note with NUL", "text", decideErr(inc, envAs("alice"), AddNote{Text: nul})},
		{"public update of direction controls", "text", decideErr(inc, publisher, PublishUpdate{Text: bidi})},
		{"public title with a line break", "title", decideErr(inc, publisher, PublishUpdate{Text: "Investigating", Title: newline})},
		// Intents.
		{"intent text with NUL", "text", decideErr(intentPair(t), envAs("alice"), StateIntent{ID: 1, Text: nul, Kind: IntentAction})},
		{"objection with a line break", "reason", decideErr(crew, envAs("bob"), ObjectIntent{ID: 1, Reason: newline})},
		// Postmortems, their whys, the override and the amendment.
		{"section with NUL", "impact", pmErr(EditPostmortem{Patch: PostmortemPatch{Sections: map[string]string{"impact": nul}}})},
		{"section of zero-width characters", "lessons", pmErr(EditPostmortem{Patch: PostmortemPatch{Sections: map[string]string{"lessons": zeroWidth}}})},
		{"why question with a line break", "question", pmErr(AddWhy{Why: WhyInput{Question: newline, Answer: "a"}})},
		{"why answer of direction controls", "answer", pmErr(AddWhy{Why: WhyInput{Question: "q", Answer: bidi}})},
		{"amendment reason of zero-width characters", "reason", func() error {
			published := pm
			published.Status = PostmortemPublished
			_, err := published.Amend(zeroWidth, pmtEnv("alice"))
			return err
		}},
		// Remediations.
		{"remediation title of zero-width characters", "title", remIn(func(in *RemediationInput) { in.Title = rmtStr(zeroWidth) })},
		{"remediation description with NUL", "description", remIn(func(in *RemediationInput) { in.Description = rmtStr(nul) })},
		{"due in year 1", "due", remIn(func(in *RemediationInput) { in.Due = rmtStr("0001-01-01") })},
		{"due in 9999", "due", remIn(func(in *RemediationInput) { in.Due = rmtStr("9999-12-31") })},
		{"link with a line break", "link", remIn(func(in *RemediationInput) { in.Link = rmtStr("https://tracker.example/\nA-1") })},
		{"progress note with NUL", "note", func() error { _, err := rem.Change(RemediationInput{}, nul, rmtEnv("alice")); return err }},
		// Follow-up reviews.
		{"reschedule into the past", "due", func() error {
			_, err := rem.Review("2026-11-25", OutcomeReschedule, "", "2020-01-01", remEnv)
			return err
		}},
		{"reschedule to yesterday in the organisation's zone", "due", func() error {
			_, err := rem.Review("2026-11-25", OutcomeReschedule, "", "2026-11-24", remEnv)
			return err
		}},
		{"reschedule to 9999", "due", func() error {
			_, err := rem.Review("2026-11-25", OutcomeReschedule, "", "9999-12-31", remEnv)
			return err
		}},
		{"review note with NUL", "note", func() error { _, err := rem.Review("2026-11-25", OutcomeOnTrack, nul, "", remEnv); return err }},
		{"review date in 9999", "date", func() error { _, err := policy.ReviewDate("9999-01-01", rmtNow); return err }},
		// The status page.
		{"component name of zero-width characters", "name", func() error {
			c := comp
			c.Name = zeroWidth
			_, err := CleanComponent(c)
			return err
		}},
		{"component description with a bell", "description", func() error {
			c := comp
			c.Description = bell
			_, err := CleanComponent(c)
			return err
		}},
		{"maintenance title of direction controls", "title", func() error {
			m := window
			m.Title = bidi
			_, err := CleanMaintenance(m)
			return err
		}},
		{"maintenance text with NUL", "text", func() error {
			m := window
			m.Text = nul
			_, err := CleanMaintenance(m)
			return err
		}},
		{"maintenance from year 1", "starts_at", func() error {
			m := window
			m.StartsAt = year1
			m.StartsAt = m.StartsAt.Add(time.Second) // not the zero value: a real year-1 time
			_, err := CleanMaintenance(m)
			return err
		}},
		{"maintenance until 9999", "ends_at", func() error {
			m := window
			m.EndsAt = year9999
			_, err := CleanMaintenance(m)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.try()
			if ErrorCode(err) != EINVALID || ErrorFields(err)[tc.field] == "" {
				t.Fatalf("%v (fields %v); want invalid naming %q", err, ErrorFields(err), tc.field)
			}
		})
	}

	// What is right still passes, cleaned.
	r, err := rem.Review("2026-11-25", OutcomeReschedule, "after the freeze\r\n", "2026-11-26", remEnv)
	if err != nil || r.Due != "2026-11-26" {
		t.Fatalf("reschedule to tomorrow in Tokyo: %+v %v", r, err)
	}
	_, evs := decide(t, Incident{Number: 9}, Declare{Title: "  Checkout failing ", Summary: "first\r\nsecond", Severity: "SEV2",
		StartedAt: ptr(t0.Add(-time.Hour))})
	if d := payload[DeclaredData](t, evs[0]); d.Title != "Checkout failing" || d.Summary != "first\nsecond" {
		t.Fatalf("declared %+v", d)
	}
}
