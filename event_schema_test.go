package hansei

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEveryEventTypeHasASchema: the catalog covers every event type, and a
// new type without a payload in eventData fails here.
func TestEveryEventTypeHasASchema(t *testing.T) {
	doc := EventSchemas()
	for _, typ := range EventTypes() {
		if doc.Defs[typ] == nil {
			t.Errorf("%s has no schema: add its payload type to eventData", typ)
		}
		if !slices.ContainsFunc(doc.OneOf, func(s *Schema) bool { return s.Ref == "#/$defs/"+typ }) {
			t.Errorf("%s is not in oneOf", typ)
		}
	}
	if len(doc.Defs) != len(EventTypes()) {
		t.Errorf("%d schemas for %d event types", len(doc.Defs), len(EventTypes()))
	}
}

// TestRealEventsValidate: events the domain decides, of every type (a
// redacted note among them), as JSON, validate against their type's
// schema as published, read back from its JSON like a receiver would.
func TestRealEventsValidate(t *testing.T) {
	raw, err := json.Marshal(EventSchemas())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	defs := doc["$defs"].(map[string]any)
	seen := map[string]bool{}
	for _, e := range everyKindOfEvent(t) {
		body, _ := json.Marshal(e)
		var v any
		json.Unmarshal(body, &v)
		schema, ok := defs[e.Type].(map[string]any)
		if !ok {
			t.Errorf("no schema for %s", e.Type)
			continue
		}
		if err := validate(schema, v, "event"); err != nil {
			t.Errorf("%s does not validate: %v\n%s", e.Type, err, body)
		}
		// The wrong type's schema refuses it.
		other := defs[EventDeclared].(map[string]any)
		if e.Type != EventDeclared && validate(other, v, "event") == nil {
			t.Errorf("%s validates against incident.declared's schema", e.Type)
		}
		seen[e.Type] = true
	}
	for _, typ := range EventTypes() {
		if !seen[typ] {
			t.Errorf("no real %s event was checked", typ)
		}
	}
}

// everyKindOfEvent is one incident's life through Decide, touching every
// event type.
func everyKindOfEvent(t *testing.T) []Event {
	inc := Incident{Number: 7}
	var all []Event
	run := func(actor string, at time.Time, cmd Command) []Event {
		t.Helper()
		var evs []Event
		inc, evs = decideWith(t, inc, envAt(actor, at), cmd)
		all = append(all, evs...)
		return evs
	}
	run("alice", t0, Declare{Title: "Checkout fails", Severity: "SEV2", Services: []string{"checkout"}})
	run("bob", t0, Join{})
	run("alice", t0, ChangeSeverity{Severity: "SEV1", Reason: "all regions"})
	run("alice", t0, ChangeStatus{Status: StatusIdentified, Message: "the cache"})
	run("alice", t0, AssignRole{Role: RoleScribe, User: "bob"})
	note := run("bob", t0, AddNote{Text: "the secret is hunter2"})[0]
	run("bob", t0, StateIntent{ID: 1, Text: "restart the cache", Kind: IntentAction, AckFrom: AckAny})
	run("alice", t0, AcknowledgeIntent{ID: 1})
	run("bob", t0, StateIntent{ID: 2, Text: "drop the table", Kind: IntentAction, AckFrom: AckAny})
	run("alice", t0, ObjectIntent{ID: 2, Reason: "no backup"})
	run("alice", t0, LiftObjection{ID: 2})
	run("bob", t0, WithdrawIntent{ID: 2})
	run("bob", t0, StateIntent{ID: 3, Text: "fail over", Kind: IntentAction, AckFrom: AckAny})
	run("alice", t0.Add(time.Hour), ExpireIntent{ID: 3})
	run("alice", t0.Add(time.Hour), VacateRole{Role: RoleScribe})
	run("bob", t0.Add(time.Hour), StateIntent{ID: 4, Text: "going home", Kind: IntentStandDown, AckFrom: AckAny})
	run("alice", t0.Add(time.Hour), AcknowledgeIntent{ID: 4})
	run("carol", t0.Add(time.Hour), PublishUpdate{Status: StatusIdentified, Text: "We found it."})
	run("carol", t0.Add(time.Hour), LinkComponents{Components: []string{"api"}})
	title := "Checkout fails in EU"
	run("alice", t0.Add(time.Hour), Correct{Title: &title, Reason: "only the EU"})
	r := Redaction{By: "carol", At: t0.Add(time.Hour), Reason: "a password"}
	run("carol", t0.Add(time.Hour), Redact{Seq: note.Seq, Reason: r.Reason, Target: note})
	redacted, err := RedactedPayload(note, r)
	if err != nil {
		t.Fatal(err)
	}
	note.Data = redacted
	return append(all, note)
}

