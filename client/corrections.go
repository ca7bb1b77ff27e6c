package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Role is an incident role as GET /api/v1/scales lists it: its name (what
// is typed and stored) and its label and description in the reader's
// language.
type Role struct {
	Name        string `json:"name"`
	Label       string `json:"label"`
	Description string `json:"description"`
}

// CorrectRequest is the body of PATCH /api/v1/incidents/{n}: the fields to
// correct (nil ones stay) and why.
type CorrectRequest struct {
	Title       *string    `json:"title,omitempty"`
	Summary     *string    `json:"summary,omitempty"`
	Services    *[]string  `json:"services,omitempty"`
	StartedAt   *time.Time `json:"started_at,omitempty"`
	DetectedAt  *time.Time `json:"detected_at,omitempty"`
	MitigatedAt *time.Time `json:"mitigated_at,omitempty"`
	Reason      string     `json:"reason"`
}

// Correct corrects an incident's title, summary, services or key times.
func (c *Client) Correct(ctx context.Context, n int64, req CorrectRequest) (Incident, error) {
	var inc Incident
	err := c.call(ctx, http.MethodPatch, incidentPath(n, ""), req, &inc)
	return inc, err
}

// VacateRole leaves a role of an incident empty.
func (c *Client) VacateRole(ctx context.Context, n int64, role string) (Incident, error) {
	var inc Incident
	err := c.call(ctx, http.MethodDelete, incidentPath(n, "/roles/"+url.PathEscape(role)), nil, &inc)
	return inc, err
}
