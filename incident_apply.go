package hansei

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// Apply returns the incident with event e applied. Events must come in
// sequence order.
func Apply(inc Incident, e Event) (Incident, error) {
	if e.Seq != inc.LastSeq+1 {
		return inc, Errorf(EINTERNAL, "event %d applied to %s at seq %d", e.Seq, inc.Ref(), inc.LastSeq)
	}
	var err error
	switch e.Type {
	case EventDeclared:
		var p DeclaredData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Number = e.Incident
			inc.Title, inc.Summary, inc.Severity = p.Title, p.Summary, p.Severity
			inc.Services, inc.Visibility = p.Services, p.Visibility
			inc.Status = StatusInvestigating
			inc.StartedAt, inc.DetectedAt, inc.DeclaredAt = p.StartedAt, p.DetectedAt, e.At
			inc.DeclaredBy = e.Actor
			inc.Roles = map[string]string{}
			inc.Responders = []Responder{}
			inc.Intents = []Intent{}
		}
	case EventSeverityChanged:
		var p SeverityChangedData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Severity = p.To
		}
	case EventStatusChanged:
		var p StatusChangedData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Status = p.To
			at := e.At
			switch p.To {
			case StatusMonitoring, StatusResolved:
				if inc.MitigatedAt == nil {
					inc.MitigatedAt = &at
				}
			}
			if p.To == StatusResolved {
				inc.ResolvedAt = &at
			}
			if p.To == StatusInvestigating {
				inc.ResolvedAt = nil
			}
		}
	case EventRoleAssigned:
		var p RoleAssignedData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Roles = cloneRoles(inc.Roles)
			inc.Roles[p.Role] = p.User
			if p.Role == RoleCommander && inc.AcknowledgedAt == nil {
				at := e.At
				inc.AcknowledgedAt = &at
			}
		}
	case EventResponderJoined:
		var p ResponderJoinedData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Responders = upsertResponder(inc.Responders, Responder{User: p.User, State: ResponderActive, JoinedAt: e.At})
		}
	case EventResponderStoodDown:
		var p StoodDownData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			if r, ok := inc.Responder(p.User); ok {
				at := e.At
				r.State, r.StoodDownAt = ResponderStoodDown, &at
				inc.Responders = upsertResponder(inc.Responders, r)
			}
		}
	case EventIntentStated, EventIntentAcked, EventIntentObjected, EventObjectionLifted, EventIntentWithdrawn, EventIntentExpired:
		inc, err = applyIntent(inc, e, func(v any) error { return json.Unmarshal(e.Data, v) })
	case EventComponentsLinked:
		var p ComponentsLinkedData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Components = p.Components
		}
	case EventPublicUpdate:
		var p PublicUpdateData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			for k := range p.Components {
				if !slices.Contains(inc.Components, k) {
					inc.Components = append(slices.Clone(inc.Components), k)
				}
			}
			slices.Sort(inc.Components)
		}
	case EventRoleVacated:
		var p RoleVacatedData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Roles = cloneRoles(inc.Roles)
			delete(inc.Roles, p.Role)
		}
	case EventCorrected:
		var p CorrectedData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc, err = applyCorrection(inc, p)
		}
	case EventNoteAdded:
		// Notes live only on the timeline.
	default:
		// Unknown types come from newer versions; they do not change the
		// projection that this version knows.
	}
	if err != nil {
		return inc, fmt.Errorf("apply %s event %d: %w", e.Type, e.Seq, err)
	}
	inc.LastSeq = e.Seq
	inc.UpdatedAt = e.At
	return inc, nil
}

// Project folds a timeline into the incident state.
func Project(events []Event) (Incident, error) {
	var inc Incident
	for _, e := range events {
		var err error
		if inc, err = Apply(inc, e); err != nil {
			return inc, err
		}
	}
	return inc, nil
}

func cloneRoles(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func upsertResponder(rs []Responder, r Responder) []Responder {
	out := make([]Responder, 0, len(rs)+1)
	replaced := false
	for _, x := range rs {
		if x.User == r.User {
			x = r
			replaced = true
		}
		out = append(out, x)
	}
	if !replaced {
		out = append(out, r)
	}
	return out
}

// IncidentFilter selects incidents to list.
type IncidentFilter struct {
	Status   Status
	Severity string
	// Q matches incidents whose title or summary contain every word of Q
	// as the start of a word.
	Q      string
	Limit  int
	Cursor string
}

// IncidentService stores incidents and their timelines. Every change runs
// Decide and Apply inside one transaction that appends the events and
// updates the projection together.
type IncidentService interface {
	Declare(ctx context.Context, actor User, cmd Declare) (Incident, error)
	// Execute applies a command to an existing incident and returns the new
	// state and the events it appended.
	Execute(ctx context.Context, actor User, number int64, cmd Command) (Incident, []Event, error)
	Incident(ctx context.Context, viewer User, number int64) (Incident, error)
	// Incidents lists incidents, newest first, and the cursor of the next page.
	Incidents(ctx context.Context, viewer User, f IncidentFilter) ([]Incident, string, error)
	// Timeline returns up to limit events with seq > after, in order.
	Timeline(ctx context.Context, viewer User, number int64, after int64, limit int) ([]Event, error)
	// OpenBySeverity counts incidents that are not resolved or closed,
	// of those viewer may read.
	OpenBySeverity(ctx context.Context, viewer User) (map[string]int, error)
}
