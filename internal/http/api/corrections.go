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
		Title       *string    `json:"title"`
		Summary     *string    `json:"summary"`
		Services    *[]string  `json:"services"`
		StartedAt   *time.Time `json:"started_at"`
		DetectedAt  *time.Time `json:"detected_at"`
		MitigatedAt *time.Time `json:"mitigated_at"`
		Reason      string     `json:"reason"`
	}
	if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
		return err
	}
	inc, events, err := s.app.Incidents.Correct(r.Context(), u, n, hansei.Correct{
		Title: in.Title, Summary: in.Summary, Services: in.Services,
		StartedAt: in.StartedAt, DetectedAt: in.DetectedAt, MitigatedAt: in.MitigatedAt, Reason: in.Reason,
	})
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
