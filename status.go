package hansei

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// The public status page: components with states, the public updates that
// the communications role (or the commander) writes on an incident, and
// maintenance windows. Nothing internal reaches it: an incident appears
// publicly only through its public updates, restricted incidents never,
// and notes never.

// ComponentState is what the public sees of a component.
type ComponentState string

const (
	ComponentOperational   ComponentState = "operational"
	ComponentMaintenance   ComponentState = "maintenance"
	ComponentDegraded      ComponentState = "degraded"
	ComponentPartialOutage ComponentState = "partial_outage"
	ComponentMajorOutage   ComponentState = "major_outage"
)

// componentStates are in order of how bad they are for a visitor.
func componentStates() []ComponentState {
	return []ComponentState{ComponentOperational, ComponentMaintenance, ComponentDegraded, ComponentPartialOutage, ComponentMajorOutage}
}

// ParseComponentState reads a state, naming field in the error.
func ParseComponentState(field, s string) (ComponentState, error) {
	if slices.Contains(componentStates(), ComponentState(s)) {
		return ComponentState(s), nil
	}
	return "", FieldError(field, "unknown component state %q; use operational, degraded, partial_outage, major_outage or maintenance", s)
}

// Rank orders states from operational (0) to major_outage (4).
func (s ComponentState) Rank() int { return slices.Index(componentStates(), s) }

// Worse returns the worse of two states.
func (s ComponentState) Worse(o ComponentState) ComponentState {
	if o.Rank() > s.Rank() {
		return o
	}
	return s
}

// Statuspage is the state's name in Atlassian Statuspage's public API.
func (s ComponentState) Statuspage() string {
	switch s {
	case ComponentDegraded:
		return "degraded_performance"
	case ComponentMaintenance:
		return "under_maintenance"
	}
	return string(s)
}

// Component is a part of the product as the public sees it, mapped to the
// services that responders name in incidents.
type Component struct {
	Key         string         `json:"key"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Group       string         `json:"group"`
	Position    int            `json:"position"`
	Services    []string       `json:"services"`
	State       ComponentState `json:"state"` // as last set explicitly
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

var componentKey = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// MaxComponentServices bounds the services one component maps to.
const MaxComponentServices = 50

// ValidateComponent checks a component's key, name, services and state.
// Lengths count characters, not bytes, so a Japanese name gets the same
// room as an English one.
func ValidateComponent(c Component) error {
	if !componentKey.MatchString(c.Key) {
		return FieldError("key", "component key %q is not valid; use lower-case letters, digits and dashes, such as checkout-api", c.Key)
	}
	if strings.TrimSpace(c.Name) == "" {
		return FieldError("name", "a component needs a name, such as \"Checkout\"")
	}
	for _, f := range []struct {
		text  Text
		value string
	}{{Line("name", 100).Require(), c.Name}, {Line("group", 100), c.Group}, {Line("description", 1000), c.Description}} {
		if err := f.text.Check(f.value); err != nil {
			return err
		}
	}
	if len(c.Services) > MaxComponentServices {
		return FieldError("services", "a component maps to at most %d services, not %d", MaxComponentServices, len(c.Services))
	}
	for _, sv := range c.Services {
		if err := Line("services", MaxService).Require().Check(sv); err != nil {
			return FieldError("services", "service %q must be 1 to %d characters of one line, as responders name it in incidents: %s", sv, MaxService, ErrorMessage(err))
		}
	}
	if c.State != "" {
		if _, err := ParseComponentState("state", string(c.State)); err != nil {
			return err
		}
	}
	return nil
}

// Maintenance is a scheduled maintenance window.
type Maintenance struct {
	ID         int64     `json:"id"`
	Title      string    `json:"title"`
	Text       string    `json:"text"`
	Components []string  `json:"components"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// ValidateMaintenance checks a window: a title, and an end after its
// start, both within the years hansei accepts.
func ValidateMaintenance(m Maintenance) error {
	if strings.TrimSpace(m.Title) == "" {
		return FieldError("title", "a maintenance window needs a title, such as \"Database upgrade\"")
	}
	if m.StartsAt.IsZero() || m.EndsAt.IsZero() {
		return FieldError("starts_at", "a maintenance window needs starts_at and ends_at, as RFC 3339 times such as 2026-12-01T02:00:00Z")
	}
	if err := CheckTime("starts_at", m.StartsAt); err != nil {
		return err
	}
	if err := CheckTime("ends_at", m.EndsAt); err != nil {
		return err
	}
	if !m.EndsAt.After(m.StartsAt) {
		return FieldError("ends_at", "ends_at (%s) must be after starts_at (%s)", m.EndsAt.Format(time.RFC3339), m.StartsAt.Format(time.RFC3339))
	}
	// The window is shown to everyone: bound it as a public update is.
	if err := Line("title", MaxTitle).Require().Check(m.Title); err != nil {
		return err
	}
	if err := Lines("text", MaxPublicText).Check(m.Text); err != nil {
		return err
	}
	for _, k := range m.Components {
		if !componentKey.MatchString(k) {
			return FieldError("components", "component key %q is not valid; use keys such as checkout-api", k)
		}
	}
	return nil
}

// Active tells whether the window is on at now.
func (m Maintenance) Active(now time.Time) bool {
	return !now.Before(m.StartsAt) && now.Before(m.EndsAt)
}

// CleanComponent trims a component's text, drops empty and repeated
// services, and checks the result; it is the component as it is saved.
func CleanComponent(c Component) (Component, error) {
	c.Name, c.Group, c.Description = strings.TrimSpace(c.Name), strings.TrimSpace(c.Group), strings.TrimSpace(c.Description)
	c.Services = cleanList(c.Services)
	return c, ValidateComponent(c)
}

// CleanMaintenance trims a window's text, drops empty and repeated
// component keys, puts its times in UTC and checks the result.
func CleanMaintenance(m Maintenance) (Maintenance, error) {
	m.Title = strings.TrimSpace(m.Title)
	if text, err := Lines("text", MaxPublicText).Clean(m.Text); err == nil {
		m.Text = text // line breaks as \n; a refusal is ValidateMaintenance's to word
	}
	m.Components = cleanList(m.Components)
	m.StartsAt, m.EndsAt = m.StartsAt.UTC(), m.EndsAt.UTC()
	return m, ValidateMaintenance(m)
}

// cleanList trims the entries of a list, drops empty ones and repeats, and
// keeps the order given.
func cleanList(in []string) []string {
	out := []string{}
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
