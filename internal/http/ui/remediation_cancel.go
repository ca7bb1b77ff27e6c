package ui

import (
	"net/http"
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// withWarnings is a flash message followed by the warnings of the save,
// in the viewer's language: the change was saved, and the person who made
// it sees at once what to reconsider (a due date past the priority's
// window).
func withWarnings(v *viewer, msg string, ws []hansei.Warning) string {
	for _, w := range ws {
		msg += " " + v.p.Print(w.Msg)
	}
	return msg
}

// canCancel reports whether v may cancel rem, as hansei.Remediation.Cancel
// decides: its owner, the incident commander or an admin; the page shows
// the form only to them.
func canCancel(v *viewer, rem hansei.Remediation, commander string) bool {
	if !v.CanAct() || rem.Status == hansei.RemediationCancelled {
		return false
	}
	return v.User.Role == hansei.RoleAdmin || v.User.Name == rem.Owner || (commander != "" && v.User.Name == commander)
}

// remediationCancelForm cancels a remediation with the reason given.
func (s *Handler) remediationCancelForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := httpx.RemediationID(r)
	if err != nil {
		return err
	}
	if _, err := s.app.Remediations.Cancel(r.Context(), v.User, id, strings.TrimSpace(r.PostForm.Get("reason"))); err != nil {
		return err
	}
	return redirect(w, r, remediationURL(id), v.T("flash.remediation_cancelled"))
}
