package hansei

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// ---------------------------------------------------------------------------
// Postmortem fixtures
// ---------------------------------------------------------------------------

// pmtTitle has a '|' so that the Markdown tests see it escaped.
const pmtTitle = "Checkout fails | payments time out"

// pmtResolved returns INC-7 built by deciding real commands, resolved, and
// its timeline:
//
//	seq  1-3  t0-0  alice declares (SEV2, started t0-30m, detected t0-10m), commander alice
//	seq  4    t0+1m bob joins
//	seq  5    t0+2m dave joins
//	seq  6    t0+3m severity SEV2 → SEV1
//	seq  7    t0+4m commander handed over from alice to bob
//	seq  8-9  t0+5m alice states intent 1 (action), bob acknowledges at t0+6m
//	seq 10    t0+7m note by alice
//	seq 11    t0+20m monitoring
//	seq 12-14 t0+21m dave states a stand-down, bob acknowledges at t0+22m, dave stands down
//	seq 15-16 t0+23m alice states intent 3 and withdraws it at t0+24m
//	seq 17    t0+40m resolved
//	seq 18    t0+41m note by bob
func pmtResolved(t *testing.T) (Incident, []Event) {
	t.Helper()
	var all []Event
	inc := Incident{Number: 7}
	step := func(actor string, minutes int, cmd Command) {
		t.Helper()
		var evs []Event
		inc, evs = decideWith(t, inc, envAt(actor, t0.Add(time.Duration(minutes)*time.Minute)), cmd)
		all = append(all, evs...)
	}
	step("alice", 0, Declare{Title: pmtTitle, Summary: "Payments time out for about 20% of checkouts.", Severity: "SEV2",
		StartedAt: ptr(t0.Add(-30 * time.Minute)), DetectedAt: ptr(t0.Add(-10 * time.Minute))})
	step("bob", 1, Join{})
	step("dave", 2, Join{})
	step("alice", 3, ChangeSeverity{Severity: "SEV1", Reason: "more regions are affected"})
	step("alice", 4, AssignRole{Role: RoleCommander, User: "bob"})
	step("alice", 5, StateIntent{ID: 1, Text: "roll back checkout to v41", Kind: IntentAction})
	step("bob", 6, AcknowledgeIntent{ID: 1})
	step("alice", 7, AddNote{Text: "Rolled back to v41; the error rate is falling."})
	step("alice", 20, ChangeStatus{Status: StatusMonitoring})
	step("dave", 21, StateIntent{ID: 2, Text: "standing down, bob has it", Kind: IntentStandDown})
	step("bob", 22, AcknowledgeIntent{ID: 2})
	step("alice", 23, StateIntent{ID: 3, Text: "scale out checkout", Kind: IntentAction})
	step("alice", 24, WithdrawIntent{ID: 3})
	step("alice", 40, ChangeStatus{Status: StatusResolved})
	step("bob", 41, AddNote{Text: "Error rate at baseline for 15 minutes."})
	if inc.Status != StatusResolved || inc.LastSeq != 18 || len(all) != 18 {
		t.Fatalf("fixture: INC-7 is %s at seq %d with %d events; want resolved at 18", inc.Status, inc.LastSeq, len(all))
	}
	return inc, all
}

// pmtNow is when postmortem changes happen in these tests.
var pmtNow = t0.Add(2 * time.Hour)

// pmtEnv is the PostmortemEnv of actor at pmtNow on INC-7 (18 events).
func pmtEnv(actor string) PostmortemEnv {
	u, ok := incUsers[actor]
	if !ok {
		panic("pmtEnv: unknown test user " + actor)
	}
	return PostmortemEnv{Now: pmtNow, Actor: u, LastSeq: 18, Users: incLookupUser}
}

// pmtDraft is alice's draft of the postmortem of pmtResolved's INC-7.
func pmtDraft(t *testing.T) Postmortem {
	t.Helper()
	inc, evs := pmtResolved(t)
	pm, err := NewDraft(inc, evs, "alice", t0.Add(time.Hour))
	if err != nil {
		t.Fatalf("NewDraft: %v", err)
	}
	return pm
}

// pmtErr checks that err is a domain error with code and returns it.
func pmtErr(t *testing.T, err error, code string) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want %s", code)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is a %T, want *Error", err, err)
	}
	if e.Code != code {
		t.Fatalf("error code %q (%v), want %q", e.Code, err, code)
	}
	return e
}

// pmtField checks for an EINVALID error that names field.
func pmtField(t *testing.T, err error, field string) *Error {
	t.Helper()
	e := pmtErr(t, err, EINVALID)
	if e.Fields[field] == "" {
		t.Errorf("Fields = %v, want an entry for %q", e.Fields, field)
	}
	return e
}

// pmtOK returns a function that fails the test unless its change was
// accepted: pmtOK(t)(pm.Patch(...)).
func pmtOK(t *testing.T) func(Postmortem, error) Postmortem {
	return func(pm Postmortem, err error) Postmortem {
		t.Helper()
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return pm
	}
}

func pmtSections(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// pmtAddWhy adds a node as alice and returns the postmortem and its id.
func pmtAddWhy(t *testing.T, pm Postmortem, parent int64, q, a string) (Postmortem, int64) {
	t.Helper()
	out, n, err := pm.AddWhy(WhyInput{Parent: parent, Question: q, Answer: a}, pmtEnv("alice"))
	if err != nil {
		t.Fatalf("AddWhy(%d, %q): %v", parent, q, err)
	}
	return out, n.ID
}

func pmtWhyIDs(pm Postmortem) []int64 {
	ids := make([]int64, len(pm.Whys))
	for i, n := range pm.Whys {
		ids[i] = n.ID
	}
	return ids
}

func pmtEntries(es []RecordEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = fmt.Sprintf("%d %s %s %s: %s", e.Seq, e.At.Sub(t0), e.Actor, e.Kind, e.Text)
	}
	return out
}

// ---------------------------------------------------------------------------
// NewDraft
// ---------------------------------------------------------------------------

func TestNewDraftRefusesUnresolvedIncidents(t *testing.T) {
	declaredInc := func(t *testing.T) (Incident, []Event) {
		inc, evs := declared(t)
		return inc, evs
	}
	moved := func(to ...Status) func(t *testing.T) (Incident, []Event) {
		return func(t *testing.T) (Incident, []Event) {
			inc, evs := declared(t)
			for _, s := range to {
				var more []Event
				inc, more = decide(t, inc, ChangeStatus{Status: s})
				evs = append(evs, more...)
			}
			return inc, evs
		}
	}
	closed := func(t *testing.T) (Incident, []Event) {
		inc, evs := moved(StatusResolved)(t)
		inc, more := decide(t, inc, CloseIncident{Revision: 1})
		return inc, append(evs, more...)
	}
	reopened := moved(StatusResolved, StatusInvestigating)
	for _, tc := range []struct {
		name  string
		build func(t *testing.T) (Incident, []Event)
		want  Status
	}{
		{"investigating", declaredInc, StatusInvestigating},
		{"identified", moved(StatusIdentified), StatusIdentified},
		{"monitoring", moved(StatusMonitoring), StatusMonitoring},
		{"reopened", reopened, StatusInvestigating},
		{"closed", closed, StatusClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inc, evs := tc.build(t)
			if inc.Status != tc.want {
				t.Fatalf("fixture is %s, want %s", inc.Status, tc.want)
			}
			pm, err := NewDraft(inc, evs, "alice", t0)
			e := pmtErr(t, err, ECONFLICT)
			wantMessage(t, e, "INC-7", "is "+string(tc.want), "hansei incident status 7 resolved")
			if !reflect.DeepEqual(pm, Postmortem{}) {
				t.Errorf("refused NewDraft returned a postmortem: %+v", pm)
			}
		})
	}
	// Resolving directly from the declaration is enough.
	inc, evs := moved(StatusResolved)(t)
	if _, err := NewDraft(inc, evs, "alice", t0); err != nil {
		t.Fatalf("resolved incident refused: %v", err)
	}
}

