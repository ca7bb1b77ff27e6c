package statuspage

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Atlassian Statuspage's public v2 API (/api/v2/*.json), field for field,
// so that status aggregators and monitors that read Statuspage pages read
// hansei's unchanged. Ids are strings, as Statuspage's are: a component's
// is its key, a group's "group." and a hash of its name (a dot never
// appears in a key), an incident's "inc-N", an update's "inc-N-SEQ", a
// maintenance window's "mnt-ID".

type (
	v2Page struct {
		ID        string    `json:"id"`
		Name      string    `json:"name"`
		URL       string    `json:"url"`
		TimeZone  string    `json:"time_zone"`
		UpdatedAt time.Time `json:"updated_at"`
	}
	v2Status struct {
		Indicator   string `json:"indicator"`
		Description string `json:"description"`
	}
	v2Component struct {
		ID                 string    `json:"id"`
		Name               string    `json:"name"`
		Status             string    `json:"status"`
		CreatedAt          time.Time `json:"created_at"`
		UpdatedAt          time.Time `json:"updated_at"`
		Position           int       `json:"position"`
		Description        *string   `json:"description"`
		Showcase           bool      `json:"showcase"`
		StartDate          *string   `json:"start_date"`
		GroupID            *string   `json:"group_id"`
		PageID             string    `json:"page_id"`
		Group              bool      `json:"group"`
		OnlyShowIfDegraded bool      `json:"only_show_if_degraded"`
		Components         []string  `json:"components,omitempty"` // a group's members
	}
	v2Incident struct {
		ID              string        `json:"id"`
		Name            string        `json:"name"`
		Status          string        `json:"status"`
		CreatedAt       time.Time     `json:"created_at"`
		UpdatedAt       time.Time     `json:"updated_at"`
		MonitoringAt    *time.Time    `json:"monitoring_at"`
		ResolvedAt      *time.Time    `json:"resolved_at"`
		Impact          string        `json:"impact"`
		Shortlink       string        `json:"shortlink"`
		StartedAt       time.Time     `json:"started_at"`
		PageID          string        `json:"page_id"`
		IncidentUpdates []v2Update    `json:"incident_updates"`
		Components      []v2Component `json:"components"`
	}
	v2Maintenance struct {
		v2Incident
		ScheduledFor   time.Time `json:"scheduled_for"`
		ScheduledUntil time.Time `json:"scheduled_until"`
	}
	v2Update struct {
		ID                   string       `json:"id"`
		Status               string       `json:"status"`
		Body                 string       `json:"body"`
		IncidentID           string       `json:"incident_id"`
		CreatedAt            time.Time    `json:"created_at"`
		UpdatedAt            time.Time    `json:"updated_at"`
		DisplayAt            time.Time    `json:"display_at"`
		AffectedComponents   []v2Affected `json:"affected_components"`
		DeliverNotifications bool         `json:"deliver_notifications"`
		CustomTweet          *string      `json:"custom_tweet"`
		TweetID              *string      `json:"tweet_id"`
	}
	v2Affected struct {
		Code      string `json:"code"`
		Name      string `json:"name"`
		OldStatus string `json:"old_status"`
		NewStatus string `json:"new_status"`
	}
)

// v2Limit is how many incidents and maintenance windows the list
// endpoints return, as Statuspage does.
const v2Limit = 50

