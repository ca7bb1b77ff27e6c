package hansei

import (
	"strings"
	"testing"
)

func TestRedactRules(t *testing.T) {
	note := ev(t, 3, EventNoteAdded, t0, "bob", NoteAddedData{Text: "password hunter2"})
	update := ev(t, 4, EventPublicUpdate, t0, "alice", PublicUpdateData{Status: StatusInvestigating, Text: "We look into it"})
	severity := ev(t, 2, EventSeverityChanged, t0, "alice", SeverityChangedData{From: "SEV2", To: "SEV1", Reason: "worse"})
	redactedPayload, err := RedactedPayload(note, Redaction{By: "bob", At: t0, Reason: "secret", Seq: 5})
	if err != nil {
		t.Fatal(err)
	}
	redacted := note
	redacted.Data = redactedPayload

	for _, tc := range []struct {
		name   string
		actor  string
		status Status
		cmd    Redact
		code   string // "" when accepted
		field  string
	}{
		{name: "the author redacts their note", actor: "bob", cmd: Redact{Seq: 3, Reason: "a password", Target: note}},
		{name: "an admin redacts anyone's note", actor: "carol", cmd: Redact{Seq: 3, Reason: "a password", Target: note}},
		{name: "an admin redacts a public update", actor: "carol", cmd: Redact{Seq: 4, Reason: "customer name", Target: update}},
		{name: "a closed incident is redacted too", actor: "bob", status: StatusClosed, cmd: Redact{Seq: 3, Reason: "a password", Target: note}},
		{name: "someone else's note", actor: "dave", cmd: Redact{Seq: 3, Reason: "a password", Target: note}, code: EFORBIDDEN},
		{name: "a viewer's own note is not theirs to take back", actor: "victor",
			cmd: Redact{Seq: 3, Reason: "x", Target: ev(t, 3, EventNoteAdded, t0, "victor", NoteAddedData{Text: "x"})}, code: EFORBIDDEN},
		{name: "the publisher of a public update is not its author", actor: "alice", cmd: Redact{Seq: 4, Reason: "oops", Target: update}, code: EFORBIDDEN},
		{name: "a reason is required", actor: "bob", cmd: Redact{Seq: 3, Reason: "  ", Target: note}, code: EINVALID, field: "reason"},
		{name: "only notes and public updates", actor: "carol", cmd: Redact{Seq: 2, Reason: "x", Target: severity}, code: EINVALID, field: "seq"},
		{name: "no such event", actor: "carol", cmd: Redact{Seq: 99, Reason: "x"}, code: ENOTFOUND},
		{name: "seq zero", actor: "carol", cmd: Redact{Seq: 0, Reason: "x"}, code: EINVALID, field: "seq"},
		{name: "already redacted", actor: "bob", cmd: Redact{Seq: 3, Reason: "again", Target: redacted}, code: ECONFLICT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status := tc.status
			if status == "" {
				status = StatusInvestigating
			}
			inc := incidentAt(status)
			if tc.code == "" {
				_, evs := decideWith(t, inc, envAs(tc.actor), tc.cmd)
				wantTypes(t, evs, EventRedacted)
				if d := payload[RedactedData](t, evs[0]); d.Seq != tc.cmd.Seq || d.Reason != tc.cmd.Reason {
					t.Errorf("payload = %+v, want seq %d and the reason", d, tc.cmd.Seq)
				}
				return
			}
			if tc.field != "" {
				refuseField(t, inc, envAs(tc.actor), tc.cmd, tc.field)
				return
			}
			refuse(t, inc, envAs(tc.actor), tc.cmd, tc.code)
		})
	}
}

func TestRedactedPayloadKeepsNoText(t *testing.T) {
	r := Redaction{By: "carol", At: t0, Reason: "customer name", Seq: 9}
	for _, e := range []Event{
		ev(t, 3, EventNoteAdded, t0, "bob", NoteAddedData{Text: "hunter2-SECRET"}),
		ev(t, 4, EventPublicUpdate, t0, "alice", PublicUpdateData{Title: "Checkout", Status: StatusMonitoring,
			Text: "hunter2-SECRET", Components: map[string]ComponentState{"checkout": "degraded"}}),
	} {
		raw, err := RedactedPayload(e, r)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), "hunter2") {
			t.Errorf("%s: redacted data %s still holds the text", e.Type, raw)
		}
		e.Data = raw
		got, ok := RedactionOf(e)
		if !ok || got.By != "carol" || got.Seq != 9 || !got.At.Equal(t0) {
			t.Errorf("%s: RedactionOf = %+v, %v", e.Type, got, ok)
		}
		if d := DescribeEvent(e); d.ID != "timeline.redacted" || d.Args["Reason"] != "customer name" || d.Args["At"] != "2025-03-14 09:30 UTC" {
			t.Errorf("%s: described as %s %v", e.Type, d.ID, d.Args)
		}
		if e.Type == EventPublicUpdate {
			// The status page's history still follows the update's state.
			if d := payload[PublicUpdateData](t, e); d.Status != StatusMonitoring || d.Components["checkout"] != "degraded" || d.Title != "Checkout" {
				t.Errorf("public update lost its state: %+v", d)
			}
		}
	}
}

func TestRedactRecordReplacesTheCandidate(t *testing.T) {
	pm := Postmortem{Record: Record{Candidates: []RecordEntry{
		{Seq: 3, Kind: "note", Text: "hunter2"}, {Seq: 4, Kind: "note", Text: "kept"}}}}
	if !pm.RedactRecord(3, Redaction{By: "bob", At: t0, Reason: "a password", Seq: 9}) {
		t.Fatal("RedactRecord found no entry for seq 3")
	}
	got := pm.Record.Candidates
	if got[0].Text != "redacted by bob at 2025-03-14 09:30 UTC: a password" || got[0].Message != "timeline.redacted" || got[1].Text != "kept" {
		t.Errorf("candidates = %+v", got)
	}
	if pm.RedactRecord(7, Redaction{}) {
		t.Error("RedactRecord reported an entry for a seq the record lacks")
	}
}
