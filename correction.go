package hansei

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// EventCorrected records a correction of one field of an incident: what
// it said before, what it says now, and why. The events that first set
// the field stay as they were; the record shows both.
const EventCorrected = "incident.corrected"

// The fields a correction may change, in the order a correction's events
// come.
const (
	FieldTitle       = "title"
	FieldSummary     = "summary"
	FieldServices    = "services"
	FieldStartedAt   = "started_at"
	FieldDetectedAt  = "detected_at"
	FieldMitigatedAt = "mitigated_at"
)

// CorrectableFields lists what Correct may change.
func CorrectableFields() []string {
	return []string{FieldTitle, FieldSummary, FieldServices, FieldStartedAt, FieldDetectedAt, FieldMitigatedAt}
}

// CorrectedData is one field's correction. From and To are the field's
// JSON value: a string, a list of strings, or a time (RFC 3339) or null.
type CorrectedData struct {
	Field  string          `json:"field"`
	From   json.RawMessage `json:"from"`
	To     json.RawMessage `json:"to"`
	Reason string          `json:"reason"`
}

// Correct changes what an incident says about itself after declaring:
// its title, summary, services and key times. A nil field is left as it
// is. Only the commander or an admin corrects, and always with a reason.
type Correct struct {
	Title       *string
	Summary     *string
	Services    *[]string
	StartedAt   *time.Time
	DetectedAt  *time.Time
	MitigatedAt *time.Time
	Reason      string
}

func (Correct) command() {}

// MayCorrect says whether u may correct inc: its commander or an admin,
// who answer for the record.
func MayCorrect(inc Incident, u User) error {
	if err := u.RequireActor(); err != nil {
		return err
	}
	if u.Role == RoleAdmin || u.Name != "" && inc.Roles[RoleCommander] == u.Name {
		return nil
	}
	return Errorf(EFORBIDDEN, "only the commander of %s (%s) or an admin corrects it", inc.Ref(), orNobody(inc.Roles[RoleCommander]))
}

func (d *decider) correct(c Correct) error {
	if err := MayCorrect(d.inc, d.env.Actor); err != nil {
		return err
	}
	reason, err := Line("reason", MaxReason).Require().Clean(c.Reason)
	if err != nil {
		return err
	}
	var changes []CorrectedData
	change := func(field string, from, to any) {
		f, _ := json.Marshal(from)
		t, _ := json.Marshal(to)
		if string(f) != string(t) {
			changes = append(changes, CorrectedData{Field: field, From: f, To: t, Reason: reason})
		}
	}
	if c.Title != nil {
		title, err := Line(FieldTitle, MaxTitle).Require().Clean(*c.Title)
		if err != nil {
			return err
		}
		change(FieldTitle, d.inc.Title, title)
	}
	if c.Summary != nil {
		summary, err := Lines(FieldSummary, MaxText).Clean(*c.Summary)
		if err != nil {
			return err
		}
		change(FieldSummary, d.inc.Summary, summary)
	}
	if c.Services != nil {
		services, err := cleanServices(*c.Services)
		if err != nil {
			return err
		}
		change(FieldServices, nonNil(d.inc.Services), services)
	}
	started, detected, mitigated, err := d.correctedTimes(c)
	if err != nil {
		return err
	}
	change(FieldStartedAt, d.inc.StartedAt, started)
	change(FieldDetectedAt, d.inc.DetectedAt, detected)
	change(FieldMitigatedAt, d.inc.MitigatedAt, mitigated)
	if len(changes) == 0 {
		return Errorf(EINVALID, "nothing to change: give at least one of %s with a value that differs from the current one",
			strings.Join(CorrectableFields(), ", ")).Says("error.correction_empty", "Fields", strings.Join(CorrectableFields(), ", "))
	}
	for _, ch := range changes {
		d.emit(EventCorrected, ch)
	}
	return nil
}