// validate checks v against the parts of JSON Schema the catalog uses:
// type (a name or a list), const, format date-time, properties, required,
// items and additionalProperties.
func validate(s map[string]any, v any, path string) error {
	if c, ok := s["const"]; ok && c != v {
		return fmt.Errorf("%s: %v is not %v", path, v, c)
	}
	if typ, ok := s["type"]; ok {
		var names []any
		if l, ok := typ.([]any); ok {
			names = l
		} else {
			names = []any{typ}
		}
		if !slices.ContainsFunc(names, func(n any) bool { return isJSONType(n.(string), v) }) {
			return fmt.Errorf("%s: %v is not of type %v", path, v, typ)
		}
	}
	if s["format"] == "date-time" {
		if str, ok := v.(string); !ok {
			return fmt.Errorf("%s: not a date-time", path)
		} else if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
			return fmt.Errorf("%s: %q is not a date-time", path, str)
		}
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, r := range asList(s["required"]) {
			if _, ok := v[r.(string)]; !ok {
				return fmt.Errorf("%s: %s is required", path, r)
			}
		}
		for k, val := range v {
			if p, ok := props[k].(map[string]any); ok {
				if err := validate(p, val, path+"."+k); err != nil {
					return err
				}
			} else if ap, ok := s["additionalProperties"].(map[string]any); ok {
				if err := validate(ap, val, path+"."+k); err != nil {
					return err
				}
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, val := range v {
				if err := validate(items, val, fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func asList(v any) []any { l, _ := v.([]any); return l }

func isJSONType(name string, v any) bool {
	switch name {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "null":
		return v == nil
	}
	return false
}

// TestEventCatalogDocs: docs/events.md is the catalog as EventSchemas
// gives it; HANSEI_UPDATE_DOCS=1 rewrites it.
func TestEventCatalogDocs(t *testing.T) {
	want := eventCatalogMarkdown(t)
	if os.Getenv("HANSEI_UPDATE_DOCS") == "1" {
		if err := os.WriteFile("docs/events.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("docs/events.md")
	if err != nil || string(got) != want {
		t.Errorf("docs/events.md is not the event catalog of this version: run HANSEI_UPDATE_DOCS=1 go test -run TestEventCatalogDocs .")
	}
}

func eventCatalogMarkdown(t *testing.T) string {
	var b strings.Builder
	b.WriteString(`# Event catalog

<!-- Generated by TestEventCatalogDocs (event_schema_test.go) from EventSchemas
     (event_schema.go): HANSEI_UPDATE_DOCS=1 go test -run TestEventCatalogDocs . -->

Every timeline event, as ` + "`GET /api/v1/incidents/{n}/timeline`" + ` and the event webhooks
([webhooks.md](webhooks.md)) give it, has one of the types below. The whole catalog is one JSON
Schema (draft 2020-12), served at ` + "`GET /api/v1/events/schema`" + `: an event is one of its
` + "`$defs`" + `, one per type, each fixing ` + "`type`" + ` and describing ` + "`data`" + `. A property listed
in ` + "`required`" + ` is always present; a later version may add properties (never rename or
remove them), so a receiver should ignore what it does not know. A list may be ` + "`null`" + ` when
empty. A note or public update whose text was redacted ([redaction.md](redaction.md)) has an
empty ` + "`text`" + ` and a ` + "`redacted`" + ` object.

`)
	doc := EventSchemas()
	for _, typ := range EventTypes() {
		js, err := json.MarshalIndent(doc.Defs[typ].Properties["data"], "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "## `%s`\n\n`data`:\n\n```json\n%s\n```\n\n", typ, js)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
