// Package client is a Go client for hansei's JSON API. The command line and
// the end-to-end tests use it. Its types are the API's wire types: the
// server reads and writes the status page components and the remediation
// bodies with the types here, so that the two sides cannot drift apart.
package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Client speaks to one hansei server as one user.
type Client struct {
	// URL is the server's base URL, such as http://127.0.0.1:8080.
	URL string
	// Token is the user's API token.
	Token string
	HTTP  *http.Client
}

// New returns a client for the server at baseURL.
func New(baseURL, token string) *Client {
	return &Client{URL: strings.TrimRight(baseURL, "/"), Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// Error is an error answered by the server, in the API's error contract.
type Error struct {
	Status  int               `json:"-"`
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// Conflicts: the sections a postmortem save was refused for, with
	// the saved text (theirs) and the one sent (yours).
	Conflicts []SectionConflict `json:"conflicts,omitempty"`
}

// SectionConflict is one section changed on both sides since a save's
// base version.
type SectionConflict struct {
	Section string `json:"section"`
	Theirs  string `json:"theirs"`
	Yours   string `json:"yours"`
}

func (e *Error) Error() string { return e.Message }

// ErrorStatus returns the HTTP status of an *Error, or 0.
func ErrorStatus(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// Incident is an incident as the API returns it.
type Incident struct {
	hansei.Incident
	Ref string `json:"ref"`
	// Events lists what a change appended to the timeline.
	Events []hansei.Event `json:"events,omitempty"`
}

// List is one page of a list.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// Request is a raw API call, for callers that need headers or bodies the
// typed methods do not offer (tests of bad input, for one).
type Request struct {
	Method         string
	Path           string
	Body           []byte
	IdempotencyKey string
}

// Response is a raw API answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends a raw request.
func (c *Client) Do(ctx context.Context, req Request) (Response, error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, c.URL+req.Path, body)
	if err != nil {
		return Response{}, err
	}
	if c.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if req.Body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.IdempotencyKey != "" {
		hr.Header.Set("Idempotency-Key", req.IdempotencyKey)
	}
	hr.Header.Set("Accept", "application/json")
	resp, err := c.HTTP.Do(hr)
	if err != nil {
		return Response{}, fmt.Errorf("cannot reach hansei at %s: %w", c.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, err
}

// call sends in as JSON and decodes the answer into out. Mutating calls
// carry a fresh Idempotency-Key and are retried once, with the same key,
// if the connection fails: the server then answers with the first result
// instead of acting twice.
func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	req := Request{Method: method, Path: path}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		req.Body = b
	}
	if method != http.MethodGet {
		req.IdempotencyKey = newKey()
	}
	resp, err := c.Do(ctx, req)
	if err != nil && req.IdempotencyKey != "" && ctx.Err() == nil {
		resp, err = c.Do(ctx, req)
	}
	if err != nil {
		return err
	}
	if resp.Status >= 400 {
		return errorFrom(method, path, resp)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return fmt.Errorf("%s %s: unexpected answer: %w", method, path, err)
	}
	return nil
}

func newKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Me returns the user the token belongs to.
func (c *Client) Me(ctx context.Context) (hansei.User, error) {
	var u hansei.User
	err := c.call(ctx, http.MethodGet, "/api/v1/me", nil, &u)
	return u, err
}

// ScalesResponse is the answer of GET /api/v1/scales.
type ScalesResponse struct {
	Lang     string        `json:"lang"`
	Severity hansei.Scale  `json:"severity"`
	Priority hansei.Scale  `json:"priority"`
	Glossary []hansei.Term `json:"glossary"`
	// Roles are the incident roles the server's config allows.
	Roles []Role `json:"roles"`
}

// Scales returns the scales with names and definitions in lang ("" for the
// user's own language).
func (c *Client) Scales(ctx context.Context, lang string) (ScalesResponse, error) {
	var s ScalesResponse
	path := "/api/v1/scales"
	if lang != "" {
		path += "?lang=" + url.QueryEscape(lang)
	}
	err := c.call(ctx, http.MethodGet, path, nil, &s)
	return s, err
}

// DeclareRequest is the body of POST /api/v1/incidents.
type DeclareRequest struct {
	Title      string     `json:"title"`
	Severity   string     `json:"severity"`
	Summary    string     `json:"summary,omitempty"`
	Services   []string   `json:"services,omitempty"`
	Commander  string     `json:"commander,omitempty"`
	Visibility string     `json:"visibility,omitempty"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	DetectedAt *time.Time `json:"detected_at,omitempty"`
}

// Declare opens an incident.
func (c *Client) Declare(ctx context.Context, req DeclareRequest) (Incident, error) {
	var inc Incident
	err := c.call(ctx, http.MethodPost, "/api/v1/incidents", req, &inc)
	return inc, err
}

// ListOptions filter GET /api/v1/incidents.
type ListOptions struct {
	Status, Severity, Q, Cursor string
	Limit                       int
}

// Incidents lists incidents, newest first.
func (c *Client) Incidents(ctx context.Context, o ListOptions) (List[Incident], error) {
	v := url.Values{}
	for k, s := range map[string]string{"status": o.Status, "severity": o.Severity, "q": o.Q, "cursor": o.Cursor} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if o.Limit > 0 {
		v.Set("limit", strconv.Itoa(o.Limit))
	}
	var l List[Incident]
	err := c.call(ctx, http.MethodGet, "/api/v1/incidents?"+v.Encode(), nil, &l)
	return l, err
}

func incidentPath(n int64, rest string) string {
	return "/api/v1/incidents/" + strconv.FormatInt(n, 10) + rest
}

// Incident reads one incident.
func (c *Client) Incident(ctx context.Context, n int64) (Incident, error) {
	var inc Incident
	err := c.call(ctx, http.MethodGet, incidentPath(n, ""), nil, &inc)
	return inc, err
}

// ChangeSeverity moves an incident to another severity, for a reason.
func (c *Client) ChangeSeverity(ctx context.Context, n int64, severity, reason string) (Incident, error) {
	var inc Incident
	err := c.call(ctx, http.MethodPost, incidentPath(n, "/severity"), map[string]string{"severity": severity, "reason": reason}, &inc)
	return inc, err
}

// ChangeStatus moves an incident to another status.
func (c *Client) ChangeStatus(ctx context.Context, n int64, status, message string) (Incident, error) {
	var inc Incident
	err := c.call(ctx, http.MethodPost, incidentPath(n, "/status"), map[string]string{"status": status, "message": message}, &inc)
	return inc, err
}

// AssignRole gives a role to a user; if someone holds it, it is handed over.
func (c *Client) AssignRole(ctx context.Context, n int64, role, user string) (Incident, error) {
	var inc Incident
	err := c.call(ctx, http.MethodPost, incidentPath(n, "/roles"), map[string]string{"role": role, "user": user}, &inc)
	return inc, err
}

// Join adds user (or, if empty, the caller) as a responder.
func (c *Client) Join(ctx context.Context, n int64, user string) (Incident, error) {
	var inc Incident
	body := map[string]string{}
	if user != "" {
		body["user"] = user
	}
	err := c.call(ctx, http.MethodPost, incidentPath(n, "/responders"), body, &inc)
	return inc, err
}

// AddNote writes a note on the timeline.
func (c *Client) AddNote(ctx context.Context, n int64, text string) (Incident, error) {
	var inc Incident
	err := c.call(ctx, http.MethodPost, incidentPath(n, "/notes"), map[string]string{"text": text}, &inc)
	return inc, err
}

// Redact takes the text of the note or public update seq out of storage,
// saying why; the timeline keeps who redacted it, when and why.
func (c *Client) Redact(ctx context.Context, n, seq int64, reason string) (Incident, error) {
	var inc Incident
	body := map[string]any{"seq": seq, "reason": reason}
	err := c.call(ctx, http.MethodPost, incidentPath(n, "/redactions"), body, &inc)
	return inc, err
}

// Timeline returns up to limit events after seq.
func (c *Client) Timeline(ctx context.Context, n, after int64, limit int) (List[hansei.Event], error) {
	v := url.Values{}
	v.Set("after", strconv.FormatInt(after, 10))
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	var l List[hansei.Event]
	err := c.call(ctx, http.MethodGet, incidentPath(n, "/timeline?"+v.Encode()), nil, &l)
	return l, err
}

// errorFrom reads the API's error contract from a failed response.
func errorFrom(method, path string, resp Response) error {
	var eb struct {
		Error *Error `json:"error"`
	}
	if json.Unmarshal(resp.Body, &eb) != nil || eb.Error == nil {
		return &Error{Status: resp.Status, Code: "http", Message: fmt.Sprintf("%s %s: HTTP %d: %s", method, path, resp.Status, strings.TrimSpace(string(resp.Body)))}
	}
	eb.Error.Status = resp.Status
	return eb.Error
}
