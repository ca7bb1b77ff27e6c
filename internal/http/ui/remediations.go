package ui

import (
	"net/http"
	"strconv"
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// The remediation pages: the list with its filters ("mine" is where the
// navigation leads), and one remediation with its progress log and the
// forms to log progress and to edit or hand it over.

// remStatuses are the statuses in the order work goes through them.
func remStatuses() []hansei.RemediationStatus {
	return []hansei.RemediationStatus{hansei.RemediationOpen, hansei.RemediationInProgress,
		hansei.RemediationBlocked, hansei.RemediationDone, hansei.RemediationWontDo}
}

// remStatusText is a remediation status in words, in the viewer's language.
func remStatusText(v *viewer, st hansei.RemediationStatus) string {
	return v.Word("remediation_status", string(st))
}

// statusChoice is an option of a status select.
type statusChoice struct {
	Value hansei.RemediationStatus
	Text  string
}

func statusChoices(v *viewer) []statusChoice {
	out := make([]statusChoice, len(remStatuses()))
	for i, st := range remStatuses() {
		out[i] = statusChoice{st, remStatusText(v, st)}
	}
	return out
}

// remRow is a remediation as the list and the review agenda show it.
type remRow struct {
	hansei.Remediation
	StatusText string
	Overdue    bool
	Last       *hansei.ProgressEntry
}

func (s *Handler) remRow(v *viewer, r hansei.Remediation) remRow {
	row := remRow{Remediation: r, StatusText: remStatusText(v, r.Status),
		Overdue: r.Overdue(v.Now, s.app.Reviews.Policy.Location)}
	if n := len(r.Progress); n > 0 {
		row.Last = &r.Progress[n-1]
	}
	return row
}

type remediationsList struct {
	Items    []remRow
	Tab      string // mine, overdue, all or "" (a filter of the form)
	Owner    string
	Status   string
	Incident string
	Overdue  bool
	Users    []string
	Statuses []statusChoice
}

func (s *Handler) remediationsPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	q := r.URL.Query()
	d := remediationsList{Owner: q.Get("owner"), Status: q.Get("status"), Incident: q.Get("incident"),
		Overdue: q.Get("overdue") == "1" || q.Get("overdue") == "true",
		// The filter finds cancelled ones too; no form sets that status.
		Statuses: append(statusChoices(v), statusChoice{hansei.RemediationCancelled, remStatusText(v, hansei.RemediationCancelled)})}
	if q.Get("mine") == "1" && d.Owner == "" {
		d.Owner = v.User.Name
	}
	f := hansei.RemediationFilter{Owner: d.Owner, Overdue: d.Overdue}
	if d.Status != "" {
		st, err := hansei.ParseRemediationStatus(d.Status)
		if err != nil {
			return err
		}
		f.Status = st
	}
	if d.Incident != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(d.Incident)), "INC-"), 10, 64)
		if err != nil || n <= 0 {
			return s.pageErr(hansei.EINVALID, "incident", "error.incident_number_invalid", "Value", d.Incident)
		}
		f.Incident = n
	}
	switch {
	case d.Owner == v.User.Name && !d.Overdue && d.Status == "" && d.Incident == "":
		d.Tab = "mine"
	case d.Overdue && d.Owner == "" && d.Status == "" && d.Incident == "":
		d.Tab = "overdue"
	case d.Owner == "" && !d.Overdue && d.Status == "" && d.Incident == "":
		d.Tab = "all"
	}
	items, err := s.app.Remediations.List(r.Context(), v.User, f)
	if err != nil {
		return err
	}
	for _, it := range items {
		d.Items = append(d.Items, s.remRow(v, it))
	}
	users, err := s.app.Users.All(r.Context())
	if err != nil {
		return err
	}
	for _, u := range users {
		d.Users = append(d.Users, u.Name)
	}
	title := v.T("common.remediations")
	switch {
	case d.Tab == "mine":
		title = v.T("page.remediations.my_remediations")
	case d.Tab == "overdue":
		title = v.T("page.remediations.overdue_remediations")
	case f.Incident != 0 && d.Owner == "" && d.Status == "" && !d.Overdue:
		title = v.T("page.remediations.title_of_incident", "Incident", f.Incident)
	}
	return s.render(w, r, http.StatusOK, "remediations", view{V: v, Title: title, Nav: "remediations", D: d})
}

// remediationView is the page of one remediation.
type remediationView struct {
	remRow
	IncidentTitle string
	Why           *hansei.WhyNode
	Log           []progressLine // newest first
	Users         []string
	Statuses      []statusChoice
	Priorities    []hansei.Level
	CanCancel     bool
}