func TestNewDraftPrefill(t *testing.T) {
	inc, evs := pmtResolved(t)
	created := t0.Add(time.Hour)
	pm, err := NewDraft(inc, evs, "dave", created)
	if err != nil {
		t.Fatal(err)
	}
	if pm.Incident != 7 || pm.Title != pmtTitle || pm.Severity != "SEV1" {
		t.Errorf("incident/title/severity = %d %q %q", pm.Incident, pm.Title, pm.Severity)
	}
	if pm.Status != PostmortemDraft || pm.Version != 1 || pm.Revision != 0 || pm.NextWhyID != 1 {
		t.Errorf("status %s version %d revision %d next why %d; want draft 1 0 1", pm.Status, pm.Version, pm.Revision, pm.NextWhyID)
	}
	if !slices.Equal(pm.Authors, []string{"dave"}) {
		t.Errorf("authors = %v, want [dave]", pm.Authors)
	}
	if !pm.CreatedAt.Equal(created) || !pm.UpdatedAt.Equal(created) || pm.PublishedAt != nil {
		t.Errorf("created %v updated %v published %v", pm.CreatedAt, pm.UpdatedAt, pm.PublishedAt)
	}
	// Every section is there; only the summary is prefilled.
	if len(pm.Sections) != len(SectionKeys()) {
		t.Errorf("%d sections, want %d: %v", len(pm.Sections), len(SectionKeys()), pm.Sections)
	}
	for _, k := range SectionKeys() {
		v, ok := pm.Sections[k]
		switch {
		case !ok:
			t.Errorf("section %q missing", k)
		case k == "summary" && v != "Payments time out for about 20% of checkouts.":
			t.Errorf("summary = %q, want the incident's", v)
		case k != "summary" && v != "":
			t.Errorf("section %q = %q, want empty", k, v)
		}
	}
	// Empty collections, not nil: they are JSON arrays.
	if pm.Highlights == nil || pm.Reviewers == nil || pm.Whys == nil || len(pm.Highlights)+len(pm.Reviewers)+len(pm.Whys) != 0 {
		t.Errorf("highlights %v reviewers %v whys %v; want empty, non-nil", pm.Highlights, pm.Reviewers, pm.Whys)
	}
}