// renderV2 fills in the v2 bodies.
func (m *statusModel) renderV2(out *[numBodies][]byte) error {
	page := v2Page{ID: m.pageID(), Name: m.name, URL: m.link("/status"), TimeZone: "Etc/UTC", UpdatedAt: m.lastMod}
	status := v2Status{Indicator: m.indicator, Description: m.description}
	components, byKey := m.v2Components(page.ID)
	var all, unresolved []v2Incident
	for _, inc := range m.incidents {
		v := m.v2Incident(inc, page.ID, byKey)
		if len(all) < v2Limit {
			all = append(all, v)
		}
		if inc.ResolvedAt == nil {
			unresolved = append(unresolved, v)
		}
	}
	var maint, upcoming, active []v2Maintenance
	for _, w := range m.maintenance {
		v := m.v2Maintenance(w, page.ID, byKey)
		if len(maint) < v2Limit {
			maint = append(maint, v)
		}
		switch w.status {
		case "scheduled":
			upcoming = append(upcoming, v)
		case "in_progress":
			active = append(active, v)
		}
	}
	current := append(slices.Clone(active), upcoming...)
	for _, b := range []struct {
		body statusBody
		doc  any
	}{
		{bodyV2Summary, struct {
			Page                  v2Page          `json:"page"`
			Components            []v2Component   `json:"components"`
			Incidents             []v2Incident    `json:"incidents"`
			ScheduledMaintenances []v2Maintenance `json:"scheduled_maintenances"`
			Status                v2Status        `json:"status"`
		}{page, components, nonNilOf(unresolved), nonNilOf(current), status}},
		{bodyV2Status, struct {
			Page   v2Page   `json:"page"`
			Status v2Status `json:"status"`
		}{page, status}},
		{bodyV2Components, struct {
			Page       v2Page        `json:"page"`
			Components []v2Component `json:"components"`
		}{page, components}},
		{bodyV2Incidents, v2Incidents{page, nonNilOf(all)}},
		{bodyV2Unresolved, v2Incidents{page, nonNilOf(unresolved)}},
		{bodyV2Maintenances, v2Maintenances{page, nonNilOf(maint)}},
		{bodyV2Upcoming, v2Maintenances{page, nonNilOf(upcoming)}},
		{bodyV2Active, v2Maintenances{page, nonNilOf(active)}},
	} {
		var err error
		if out[b.body], err = marshalJSON(b.doc); err != nil {
			return err
		}
	}
	return nil
}

type v2Incidents struct {
	Page      v2Page       `json:"page"`
	Incidents []v2Incident `json:"incidents"`
}

type v2Maintenances struct {
	Page                  v2Page          `json:"page"`
	ScheduledMaintenances []v2Maintenance `json:"scheduled_maintenances"`
}

func nonNilOf[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// pageID is stable for a page's address, and looks like Statuspage's.
func (m *statusModel) pageID() string {
	sum := sha256.Sum256([]byte(m.link("/status") + "\x00" + m.name))
	return hex.EncodeToString(sum[:6])
}

func groupID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "group." + hex.EncodeToString(sum[:5])
}