// progressLine is one entry of the progress log, in words.
type progressLine struct {
	hansei.ProgressEntry
	StatusText string // set when the status changed
	Handover   bool   // Owner is a new owner, not the first one
}

// remediation reads the remediation in the path as v may see it.
func (s *Handler) remediation(r *http.Request, v *viewer) (hansei.Remediation, error) {
	id, err := httpx.RemediationID(r)
	if err != nil {
		return hansei.Remediation{}, err
	}
	return s.app.Remediations.Get(r.Context(), v.User, id)
}

func remediationURL(id int64) string { return "/remediations/" + strconv.FormatInt(id, 10) }

func (s *Handler) remediationPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	rem, err := s.remediation(r, v)
	if err != nil {
		return err
	}
	d := remediationView{remRow: s.remRow(v, rem), Statuses: statusChoices(v), Priorities: s.scales.Priority.Levels}
	if inc, err := s.app.Incidents.Get(r.Context(), v.User, rem.Incident); err == nil {
		d.IncidentTitle = inc.Title
		d.CanCancel = canCancel(v, rem, inc.Roles[hansei.RoleCommander])
	}
	if rem.WhyNode != 0 {
		// The why node it answers; a postmortem the viewer cannot read
		// leaves just the link.
		if pm, err := s.app.Postmortems.Get(r.Context(), v.User, rem.Incident); err == nil {
			for i := range pm.Whys {
				if pm.Whys[i].ID == rem.WhyNode {
					d.Why = &pm.Whys[i]
				}
			}
		}
	}
	for i, p := range rem.Progress {
		line := progressLine{ProgressEntry: p, Handover: i > 0 && p.Owner != ""}
		if p.Status != "" {
			line.StatusText = remStatusText(v, p.Status)
		}
		d.Log = append([]progressLine{line}, d.Log...)
	}
	if v.CanAct() {
		users, err := s.app.Users.All(r.Context())
		if err != nil {
			return err
		}
		for _, u := range users {
			d.Users = append(d.Users, u.Name)
		}
	}
	return s.render(w, r, http.StatusOK, "remediation", view{V: v, Title: rem.Title, Nav: "remediations", D: d})
}

// remediationProgressForm logs progress, with an optional new status (and
// the reason that blocked and wont_do need), as the API's progress does.
func (s *Handler) remediationProgressForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := httpx.RemediationID(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	note := strings.TrimSpace(f.Get("note"))
	if note == "" {
		return s.pageErr(hansei.EINVALID, "note", "error.note_required")
	}
	var in hansei.RemediationInput
	if st := f.Get("status"); st != "" {
		parsed, err := hansei.ParseRemediationStatus(st)
		if err != nil {
			return err
		}
		in.Status = &parsed
	}
	if reason := strings.TrimSpace(f.Get("reason")); reason != "" {
		in.Reason = &reason
	}
	if _, err := s.app.Remediations.Change(r.Context(), v.User, id, in, note); err != nil {
		return err
	}
	return redirect(w, r, remediationURL(id)+"#log", v.T("flash.progress_logged"))
}

// remediationEditForm changes the fields that differ from the
// remediation's current ones; a new owner is a handover.
func (s *Handler) remediationEditForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	rem, err := s.remediation(r, v)
	if err != nil {
		return err
	}
	id := rem.ID
	f := r.PostForm
	in := hansei.RemediationInput{}
	changed := false
	for _, c := range []struct {
		key string
		cur string
		dst **string
	}{{"title", rem.Title, &in.Title}, {"owner", rem.Owner, &in.Owner}, {"priority", rem.Priority, &in.Priority},
		{"due", rem.Due, &in.Due}, {"link", rem.Link, &in.Link}, {"description", rem.Description, &in.Description}} {
		if !f.Has(c.key) {
			continue
		}
		val := strings.TrimSpace(f.Get(c.key))
		if val != c.cur {
			*c.dst = &val
			changed = true
		}
	}
	in.Backdate = f.Get("backdate") == "true"
	note := strings.TrimSpace(f.Get("note"))
	if !changed && note == "" {
		return redirect(w, r, remediationURL(id), v.T("flash.nothing_changed"))
	}
	out, err := s.app.Remediations.Change(r.Context(), v.User, id, in, note)
	if err != nil {
		return err
	}
	msg := v.T("flash.remediation_saved")
	if out.Owner != rem.Owner {
		msg = v.T("flash.handed_over", "Owner", out.Owner)
	}
	if in.Due != nil || in.Priority != nil {
		msg = withWarnings(v, msg, s.app.Remediations.Warnings(out))
	}
	return redirect(w, r, remediationURL(id), msg)
}