func TestNewDraftRecord(t *testing.T) {
	inc, evs := pmtResolved(t)
	pm, err := NewDraft(inc, evs, "alice", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	r := pm.Record
	at := func(m int) *time.Time { return ptr(t0.Add(time.Duration(m) * time.Minute)) }

	t.Run("key times", func(t *testing.T) {
		want := []KeyTime{
			{"started", at(-30)}, {"detected", at(-10)}, {"declared", at(0)},
			{"acknowledged", at(0)}, {"mitigated", at(20)}, {"resolved", at(40)},
		}
		if len(r.KeyTimes) != len(want) {
			t.Fatalf("key times = %+v, want %d", r.KeyTimes, len(want))
		}
		for i, w := range want {
			if r.KeyTimes[i].Name != w.Name {
				t.Errorf("key time %d is %q, want %q", i, r.KeyTimes[i].Name, w.Name)
			}
			wantTime(t, w.Name, r.KeyTimes[i].At, w.At)
		}
	})

	t.Run("durations", func(t *testing.T) {
		want := []Duration{
			{"started", "detected", 1200}, {"detected", "declared", 600}, {"declared", "acknowledged", 0},
			{"acknowledged", "mitigated", 1200}, {"mitigated", "resolved", 1200}, {"started", "resolved", 4200},
		}
		if !reflect.DeepEqual(r.Durations, want) {
			t.Errorf("durations =\n%+v\nwant\n%+v", r.Durations, want)
		}
	})

	for _, tc := range []struct {
		name string
		got  []RecordEntry
		want []string
	}{
		{"severity changes", r.Severity, []string{"6 3m0s alice severity: SEV2 → SEV1: more regions are affected"}},
		{"roles and handovers", r.Roles, []string{
			"3 0s alice role: commander: alice",
			"7 4m0s alice role: commander handed over from alice to bob",
		}},
		{"intents with outcome", r.Intents, []string{
			`8 5m0s alice intent: action (alice): "roll back checkout to v41", acknowledged by bob`,
			`12 21m0s dave intent: stand-down (dave): "standing down, bob has it", acknowledged by bob`,
			`15 23m0s alice intent: action (alice): "scale out checkout", withdrawn`,
		}},
		{"notes as candidate highlights", r.Candidates, []string{
			"10 7m0s alice note: Rolled back to v41; the error rate is falling.",
			"18 41m0s bob note: Error rate at baseline for 15 minutes.",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := pmtEntries(tc.got); !slices.Equal(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// A record is drawn from what the events say, not from the order in which
// the draft reads them: a reopened and again resolved incident keeps its
// last resolution and the whole time from start.
func TestNewDraftRecordReopened(t *testing.T) {
	inc, evs := declared(t)
	step := func(m int, cmd Command) {
		var more []Event
		inc, more = decideWith(t, inc, envAt("alice", t0.Add(time.Duration(m)*time.Minute)), cmd)
		evs = append(evs, more...)
	}
	step(10, ChangeStatus{Status: StatusResolved})
	step(15, ChangeStatus{Status: StatusInvestigating})
	step(30, ChangeStatus{Status: StatusResolved})
	pm, err := NewDraft(inc, evs, "alice", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	kt := pm.Record.KeyTimes
	wantTime(t, "mitigated", kt[4].At, ptr(t0.Add(10*time.Minute)))
	wantTime(t, "resolved", kt[5].At, ptr(t0.Add(30*time.Minute)))
	last := pm.Record.Durations[len(pm.Record.Durations)-1]
	if last != (Duration{"started", "resolved", 1800}) {
		t.Errorf("last duration = %+v, want started→resolved 1800 s", last)
	}
	if len(pm.Record.Severity)+len(pm.Record.Intents)+len(pm.Record.Candidates) != 0 {
		t.Errorf("record has entries it was not given: %+v", pm.Record)
	}
}

// ---------------------------------------------------------------------------
// Patch
// ---------------------------------------------------------------------------

func TestPatchRefuses(t *testing.T) {
	base := pmtDraft(t)
	edited := pmtOK(t)(base.Patch(PostmortemPatch{Sections: pmtSections("impact", "x")}, pmtEnv("bob")))
	published := base
	published.Status = PostmortemPublished
	for _, tc := range []struct {
		name  string
		pm    Postmortem
		patch PostmortemPatch
		actor string
		code  string
		field string
		parts []string
	}{
		{"unknown section", base, PostmortemPatch{Sections: pmtSections("summary", "ok", "root_cause", "x")}, "alice",
			EINVALID, "root_cause", []string{`"root_cause"`, "summary, impact"}},
		{"section too long", base, PostmortemPatch{Sections: pmtSections("impact", strings.Repeat("é", MaxText*5+1))}, "alice",
			EINVALID, "impact", []string{"the limit is 100000"}},
		{"stale version", edited, PostmortemPatch{Version: ptr(int64(1)), Sections: pmtSections("impact", "y")}, "alice",
			ECONFLICT, "", []string{"since version 1", "version 2 now"}},
		{"future version", base, PostmortemPatch{Version: ptr(int64(2))}, "alice", ECONFLICT, "", []string{"version 1 now"}},
		{"highlight 0", base, PostmortemPatch{Highlights: &[]int64{3, 0}}, "alice", EINVALID, "highlights", []string{"event 0", "1 to 18"}},
		{"highlight negative", base, PostmortemPatch{Highlights: &[]int64{-4}}, "alice", EINVALID, "highlights", []string{"event -4"}},
		{"highlight after last seq", base, PostmortemPatch{Highlights: &[]int64{18, 19}}, "alice", EINVALID, "highlights", []string{"event 19", "1 to 18"}},
		{"unknown reviewer", base, PostmortemPatch{Reviewers: &[]string{"bob", "zed"}}, "alice", EINVALID, "reviewers", []string{`"zed"`}},
		{"viewer", base, PostmortemPatch{Sections: pmtSections("impact", "x")}, "victor", EFORBIDDEN, "", []string{"viewer"}},
		{"published", published, PostmortemPatch{Sections: pmtSections("impact", "x")}, "alice", ECONFLICT, "", []string{"published", "amend"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := fmt.Sprintf("%+v", tc.pm)
			_, err := tc.pm.Patch(tc.patch, pmtEnv(tc.actor))
			e := pmtErr(t, err, tc.code)
			if tc.field != "" && e.Fields[tc.field] == "" {
				t.Errorf("Fields = %v, want an entry for %q", e.Fields, tc.field)
			}
			wantMessage(t, e, tc.parts...)
			if after := fmt.Sprintf("%+v", tc.pm); after != before {
				t.Errorf("a refused patch changed the postmortem:\n%s\n%s", before, after)
			}
		})
	}
}

func TestPatchStaleVersionNamesTheCurrentOne(t *testing.T) {
	pm := pmtDraft(t)
	for i := 0; i < 3; i++ {
		pm = pmtOK(t)(pm.Patch(PostmortemPatch{Sections: pmtSections("impact", fmt.Sprint("edit ", i))}, pmtEnv("bob")))
	}
	_, err := pm.Patch(PostmortemPatch{Version: ptr(int64(2)), Sections: pmtSections("impact", "lost")}, pmtEnv("alice"))
	e := pmtErr(t, err, ECONFLICT)
	if e.Fields["version"] != "4" {
		t.Errorf(`Fields["version"] = %q, want "4" (fields %v)`, e.Fields["version"], e.Fields)
	}
	// With the current version the edit goes through.
	out := pmtOK(t)(pm.Patch(PostmortemPatch{Version: ptr(int64(4)), Sections: pmtSections("impact", "kept")}, pmtEnv("alice")))
	if out.Version != 5 || out.Sections["impact"] != "kept" {
		t.Errorf("version %d impact %q", out.Version, out.Sections["impact"])
	}
}

func TestPatchHighlights(t *testing.T) {
	base := pmtDraft(t)
	for _, tc := range []struct {
		in, want []int64
	}{
		{[]int64{10}, []int64{10}},
		{[]int64{18, 1}, []int64{1, 18}},
		{[]int64{10, 3, 10, 18, 3}, []int64{3, 10, 18}},
		{[]int64{}, []int64{}},
	} {
		t.Run(fmt.Sprint(tc.in), func(t *testing.T) {
			in := slices.Clone(tc.in)
			pm := pmtOK(t)(base.Patch(PostmortemPatch{Highlights: &in}, pmtEnv("alice")))
			if !slices.Equal(pm.Highlights, tc.want) || pm.Highlights == nil {
				t.Errorf("highlights = %v, want %v", pm.Highlights, tc.want)
			}
			if !slices.Equal(in, tc.in) {
				t.Errorf("Patch changed the caller's slice: %v, was %v", in, tc.in)
			}
		})
	}
	// Without Highlights they stay.
	pm := pmtOK(t)(base.Patch(PostmortemPatch{Highlights: &[]int64{10, 18}}, pmtEnv("alice")))
	pm = pmtOK(t)(pm.Patch(PostmortemPatch{Sections: pmtSections("impact", "x")}, pmtEnv("alice")))
	if !slices.Equal(pm.Highlights, []int64{10, 18}) {
		t.Errorf("highlights = %v after a section edit, want [10 18]", pm.Highlights)
	}
}

func TestPatchReviewers(t *testing.T) {
	base := pmtDraft(t)
	for _, tc := range []struct {
		in   []string
		want []string
	}{
		{[]string{"bob"}, []string{"bob"}},
		{[]string{"bob", "carol", "bob"}, []string{"bob", "carol"}},
		{[]string{"carol", "carol", "carol"}, []string{"carol"}},
		{[]string{}, []string{}},
	} {
		t.Run(fmt.Sprint(tc.in), func(t *testing.T) {
			pm := pmtOK(t)(base.Patch(PostmortemPatch{Reviewers: &tc.in}, pmtEnv("alice")))
			got := []string{}
			for _, r := range pm.Reviewers {
				got = append(got, r.User)
			}
			if !slices.Equal(got, tc.want) || pm.Reviewers == nil {
				t.Errorf("reviewers = %v, want %v", got, tc.want)
			}
		})
	}

	t.Run("approvals kept for reviewers that stay", func(t *testing.T) {
		pm := pmtOK(t)(base.Patch(PostmortemPatch{Reviewers: &[]string{"bob", "carol"}}, pmtEnv("alice")))
		pm = pmtOK(t)(pm.Submit(pmtEnv("alice")))
		pm = pmtOK(t)(pm.Approve(pmtEnv("bob")))
		approved := pm.Reviewers[0]
		if approved.ApprovedAt == nil {
			t.Fatal("bob's approval missing")
		}
		pm = pmtOK(t)(pm.Patch(PostmortemPatch{Reviewers: &[]string{"dave", "bob"}}, pmtEnv("alice")))
		if len(pm.Reviewers) != 2 || pm.Reviewers[0].User != "dave" || pm.Reviewers[1].User != "bob" {
			t.Fatalf("reviewers = %+v, want dave, bob", pm.Reviewers)
		}
		if pm.Reviewers[0].ApprovedAt != nil {
			t.Errorf("dave is approved without approving: %+v", pm.Reviewers[0])
		}
		if b := pm.Reviewers[1]; b.ApprovedAt == nil || !b.ApprovedAt.Equal(*approved.ApprovedAt) || b.ApprovedVersion != approved.ApprovedVersion {
			t.Errorf("bob's approval = %+v, want kept as %+v", b, approved)
		}
		// Dropped and named again: the approval is gone.
		pm = pmtOK(t)(pm.Patch(PostmortemPatch{Reviewers: &[]string{"dave"}}, pmtEnv("alice")))
		pm = pmtOK(t)(pm.Patch(PostmortemPatch{Reviewers: &[]string{"dave", "bob"}}, pmtEnv("alice")))
		if pm.Reviewers[1].ApprovedAt != nil || pm.Reviewers[1].ApprovedVersion != 0 {
			t.Errorf("bob's approval survived his removal: %+v", pm.Reviewers[1])
		}
	})
}

func TestPatchVersionAndAuthors(t *testing.T) {
	pm := pmtDraft(t)
	original := pm
	steps := []struct {
		actor   string
		patch   PostmortemPatch
		authors []string
	}{
		{"bob", PostmortemPatch{Sections: pmtSections("impact", "20% of checkouts failed for 40 minutes.")}, []string{"alice", "bob"}},
		{"bob", PostmortemPatch{Highlights: &[]int64{10}}, []string{"alice", "bob"}},
		{"alice", PostmortemPatch{Reviewers: &[]string{"carol"}}, []string{"alice", "bob"}},
		{"carol", PostmortemPatch{}, []string{"alice", "bob", "carol"}},
		{"bob", PostmortemPatch{Sections: pmtSections("lessons", "Canary first.")}, []string{"alice", "bob", "carol"}},
	}
	for i, s := range steps {
		env := pmtEnv(s.actor)
		env.Now = pmtNow.Add(time.Duration(i) * time.Minute)
		pm = pmtOK(t)(pm.Patch(s.patch, env))
		if want := int64(i + 2); pm.Version != want {
			t.Errorf("step %d: version %d, want %d", i, pm.Version, want)
		}
		if !slices.Equal(pm.Authors, s.authors) {
			t.Errorf("step %d: authors %v, want %v", i, pm.Authors, s.authors)
		}
		if !pm.UpdatedAt.Equal(env.Now) {
			t.Errorf("step %d: updated_at %v, want %v", i, pm.UpdatedAt, env.Now)
		}
	}
	if pm.Sections["impact"] != "20% of checkouts failed for 40 minutes." || pm.Sections["lessons"] != "Canary first." {
		t.Errorf("sections = %v", pm.Sections)
	}
	if pm.Sections["summary"] != original.Sections["summary"] {
		t.Errorf("untouched summary changed: %q", pm.Sections["summary"])
	}
	// The postmortem edits were made on is untouched: edits do not alias.
	if original.Version != 1 || original.Sections["impact"] != "" || !slices.Equal(original.Authors, []string{"alice"}) {
		t.Errorf("the original changed: version %d impact %q authors %v", original.Version, original.Sections["impact"], original.Authors)
	}
}

// ---------------------------------------------------------------------------
// Why-tree
// ---------------------------------------------------------------------------

func TestAddWhyRefuses(t *testing.T) {
	pm, root := pmtAddWhy(t, pmtDraft(t), 0, "Why did checkout fail?", "The payment client timed out.")
	published := pm
	published.Status = PostmortemPublished
	for _, tc := range []struct {
		name  string
		pm    Postmortem
		in    WhyInput
		actor string
		code  string
		field string
	}{
		{"missing parent", pm, WhyInput{Parent: 99, Question: "q", Answer: "a"}, "alice", EINVALID, "parent"},
		{"negative parent", pm, WhyInput{Parent: -1, Question: "q", Answer: "a"}, "alice", EINVALID, "parent"},
		{"no question", pm, WhyInput{Parent: root, Answer: "a"}, "alice", EINVALID, "question"},
		{"blank question", pm, WhyInput{Parent: root, Question: " \n\t", Answer: "a"}, "alice", EINVALID, "question"},
		{"no answer", pm, WhyInput{Parent: root, Question: "q"}, "alice", EINVALID, "answer"},
		{"answer too long", pm, WhyInput{Parent: root, Question: "q", Answer: strings.Repeat("a", MaxReason+1)}, "alice", EINVALID, "answer"},
		{"unknown factor", pm, WhyInput{Parent: root, Question: "q", Answer: "a", Factor: ptr("human_error")}, "alice", EINVALID, "factor"},
		{"empty factor", pm, WhyInput{Parent: root, Question: "q", Answer: "a", Factor: ptr("")}, "alice", EINVALID, "factor"},
		{"viewer", pm, WhyInput{Parent: root, Question: "q", Answer: "a"}, "victor", EFORBIDDEN, ""},
		{"published", published, WhyInput{Parent: root, Question: "q", Answer: "a"}, "alice", ECONFLICT, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, n, err := tc.pm.AddWhy(tc.in, pmtEnv(tc.actor))
			e := pmtErr(t, err, tc.code)
			if tc.field != "" && e.Fields[tc.field] == "" {
				t.Errorf("Fields = %v, want an entry for %q", e.Fields, tc.field)
			}
			if n.ID != 0 || n.Question != "" {
				t.Errorf("refused AddWhy returned node %+v", n)
			}
			if len(out.Whys) != 1 || out.NextWhyID != 2 {
				t.Errorf("refused AddWhy left %d whys, next id %d", len(out.Whys), out.NextWhyID)
			}
		})
	}
}

func TestAddWhyFactors(t *testing.T) {
	base, root := pmtAddWhy(t, pmtDraft(t), 0, "Why?", "Because.")
	for _, f := range FactorCategories() {
		t.Run(f, func(t *testing.T) {
			pm, n, err := base.AddWhy(WhyInput{Parent: root, Question: " Why " + f + "? ", Answer: " An answer. ", Factor: ptr(f)}, pmtEnv("bob"))
			if err != nil {
				t.Fatal(err)
			}
			if n.Factor != f || n.Parent != root || n.ID != 2 || n.Question != "Why "+f+"?" || n.Answer != "An answer." {
				t.Errorf("node = %+v", n)
			}
			if n.Remediations == nil {
				t.Errorf("remediations nil, want an empty list")
			}
			if got := pm.Whys[len(pm.Whys)-1]; !reflect.DeepEqual(got, n) {
				t.Errorf("stored node %+v, returned %+v", got, n)
			}
			if pm.Version != base.Version+1 || !slices.Contains(pm.Authors, "bob") {
				t.Errorf("version %d authors %v", pm.Version, pm.Authors)
			}
		})
	}
	if len(base.Whys) != 1 {
		t.Errorf("AddWhy changed the postmortem it was called on: %d whys", len(base.Whys))
	}
}

// whyTree builds:
//
//	1 root
//	├─ 2
//	│  ├─ 4
//	│  │  └─ 6
//	│  └─ 5
//	└─ 3
//	7 second root
func pmtWhyTree(t *testing.T) Postmortem {
	t.Helper()
	pm := pmtDraft(t)
	for _, p := range []int64{0, 1, 1, 2, 2, 4, 0} {
		pm, _ = pmtAddWhy(t, pm, p, fmt.Sprintf("Why (under %d)?", p), "Because.")
	}
	want := []int64{0, 1, 1, 2, 2, 4, 0}
	for i, n := range pm.Whys {
		if n.ID != int64(i+1) || n.Parent != want[i] {
			t.Fatalf("why %d = %+v, want id %d parent %d", i, n, i+1, want[i])
		}
	}
	return pm
}

func TestWhyTreeBranches(t *testing.T) {
	pm := pmtWhyTree(t)
	children := map[int64][]int64{}
	for _, n := range pm.Whys {
		children[n.Parent] = append(children[n.Parent], n.ID)
	}
	for parent, want := range map[int64][]int64{0: {1, 7}, 1: {2, 3}, 2: {4, 5}, 4: {6}} {
		if !slices.Equal(children[parent], want) {
			t.Errorf("children of %d = %v, want %v", parent, children[parent], want)
		}
	}
	if pm.NextWhyID != 8 || pm.Version != 8 {
		t.Errorf("next why %d version %d, want 8 and 8", pm.NextWhyID, pm.Version)
	}
}

func TestDeleteWhy(t *testing.T) {
	base := pmtWhyTree(t)
	for _, tc := range []struct {
		name    string
		id      int64
		cascade bool
		code    string
		left    []int64
	}{
		{"leaf", 5, false, "", []int64{1, 2, 3, 4, 6, 7}},
		{"leaf with cascade", 3, true, "", []int64{1, 2, 4, 5, 6, 7}},
		{"node with a child", 4, false, ECONFLICT, nil},
		{"node with grandchildren", 1, false, ECONFLICT, nil},
		{"branch", 2, true, "", []int64{1, 3, 7}},
		{"whole tree from a root", 1, true, "", []int64{7}},
		{"second root", 7, false, "", []int64{1, 2, 3, 4, 5, 6}},
		{"missing", 8, true, ENOTFOUND, nil},
		{"zero", 0, true, ENOTFOUND, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pm, err := base.DeleteWhy(tc.id, tc.cascade, pmtEnv("bob"))
			if tc.code != "" {
				e := pmtErr(t, err, tc.code)
				if tc.code == ECONFLICT {
					wantMessage(t, e, fmt.Sprintf("why %d", tc.id), "cascade")
				}
				if len(pm.Whys) != 7 || pm.Version != base.Version {
					t.Errorf("refused delete changed the tree: %v, version %d", pmtWhyIDs(pm), pm.Version)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := pmtWhyIDs(pm); !slices.Equal(got, tc.left) {
				t.Errorf("left %v, want %v", got, tc.left)
			}
			if pm.Version != base.Version+1 || pm.Authors[len(pm.Authors)-1] != "bob" {
				t.Errorf("version %d authors %v", pm.Version, pm.Authors)
			}
			if len(base.Whys) != 7 {
				t.Errorf("DeleteWhy changed the postmortem it was called on: %v", pmtWhyIDs(base))
			}
		})
	}
}

func TestWhyIDsAreNeverReused(t *testing.T) {
	pm := pmtWhyTree(t)
	pm = pmtOK(t)(pm.DeleteWhy(7, false, pmtEnv("alice")))
	pm = pmtOK(t)(pm.DeleteWhy(2, true, pmtEnv("alice")))
	pm, id := pmtAddWhy(t, pm, 0, "Why again?", "Because.")
	if id != 8 {
		t.Errorf("new why got id %d, want 8 (ids 2 and 4 to 7 were deleted)", id)
	}
	pm, id = pmtAddWhy(t, pm, 1, "And?", "So.")
	if id != 9 || pm.NextWhyID != 10 {
		t.Errorf("id %d next %d, want 9 and 10", id, pm.NextWhyID)
	}
	// A deleted node is no parent.
	_, _, err := pm.AddWhy(WhyInput{Parent: 4, Question: "q", Answer: "a"}, pmtEnv("alice"))
	pmtField(t, err, "parent")
}

func TestUpdateWhy(t *testing.T) {
	base := pmtWhyTree(t)
	base = pmtOK(t)(base.UpdateWhy(6, WhyInput{Factor: ptr("tooling")}, pmtEnv("alice")))
	for _, tc := range []struct {
		name  string
		id    int64
		in    WhyInput
		code  string
		field string
		want  WhyNode
	}{
		{"answer only", 6, WhyInput{Answer: " The alert had no runbook. "}, "", "",
			WhyNode{ID: 6, Parent: 4, Question: "Why (under 4)?", Answer: "The alert had no runbook.", Factor: "tooling"}},
		{"question only", 3, WhyInput{Question: "Why so slow?"}, "", "",
			WhyNode{ID: 3, Parent: 1, Question: "Why so slow?", Answer: "Because."}},
		{"change factor", 6, WhyInput{Factor: ptr("detection")}, "", "",
			WhyNode{ID: 6, Parent: 4, Question: "Why (under 4)?", Answer: "Because.", Factor: "detection"}},
		{"clear factor", 6, WhyInput{Factor: ptr("")}, "", "",
			WhyNode{ID: 6, Parent: 4, Question: "Why (under 4)?", Answer: "Because."}},
		{"parent ignored", 3, WhyInput{Parent: 7, Answer: "x"}, "", "",
			WhyNode{ID: 3, Parent: 1, Question: "Why (under 1)?", Answer: "x"}},
		{"unknown factor", 6, WhyInput{Factor: ptr("bob")}, EINVALID, "factor", WhyNode{}},
		{"blank answer", 6, WhyInput{Answer: "   "}, EINVALID, "answer", WhyNode{}},
		{"blank question", 6, WhyInput{Question: "   "}, EINVALID, "question", WhyNode{}},
		{"missing", 42, WhyInput{Answer: "x"}, ENOTFOUND, "", WhyNode{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pm, err := base.UpdateWhy(tc.id, tc.in, pmtEnv("dave"))
			if tc.code != "" {
				e := pmtErr(t, err, tc.code)
				if tc.field != "" && e.Fields[tc.field] == "" {
					t.Errorf("Fields = %v, want %q", e.Fields, tc.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(pm.Whys, func(n WhyNode) bool { return n.ID == tc.id })
			got := pm.Whys[i]
			got.Remediations = nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("node = %+v, want %+v", got, tc.want)
			}
			if pm.Version != base.Version+1 || !slices.Contains(pm.Authors, "dave") {
				t.Errorf("version %d authors %v", pm.Version, pm.Authors)
			}
			if base.Whys[i].Answer != "Because." && tc.id != 6 || base.Whys[5].Factor != "tooling" {
				t.Errorf("UpdateWhy changed the postmortem it was called on: %+v", base.Whys[i])
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Review: submit, approve, publish, amend
// ---------------------------------------------------------------------------

// pmtInReview is the draft with bob and carol as reviewers, submitted.
func pmtInReview(t *testing.T) Postmortem {
	t.Helper()
	pm := pmtOK(t)(pmtDraft(t).Patch(PostmortemPatch{Reviewers: &[]string{"bob", "carol"}}, pmtEnv("alice")))
	return pmtOK(t)(pm.Submit(pmtEnv("alice")))
}

func TestSubmit(t *testing.T) {
	draft := pmtDraft(t)
	_, err := draft.Submit(pmtEnv("alice"))
	pmtField(t, err, "reviewers")

	withReviewer := pmtOK(t)(draft.Patch(PostmortemPatch{Reviewers: &[]string{"bob"}}, pmtEnv("alice")))
	pm := pmtOK(t)(withReviewer.Submit(pmtEnv("dave")))
	if pm.Status != PostmortemInReview || pm.Version != withReviewer.Version+1 || !slices.Contains(pm.Authors, "dave") {
		t.Errorf("status %s version %d authors %v", pm.Status, pm.Version, pm.Authors)
	}
	_, err = pm.Submit(pmtEnv("alice"))
	wantMessage(t, pmtErr(t, err, ECONFLICT), "in_review")

	_, err = withReviewer.Submit(pmtEnv("victor"))
	pmtErr(t, err, EFORBIDDEN)
}

func TestApprove(t *testing.T) {
	pm := pmtInReview(t)
	if got := pm.Pending(); !slices.Equal(got, []string{"bob", "carol"}) {
		t.Errorf("pending = %v, want [bob carol]", got)
	}
	for _, tc := range []struct {
		name, actor string
		code        string
	}{
		{"not a reviewer", "dave", EFORBIDDEN},
		{"author not a reviewer", "alice", EFORBIDDEN},
		{"viewer", "victor", EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := pm.Approve(pmtEnv(tc.actor))
			pmtErr(t, err, tc.code)
			if len(out.Pending()) != 2 {
				t.Errorf("refused approval counted: pending %v", out.Pending())
			}
		})
	}

	draft := pmtOK(t)(pmtDraft(t).Patch(PostmortemPatch{Reviewers: &[]string{"bob"}}, pmtEnv("alice")))
	_, err := draft.Approve(pmtEnv("bob"))
	wantMessage(t, pmtErr(t, err, ECONFLICT), "draft")

	at := pmtNow.Add(time.Hour)
	env := pmtEnv("bob")
	env.Now = at
	approved := pmtOK(t)(pm.Approve(env))
	if approved.Version != pm.Version {
		t.Errorf("approval changed the version: %d → %d", pm.Version, approved.Version)
	}
	if slices.Contains(approved.Authors, "bob") {
		t.Errorf("approval made bob an author: %v", approved.Authors)
	}
	r := approved.Reviewers[0]
	if r.User != "bob" || r.ApprovedAt == nil || !r.ApprovedAt.Equal(at) || r.ApprovedVersion != pm.Version {
		t.Errorf("bob = %+v, want approved at %v on version %d", r, at, pm.Version)
	}
	if got := approved.Pending(); !slices.Equal(got, []string{"carol"}) {
		t.Errorf("pending = %v, want [carol]", got)
	}
	if pm.Reviewers[0].ApprovedAt != nil {
		t.Errorf("Approve changed the postmortem it was called on")
	}
	both := pmtOK(t)(approved.Approve(pmtEnv("carol")))
	if got := both.Pending(); len(got) != 0 {
		t.Errorf("pending = %v after both approved", got)
	}
}

func TestEditAfterApprovalAsksAgain(t *testing.T) {
	pm := pmtInReview(t)
	pm = pmtOK(t)(pm.Approve(pmtEnv("bob")))
	pm = pmtOK(t)(pm.Approve(pmtEnv("carol")))
	for _, edit := range []struct {
		name string
		do   func(Postmortem) (Postmortem, error)
	}{
		{"section", func(pm Postmortem) (Postmortem, error) {
			return pm.Patch(PostmortemPatch{Sections: pmtSections("impact", "more")}, pmtEnv("alice"))
		}},
		{"highlights", func(pm Postmortem) (Postmortem, error) {
			return pm.Patch(PostmortemPatch{Highlights: &[]int64{10}}, pmtEnv("alice"))
		}},
		{"why", func(pm Postmortem) (Postmortem, error) {
			out, _, err := pm.AddWhy(WhyInput{Question: "Why?", Answer: "Because."}, pmtEnv("dave"))
			return out, err
		}},
		{"reviewers kept", func(pm Postmortem) (Postmortem, error) {
			return pm.Patch(PostmortemPatch{Reviewers: &[]string{"bob", "carol"}}, pmtEnv("alice"))
		}},
	} {
		t.Run(edit.name, func(t *testing.T) {
			if len(pm.Pending()) != 0 {
				t.Fatalf("fixture pending %v", pm.Pending())
			}
			out, err := edit.do(pm)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.Pending(); !slices.Equal(got, []string{"bob", "carol"}) {
				t.Errorf("pending after an edit = %v, want [bob carol]", got)
			}
			_, err = out.Publish(nil, "", pmtEnv("alice"))
			wantMessage(t, pmtErr(t, err, ECONFLICT), "bob, carol", fmt.Sprintf("version %d", out.Version))
			again := pmtOK(t)(out.Approve(pmtEnv("carol")))
			if got := again.Pending(); !slices.Equal(got, []string{"bob"}) {
				t.Errorf("pending = %v, want [bob]", got)
			}
		})
	}
}

func TestPublish(t *testing.T) {
	reviewed := pmtInReview(t)
	reviewed = pmtOK(t)(reviewed.Approve(pmtEnv("bob")))
	reviewed = pmtOK(t)(reviewed.Approve(pmtEnv("carol")))
	halfReviewed := pmtOK(t)(pmtInReview(t).Approve(pmtEnv("carol")))
	published := pmtOK(t)(reviewed.Publish(nil, "", pmtEnv("alice")))

	for _, tc := range []struct {
		name     string
		pm       Postmortem
		blocking []string
		override string
		actor    string
		code     string
		parts    []string
	}{
		{"draft", pmtDraft(t), nil, "", "alice", ECONFLICT, []string{"draft", "submit"}},
		{"pending approval", halfReviewed, nil, "", "alice", ECONFLICT, []string{"bob"}},
		{"blocking finding", reviewed, []string{"blame: human error (summary)", "empty section (impact)"}, "", "alice", ECONFLICT,
			[]string{"2 blocking", "blame: human error (summary)", "override"}},
		{"blank override", reviewed, []string{"blame (summary)"}, " \t ", "alice", ECONFLICT, []string{"1 blocking"}},
		{"override too long", reviewed, []string{"x"}, strings.Repeat("o", MaxReason+1), "alice", EINVALID, []string{"override"}},
		{"already published", published, nil, "", "alice", ECONFLICT, []string{"amend"}},
		{"viewer", reviewed, nil, "", "victor", EFORBIDDEN, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.pm.Publish(tc.blocking, tc.override, pmtEnv(tc.actor))
			wantMessage(t, pmtErr(t, err, tc.code), tc.parts...)
			if out.Status == PostmortemPublished && tc.pm.Status != PostmortemPublished || out.Revision != tc.pm.Revision {
				t.Errorf("refused publish published: %s revision %d", out.Status, out.Revision)
			}
		})
	}

	t.Run("clean", func(t *testing.T) {
		if published.Status != PostmortemPublished || published.Revision != 1 || published.Override != "" {
			t.Errorf("status %s revision %d override %q", published.Status, published.Revision, published.Override)
		}
		if published.PublishedAt == nil || !published.PublishedAt.Equal(pmtNow) || !published.UpdatedAt.Equal(pmtNow) {
			t.Errorf("published_at %v updated_at %v, want %v", published.PublishedAt, published.UpdatedAt, pmtNow)
		}
		if published.Version != reviewed.Version {
			t.Errorf("publishing changed the version %d → %d", reviewed.Version, published.Version)
		}
	})
	t.Run("override recorded", func(t *testing.T) {
		pm := pmtOK(t)(reviewed.Publish([]string{"blame (summary)"}, "  Legal wording agreed with the team.  ", pmtEnv("alice")))
		if pm.Status != PostmortemPublished || pm.Override != "Legal wording agreed with the team." || pm.Revision != 1 {
			t.Errorf("status %s override %q revision %d", pm.Status, pm.Override, pm.Revision)
		}
	})
	// An override says what a publication went past; with nothing to go
	// past, "published over blocking findings" would be false.
	t.Run("override without findings is not recorded", func(t *testing.T) {
		pm := pmtOK(t)(reviewed.Publish(nil, "just in case", pmtEnv("alice")))
		if pm.Override != "" || pm.PublishedOver != nil {
			t.Errorf("override %q, published over %+v", pm.Override, pm.PublishedOver)
		}
	})
}

func TestAmend(t *testing.T) {
	pm := pmtInReview(t)
	pm = pmtOK(t)(pm.Approve(pmtEnv("bob")))
	pm = pmtOK(t)(pm.Approve(pmtEnv("carol")))
	published := pmtOK(t)(pm.Publish([]string{"x"}, "agreed", pmtEnv("alice")))

	_, err := pm.Amend("typo", pmtEnv("alice"))
	wantMessage(t, pmtErr(t, err, ECONFLICT), "published", "in_review")
	_, err = pmtDraft(t).Amend("typo", pmtEnv("alice"))
	pmtErr(t, err, ECONFLICT)
	_, err = published.Amend("  ", pmtEnv("alice"))
	pmtField(t, err, "reason")
	_, err = published.Amend("typo", pmtEnv("victor"))
	pmtErr(t, err, EFORBIDDEN)

	amended := pmtOK(t)(published.Amend(" Root cause corrected after vendor report. ", pmtEnv("dave")))
	if amended.Status != PostmortemDraft || amended.Amendment != "Root cause corrected after vendor report." {
		t.Errorf("status %s amendment %q", amended.Status, amended.Amendment)
	}
	if amended.Revision != 1 || amended.Version != published.Version+1 || !slices.Contains(amended.Authors, "dave") {
		t.Errorf("revision %d version %d authors %v", amended.Revision, amended.Version, amended.Authors)
	}
	if amended.Override != "" {
		t.Errorf("override %q survived the amendment", amended.Override)
	}
	for _, r := range amended.Reviewers {
		if r.ApprovedAt != nil || r.ApprovedVersion != 0 {
			t.Errorf("approval kept after amending: %+v", r)
		}
	}
	if got := amended.Pending(); !slices.Equal(got, []string{"bob", "carol"}) {
		t.Errorf("pending = %v", got)
	}
	if published.Reviewers[0].ApprovedAt == nil {
		t.Errorf("Amend cleared the approvals of the published postmortem it was called on")
	}
	if amended.PublishedAt == nil || !amended.PublishedAt.Equal(*published.PublishedAt) {
		t.Errorf("published_at = %v; the last publication stays known", amended.PublishedAt)
	}

	// Editable again, and publishing makes revision 2.
	later := pmtEnv("alice")
	later.Now = pmtNow.Add(24 * time.Hour)
	next := pmtOK(t)(amended.Patch(PostmortemPatch{Sections: pmtSections("detection", "A vendor report.")}, later))
	next = pmtOK(t)(next.Submit(later))
	next = pmtOK(t)(next.Approve(pmtEnv("bob")))
	next = pmtOK(t)(next.Approve(pmtEnv("carol")))
	next = pmtOK(t)(next.Publish(nil, "", later))
	if next.Revision != 2 || next.Status != PostmortemPublished || !next.PublishedAt.Equal(later.Now) {
		t.Errorf("revision %d status %s published %v", next.Revision, next.Status, next.PublishedAt)
	}
	if next.Amendment != "Root cause corrected after vendor report." {
		t.Errorf("amendment = %q, want the reason kept with the revision", next.Amendment)
	}
}

// ---------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------

// pmtDocument is a published postmortem with highlights, a branching
// why-tree with factors, and text that could break a table or a list.
func pmtDocument(t *testing.T) (Postmortem, []Event) {
	t.Helper()
	inc, evs := pmtResolved(t)
	pm, err := NewDraft(inc, evs, "alice", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	pm = pmtOK(t)(pm.Patch(PostmortemPatch{
		Sections: pmtSections(
			"impact", "About 20% of checkouts failed for 40 minutes.",
			"lessons", "Canary first.\n\nAlways.",
			"went_well", "   ",
		),
		Highlights: &[]int64{18, 7, 10},
		Reviewers:  &[]string{"bob"},
	}, pmtEnv("alice")))
	add := func(parent int64, q, a string, factor string) int64 {
		in := WhyInput{Parent: parent, Question: q, Answer: a}
		if factor != "" {
			in.Factor = &factor
		}
		var n WhyNode
		pm, n, err = pm.AddWhy(in, pmtEnv("dave"))
		if err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	root := add(0, "Why did checkout fail?", "The payment client | timed out.", "")
	a := add(root, "Why did it time out?", "The pool was\nexhausted.", "capacity")
	add(a, "Why was it exhausted?", "Retries doubled the load.", "")
	add(root, "Why so long to notice?", "No alert on | checkout errors.", "detection")
	add(0, "Why no rollback?", "Deploys are manual.", "change_management")
	pm = pmtOK(t)(pm.Submit(pmtEnv("alice")))
	pm = pmtOK(t)(pm.Approve(pmtEnv("bob")))
	pm = pmtOK(t)(pm.Publish([]string{"blame (impact)"}, "Wording | agreed\nwith legal.", pmtEnv("alice")))
	var highlights []Event
	for _, seq := range pm.Highlights {
		highlights = append(highlights, evs[seq-1])
	}
	return pm, highlights
}

func TestMarkdown(t *testing.T) {
	pm, highlights := pmtDocument(t)
	md := pm.Markdown(enWords(), highlights, nil)
	lines := strings.Split(md, "\n")

	t.Run("title and status", func(t *testing.T) {
		if want := `# INC-7: Checkout fails \| payments time out — postmortem`; lines[0] != want {
			t.Errorf("first line %q, want %q", lines[0], want)
		}
		pmtWantLine(t, lines, "Severity: SEV1 · Status: published 2025-03-14 (revision 1) · Authors: alice, dave")
		pmtWantLine(t, lines, `> Published over blocking lint findings: Wording \| agreed with legal.`)
	})

	t.Run("sections", func(t *testing.T) {
		empty := 0
		last := -1
		for _, k := range SectionKeys() {
			i := slices.Index(lines, "## "+SectionTitle(k))
			if i < 0 {
				t.Errorf("no heading %q", "## "+SectionTitle(k))
				continue
			}
			if i < last {
				t.Errorf("section %q out of order", k)
			}
			last = i
			body := lines[i+2]
			if strings.TrimSpace(pm.Sections[k]) == "" {
				empty++
				if body != "_Not written._" {
					t.Errorf("empty section %q renders %q, want _Not written._", k, body)
				}
			} else if body == "_Not written._" {
				t.Errorf("section %q written but renders _Not written._", k)
			}
		}
		if got := strings.Count(md, "_Not written._"); got != empty || empty != 6 {
			t.Errorf("%d _Not written._ for %d empty sections, want 6", got, empty)
		}
		if !strings.Contains(md, "## Lessons\n\nCanary first.\n\nAlways.\n\n") {
			t.Errorf("multi-paragraph section not kept whole:\n%s", md)
		}
		if !strings.Contains(md, "## What went well\n\n_Not written._") {
			t.Errorf("blank-only section not rendered as _Not written._")
		}
	})

	t.Run("key times in UTC", func(t *testing.T) {
		for _, want := range []string{
			"## Key times (UTC)",
			"| Started | 2025-03-14 09:00:00 |", "| Detected | 2025-03-14 09:20:00 |",
			"| Declared | 2025-03-14 09:30:00 |", "| Acknowledged | 2025-03-14 09:30:00 |",
			"| Mitigated | 2025-03-14 09:50:00 |", "| Resolved | 2025-03-14 10:10:00 |",
			"| Started | Detected | 20m0s |", "| Detected | Declared | 10m0s |",
			"| Mitigated | Resolved | 20m0s |", "| Started | Resolved | 1h10m0s |",
		} {
			pmtWantLine(t, lines, want)
		}
		// A time in another zone is shown in UTC.
		tokyo := pm
		tokyo.Record.KeyTimes = slices.Clone(pm.Record.KeyTimes)
		tokyo.Record.KeyTimes[0].At = ptr(time.Date(2025, 3, 14, 18, 0, 0, 0, time.FixedZone("JST", 9*3600)))
		tokyo.Record.KeyTimes[3].At = nil
		md := strings.Split(tokyo.Markdown(enWords(), nil, nil), "\n")
		pmtWantLine(t, md, "| Started | 2025-03-14 09:00:00 |")
		pmtWantLine(t, md, "| Acknowledged | — |")
	})

	t.Run("highlights", func(t *testing.T) {
		if len(highlights) != 3 {
			t.Fatalf("fixture has %d highlights", len(highlights))
		}
		i := slices.Index(lines, "## Timeline highlights")
		if i < 0 {
			t.Fatal("no highlights heading")
		}
		for j, e := range highlights {
			want := fmt.Sprintf("- `%s UTC` %s — %s", e.At.Format("2006-01-02 15:04:05"), e.Actor, DescribeEvent(e).In(enWords()))
			if got := lines[i+2+j]; got != want {
				t.Errorf("highlight %d = %q, want %q", j, got, want)
			}
		}
		pmtWantLine(t, lines, "- `2025-03-14 09:34:00 UTC` alice — commander handed over from alice to bob")
		pmtWantLine(t, lines, "- `2025-03-14 10:11:00 UTC` bob — note: Error rate at baseline for 15 minutes.")
		if !strings.Contains(pmtDraft(t).Markdown(enWords(), nil, nil), "## Timeline highlights\n\n_None picked._\n") {
			t.Error("no highlights: want _None picked._")
		}
	})

	t.Run("why-tree nested", func(t *testing.T) {
		want := "## Why-tree\n\n" +
			"- **Why did checkout fail?** The payment client \\| timed out.\n" +
			"  - **Why did it time out?** The pool was exhausted. _(contributing factor: capacity)_\n" +
			"    - **Why was it exhausted?** Retries doubled the load.\n" +
			"  - **Why so long to notice?** No alert on \\| checkout errors. _(contributing factor: detection)_\n" +
			"- **Why no rollback?** Deploys are manual. _(contributing factor: change management)_\n"
		if !strings.Contains(md, want) {
			t.Errorf("why-tree not rendered as\n%s\nin\n%s", want, md)
		}
		if !strings.Contains(pmtDraft(t).Markdown(enWords(), nil, nil), "## Why-tree\n\n_No whys asked._\n") {
			t.Error("no whys: want _No whys asked._")
		}
	})

	t.Run("contributing factors", func(t *testing.T) {
		want := "## Contributing factors\n\n" +
			"- **capacity**: The pool was exhausted.\n" +
			"- **detection**: No alert on \\| checkout errors.\n" +
			"- **change management**: Deploys are manual.\n"
		if !strings.Contains(md, want) {
			t.Errorf("factors not rendered as\n%s\nin\n%s", want, md)
		}
		if !strings.Contains(pmtDraft(t).Markdown(enWords(), nil, nil), "## Contributing factors\n\n_None marked._\n") {
			t.Error("no factors: want _None marked._")
		}
	})

	t.Run("reviewers", func(t *testing.T) {
		pmtWantLine(t, lines, "- bob: approved 2025-03-14 11:30 UTC")
	})

	t.Run("tables keep their columns", func(t *testing.T) {
		cols := -1
		for i, l := range lines {
			if !strings.HasPrefix(l, "|") {
				cols = -1
				continue
			}
			n := pmtCells(l)
			if cols < 0 {
				cols = n
			} else if n != cols {
				t.Errorf("line %d %q has %d cells, the table %d", i+1, l, n, cols)
			}
		}
		if strings.Contains(md, "\n\n\n") {
			t.Errorf("three newlines in a row break list and table blocks:\n%s", md)
		}
	})

	t.Run("pipes and newlines escaped", func(t *testing.T) {
		for i, l := range lines {
			if strings.HasPrefix(l, "|") {
				continue
			}
			if pmtCells("|"+l+"|") != 1 {
				t.Errorf("line %d has an unescaped '|': %q", i+1, l)
			}
		}
	})
}

// pmtCells counts a table row's cells: its unescaped '|' less one.
func pmtCells(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		if row[i] == '\\' {
			i++
			continue
		}
		if row[i] == '|' {
			n++
		}
	}
	return n - 1
}

func pmtWantLine(t *testing.T, lines []string, want string) {
	t.Helper()
	if !slices.Contains(lines, want) {
		t.Errorf("no line %q in\n%s", want, strings.Join(lines, "\n"))
	}
}

func TestSectionTitle(t *testing.T) {
	for k, want := range map[string]string{
		"summary": "Summary", "impact": "Impact", "detection": "Detection", "response": "Response",
		"recovery": "Recovery", "went_well": "What went well", "went_poorly": "What went poorly",
		"lucky": "Where we got lucky", "lessons": "Lessons",
	} {
		if got := SectionTitle(k); got != want {
			t.Errorf("SectionTitle(%q) = %q, want %q", k, got, want)
		}
	}
	for _, k := range RequiredSections() {
		if !slices.Contains(SectionKeys(), k) {
			t.Errorf("required section %q is not a section", k)
		}
	}
}
