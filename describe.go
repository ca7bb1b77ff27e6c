package hansei

import "strings"

// EventDescription is a timeline event as a message: an ID such as
// timeline.severity_changed and its named arguments. It satisfies the
// i18n package's Localizable by method shape, so that a page, the export
// and the command line print it in their reader's language; String is
// English, for logs.
type EventDescription struct {
	ID   string
	Args map[string]any
	e    Event
}

// MessageID is the description's message ID.
func (d EventDescription) MessageID() string { return d.ID }

// MessageArgs are the description's arguments by name. Data words
// (statuses, roles, intent kinds) are Words, which a printer prints in
// its own language.
func (d EventDescription) MessageArgs() map[string]any { return d.Args }

// String is the event in English, for logs.
func (d EventDescription) String() string { return describeEnglish(d.e) }

// Word is a value of the data in words: the message word.KIND.VALUE, such
// as word.incident_status.mitigated. A value no catalog names prints as
// itself (String).
type Word struct{ Kind, Value string }

// MessageID is word.KIND.VALUE.
func (w Word) MessageID() string { return "word." + w.Kind + "." + w.Value }

// MessageArgs is empty: a word has no arguments.
func (w Word) MessageArgs() map[string]any { return nil }

// String is the value itself: it may be text someone wrote.
func (w Word) String() string { return w.Value }

// EventTypes are the types of every event an incident's timeline may
// hold, so that a test keeps each described in every catalog.
func EventTypes() []string {
	return []string{EventDeclared, EventSeverityChanged, EventStatusChanged, EventRoleAssigned, EventResponderJoined,
		EventNoteAdded, EventIntentStated, EventIntentAcked, EventIntentObjected, EventObjectionLifted,
		EventIntentWithdrawn, EventIntentExpired, EventResponderStoodDown, EventPublicUpdate, EventComponentsLinked,
		EventCorrected, EventRoleVacated, EventRedacted}
}

// DescribeEvent is a timeline event as a message (timeline.*) with its
// arguments; an event of a type this version does not know is
// timeline.unknown with its type and data.
func DescribeEvent(e Event) EventDescription {
	id, args := describe(e)
	return EventDescription{ID: id, Args: args, e: e}
}

func describe(e Event) (string, map[string]any) {
	if r, ok := RedactionOf(e); ok {
		return "timeline.redacted", redactionArgs(r)
	}
	switch e.Type {
	case EventRedacted:
		var d RedactedData
		decodeEvent(e, &d)
		return "timeline.event_redacted", map[string]any{"Seq": d.Seq, "Reason": d.Reason}
	case EventDeclared:
		var d DeclaredData
		decodeEvent(e, &d)
		return "timeline.declared", map[string]any{"Title": d.Title, "Severity": d.Severity}
	case EventSeverityChanged:
		var d SeverityChangedData
		decodeEvent(e, &d)
		return "timeline.severity_changed", map[string]any{"From": d.From, "To": d.To, "Reason": d.Reason}
	case EventStatusChanged:
		var d StatusChangedData
		decodeEvent(e, &d)
		args := map[string]any{"From": Word{"incident_status", string(d.From)}, "To": Word{"incident_status", string(d.To)}}
		if d.Message == "" {
			return "timeline.status_changed", args
		}
		args["Message"] = d.Message
		return "timeline.status_changed_with_message", args
	case EventRoleAssigned:
		var d RoleAssignedData
		decodeEvent(e, &d)
		args := map[string]any{"Role": Word{"incident_role", d.Role}, "User": d.User}
		if d.Previous != "" {
			args["Previous"] = d.Previous
			return "timeline.role_handed_over", args
		}
		return "timeline.role_assigned", args
	case EventRoleVacated:
		var d RoleVacatedData
		decodeEvent(e, &d)
		return "timeline.role_vacated", map[string]any{"Role": Word{"incident_role", d.Role}, "User": d.User}
	case EventCorrected:
		var d CorrectedData
		decodeEvent(e, &d)
		args := map[string]any{"Field": Word{"corrected_field", d.Field}, "From": correctionValue(d.From),
			"To": correctionValue(d.To), "Reason": d.Reason}
		if string(d.From) == "null" {
			return "timeline.corrected_set", args
		}
		return "timeline.corrected", args
	case EventResponderJoined:
		var d ResponderJoinedData
		decodeEvent(e, &d)
		if d.Rejoined {
			return "timeline.responder_rejoined", map[string]any{"User": d.User}
		}
		return "timeline.responder_joined", map[string]any{"User": d.User}
	case EventPublicUpdate:
		var d PublicUpdateData
		decodeEvent(e, &d)
		return "timeline.public_update", map[string]any{"Status": Word{"incident_status", string(d.Status)}, "Text": d.Text}
	case EventComponentsLinked:
		var d ComponentsLinkedData
		decodeEvent(e, &d)
		return "timeline.components_linked", map[string]any{"Components": strings.Join(d.Components, ", ")}
	case EventIntentStated:
		var d IntentStatedData
		decodeEvent(e, &d)
		return "timeline.intent_stated", map[string]any{"ID": d.ID, "Kind": Word{"intent_kind", string(d.Kind)},
			"AckFrom": Word{"ack_from", string(d.AckFrom)}, "Text": d.Text}
	case EventIntentAcked:
		var d IntentAckedData
		decodeEvent(e, &d)
		if d.Complete {
			return "timeline.intent_acknowledged", map[string]any{"ID": d.ID}
		}
		return "timeline.intent_acknowledged_partly", map[string]any{"ID": d.ID}
	case EventIntentObjected:
		var d IntentObjectedData
		decodeEvent(e, &d)
		return "timeline.intent_objected", map[string]any{"ID": d.ID, "Reason": d.Reason}
	case EventObjectionLifted, EventIntentWithdrawn, EventIntentExpired:
		var d IntentRefData
		decodeEvent(e, &d)
		id := map[string]string{EventObjectionLifted: "timeline.objection_lifted", EventIntentWithdrawn: "timeline.intent_withdrawn",
			EventIntentExpired: "timeline.intent_expired"}[e.Type]
		return id, map[string]any{"ID": d.ID}
	case EventResponderStoodDown:
		var d StoodDownData
		decodeEvent(e, &d)
		return "timeline.responder_stood_down", map[string]any{"User": d.User}
	case EventNoteAdded:
		var d NoteAddedData
		decodeEvent(e, &d)
		return "timeline.note_added", map[string]any{"Text": d.Text}
	}
	return "timeline.unknown", map[string]any{"Type": e.Type, "Data": string(e.Data)}
}

// redactionArgs are the arguments of timeline.redacted. The time is
// written in UTC, to the minute, as every language reads it alike.
func redactionArgs(r Redaction) map[string]any {
	return map[string]any{"By": r.By, "At": r.At.UTC().Format("2006-01-02 15:04 UTC"), "Reason": r.Reason}
}
