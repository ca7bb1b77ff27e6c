package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	hansei "github.com/hansei-dev/hansei"
)

// RemediationRequest creates a remediation, or (with Incident zero) changes
// one; empty optional fields are left out. The server reads the body of
// POST and PATCH with this type.
type RemediationRequest struct {
	Incident    int64   `json:"incident,omitempty"`
	Title       *string `json:"title,omitempty"`
	Description *string `json:"description,omitempty"`
	Owner       *string `json:"owner,omitempty"`
	Priority    *string `json:"priority,omitempty"`
	Due         *string `json:"due,omitempty"`
	Status      *string `json:"status,omitempty"`
	Reason      *string `json:"reason,omitempty"`
	WhyNode     *int64  `json:"why_node,omitempty"`
	Link        *string `json:"link,omitempty"`
	Note        string  `json:"note,omitempty"`
	// Backdate allows a due date before today: for a remediation already
	// done, or imported from another tool with its original date.
	Backdate bool `json:"backdate,omitempty"`
}

// SavedRemediation is the answer to creating or changing a remediation:
// the remediation, and what its author should know (a due date later than
// the priority's window) though it was saved.
type SavedRemediation struct {
	hansei.Remediation
	Warnings []hansei.Warning `json:"warnings,omitempty"`
}

// CreateRemediation records an improvement with its accountable owner.
func (c *Client) CreateRemediation(ctx context.Context, req RemediationRequest) (hansei.Remediation, error) {
	r, err := c.AddRemediation(ctx, req)
	return r.Remediation, err
}

// AddRemediation is CreateRemediation with the warnings of the answer.
func (c *Client) AddRemediation(ctx context.Context, req RemediationRequest) (SavedRemediation, error) {
	var r SavedRemediation
	err := c.call(ctx, http.MethodPost, "/api/v1/remediations", req, &r)
	return r, err
}

// CancelRemediation withdraws a remediation made by mistake, with a reason.
func (c *Client) CancelRemediation(ctx context.Context, id int64, reason string) (hansei.Remediation, error) {
	var r hansei.Remediation
	err := c.call(ctx, http.MethodPost, "/api/v1/remediations/"+strconv.FormatInt(id, 10)+"/cancel", map[string]string{"reason": reason}, &r)
	return r, err
}

// Remediation reads one remediation.
func (c *Client) Remediation(ctx context.Context, id int64) (hansei.Remediation, error) {
	var r hansei.Remediation
	err := c.call(ctx, http.MethodGet, "/api/v1/remediations/"+strconv.FormatInt(id, 10), nil, &r)
	return r, err
}

// PatchRemediation changes a remediation; Note goes into its progress log.
func (c *Client) PatchRemediation(ctx context.Context, id int64, req RemediationRequest) (hansei.Remediation, error) {
	r, err := c.UpdateRemediation(ctx, id, req)
	return r.Remediation, err
}

// UpdateRemediation is PatchRemediation with the warnings of the answer.
func (c *Client) UpdateRemediation(ctx context.Context, id int64, req RemediationRequest) (SavedRemediation, error) {
	var r SavedRemediation
	err := c.call(ctx, http.MethodPatch, "/api/v1/remediations/"+strconv.FormatInt(id, 10), req, &r)
	return r, err
}

// RemediationProgress logs progress, optionally with a new status.
func (c *Client) RemediationProgress(ctx context.Context, id int64, note, status, reason string) (hansei.Remediation, error) {
	body := map[string]string{"note": note}
	if status != "" {
		body["status"] = status
	}
	if reason != "" {
		body["reason"] = reason
	}
	var r hansei.Remediation
	err := c.call(ctx, http.MethodPost, "/api/v1/remediations/"+strconv.FormatInt(id, 10)+"/progress", body, &r)
	return r, err
}

// RemediationOptions filter GET /api/v1/remediations; Owner "me" is the caller.
type RemediationOptions struct {
	Owner, Status string
	Incident      int64
	Overdue       bool
}

// Remediations lists remediations, the most pressing first.
func (c *Client) Remediations(ctx context.Context, o RemediationOptions) (List[hansei.Remediation], error) {
	v := url.Values{}
	if o.Owner != "" {
		v.Set("owner", o.Owner)
	}
	if o.Status != "" {
		v.Set("status", o.Status)
	}
	if o.Incident != 0 {
		v.Set("incident", strconv.FormatInt(o.Incident, 10))
	}
	if o.Overdue {
		v.Set("overdue", "true")
	}
	var l List[hansei.Remediation]
	err := c.call(ctx, http.MethodGet, "/api/v1/remediations?"+v.Encode(), nil, &l)
	return l, err
}

// ReviewAgenda is a review date's agenda.
type ReviewAgenda struct {
	Date      string               `json:"date"`
	Scheduled bool                 `json:"scheduled"`
	Reason    string               `json:"reason"`
	Owners    []hansei.AgendaGroup `json:"owners"`
	// Outcomes are the outcomes recorded on the date, replaced ones
	// included: the review's history.
	Outcomes []hansei.ReviewRecord `json:"outcomes"`
}

// Review reads the agenda of a date: YYYY-MM-DD, today or tomorrow.
func (c *Client) Review(ctx context.Context, date string) (ReviewAgenda, error) {
	var a ReviewAgenda
	err := c.call(ctx, http.MethodGet, "/api/v1/reviews/"+url.PathEscape(date), nil, &a)
	return a, err
}

// RecordOutcome records what a review found about one remediation; due is
// the new due date of a reschedule.
func (c *Client) RecordOutcome(ctx context.Context, date string, id int64, outcome, note, due string) (hansei.Remediation, error) {
	body := map[string]any{"remediation": id, "outcome": outcome, "note": note}
	if due != "" {
		body["due"] = due
	}
	var r hansei.Remediation
	err := c.call(ctx, http.MethodPost, "/api/v1/reviews/"+url.PathEscape(date)+"/outcomes", body, &r)
	return r, err
}
