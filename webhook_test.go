package hansei

import (
	"encoding/json"
	"testing"
)

// TestNewWebhookRefuses: each bad field is refused with 422 naming it.
func TestNewWebhookRefuses(t *testing.T) {
	scale := DefaultScales().Severity
	for _, tc := range []struct {
		name, url, secret  string
		events, severities []string
		field              string
	}{
		{"ftp", "ftp://hooks.example.com/x", "", nil, nil, "url"},
		{"no scheme", "hooks.example.com/x", "", nil, nil, "url"},
		{"no host", "https:///x", "", nil, nil, "url"},
		{"javascript", "javascript:alert(1)", "", nil, nil, "url"},
		{"short secret", "https://hooks.example.com", "short", nil, nil, "secret"},
		{"unknown event", "https://hooks.example.com", "", []string{"incident.declared", "incident.exploded"}, nil, "events"},
		{"unknown severity", "https://hooks.example.com", "", nil, []string{"SEV9"}, "severities"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewWebhook(tc.url, tc.secret, tc.events, tc.severities, scale)
			e, ok := err.(*Error)
			if !ok || e.Code != EUNPROCESSABLE || e.Fields[tc.field] == "" {
				t.Fatalf("got %v, want 422 naming %s", err, tc.field)
			}
		})
	}
	w, err := NewWebhook("http://hooks.example.com/x", "", nil, nil, scale)
	if err != nil || w.Events == nil || w.Severities == nil {
		t.Fatalf("a plain http URL without filters: %+v, %v", w, err)
	}
}

// TestWebhookDelivers: filters by type and by the incident's severity;
// never a restricted incident's event.
func TestWebhookDelivers(t *testing.T) {
	inc := Incident{Number: 1, Severity: "SEV1", Visibility: VisibilityInternal}
	restricted := Incident{Number: 2, Severity: "SEV1", Visibility: VisibilityRestricted}
	note := Event{Type: EventNoteAdded}
	for _, tc := range []struct {
		name               string
		events, severities []string
		inc                Incident
		want               bool
	}{
		{"no filters", nil, nil, inc, true},
		{"type matches", []string{EventNoteAdded}, nil, inc, true},
		{"type does not", []string{EventDeclared}, nil, inc, false},
		{"severity matches", nil, []string{"SEV1", "SEV2"}, inc, true},
		{"severity does not", nil, []string{"SEV3"}, inc, false},
		{"restricted, no filters", nil, nil, restricted, false},
		{"restricted, matching filters", []string{EventNoteAdded}, []string{"SEV1"}, restricted, false},
	} {
		w := WebhookEndpoint{Events: tc.events, Severities: tc.severities}
		if got := w.Delivers(tc.inc, note); got != tc.want {
			t.Errorf("%s: Delivers = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestWebhookBodyShape: the body is {"event", "incident"}, the incident
// with its ref and never-null lists, as the API gives them.
func TestWebhookBodyShape(t *testing.T) {
	inc, err := WebhookIncident(Incident{Number: 42, Title: "Checkout"})
	if err != nil {
		t.Fatal(err)
	}
	body, err := WebhookBody(Event{Incident: 42, Seq: 1, Type: EventNoteAdded, Data: json.RawMessage(`{"text":"hi"}`)}, inc)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Event    map[string]any `json:"event"`
		Incident map[string]any `json:"incident"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	if got.Event["type"] != EventNoteAdded || got.Incident["ref"] != "INC-42" || got.Incident["roles"] == nil || got.Incident["services"] == nil {
		t.Errorf("body %s", body)
	}
	if WebhookDeliveryID(3, 815) != "ev_3_815" {
		t.Errorf("delivery id %s", WebhookDeliveryID(3, 815))
	}
}