// correctedTimes are the key times as they would be after c, checked
// together: none in the future or after the resolution, and impact begins
// before it is seen or mitigated. The error names a field c gives.
func (d *decider) correctedTimes(c Correct) (started, detected time.Time, mitigated *time.Time, err error) {
	now := d.env.Now.UTC()
	started, detected, mitigated = d.inc.StartedAt, d.inc.DetectedAt, d.inc.MitigatedAt
	given := map[string]*time.Time{FieldStartedAt: c.StartedAt, FieldDetectedAt: c.DetectedAt, FieldMitigatedAt: c.MitigatedAt}
	for _, field := range []string{FieldStartedAt, FieldDetectedAt, FieldMitigatedAt} {
		t := given[field]
		if t == nil {
			continue
		}
		at := t.UTC().Truncate(time.Second)
		if err := CheckTime(field, at); err != nil {
			return started, detected, mitigated, err
		}
		if at.After(now) {
			return started, detected, mitigated, FieldError(field, "%s %s is in the future; give a time up to now", field, at.Format(time.RFC3339)).
				Says("error.time_in_future", "Field", Word{"field", field}, "Value", at.Format(time.RFC3339))
		}
		if r := d.inc.ResolvedAt; r != nil && at.After(*r) {
			return started, detected, mitigated, FieldError(field, "%s %s is after %s was resolved (%s); give a time up to then", field, at.Format(time.RFC3339), d.inc.Ref(), r.UTC().Format(time.RFC3339)).
				Says("error.time_after_resolution", "Field", Word{"field", field}, "Value", at.Format(time.RFC3339), "Resolved", r.UTC().Format(time.RFC3339))
		}
		switch field {
		case FieldStartedAt:
			started = at
		case FieldDetectedAt:
			detected = at
		case FieldMitigatedAt:
			mitigated = &at
		}
	}
	// Name the field the caller gave: it is the one to fix.
	blame := func(own, other string) string {
		if given[own] == nil && given[other] != nil {
			return other
		}
		return own
	}
	if detected.Before(started) {
		f := blame(FieldDetectedAt, FieldStartedAt)
		return started, detected, mitigated, FieldError(f, "detected_at %s is before started_at %s; an incident is seen no earlier than it starts",
			detected.Format(time.RFC3339), started.Format(time.RFC3339)).Says("error.detected_before_started", "Field", Word{"field", f})
	}
	if mitigated != nil && mitigated.Before(started) {
		f := blame(FieldMitigatedAt, FieldStartedAt)
		return started, detected, mitigated, FieldError(f, "mitigated_at %s is before started_at %s; an incident is mitigated no earlier than it starts",
			mitigated.Format(time.RFC3339), started.Format(time.RFC3339)).Says("error.mitigated_before_started", "Field", Word{"field", f})
	}
	return started, detected, mitigated, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// applyCorrection sets the corrected field on the projection.
func applyCorrection(inc Incident, p CorrectedData) (Incident, error) {
	var err error
	switch p.Field {
	case FieldTitle:
		err = json.Unmarshal(p.To, &inc.Title)
	case FieldSummary:
		err = json.Unmarshal(p.To, &inc.Summary)
	case FieldServices:
		var s []string
		err = json.Unmarshal(p.To, &s)
		inc.Services = nonNil(s)
	case FieldStartedAt:
		err = json.Unmarshal(p.To, &inc.StartedAt)
	case FieldDetectedAt:
		err = json.Unmarshal(p.To, &inc.DetectedAt)
	case FieldMitigatedAt:
		var t *time.Time
		err = json.Unmarshal(p.To, &t)
		inc.MitigatedAt = t
	default:
		// A field a newer version corrects; this one does not show it.
	}
	return inc, err
}

// correctionValue is a corrected value as a timeline line shows it: a
// time in UTC, a list joined with commas, text as it is, and nothing as
// "—".
func correctionValue(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil || v == nil {
		return "—"
	}
	switch x := v.(type) {
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		if x == "" {
			return "—"
		}
		return x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = fmt.Sprint(p)
		}
		if len(parts) == 0 {
			return "—"
		}
		return strings.Join(parts, ", ")
	}
	return string(raw)
}

// CorrectionTimes reports whether events correct a key time, which the
// postmortem's record shows.
func CorrectionTimes(events []Event) bool {
	return slices.ContainsFunc(events, func(e Event) bool {
		if e.Type != EventCorrected {
			return false
		}
		var d CorrectedData
		decodeEvent(e, &d)
		return d.Field == FieldStartedAt || d.Field == FieldDetectedAt || d.Field == FieldMitigatedAt
	})
}
