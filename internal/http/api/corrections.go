package api

import (
	"net/http"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// correctIncident is PATCH /api/v1/incidents/{n}: the fields given are
// corrected, each as an incident.corrected event; fields left out stay.
func (s *Handler) correctIncident(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	var in struct {
		Title       *string   `json:"title"`
		Summary     *string   `json:"summary"`
		Services    *[]string `json:"services"`
		StartedAt   *string   `json:"started_at"`
		DetectedAt  *string   `json:"detected_at"`
		MitigatedAt *string   `json:"mitigated_at"`
		Reason      string    `json:"reason"`
	}
	if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
		return err
	}
	cmd := hansei.Correct{Title: in.Title, Summary: in.Summary, Services: in.Services, Reason: in.Reason}
	for _, t := range []struct {
		field string
		in    *string
		out   **time.Time
	}{{"started_at", in.StartedAt, &cmd.StartedAt}, {"detected_at", in.DetectedAt, &cmd.DetectedAt}, {"mitigated_at", in.MitigatedAt, &cmd.MitigatedAt}} {
		if t.in == nil {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, *t.in)
		if err != nil {
			// Named here, not as the body's: the field is what to fix.
			return hansei.FieldError(t.field, "%s %q is not a time; give RFC 3339, such as 2026-12-01T09:21:00Z", t.field, *t.in)
		}
		*t.out = &at
	}
	inc, events, err := s.app.Incidents.Correct(r.Context(), u, n, cmd)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, incidentJSON(inc, events))
}

// vacateRole is DELETE /api/v1/incidents/{n}/roles/{role}.
func (s *Handler) vacateRole(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	inc, events, err := s.app.Incidents.VacateRole(r.Context(), u, n, r.PathValue("role"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, incidentJSON(inc, events))
}
