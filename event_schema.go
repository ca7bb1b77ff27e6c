package hansei

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// eventData is the payload type of every timeline event type: the one
// source of the event catalog (EventSchemas, GET /api/v1/events/schema,
// docs/webhooks.md). A test checks that it covers EventTypes().
func eventData() map[string]any {
	return map[string]any{
		EventDeclared:           DeclaredData{},
		EventSeverityChanged:    SeverityChangedData{},
		EventStatusChanged:      StatusChangedData{},
		EventRoleAssigned:       RoleAssignedData{},
		EventResponderJoined:    ResponderJoinedData{},
		EventNoteAdded:          NoteAddedData{},
		EventIntentStated:       IntentStatedData{},
		EventIntentAcked:        IntentAckedData{},
		EventIntentObjected:     IntentObjectedData{},
		EventObjectionLifted:    IntentRefData{},
		EventIntentWithdrawn:    IntentRefData{},
		EventIntentExpired:      IntentRefData{},
		EventResponderStoodDown: StoodDownData{},
		EventPublicUpdate:       PublicUpdateData{},
		EventComponentsLinked:   ComponentsLinkedData{},
		EventCorrected:          CorrectedData{},
		EventRoleVacated:        RoleVacatedData{},
		EventRedacted:           RedactedData{},
	}
}

// Schema is a JSON Schema (draft 2020-12), as far as hansei uses it.
type Schema struct {
	SchemaURI   string `json:"$schema,omitempty"`
	ID          string `json:"$id,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	// Type is a type name, or a list of them (["array", "null"]: Go
	// writes an empty list as null).
	Type                 any                `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	Const                string             `json:"const,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	AdditionalProperties *Schema            `json:"additionalProperties,omitempty"`
	OneOf                []*Schema          `json:"oneOf,omitempty"`
	Ref                  string             `json:"$ref,omitempty"`
	Defs                 map[string]*Schema `json:"$defs,omitempty"`
}

// EventSchemas is the event catalog as one JSON Schema: a timeline event
// is one of the schemas under $defs, one per event type, each naming its
// type in "type" and its payload in "data". Payloads may gain fields in
// later versions (the API contract: fields are added, never renamed), so
// their objects allow more properties than listed; a redacted note or
// public update carries "redacted" beside its emptied text.
func EventSchemas() *Schema {
	doc := &Schema{SchemaURI: "https://json-schema.org/draft/2020-12/schema", ID: "https://hansei.dev/schema/events.json",
		Title:       "hansei timeline event",
		Description: "An event of an incident's timeline, as GET /api/v1/incidents/{n}/timeline and the event webhooks give it.",
		Defs:        map[string]*Schema{}}
	for _, typ := range EventTypes() {
		data, ok := eventData()[typ]
		if !ok {
			continue
		}
		d := schemaOf(reflect.TypeOf(data))
		if typ == EventNoteAdded || typ == EventPublicUpdate {
			d.Properties["redacted"] = schemaOf(reflect.TypeOf(Redaction{}))
		}
		doc.Defs[typ] = &Schema{Type: "object", Required: []string{"incident", "seq", "type", "actor", "at", "data"},
			Properties: map[string]*Schema{
				"incident": {Type: "integer", Description: "the incident's number"},
				"seq":      {Type: "integer", Description: "the event's place in its incident's timeline, from 1"},
				"type":     {Const: typ},
				"actor":    {Type: "string", Description: "the user name of who caused it"},
				"at":       {Type: "string", Format: "date-time"},
				"data":     d,
				"pos":      {Type: "integer", Description: "the event's place among the events of all incidents, in commit order"},
			}}
		doc.OneOf = append(doc.OneOf, &Schema{Ref: "#/$defs/" + typ})
	}
	return doc
}

// schemaOf describes a Go type as it marshals to JSON.
func schemaOf(t reflect.Type) *Schema {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeOf(time.Time{}):
		return &Schema{Type: "string", Format: "date-time"}
	case t == reflect.TypeOf(json.RawMessage{}):
		return &Schema{} // any JSON value
	}
	switch t.Kind() {
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &Schema{Type: "integer"}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}
	case reflect.Slice, reflect.Array:
		return &Schema{Type: []string{"array", "null"}, Items: schemaOf(t.Elem())}
	case reflect.Map:
		return &Schema{Type: []string{"object", "null"}, AdditionalProperties: schemaOf(t.Elem())}
	case reflect.Struct:
		s := &Schema{Type: "object", Properties: map[string]*Schema{}}
		addFields(s, t)
		return s
	}
	return &Schema{}
}

// addFields adds a struct's JSON fields to s, those of embedded structs
// as its own; a field without omitempty is always present, so required.
func addFields(s *Schema, t reflect.Type) {
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			addFields(s, f.Type)
			continue
		}
		if name == "" {
			name = f.Name
		}
		s.Properties[name] = schemaOf(f.Type)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			s.Required = append(s.Required, name)
		}
	}
}
