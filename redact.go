package hansei

import (
	"encoding/json"
	"time"
)

// EventRedacted records that the text of an earlier event was removed
// from storage. The event itself keeps only which event and why: the
// record shows that something was taken out, by whom and when, never what.
const EventRedacted = "event.redacted"

// RedactedData is the payload of an event.redacted event.
type RedactedData struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// Redaction is what stands in a redacted event's data in place of its
// text: who took the text out, when, why, and the seq of the
// event.redacted event that records it.
type Redaction struct {
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
	Seq    int64     `json:"seq"`
}

// Redact removes the text of a note or a public update. Target is the
// event to redact as stored, read by the store in the same transaction:
// the rules depend on its type, its author and whether it is redacted
// already.
type Redact struct {
	Seq    int64
	Reason string
	Target Event
}

func (Redact) command() {}

// Redactable reports whether events of type typ carry text that may be
// redacted: notes and public updates. Other events are the structure of
// the record (who held which role, which severity, which status); a
// secret in their reason or message is corrected by a later event.
func Redactable(typ string) bool { return typ == EventNoteAdded || typ == EventPublicUpdate }

// RedactionOf returns the redaction recorded in e's data, if e was redacted.
func RedactionOf(e Event) (Redaction, bool) {
	var d struct {
		Redacted *Redaction `json:"redacted"`
	}
	if json.Unmarshal(e.Data, &d) != nil || d.Redacted == nil {
		return Redaction{}, false
	}
	return *d.Redacted, true
}

// MayRedact says whether actor may redact target: an admin may redact
// anything redactable; anyone else only a note they wrote. A public update
// speaks for the incident, not for its author, so only an admin takes it
// back.
func MayRedact(actor User, target Event) error {
	if actor.Role == RoleAdmin {
		return nil
	}
	if target.Type == EventNoteAdded && actor.Name != "" && target.Actor == actor.Name && actor.CanAct() {
		return nil
	}
	if target.Type == EventNoteAdded {
		return Errorf(EFORBIDDEN, "only the note's author (%s) or an admin may redact event %d", target.Actor, target.Seq)
	}
	return Errorf(EFORBIDDEN, "only an admin may redact public update %d", target.Seq)
}

func (d *decider) redact(c Redact) error {
	if c.Seq < 1 {
		return FieldError("seq", "seq must be the number of a note or public update on the timeline (1 or more), not %d", c.Seq)
	}
	t := c.Target
	if t.Seq != c.Seq || t.Incident != d.inc.Number {
		return Errorf(ENOTFOUND, "%s has no event %d; redact a note or public update by its seq", d.inc.Ref(), c.Seq)
	}
	if !Redactable(t.Type) {
		return FieldError("seq", "event %d is %s; only notes (note.added) and public updates (public.updated) can be redacted", c.Seq, t.Type)
	}
	if err := MayRedact(d.env.Actor, t); err != nil {
		return err
	}
	reason, err := Lines("reason", MaxReason).Require().Clean(c.Reason)
	if err != nil {
		return err
	}
	if r, ok := RedactionOf(t); ok {
		return Errorf(ECONFLICT, "event %d was already redacted by %s at %s", c.Seq, r.By, r.At.UTC().Format(time.RFC3339))
	}
	d.emit(EventRedacted, RedactedData{Seq: c.Seq, Reason: reason})
	return nil
}

// RedactedPayload is the data that replaces a redacted event's: its text
// is gone, and what stays is what the rest of the record is built from (a
// public update's status and component states, which the status page's
// history follows), with the redaction beside it. The text field stays,
// empty, so that readers of the data find the fields they expect.
func RedactedPayload(target Event, r Redaction) (json.RawMessage, error) {
	var out any
	switch target.Type {
	case EventNoteAdded:
		out = struct {
			Text     string    `json:"text"`
			Redacted Redaction `json:"redacted"`
		}{"", r}
	case EventPublicUpdate:
		var d PublicUpdateData
		if err := json.Unmarshal(target.Data, &d); err != nil {
			return nil, err
		}
		d.Text = ""
		out = struct {
			PublicUpdateData
			Redacted Redaction `json:"redacted"`
		}{d, r}
	default:
		return nil, Errorf(EINTERNAL, "event type %s is not redactable", target.Type)
	}
	return json.Marshal(out)
}

// RedactedText returns the text that redacting target removes, so that
// the store can take it out of every copy (notifications, postmortem
// drafts, saved responses).
func RedactedText(target Event) string {
	var d struct {
		Text string `json:"text"`
	}
	json.Unmarshal(target.Data, &d)
	return d.Text
}

// RedactRecord replaces the text of the postmortem record's entry for
// event seq (a note among the candidate highlights) with the redaction,
// as the timeline shows it. It reports whether the record held the event.
func (pm *Postmortem) RedactRecord(seq int64, r Redaction) bool {
	found := false
	for _, entries := range [][]RecordEntry{pm.Record.Candidates, pm.Record.Severity, pm.Record.Roles, pm.Record.Intents} {
		for i := range entries {
			if entries[i].Seq != seq {
				continue
			}
			args := redactionArgs(r)
			entries[i].Text = describeEnglish(Event{Data: redactionData(r)})
			entries[i].Message = "timeline.redacted"
			entries[i].Args = map[string]string{"By": args["By"].(string), "At": args["At"].(string), "Reason": r.Reason}
			found = true
		}
	}
	return found
}

func redactionData(r Redaction) json.RawMessage {
	b, _ := json.Marshal(struct {
		Redacted Redaction `json:"redacted"`
	}{r})
	return b
}
