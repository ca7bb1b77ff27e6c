package api

import (
	"net/http"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// getReview returns the agenda of a review date (YYYY-MM-DD, today or
// tomorrow): open remediations due by then or not reviewed for a while,
// grouped by accountable owner.
func (s *Handler) getReview(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	a, err := s.app.Reviews.Agenda(r.Context(), u, r.PathValue("date"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{
		"date": a.Date, "scheduled": a.Day.Scheduled, "reason": a.Day.Reason, "owners": a.Owners, "outcomes": outcomes(a.Day.Outcomes),
	})
}

// recordOutcome records a review's outcome for one remediation.
func (s *Handler) recordOutcome(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	date, err := s.app.Reviews.Date(r.PathValue("date"))
	if err != nil {
		return err
	}
	var in struct {
		Remediation int64  `json:"remediation"`
		Outcome     string `json:"outcome"`
		Note        string `json:"note"`
		Due         string `json:"due"`
	}
	if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
		return err
	}
	if in.Remediation <= 0 {
		return hansei.FieldError("remediation", "remediation is required: the id of the remediation reviewed")
	}
	outcome, err := hansei.ParseReviewOutcome(in.Outcome)
	if err != nil {
		return err
	}
	rem, err := s.app.Reviews.RecordOutcome(r.Context(), u, date, in.Remediation, outcome, in.Note, in.Due)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, rem)
}

// outcomes is never null in JSON: a review with no outcome yet has [].
func outcomes(o []hansei.ReviewRecord) []hansei.ReviewRecord {
	if o == nil {
		return []hansei.ReviewRecord{}
	}
	return o
}
