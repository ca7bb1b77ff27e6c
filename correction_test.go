package hansei

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestCorrect(t *testing.T) {
	inc, _ := declared(t) // commander alice, started = detected = declared = t0
	now := t0.Add(2 * time.Hour)
	str := func(s string) *string { return &s }
	at := func(d time.Duration) *time.Time { x := t0.Add(d); return &x }
	resolved := incidentAt(StatusResolved) // resolved at t0+1h
	resolvedAt := t0.Add(time.Hour)
	resolved.ResolvedAt, resolved.MitigatedAt = &resolvedAt, &resolvedAt

	tests := []struct {
		name   string
		inc    Incident
		actor  string
		cmd    Correct
		fields []string // the corrected fields, in event order; nil if refused
		code   string   // the refusal's code
		field  string   // the field a refusal names
		check  func(t *testing.T, after Incident)
	}{
		{name: "title and summary", actor: "alice",
			cmd:    Correct{Title: str("Checkout fails in the EU"), Summary: str("About 30% of payments failed."), Reason: "it was the EU only"},
			fields: []string{FieldTitle, FieldSummary},
			check: func(t *testing.T, after Incident) {
				if after.Title != "Checkout fails in the EU" || after.Summary != "About 30% of payments failed." {
					t.Errorf("title %q, summary %q", after.Title, after.Summary)
				}
			}},
		{name: "detected later than declared", actor: "alice",
			cmd:    Correct{StartedAt: at(-20 * time.Minute), DetectedAt: at(-9 * time.Minute), Reason: "alert fired at 09:21"},
			fields: []string{FieldStartedAt, FieldDetectedAt},
			check: func(t *testing.T, after Incident) {
				if !after.StartedAt.Equal(t0.Add(-20*time.Minute)) || !after.DetectedAt.Equal(t0.Add(-9*time.Minute)) {
					t.Errorf("started %s, detected %s", after.StartedAt, after.DetectedAt)
				}
				if _, d := RecordTimes(after); d[0] != (Duration{From: "started", To: "detected", Seconds: 11 * 60}) {
					t.Errorf("time to detect = %+v, want 11 minutes", d[0])
				}
			}},
		{name: "services, unchanged title left out", actor: "carol",
			cmd:    Correct{Title: str("Checkout fails"), Services: &[]string{"checkout", "payments"}, Reason: "payments too"},
			fields: []string{FieldServices},
			check: func(t *testing.T, after Incident) {
				if !reflect.DeepEqual(after.Services, []string{"checkout", "payments"}) {
					t.Errorf("services %v", after.Services)
				}
			}},
		{name: "mitigated set on an open incident", actor: "alice",
			cmd: Correct{MitigatedAt: at(time.Hour), Reason: "rolled back at 10:30"}, fields: []string{FieldMitigatedAt},
			check: func(t *testing.T, after Incident) { wantTime(t, "mitigated_at", after.MitigatedAt, at(time.Hour)) }},
		{name: "an admin who is not the commander", actor: "carol",
			cmd: Correct{Title: str("New"), Reason: "r"}, fields: []string{FieldTitle}},

		{name: "another responder", actor: "bob", cmd: Correct{Title: str("New"), Reason: "r"}, code: EFORBIDDEN},
		{name: "a viewer", actor: "victor", cmd: Correct{Title: str("New"), Reason: "r"}, code: EFORBIDDEN},
		{name: "no reason", actor: "alice", cmd: Correct{Title: str("New")}, code: EINVALID, field: "reason"},
		{name: "nothing to change", actor: "alice", cmd: Correct{Reason: "r"}, code: EINVALID},
		{name: "only the same values", actor: "alice", cmd: Correct{Title: str("Checkout fails"), DetectedAt: &t0, Reason: "r"}, code: EINVALID},
		{name: "empty title", actor: "alice", cmd: Correct{Title: str(" "), Reason: "r"}, code: EINVALID, field: "title"},
		{name: "detected in the future", actor: "alice", cmd: Correct{DetectedAt: at(3 * time.Hour), Reason: "r"}, code: EINVALID, field: "detected_at"},
		{name: "started in the future", actor: "alice", cmd: Correct{StartedAt: at(3 * time.Hour), Reason: "r"}, code: EINVALID, field: "started_at"},
		{name: "detected before started", actor: "alice", cmd: Correct{DetectedAt: at(-time.Minute), Reason: "r"}, code: EINVALID, field: "detected_at"},
		{name: "started after detected", actor: "alice", cmd: Correct{StartedAt: at(time.Minute), Reason: "r"}, code: EINVALID, field: "started_at"},
		{name: "mitigated before started", actor: "alice", cmd: Correct{MitigatedAt: at(-time.Minute), Reason: "r"}, code: EINVALID, field: "mitigated_at"},
		{name: "detected after resolution", inc: resolved, actor: "alice", cmd: Correct{DetectedAt: at(90 * time.Minute), Reason: "r"}, code: EINVALID, field: "detected_at"},
		{name: "out of range", actor: "alice", cmd: Correct{StartedAt: &time.Time{}, Reason: "r"}, code: EINVALID, field: "started_at"},
		{name: "closed", inc: incidentAt(StatusClosed), actor: "alice", cmd: Correct{Title: str("New"), Reason: "r"}, code: ECONFLICT},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := inc
			if tc.inc.Number != 0 {
				base = tc.inc
			}
			env := envAt(tc.actor, now)
			if tc.code != "" {
				e := refuse(t, base, env, tc.cmd, tc.code)
				if tc.field != "" && e.Fields[tc.field] == "" {
					t.Errorf("Fields = %v, want an entry for %q (%s)", e.Fields, tc.field, e.Message)
				}
				return
			}
			after, evs := decideWith(t, base, env, tc.cmd)
			var got []string
			for _, e := range evs {
				if e.Type != EventCorrected {
					t.Fatalf("event %s, want %s", e.Type, EventCorrected)
				}
				d := payload[CorrectedData](t, e)
				if d.Reason != tc.cmd.Reason {
					t.Errorf("reason %q", d.Reason)
				}
				got = append(got, d.Field)
			}
			if !reflect.DeepEqual(got, tc.fields) {
				t.Errorf("corrected %v, want %v", got, tc.fields)
			}
			if tc.check != nil {
				tc.check(t, after)
			}
		})
	}
}

