package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// incidentResponse is an incident as the API returns it. Events lists what
// a change appended to the timeline; it is empty on reads.
type incidentResponse struct {
	hansei.Incident
	Ref    string         `json:"ref"`
	Events []hansei.Event `json:"events,omitempty"`
}

func incidentJSON(inc hansei.Incident, events []hansei.Event) incidentResponse {
	if inc.Roles == nil {
		inc.Roles = map[string]string{}
	}
	if inc.Responders == nil {
		inc.Responders = []hansei.Responder{}
	}
	if inc.Services == nil {
		inc.Services = []string{}
	}
	return incidentResponse{Incident: inc, Ref: inc.Ref(), Events: events}
}

func (s *Handler) declareIncident(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	var in struct {
		Title      string            `json:"title"`
		Severity   string            `json:"severity"`
		Summary    string            `json:"summary"`
		Services   []string          `json:"services"`
		Commander  string            `json:"commander"`
		Visibility hansei.Visibility `json:"visibility"`
		StartedAt  *time.Time        `json:"started_at"`
		DetectedAt *time.Time        `json:"detected_at"`
	}
	if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
		return err
	}
	inc, err := s.app.Incidents.Declare(r.Context(), u, hansei.Declare{
		Title: in.Title, Severity: in.Severity, Summary: in.Summary, Services: in.Services,
		Commander: in.Commander, Visibility: in.Visibility, StartedAt: in.StartedAt, DetectedAt: in.DetectedAt,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/incidents/"+strconv.FormatInt(inc.Number, 10))
	return httpx.WriteJSON(w, http.StatusCreated, incidentJSON(inc, nil))
}

func (s *Handler) listIncidents(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	q := r.URL.Query()
	f := hansei.IncidentFilter{Severity: q.Get("severity"), Q: q.Get("q"), Cursor: q.Get("cursor")}
	if st := q.Get("status"); st != "" {
		status, err := hansei.ParseStatus("status", st)
		if err != nil {
			return err
		}
		f.Status = status
	}
	if f.Severity != "" {
		level, err := s.scales.Severity.Level(f.Severity)
		if err != nil {
			return err
		}
		f.Severity = level.Key // sev1 finds SEV1
	}
	limit, err := httpx.QueryInt(r, "limit", 50)
	if err != nil {
		return err
	}
	if limit < 1 || limit > 200 {
		return hansei.FieldError("limit", "limit must be between 1 and 200, not %d", limit)
	}
	f.Limit = int(limit)
	incs, next, err := s.app.Incidents.List(r.Context(), u, f)
	if err != nil {
		return err
	}
	items := make([]incidentResponse, len(incs))
	for i, inc := range incs {
		items[i] = incidentJSON(inc, nil)
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.ListResponse[incidentResponse]{Items: items, NextCursor: next})
}

// incident reads the incident in the path as u may see it.
func (s *Handler) incident(r *http.Request, u hansei.User) (hansei.Incident, error) {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return hansei.Incident{}, err
	}
	return s.app.Incidents.Get(r.Context(), u, n)
}

func (s *Handler) getIncident(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	inc, err := s.incident(r, u)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, incidentJSON(inc, nil))
}

// execute decodes a command's body with decode, runs it and answers with the
// incident and the events it appended.
func (s *Handler) execute(w http.ResponseWriter, r *http.Request, u hansei.User, cmd func() (hansei.Command, error)) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	c, err := cmd()
	if err != nil {
		return err
	}
	inc, events, err := s.app.Incidents.Execute(r.Context(), u, n, c)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, incidentJSON(inc, events))
}

func (s *Handler) changeSeverity(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	return s.execute(w, r, u, func() (hansei.Command, error) {
		var in struct {
			Severity string `json:"severity"`
			Reason   string `json:"reason"`
		}
		err := httpx.DecodeJSON(w, r, &in, false)
		return hansei.ChangeSeverity{Severity: in.Severity, Reason: in.Reason}, err
	})
}

func (s *Handler) changeStatus(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	return s.execute(w, r, u, func() (hansei.Command, error) {
		var in struct {
			Status  string `json:"status"`
			Message string `json:"message"`
		}
		if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
			return nil, err
		}
		if in.Status == "" {
			return nil, hansei.FieldError("status", "status is required; use investigating, identified, monitoring or resolved")
		}
		st, err := hansei.ParseStatus("status", in.Status)
		return hansei.ChangeStatus{Status: st, Message: in.Message}, err
	})
}

func (s *Handler) assignRole(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	var in struct {
		Role string `json:"role"`
		User string `json:"user"`
	}
	if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
		return err
	}
	inc, events, err := s.app.Incidents.AssignRole(r.Context(), u, n, in.Role, in.User)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, incidentJSON(inc, events))
}

func (s *Handler) joinIncident(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	return s.execute(w, r, u, func() (hansei.Command, error) {
		var in struct {
			User string `json:"user"`
		}
		err := httpx.DecodeJSON(w, r, &in, true)
		return hansei.Join{User: in.User}, err
	})
}

func (s *Handler) addNote(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	return s.execute(w, r, u, func() (hansei.Command, error) {
		var in struct {
			Text string `json:"text"`
		}
		err := httpx.DecodeJSON(w, r, &in, false)
		return hansei.AddNote{Text: in.Text}, err
	})
}

// redact takes the text of a note or public update out of storage
// (docs/redaction.md); the answer is the incident with the event.redacted
// event, as for every change.
func (s *Handler) redact(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	return s.execute(w, r, u, func() (hansei.Command, error) {
		var in struct {
			Seq    int64  `json:"seq"`
			Reason string `json:"reason"`
		}
		err := httpx.DecodeJSON(w, r, &in, false)
		return hansei.Redact{Seq: in.Seq, Reason: in.Reason}, err
	})
}

func (s *Handler) getTimeline(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	after, err := httpx.QueryInt(r, "after", 0)
	if err != nil {
		return err
	}
	if c := r.URL.Query().Get("cursor"); c != "" {
		if after, err = strconv.ParseInt(c, 10, 64); err != nil || after < 0 {
			return hansei.FieldError("cursor", "cursor %q is not valid; pass the next_cursor of a previous page unchanged", c)
		}
	}
	limit, err := httpx.QueryInt(r, "limit", 100)
	if err != nil {
		return err
	}
	if limit < 1 || limit > 1000 {
		return hansei.FieldError("limit", "limit must be between 1 and 1000, not %d", limit)
	}
	events, err := s.app.Incidents.Timeline(r.Context(), u, n, after, int(limit))
	if err != nil {
		return err
	}
	next := ""
	if len(events) == int(limit) {
		next = strconv.FormatInt(events[len(events)-1].Seq, 10)
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.ListResponse[hansei.Event]{Items: events, NextCursor: next})
}

// decodeData reads an event's payload; payloads are written by this
// program, so a failure is a bug and leaves v as it was.
func decodeData(e hansei.Event, v any) { json.Unmarshal(e.Data, v) }
