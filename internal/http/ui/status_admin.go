package ui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// The status page in the web UI: admins manage components and anyone who
// may act schedules maintenance (/admin/status); on the incident page the
// communications role or the commander publishes public updates.

type statusAdminView struct {
	Components  []hansei.Component
	Effective   map[string]hansei.ComponentState
	Maintenance []hansei.Maintenance
	States      []hansei.ComponentState
}

func componentStateList() []hansei.ComponentState {
	return []hansei.ComponentState{hansei.ComponentOperational, hansei.ComponentDegraded,
		hansei.ComponentPartialOutage, hansei.ComponentMajorOutage, hansei.ComponentMaintenance}
}

func (s *Handler) statusAdminPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	snap, err := s.app.StatusPage.Snapshot(r.Context())
	if err != nil {
		return err
	}
	d := statusAdminView{Components: snap.Components, States: componentStateList(),
		Effective: hansei.ComponentStates(snap.Components, snap.Incidents, snap.Maintenance, v.Now)}
	for _, m := range snap.Maintenance {
		if m.EndsAt.After(v.Now) {
			d.Maintenance = append(d.Maintenance, m)
		}
	}
	return s.render(w, r, http.StatusOK, "admin_status", view{V: v, Title: v.T("common.status_page"), Nav: "status", D: d})
}

func (s *Handler) saveComponentForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := r.PostForm
	pos, err := strconv.Atoi(strings.TrimSpace(f.Get("position")))
	if f.Get("position") != "" && err != nil {
		return s.pageErr(hansei.EINVALID, "position", "error.position_invalid", "Value", f.Get("position"))
	}
	c := hansei.Component{Key: strings.TrimSpace(f.Get("key")), Name: f.Get("name"), Description: f.Get("description"),
		Group: f.Get("group"), Position: pos, Services: splitList(f.Get("services"))}
	// An empty state keeps the component's state: this form does not
	// change it.
	if _, _, err := s.app.StatusPage.SaveComponent(r.Context(), v.User, c); err != nil {
		return err
	}
	return redirect(w, r, "/admin/status#component-"+c.Key, v.T("flash.component_saved", "Key", c.Key))
}

func (s *Handler) componentStateForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	st, err := hansei.ParseComponentState("state", r.PostForm.Get("state"))
	if err != nil {
		return err
	}
	if _, err := s.app.StatusPage.SetComponentState(r.Context(), v.User, r.PathValue("key"), st); err != nil {
		return err
	}
	return redirect(w, r, "/admin/status#component-"+r.PathValue("key"), v.T("flash.component_state_changed"))
}

func (s *Handler) deleteComponentForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if err := s.app.StatusPage.DeleteComponent(r.Context(), v.User, r.PathValue("key")); err != nil {
		return err
	}
	return redirect(w, r, "/admin/status", v.T("flash.component_deleted", "Key", r.PathValue("key")))
}

// formTime reads a datetime-local field in the viewer's zone; bad names
// the message that says what is wrong.
func formTime(v *viewer, field, bad, raw string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(raw), v.Loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, v.s.pageErr(hansei.EINVALID, field, bad, "Value", raw)
}

func (s *Handler) maintenanceForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := r.PostForm
	start, err := formTime(v, "starts_at", "error.maintenance_start_invalid", f.Get("starts_at"))
	if err != nil {
		return err
	}
	end, err := formTime(v, "ends_at", "error.maintenance_end_invalid", f.Get("ends_at"))
	if err != nil {
		return err
	}
	m := hansei.Maintenance{Title: f.Get("title"), Text: f.Get("text"), Components: f["components"], StartsAt: start, EndsAt: end}
	if _, err := s.app.StatusPage.CreateMaintenance(r.Context(), v.User, m); err != nil {
		return err
	}
	return redirect(w, r, "/admin/status#maintenance", v.T("flash.maintenance_window_scheduled"))
}

func (s *Handler) deleteMaintenanceForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return s.pageErr(hansei.EINVALID, "id", "error.maintenance_id_invalid", "ID", r.PathValue("id"))
	}
	if err := s.app.StatusPage.DeleteMaintenance(r.Context(), v.User, id); err != nil {
		return err
	}
	return redirect(w, r, "/admin/status#maintenance", v.T("flash.maintenance_window_removed"))
}

// publicUpdateForm publishes an update for the public from the incident
// page: its own text, the public status, the public impact, the
// components' states and, when given, the public incident's start (in the
// viewer's zone).
func (s *Handler) publicUpdateForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := r.PostForm
	cmd := hansei.PublishUpdate{Title: f.Get("title"), Text: f.Get("text"), Status: hansei.Status(f.Get("status")),
		Impact: hansei.Impact(f.Get("impact"))}
	if raw := strings.TrimSpace(f.Get("started_at")); raw != "" {
		at, err := formTime(v, "started_at", "error.public_start_invalid", raw)
		if err != nil {
			return err
		}
		cmd.StartedAt = &at
	}
	for key, vals := range f {
		if k, ok := strings.CutPrefix(key, "state_"); ok && len(vals) > 0 && vals[0] != "" {
			if cmd.Components == nil {
				cmd.Components = map[string]hansei.ComponentState{}
			}
			cmd.Components[k] = hansei.ComponentState(vals[0])
		}
	}
	return s.runCommand(w, r, v, cmd, v.T("flash.published_status_page"))
}

func (s *Handler) linkComponentsForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.runCommand(w, r, v, hansei.LinkComponents{Components: r.PostForm["components"]}, v.T("flash.affected_components_saved"))
}
