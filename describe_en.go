package hansei

import (
	"fmt"
	"strings"
)

// describeEnglish is a timeline event as one line of English, for logs
// and for a reader that has no catalogs (EventDescription.String).
func describeEnglish(e Event) string {
	if r, ok := RedactionOf(e); ok {
		a := redactionArgs(r)
		return fmt.Sprintf("redacted by %s at %s: %s", a["By"], a["At"], a["Reason"])
	}
	switch e.Type {
	case EventRedacted:
		var d RedactedData
		decodeEvent(e, &d)
		return fmt.Sprintf("redacted event %d: %s", d.Seq, d.Reason)
	case EventDeclared:
		var d DeclaredData
		decodeEvent(e, &d)
		return fmt.Sprintf("declared %q at %s", d.Title, d.Severity)
	case EventSeverityChanged:
		var d SeverityChangedData
		decodeEvent(e, &d)
		return fmt.Sprintf("severity %s → %s: %s", d.From, d.To, d.Reason)
	case EventStatusChanged:
		var d StatusChangedData
		decodeEvent(e, &d)
		s := fmt.Sprintf("status %s → %s", d.From, d.To)
		if d.Message != "" {
			s += ": " + d.Message
		}
		return s
	case EventRoleAssigned:
		var d RoleAssignedData
		decodeEvent(e, &d)
		if d.Previous != "" {
			return fmt.Sprintf("%s handed over from %s to %s", d.Role, d.Previous, d.User)
		}
		return fmt.Sprintf("%s is now %s", d.User, d.Role)
	case EventRoleVacated:
		var d RoleVacatedData
		decodeEvent(e, &d)
		return fmt.Sprintf("vacated %s (held by %s)", d.Role, d.User)
	case EventCorrected:
		var d CorrectedData
		decodeEvent(e, &d)
		return fmt.Sprintf("corrected %s from %s to %s: %s", strings.ReplaceAll(d.Field, "_at", " time"), correctionValue(d.From), correctionValue(d.To), d.Reason)
	case EventResponderJoined:
		var d ResponderJoinedData
		decodeEvent(e, &d)
		if d.Rejoined {
			return d.User + " rejoined"
		}
		return d.User + " joined"
	case EventPublicUpdate:
		var d PublicUpdateData
		decodeEvent(e, &d)
		return fmt.Sprintf("public update (%s): %s", d.Status, d.Text)
	case EventComponentsLinked:
		var d ComponentsLinkedData
		decodeEvent(e, &d)
		return "affects on the status page: " + strings.Join(d.Components, ", ")
	case EventIntentStated:
		var d IntentStatedData
		decodeEvent(e, &d)
		return fmt.Sprintf("statement of intent %d (%s, ack from %s): %q", d.ID, strings.ReplaceAll(string(d.Kind), "_", " "), d.AckFrom, d.Text)
	case EventIntentAcked:
		var d IntentAckedData
		decodeEvent(e, &d)
		if d.Complete {
			return fmt.Sprintf("acknowledged intent %d", d.ID)
		}
		return fmt.Sprintf("acknowledged intent %d (more acknowledgements needed)", d.ID)
	case EventIntentObjected:
		var d IntentObjectedData
		decodeEvent(e, &d)
		return fmt.Sprintf("objected to intent %d: %q", d.ID, d.Reason)
	case EventObjectionLifted, EventIntentWithdrawn, EventIntentExpired:
		var d IntentRefData
		decodeEvent(e, &d)
		verb := map[string]string{EventObjectionLifted: "lifted the objection to", EventIntentWithdrawn: "withdrew",
			EventIntentExpired: "expired unacknowledged:"}[e.Type]
		return fmt.Sprintf("%s intent %d", verb, d.ID)
	case EventResponderStoodDown:
		var d StoodDownData
		decodeEvent(e, &d)
		return d.User + " stood down"
	case EventNoteAdded:
		var d NoteAddedData
		decodeEvent(e, &d)
		return "note: " + d.Text
	}
	return e.Type + " " + string(e.Data)
}