// TestCorrectedDescribesOldAndNew: the timeline line has both values and
// the reason.
func TestCorrectedDescribesOldAndNew(t *testing.T) {
	inc, _ := declared(t)
	d := t0.Add(-9 * time.Minute)
	_, evs := decideWith(t, inc, envAt("alice", t0.Add(time.Hour)), Correct{DetectedAt: &d, StartedAt: &d, Reason: "alert at 09:21"})
	desc := DescribeEvent(evs[1])
	if desc.ID != "timeline.corrected" || desc.Args["From"] != "2025-03-14 09:30:00 UTC" || desc.Args["To"] != "2025-03-14 09:21:00 UTC" ||
		desc.Args["Reason"] != "alert at 09:21" || desc.Args["Field"] != (Word{"corrected_field", FieldDetectedAt}) {
		t.Errorf("description = %s %v", desc.ID, desc.Args)
	}
	if got, want := desc.String(), "corrected detected time from 2025-03-14 09:30:00 UTC to 2025-03-14 09:21:00 UTC: alert at 09:21"; got != want {
		t.Errorf("English = %q, want %q", got, want)
	}
	var raw map[string]any
	json.Unmarshal(evs[1].Data, &raw)
	if raw["from"] != "2025-03-14T09:30:00Z" || raw["to"] != "2025-03-14T09:21:00Z" {
		t.Errorf("data = %s", evs[1].Data)
	}
}

func TestVacateRole(t *testing.T) {
	inc, _ := declared(t) // commander alice
	inc, _ = decide(t, inc, AssignRole{Role: RoleScribe, User: "bob"})
	legacy := incidentAt(StatusInvestigating)
	legacy.Roles = map[string]string{RoleCommander: "alice", "comms": "bob"} // given before roles were checked

	tests := []struct {
		name  string
		inc   Incident
		role  string
		want  RoleVacatedData
		code  string
		field string
	}{
		{name: "scribe", inc: inc, role: "scribe", want: RoleVacatedData{Role: RoleScribe, User: "bob"}},
		{name: "any case", inc: inc, role: "Scribe", want: RoleVacatedData{Role: RoleScribe, User: "bob"}},
		{name: "a role given before roles were checked", inc: legacy, role: "comms", want: RoleVacatedData{Role: "comms", User: "bob"}},
		{name: "the commander", inc: inc, role: "commander", code: EINVALID, field: "role"},
		{name: "held by nobody", inc: inc, role: "communications", code: ECONFLICT},
		{name: "unknown", inc: inc, role: "comms", code: EINVALID, field: "role"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.code != "" {
				e := refuse(t, tc.inc, envAs("alice"), VacateRole{Role: tc.role}, tc.code)
				if tc.field != "" && e.Fields[tc.field] == "" {
					t.Errorf("Fields = %v, want %q", e.Fields, tc.field)
				}
				return
			}
			after, evs := decide(t, tc.inc, VacateRole{Role: tc.role})
			wantTypes(t, evs, EventRoleVacated)
			if p := payload[RoleVacatedData](t, evs[0]); p != tc.want {
				t.Errorf("payload = %+v, want %+v", p, tc.want)
			}
			if _, held := after.Roles[tc.want.Role]; held || after.Roles[RoleCommander] != "alice" {
				t.Errorf("roles = %v", after.Roles)
			}
			if _, held := tc.inc.Roles[tc.want.Role]; !held {
				t.Error("Apply changed the earlier incident's roles")
			}
		})
	}
	e := refuse(t, inc, envAs("alice"), VacateRole{Role: RoleCommander}, EINVALID)
	wantMessage(t, e, "hand it over", "hansei incident role 7 commander USER")
}

// TestRoles: a configured role is assignable, in any case, and stored by
// its name; an unknown one is refused naming every configured role.
func TestRoles(t *testing.T) {
	s := DefaultScales()
	s.Roles = append(s.Roles, RoleDef{Name: "liaison", Description: "Talks to the vendor."})
	for in, want := range map[string]string{"scribe": "scribe", "COMMANDER": "commander", " Liaison ": "liaison"} {
		if got, err := s.Role(in); err != nil || got != want {
			t.Errorf("Role(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := s.Role("comms")
	if ErrorCode(err) != EINVALID || ErrorFields(err)["role"] == "" {
		t.Fatalf("Role(comms) = %v", err)
	}
	wantMessage(t, err.(*Error), "commander, communications, scribe, liaison")
	inc, _ := declared(t)
	env := envAs("alice")
	env.Scales = s
	_, evs := decideWith(t, inc, env, AssignRole{Role: "Liaison", User: "bob"})
	if p := payload[RoleAssignedData](t, evs[len(evs)-1]); p.Role != "liaison" {
		t.Errorf("stored role %q, want liaison", p.Role)
	}
}
