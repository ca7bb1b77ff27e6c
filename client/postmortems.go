package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Postmortem is a postmortem as the API returns it.
type Postmortem struct {
	Incident         int64                   `json:"incident"`
	Title            string                  `json:"title"`
	Severity         string                  `json:"severity"`
	Status           hansei.PostmortemStatus `json:"status"`
	Version          int64                   `json:"version"`
	Revision         int                     `json:"revision"`
	Highlights       []int64                 `json:"highlights"`
	Reviewers        []hansei.Reviewer       `json:"reviewers"`
	PendingApprovals []string                `json:"pending_approvals"`
	Authors          []string                `json:"authors"`
	Whys             []WhyTreeNode           `json:"whys"`
	Record           hansei.Record           `json:"record"`
	Override         string                  `json:"override"`
	Amendment        string                  `json:"amendment"`
	PublishedAt      *time.Time              `json:"published_at"`

	// PublishedOver says what the publication went past (blocking lint
	// findings, a review by its authors alone), who published and when.
	PublishedOver *hansei.PublishOverride `json:"published_over"`

	Summary    string `json:"summary"`
	Impact     string `json:"impact"`
	Detection  string `json:"detection"`
	Response   string `json:"response"`
	Recovery   string `json:"recovery"`
	WentWell   string `json:"went_well"`
	WentPoorly string `json:"went_poorly"`
	Lucky      string `json:"lucky"`
	Lessons    string `json:"lessons"`
}

// WhyTreeNode is a why-tree node with its children.
type WhyTreeNode struct {
	hansei.WhyNode
	Children []WhyTreeNode `json:"children"`
}

func postmortemPath(n int64, rest string) string { return incidentPath(n, "/postmortem"+rest) }

// CreatePostmortem starts the draft, prefilled from the timeline.
func (c *Client) CreatePostmortem(ctx context.Context, n int64) (Postmortem, error) {
	var pm Postmortem
	err := c.call(ctx, http.MethodPost, postmortemPath(n, ""), struct{}{}, &pm)
	return pm, err
}

// Postmortem reads an incident's postmortem.
func (c *Client) Postmortem(ctx context.Context, n int64) (Postmortem, error) {
	var pm Postmortem
	err := c.call(ctx, http.MethodGet, postmortemPath(n, ""), nil, &pm)
	return pm, err
}

// PatchPostmortem edits sections (by key), highlights, reviewers; give
// "version" to be refused if someone else changed it first.
func (c *Client) PatchPostmortem(ctx context.Context, n int64, patch map[string]any) (Postmortem, error) {
	var pm Postmortem
	err := c.call(ctx, http.MethodPatch, postmortemPath(n, ""), patch, &pm)
	return pm, err
}

// WhyRequest is a why-tree node to add.
type WhyRequest struct {
	Parent   int64   `json:"parent,omitempty"`
	Question string  `json:"question"`
	Answer   string  `json:"answer"`
	Factor   *string `json:"factor,omitempty"`
}

// AddWhy adds a node to the why-tree.
func (c *Client) AddWhy(ctx context.Context, n int64, req WhyRequest) (Postmortem, error) {
	var pm Postmortem
	err := c.call(ctx, http.MethodPost, postmortemPath(n, "/whys"), req, &pm)
	return pm, err
}

// UpdateWhy changes a node; empty strings leave question and answer as they are.
func (c *Client) UpdateWhy(ctx context.Context, n, id int64, req WhyRequest) (Postmortem, error) {
	var pm Postmortem
	err := c.call(ctx, http.MethodPatch, postmortemPath(n, "/whys/"+strconv.FormatInt(id, 10)), req, &pm)
	return pm, err
}

// DeleteWhy removes a node (with its branch when cascade is set).
func (c *Client) DeleteWhy(ctx context.Context, n, id int64, cascade bool) (Postmortem, error) {
	var pm Postmortem
	q := url.Values{}
	if cascade {
		q.Set("cascade", "true")
	}
	err := c.call(ctx, http.MethodDelete, postmortemPath(n, "/whys/"+strconv.FormatInt(id, 10)+"?"+q.Encode()), nil, &pm)
	return pm, err
}

// PostmortemAction runs submit, approve, publish or amend; body may be nil.
func (c *Client) PostmortemAction(ctx context.Context, n int64, action string, body any) (Postmortem, error) {
	var pm Postmortem
	if body == nil {
		body = struct{}{}
	}
	err := c.call(ctx, http.MethodPost, postmortemPath(n, "/"+action), body, &pm)
	return pm, err
}

// LintPostmortem returns the lint findings.
func (c *Client) LintPostmortem(ctx context.Context, n int64) ([]hansei.Finding, error) {
	var out struct {
		Findings []hansei.Finding `json:"findings"`
	}
	err := c.call(ctx, http.MethodGet, postmortemPath(n, "/lint"), nil, &out)
	return out.Findings, err
}

// ExportPostmortem returns the Markdown of the postmortem.
func (c *Client) ExportPostmortem(ctx context.Context, n int64) (string, error) {
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: incidentPath(n, "/postmortem.md")})
	if err != nil {
		return "", err
	}
	if resp.Status != http.StatusOK {
		return "", errorFrom(http.MethodGet, incidentPath(n, "/postmortem.md"), resp)
	}
	return string(resp.Body), nil
}
