package api

import (
	"net/http"
	"strconv"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// remediationBody is the JSON of a remediation to create or change: the
// client's RemediationRequest, so that the wire type is written once
// (package client holds the API's wire types); this package only adds how
// the server reads it.
type remediationBody client.RemediationRequest

func (b remediationBody) input() (hansei.RemediationInput, error) {
	in := hansei.RemediationInput{Title: b.Title, Description: b.Description, Owner: b.Owner, Priority: b.Priority,
		Due: b.Due, Reason: b.Reason, WhyNode: b.WhyNode, Link: b.Link, Backdate: b.Backdate}
	if b.Status != nil {
		st, err := hansei.ParseRemediationStatus(*b.Status)
		if err != nil {
			return in, err
		}
		in.Status = &st
	}
	return in, nil
}

func (s *Handler) createRemediation(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	var b remediationBody
	if err := httpx.DecodeJSON(w, r, &b, false); err != nil {
		return err
	}
	if b.Incident <= 0 {
		return hansei.FieldError("incident", "incident is required: the number of the incident the remediation comes from")
	}
	in, err := b.input()
	if err != nil {
		return err
	}
	rem, err := s.app.Remediations.Create(r.Context(), u, b.Incident, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/remediations/"+strconv.FormatInt(rem.ID, 10))
	return httpx.WriteJSON(w, http.StatusCreated, client.SavedRemediation{Remediation: rem, Warnings: s.app.Remediations.Warnings(rem)})
}

func (s *Handler) getRemediation(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	id, err := httpx.RemediationID(r)
	if err != nil {
		return err
	}
	rem, err := s.app.Remediations.Get(r.Context(), u, id)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, rem)
}

func (s *Handler) patchRemediation(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	id, err := httpx.RemediationID(r)
	if err != nil {
		return err
	}
	var b remediationBody
	if err := httpx.DecodeJSON(w, r, &b, false); err != nil {
		return err
	}
	if b.Incident != 0 {
		return hansei.FieldError("incident", "a remediation stays with the incident it came from")
	}
	return s.changeRemediation(w, r, u, id, b)
}

// changeRemediation applies b to remediation id and answers with it.
func (s *Handler) changeRemediation(w http.ResponseWriter, r *http.Request, u hansei.User, id int64, b remediationBody) error {
	in, err := b.input()
	if err != nil {
		return err
	}
	rem, err := s.app.Remediations.Change(r.Context(), u, id, in, b.Note)
	if err != nil {
		return err
	}
	saved := client.SavedRemediation{Remediation: rem}
	if b.Due != nil || b.Priority != nil {
		saved.Warnings = s.app.Remediations.Warnings(rem)
	}
	return httpx.WriteJSON(w, http.StatusOK, saved)
}

// cancelRemediation withdraws a remediation made by mistake, with a
// reason; it stays, cancelled, with its history.
func (s *Handler) cancelRemediation(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	id, err := httpx.RemediationID(r)
	if err != nil {
		return err
	}
	var b struct {
		Reason string `json:"reason"`
	}
	if err := httpx.DecodeJSON(w, r, &b, false); err != nil {
		return err
	}
	rem, err := s.app.Remediations.Cancel(r.Context(), u, id, b.Reason)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, rem)
}

// remediationProgress adds a line to the progress log, with a status change.
func (s *Handler) remediationProgress(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	id, err := httpx.RemediationID(r)
	if err != nil {
		return err
	}
	var b struct {
		Note   string  `json:"note"`
		Status *string `json:"status"`
		Reason *string `json:"reason"`
	}
	if err := httpx.DecodeJSON(w, r, &b, false); err != nil {
		return err
	}
	if b.Note == "" {
		return hansei.FieldError("note", "note is required: what progress was made")
	}
	return s.changeRemediation(w, r, u, id, remediationBody{Status: b.Status, Reason: b.Reason, Note: b.Note})
}

func (s *Handler) listRemediations(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	q := r.URL.Query()
	f := hansei.RemediationFilter{Owner: q.Get("owner"), Overdue: q.Get("overdue") == "true"}
	if f.Owner == "me" {
		f.Owner = u.Name
	}
	if st := q.Get("status"); st != "" {
		status, err := hansei.ParseRemediationStatus(st)
		if err != nil {
			return err
		}
		f.Status = status
	}
	if inc := q.Get("incident"); inc != "" {
		n, err := strconv.ParseInt(inc, 10, 64)
		if err != nil || n <= 0 {
			return hansei.FieldError("incident", "incident must be an incident number, not %q", inc)
		}
		f.Incident = n
	}
	items, err := s.app.Remediations.List(r.Context(), u, f)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.ListResponse[hansei.Remediation]{Items: items})
}
