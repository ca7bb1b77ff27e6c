package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// The JSON API that feeds the public status page: components (admins
// shape them, any responder sets a state), public updates and linked
// components on incidents (the communications role or the commander), and
// maintenance windows. The rules live in the root package's status.go and
// in app; these handlers only translate.

// componentBody creates or changes a component. It is the client's
// ComponentRequest, so that the wire type is written once (package client
// holds the API's wire types); this package only adds how the server
// reads it. Pointers tell a field left out from one set empty, for PATCH.
type componentBody client.ComponentRequest

// apply copies the fields given onto c.
func (b componentBody) apply(c *hansei.Component) error {
	if b.Name != nil {
		c.Name = *b.Name
	}
	if b.Description != nil {
		c.Description = *b.Description
	}
	if b.Group != nil {
		c.Group = *b.Group
	}
	if b.Position != nil {
		c.Position = *b.Position
	}
	if b.Services != nil {
		c.Services = *b.Services
	}
	c.State = ""
	if b.State != nil {
		st, err := hansei.ParseComponentState("state", *b.State)
		if err != nil {
			return err
		}
		c.State = st
	}
	return nil
}

func (s *Handler) listComponents(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	snap, err := s.app.StatusPage.Snapshot(r.Context())
	if err != nil {
		return err
	}
	states := hansei.ComponentStates(snap.Components, snap.Incidents, snap.Maintenance, s.now())
	items := make([]client.Component, len(snap.Components))
	for i, c := range snap.Components {
		items[i] = client.Component{Component: c, EffectiveState: states[c.Key]}
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.ListResponse[client.Component]{Items: items})
}

func (s *Handler) getComponent(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	c, err := s.app.StatusPage.Component(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, c)
}

// saveComponent creates the component with the body's key, or replaces
// the one there is: 201 for a new one, 200 for a change.
func (s *Handler) saveComponent(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	var b componentBody
	if err := httpx.DecodeJSON(w, r, &b, false); err != nil {
		return err
	}
	if b.Key == "" {
		return hansei.FieldError("key", "key is required: the component's name in URLs and commands, such as checkout-api")
	}
	c := hansei.Component{Key: b.Key}
	if err := b.apply(&c); err != nil {
		return err
	}
	saved, created, err := s.app.StatusPage.SaveComponent(r.Context(), u, c)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/components/"+url.PathEscape(saved.Key))
	}
	return httpx.WriteJSON(w, status, saved)
}

// patchComponent changes the fields given. A body with only a state is
// what a responder may send; any other field is an admin's change.
func (s *Handler) patchComponent(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	key := r.PathValue("key")
	var b componentBody
	if err := httpx.DecodeJSON(w, r, &b, false); err != nil {
		return err
	}
	if b.Key != "" && b.Key != key {
		return hansei.FieldError("key", "a component's key does not change (%q in the path, %q in the body); add a new component and delete this one", key, b.Key)
	}
	onlyState := b.Name == nil && b.Description == nil && b.Group == nil && b.Position == nil && b.Services == nil
	if onlyState {
		if b.State == nil {
			return hansei.FieldError("body", "nothing to change; send any of %s", httpx.FieldList(&b))
		}
		st, err := hansei.ParseComponentState("state", *b.State)
		if err != nil {
			return err
		}
		c, err := s.app.StatusPage.SetComponentState(r.Context(), u, key, st)
		if err != nil {
			return err
		}
		return httpx.WriteJSON(w, http.StatusOK, c)
	}
	saved, err := s.app.StatusPage.ChangeComponent(r.Context(), u, key, b.apply)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, saved)
}

func (s *Handler) deleteComponent(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	key := r.PathValue("key")
	if err := s.app.StatusPage.DeleteComponent(r.Context(), u, key); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]string{"deleted": key})
}

// publishPublicUpdate writes an update for the public status page on an
// incident's timeline. The answer is that of every incident change: the
// incident and the events appended. impact (none|minor|major|critical)
// and started_at (the public incident's start) are optional.
func (s *Handler) publishPublicUpdate(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	return s.execute(w, r, u, func() (hansei.Command, error) {
		var in struct {
			Title      string                           `json:"title"`
			Status     hansei.Status                    `json:"status"`
			Text       string                           `json:"text"`
			Components map[string]hansei.ComponentState `json:"components"`
			Impact     hansei.Impact                    `json:"impact"`
			StartedAt  string                           `json:"started_at"`
		}
		if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
			return nil, err
		}
		cmd := hansei.PublishUpdate{Title: in.Title, Status: in.Status, Text: in.Text, Components: in.Components, Impact: in.Impact}
		if in.StartedAt != "" {
			t, err := parseAPITime("started_at", in.StartedAt)
			if err != nil {
				return nil, err
			}
			cmd.StartedAt = &t
		}
		return cmd, nil
	})
}

// linkIncidentComponents sets the components an incident affects.
func (s *Handler) linkIncidentComponents(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	return s.execute(w, r, u, func() (hansei.Command, error) {
		var in struct {
			Components *[]string `json:"components"`
		}
		if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
			return nil, err
		}
		if in.Components == nil {
			return nil, hansei.FieldError("components", "components is required: the keys of the components the incident affects, such as [\"checkout-api\"] ([] unlinks them all)")
		}
		return hansei.LinkComponents{Components: *in.Components}, nil
	})
}

// listMaintenance lists the windows that end after ?from= (an RFC 3339
// time; now by default), soonest first.
func (s *Handler) listMaintenance(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	from := s.now()
	if raw := r.URL.Query().Get("from"); raw != "" {
		t, err := parseAPITime("from", raw)
		if err != nil {
			return err
		}
		from = t
	}
	items, err := s.app.StatusPage.Maintenances(r.Context(), from)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.ListResponse[hansei.Maintenance]{Items: items})
}

func (s *Handler) createMaintenance(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	var in struct {
		Title      string   `json:"title"`
		Text       string   `json:"text"`
		Components []string `json:"components"`
		StartsAt   string   `json:"starts_at"`
		EndsAt     string   `json:"ends_at"`
	}
	if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
		return err
	}
	m := hansei.Maintenance{Title: in.Title, Text: in.Text, Components: in.Components}
	var err error
	if in.StartsAt != "" {
		if m.StartsAt, err = parseAPITime("starts_at", in.StartsAt); err != nil {
			return err
		}
	}
	if in.EndsAt != "" {
		if m.EndsAt, err = parseAPITime("ends_at", in.EndsAt); err != nil {
			return err
		}
	}
	m, err = s.app.StatusPage.CreateMaintenance(r.Context(), u, m)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/maintenance/"+strconv.FormatInt(m.ID, 10))
	return httpx.WriteJSON(w, http.StatusCreated, m)
}

func (s *Handler) deleteMaintenance(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return hansei.FieldError("id", "maintenance window id %q is not valid; use the number `hansei maintenance list` shows", r.PathValue("id"))
	}
	if err := s.app.StatusPage.DeleteMaintenance(r.Context(), u, id); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]int64{"deleted": id})
}

// parseAPITime reads an RFC 3339 time, naming field when it is not one.
func parseAPITime(field, raw string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(raw))
	if err != nil {
		return time.Time{}, hansei.FieldError(field, "%s %q is not an RFC 3339 time; use one such as 2026-12-01T02:00:00Z", field, raw)
	}
	return t.UTC(), nil
}
