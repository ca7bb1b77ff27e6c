package ui

import (
	"net/http"
	"slices"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// correctionView is the incident page's "correct the record" form: shown
// to the commander and admins, with the key times in the viewer's zone
// (the inputs) and beside them in UTC (the current values).
type correctionView struct {
	Zone                         string
	Started, Detected, Mitigated string // datetime-local values
	Services                     string
}

// localInput is the layout of an <input type="datetime-local" step="1">.
const localInput = "2006-01-02T15:04:05"

func (s *Handler) correctionView(inc hansei.Incident, v *viewer) *correctionView {
	if hansei.MayCorrect(inc, v.User) != nil || inc.Status == hansei.StatusClosed {
		return nil
	}
	in := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(v.Loc).Format(localInput)
	}
	return &correctionView{Zone: time.Now().In(v.Loc).Format("MST"), Started: in(&inc.StartedAt), Detected: in(&inc.DetectedAt),
		Mitigated: in(inc.MitigatedAt), Services: strings.Join(inc.Services, ", ")}
}

// roleLabels names each role the page shows in the viewer's language: a
// built-in role's word from the catalogs, a configured one's translation.
// Roles held that the config no longer lists are shown too, so that they
// can be vacated.
func (s *Handler) roleLabels(inc hansei.Incident, v *viewer) (names []string, labels map[string]string) {
	labels = map[string]string{}
	for _, r := range s.scales.RoleList() {
		names = append(names, r.Name)
		if r.Builtin {
			labels[r.Name] = v.Word("incident_role", r.Name)
		} else {
			labels[r.Name], _ = r.Localized(v.Lang)
		}
	}
	var extra []string
	for role := range inc.Roles {
		if _, ok := labels[role]; !ok {
			extra = append(extra, role)
			labels[role] = role
		}
	}
	slices.Sort(extra)
	return append(names, extra...), labels
}

// editForm corrects the incident from the page's form. Every field comes
// prefilled; only those changed from what the page showed are sent, so a
// time shown to the second is not "corrected" to itself.
func (s *Handler) editForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	inc, err := s.app.Incidents.Get(r.Context(), v.User, n)
	if err != nil {
		return err
	}
	f := r.PostForm
	cmd := hansei.Correct{Reason: f.Get("reason")}
	if t := f.Get("title"); t != inc.Title {
		cmd.Title = &t
	}
	if sm := strings.ReplaceAll(f.Get("summary"), "\r\n", "\n"); sm != inc.Summary {
		cmd.Summary = &sm
	}
	if sv := f.Get("services"); sv != strings.Join(inc.Services, ", ") {
		services := []string{}
		for _, x := range strings.Split(sv, ",") {
			if x = strings.TrimSpace(x); x != "" {
				services = append(services, x)
			}
		}
		cmd.Services = &services
	}
	shown := s.correctionView(inc, v)
	for _, t := range []struct {
		field, value, was string
		to                **time.Time
	}{
		{"started_at", f.Get("started_at"), shownValue(shown, func(c *correctionView) string { return c.Started }), &cmd.StartedAt},
		{"detected_at", f.Get("detected_at"), shownValue(shown, func(c *correctionView) string { return c.Detected }), &cmd.DetectedAt},
		{"mitigated_at", f.Get("mitigated_at"), shownValue(shown, func(c *correctionView) string { return c.Mitigated }), &cmd.MitigatedAt},
	} {
		if t.value == "" || t.value == t.was || t.value+":00" == t.was {
			continue
		}
		at, err := parseLocal(t.value, v.Loc)
		if err != nil {
			return hansei.FieldError(t.field, "%s %q is not a date and time", t.field, t.value)
		}
		*t.to = &at
	}
	if _, _, err := s.app.Incidents.Correct(r.Context(), v.User, n, cmd); err != nil {
		return err
	}
	return redirect(w, r, incidentURL(n), v.T("flash.incident_corrected"))
}

func shownValue(c *correctionView, get func(*correctionView) string) string {
	if c == nil {
		return ""
	}
	return get(c)
}

// parseLocal reads a datetime-local value, with or without seconds, in loc.
func parseLocal(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(localInput, s, loc)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04", s, loc)
	}
	return t, err
}

// vacateForm leaves the role in the path empty.
func (s *Handler) vacateForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	if _, _, err := s.app.Incidents.VacateRole(r.Context(), v.User, n, r.PathValue("role")); err != nil {
		return err
	}
	return redirect(w, r, incidentURL(n), v.T("flash.role_vacated"))
}