// v2Components lists groups as components with group: true and their
// members' ids, each followed by its members, which carry group_id. It
// also returns the members by key, for incidents.
func (m *statusModel) v2Components(pageID string) ([]v2Component, map[string]v2Component) {
	out := []v2Component{}
	byKey := make(map[string]v2Component, len(m.components))
	groupAt := map[string]int{}
	worst := map[string]hansei.ComponentState{}
	for _, c := range m.components {
		var gid *string
		if c.Group != "" {
			id := groupID(c.Group)
			gid = &id
			i, ok := groupAt[c.Group]
			if !ok {
				i = len(out)
				groupAt[c.Group] = i
				out = append(out, v2Component{ID: id, Name: c.Group, Status: c.effective.Statuspage(), CreatedAt: c.CreatedAt.UTC(),
					UpdatedAt: c.updated.UTC(), PageID: pageID, Group: true})
			}
			g := &out[i]
			g.Components = append(g.Components, c.Key)
			worst[c.Group] = c.effective.Worse(worst[c.Group])
			g.Status = worst[c.Group].Statuspage()
			if c.CreatedAt.UTC().Before(g.CreatedAt) {
				g.CreatedAt = c.CreatedAt.UTC()
			}
			if c.updated.UTC().After(g.UpdatedAt) {
				g.UpdatedAt = c.updated.UTC()
			}
		}
		v := v2Component{ID: c.Key, Name: c.Name, Status: c.effective.Statuspage(), CreatedAt: c.CreatedAt.UTC(),
			UpdatedAt: c.updated.UTC(), Description: optional(c.Description), Showcase: true,
			StartDate: optional(c.CreatedAt.UTC().Format("2006-01-02")), GroupID: gid, PageID: pageID}
		out = append(out, v)
		byKey[c.Key] = v
	}
	for i := range out {
		out[i].Position = i + 1
		if !out[i].Group {
			byKey[out[i].ID] = out[i]
		}
	}
	return out, byKey
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// v2IncidentStatus maps hansei's statuses to Statuspage's.
func v2IncidentStatus(s hansei.Status) string {
	switch s {
	case hansei.StatusIdentified, hansei.StatusMonitoring, hansei.StatusResolved:
		return string(s)
	case hansei.StatusClosed:
		return string(hansei.StatusResolved)
	}
	return string(hansei.StatusInvestigating)
}

func (m *statusModel) v2Incident(inc statusIncident, pageID string, byKey map[string]v2Component) v2Incident {
	id := "inc-" + strconv.FormatInt(inc.Number, 10)
	v := v2Incident{ID: id, Name: inc.Title, Status: v2IncidentStatus(inc.Status), CreatedAt: inc.StartedAt.UTC(),
		UpdatedAt: inc.UpdatedAt.UTC(), MonitoringAt: utcPtr(inc.monitoringAt), ResolvedAt: utcPtr(inc.ResolvedAt),
		Impact: inc.impact, Shortlink: m.link(incidentPath(inc.Number)), StartedAt: inc.StartedAt.UTC(), PageID: pageID,
		IncidentUpdates: []v2Update{}, Components: m.v2Members(inc.Components, byKey)}
	// Each update's affected components carry the state before it: the
	// last update that named the component, else operational.
	last := map[string]hansei.ComponentState{}
	updates := make([]v2Update, 0, len(inc.Updates))
	for _, u := range inc.Updates {
		at := u.At.UTC()
		vu := v2Update{ID: id + "-" + strconv.FormatInt(u.Seq, 10), Status: v2IncidentStatus(u.Status), Body: u.Text,
			IncidentID: id, CreatedAt: at, UpdatedAt: at, DisplayAt: at, DeliverNotifications: true}
		for _, k := range slices.Sorted(maps.Keys(u.Components)) {
			old, ok := last[k]
			if !ok {
				old = hansei.ComponentOperational
			}
			vu.AffectedComponents = append(vu.AffectedComponents, v2Affected{Code: k, Name: m.compName(k),
				OldStatus: old.Statuspage(), NewStatus: u.Components[k].Statuspage()})
			last[k] = u.Components[k]
		}
		updates = append(updates, vu)
	}
	for i := len(updates) - 1; i >= 0; i-- { // newest first, as Statuspage
		v.IncidentUpdates = append(v.IncidentUpdates, updates[i])
	}
	return v
}

// v2Members are the component objects for keys, in the page's order; keys
// of deleted components are left out.
func (m *statusModel) v2Members(keys []string, byKey map[string]v2Component) []v2Component {
	out := []v2Component{}
	for _, c := range m.components {
		if slices.Contains(keys, c.Key) {
			out = append(out, byKey[c.Key])
		}
	}
	return out
}

func (m *statusModel) v2Maintenance(w statusMaintenance, pageID string, byKey map[string]v2Component) v2Maintenance {
	id := "mnt-" + strconv.FormatInt(w.ID, 10)
	created := w.CreatedAt.UTC()
	updated := created
	var resolved *time.Time
	if w.status == "completed" {
		end := w.EndsAt.UTC()
		resolved, updated = &end, end
	} else if w.status == "in_progress" {
		updated = w.StartsAt.UTC()
	}
	v := v2Maintenance{v2Incident: v2Incident{ID: id, Name: w.Title, Status: w.status, CreatedAt: created, UpdatedAt: updated,
		ResolvedAt: resolved, Impact: "maintenance", Shortlink: m.link("/status") + "#maintenance-" + strconv.FormatInt(w.ID, 10),
		StartedAt: w.StartsAt.UTC(), PageID: pageID, Components: m.v2Members(w.Components, byKey)},
		ScheduledFor: w.StartsAt.UTC(), ScheduledUntil: w.EndsAt.UTC()}
	u := v2Update{ID: id + "-1", Status: w.status, Body: w.Text, IncidentID: id, CreatedAt: created, UpdatedAt: updated,
		DisplayAt: created, DeliverNotifications: true}
	for _, k := range w.Components {
		u.AffectedComponents = append(u.AffectedComponents, v2Affected{Code: k, Name: m.compName(k),
			OldStatus: hansei.ComponentOperational.Statuspage(), NewStatus: hansei.ComponentMaintenance.Statuspage()})
	}
	v.IncidentUpdates = []v2Update{u}
	return v
}
