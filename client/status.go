package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Component is a status page component as the API lists it, with the
// state the public sees now (explicit state, incidents and maintenance
// together). The server writes its list with this type.
type Component struct {
	hansei.Component
	EffectiveState hansei.ComponentState `json:"effective_state"`
}

// ComponentRequest creates or changes a component. Fields left nil are
// left out: a new component gets their defaults, a PATCH keeps them. The
// server reads the body of POST and PATCH with this type.
type ComponentRequest struct {
	Key         string    `json:"key,omitempty"`
	Name        *string   `json:"name,omitempty"`
	Description *string   `json:"description,omitempty"`
	Group       *string   `json:"group,omitempty"`
	Position    *int      `json:"position,omitempty"`
	Services    *[]string `json:"services,omitempty"`
	State       *string   `json:"state,omitempty"`
}

func componentPath(key string) string { return "/api/v1/components/" + url.PathEscape(key) }

// Components lists the components in page order.
func (c *Client) Components(ctx context.Context) ([]Component, error) {
	var l List[Component]
	err := c.call(ctx, http.MethodGet, "/api/v1/components", nil, &l)
	return l.Items, err
}

// Component reads one component.
func (c *Client) Component(ctx context.Context, key string) (hansei.Component, error) {
	var out hansei.Component
	err := c.call(ctx, http.MethodGet, componentPath(key), nil, &out)
	return out, err
}

// SaveComponent creates the component with req.Key, or replaces the
// fields of the one there is (admins only).
func (c *Client) SaveComponent(ctx context.Context, req ComponentRequest) (hansei.Component, error) {
	var out hansei.Component
	err := c.call(ctx, http.MethodPost, "/api/v1/components", req, &out)
	return out, err
}

// PatchComponent changes the fields given. A state alone may be set by
// any responder; other fields by admins.
func (c *Client) PatchComponent(ctx context.Context, key string, req ComponentRequest) (hansei.Component, error) {
	var out hansei.Component
	err := c.call(ctx, http.MethodPatch, componentPath(key), req, &out)
	return out, err
}

// SetComponentState sets a component's state explicitly.
func (c *Client) SetComponentState(ctx context.Context, key, state string) (hansei.Component, error) {
	return c.PatchComponent(ctx, key, ComponentRequest{State: &state})
}

// DeleteComponent removes a component from the page (admins only).
func (c *Client) DeleteComponent(ctx context.Context, key string) error {
	return c.call(ctx, http.MethodDelete, componentPath(key), nil, nil)
}

// PublicUpdateRequest is an update for the public status page. Status and
// Title may be empty: the status stays the incident's, the title the last
// public one (or the incident's).
type PublicUpdateRequest struct {
	Title      string            `json:"title,omitempty"`
	Status     string            `json:"status,omitempty"`
	Text       string            `json:"text"`
	Components map[string]string `json:"components,omitempty"`
	// Impact is the impact the public reads: none, minor, major or
	// critical (default: worked out from the components named).
	Impact string `json:"impact,omitempty"`
	// StartedAt sets the public incident's start (default: the
	// incident's started time).
	StartedAt *time.Time `json:"started_at,omitempty"`
}

// PublishUpdate publishes an update on the public status page; only the
// communications role, the commander or an admin may.
func (c *Client) PublishUpdate(ctx context.Context, n int64, req PublicUpdateRequest) (Incident, error) {
	var inc Incident
	err := c.call(ctx, http.MethodPost, incidentPath(n, "/public-updates"), req, &inc)
	return inc, err
}

// LinkComponents sets the components an incident affects; an empty list
// unlinks them all.
func (c *Client) LinkComponents(ctx context.Context, n int64, keys []string) (Incident, error) {
	if keys == nil {
		keys = []string{} // null is refused: the server wants the list said
	}
	var inc Incident
	err := c.call(ctx, http.MethodPost, incidentPath(n, "/components"), map[string][]string{"components": keys}, &inc)
	return inc, err
}

// MaintenanceRequest schedules a maintenance window.
type MaintenanceRequest struct {
	Title      string    `json:"title"`
	Text       string    `json:"text,omitempty"`
	Components []string  `json:"components,omitempty"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
}

// CreateMaintenance schedules a maintenance window.
func (c *Client) CreateMaintenance(ctx context.Context, req MaintenanceRequest) (hansei.Maintenance, error) {
	var m hansei.Maintenance
	err := c.call(ctx, http.MethodPost, "/api/v1/maintenance", req, &m)
	return m, err
}

// Maintenances lists the windows that end after from (the server's now
// when from is zero), soonest first.
func (c *Client) Maintenances(ctx context.Context, from time.Time) ([]hansei.Maintenance, error) {
	path := "/api/v1/maintenance"
	if !from.IsZero() {
		path += "?from=" + url.QueryEscape(from.UTC().Format(time.RFC3339))
	}
	var l List[hansei.Maintenance]
	err := c.call(ctx, http.MethodGet, path, nil, &l)
	return l.Items, err
}

// DeleteMaintenance cancels a maintenance window.
func (c *Client) DeleteMaintenance(ctx context.Context, id int64) error {
	return c.call(ctx, http.MethodDelete, "/api/v1/maintenance/"+strconv.FormatInt(id, 10), nil, nil)
}
