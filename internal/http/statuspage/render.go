package statuspage

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Rendering is pure: a snapshot, the time and the page's configuration in,
// bodies out. newStatusModel works the snapshot out once (effective
// states, history bars, impacts, the overall state) for every body.

// statusDays is the length of the history bar.
const statusDays = 90

// statusModel is a snapshot worked out for rendering.
type statusModel struct {
	name, url string
	now       time.Time
	// lastMod is when the pages last changed: the latest change in the
	// data, or the latest thing the clock changed (a maintenance window
	// starting or ending, a new day in the history bars), whichever is
	// later. next is when the clock next changes them.
	lastMod, next          time.Time
	indicator, description string
	components             []statusComponent
	incidents              []statusIncident // newest first
	maintenance            []statusMaintenance
	names                  map[string]string
}

type statusComponent struct {
	hansei.Component
	effective hansei.ComponentState
	days      []hansei.ComponentState
	updated   time.Time
}

type statusIncident struct {
	hansei.PublicIncident
	impact       string
	monitoringAt *time.Time
}

// statusMaintenance is a window with its Statuspage status. Its CreatedBy
// is internal and is never rendered.
type statusMaintenance struct {
	hansei.Maintenance
	status string // scheduled, in_progress or completed
}

func newStatusModel(snap hansei.StatusSnapshot, now time.Time, cfg Config) statusModel {
	now = now.UTC()
	m := statusModel{name: cfg.Name, url: strings.TrimRight(cfg.URL, "/"), now: now,
		names: make(map[string]string, len(snap.Components))}
	incidents := snap.Incidents
	if len(incidents) > statusMaxIncidents {
		incidents = incidents[:statusMaxIncidents]
	}
	states := hansei.ComponentStates(snap.Components, incidents, snap.Maintenance, now)
	days := hansei.DayStates(snap.Components, incidents, now, time.UTC, statusDays)
	// The overall state comes from the components' states and the public
	// impact of unresolved incidents (hansei.PublicIndicator); the
	// internal severity is not in the snapshot at all.
	updated := map[string]time.Time{}
	inMaintenance := false
	for _, inc := range incidents {
		si := statusIncident{PublicIncident: inc, impact: string(inc.Impact)}
		for _, u := range inc.Updates {
			if u.Status == hansei.StatusMonitoring && si.monitoringAt == nil {
				at := u.At
				si.monitoringAt = &at
			}
		}
		for _, k := range inc.Components {
			if inc.UpdatedAt.After(updated[k]) {
				updated[k] = inc.UpdatedAt
			}
		}
		m.incidents = append(m.incidents, si)
	}
	for _, c := range snap.Components {
		m.names[c.Key] = c.Name
		up := c.UpdatedAt
		if updated[c.Key].After(up) {
			up = updated[c.Key]
		}
		m.components = append(m.components, statusComponent{Component: c, effective: states[c.Key], days: days[c.Key], updated: up})
	}
	y, mo, d := now.Date()
	today := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	m.lastMod, m.next = today, today.AddDate(0, 0, 1)
	if snap.UpdatedAt.After(m.lastMod) {
		m.lastMod = snap.UpdatedAt
	}
	for _, w := range snap.Maintenance {
		sm := statusMaintenance{Maintenance: w, status: "scheduled"}
		switch {
		case w.Active(now):
			sm.status = "in_progress"
			inMaintenance = true
		case !now.Before(w.EndsAt):
			sm.status = "completed"
		}
		for _, t := range []time.Time{w.StartsAt, w.EndsAt} {
			if !t.After(now) && t.After(m.lastMod) {
				m.lastMod = t
			}
			if t.After(now) && t.Before(m.next) {
				m.next = t
			}
		}
		m.maintenance = append(m.maintenance, sm)
	}
	m.lastMod = m.lastMod.UTC().Truncate(time.Second)
	m.indicator = hansei.PublicIndicator(states, incidents, inMaintenance)
	m.description = hansei.IndicatorDescription(m.indicator)
	return m
}

// name is a component's public name; a key whose component was deleted
// shows as the key.
func (m *statusModel) compName(key string) string {
	if n, ok := m.names[key]; ok {
		return n
	}
	return key
}

// link is an absolute URL on the public page.
func (m *statusModel) link(path string) string { return m.url + path }

func incidentPath(n int64) string { return "/status/incidents/" + strconv.FormatInt(n, 10) }

// render produces the bodies written in words, in lang: the page, the
// 404, the feeds, and one page per incident. renderData makes the others.
func (p *Page) render(m statusModel, lang string) ([numBodies][]byte, map[int64][]byte, error) {
	var out [numBodies][]byte
	v := &publicViewer{Lang: lang, p: p.cats.Printer(lang)}
	for _, l := range p.langs.langs {
		v.Langs = append(v.Langs, pubLang{Code: l, Name: p.cats.Name(l), Href: langLink("/status", l), Current: l == lang})
	}
	words, err := stateWords(p.tmpl.page, v)
	if err != nil {
		return out, nil, err
	}
	page := m.pageView(words)
	if out[bodyPage], err = execute(p.tmpl.page, statusView{V: v, Title: m.name, Name: m.name, D: page}); err != nil {
		return out, nil, err
	}
	if out[bodyNotFound], err = execute(p.tmpl.notFound, statusView{V: v, Title: m.name, Name: m.name}); err != nil {
		return out, nil, err
	}
	incidents := make(map[int64][]byte, len(m.incidents))
	for _, inc := range m.incidents {
		iv := m.pubIncidentView(inc)
		if incidents[inc.Number], err = execute(p.tmpl.incident, statusView{V: v, Title: iv.Title + " · " + m.name, Name: m.name, D: iv}); err != nil {
			return out, nil, err
		}
	}
	if out[bodyAtom], err = marshalXML(m.atom(v, words)); err != nil {
		return out, nil, err
	}
	if out[bodyRSS], err = marshalXML(m.rss(v, words)); err != nil {
		return out, nil, err
	}
	return out, incidents, nil
}

func execute(t *template.Template, data any) ([]byte, error) {
	var buf bytes.Buffer
	err := t.ExecuteTemplate(&buf, "status_layout", data)
	return buf.Bytes(), err
}

// stateWords are the states in the page's words, from the template's
// status_state_word (where the texts to translate are), as plain text.
func stateWords(t *template.Template, v *publicViewer) (map[hansei.ComponentState]string, error) {
	words := map[hansei.ComponentState]string{}
	for _, st := range []hansei.ComponentState{hansei.ComponentOperational, hansei.ComponentMaintenance,
		hansei.ComponentDegraded, hansei.ComponentPartialOutage, hansei.ComponentMajorOutage} {
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, "status_state_word", map[string]any{"V": v, "S": st}); err != nil {
			return nil, err
		}
		words[st] = html.UnescapeString(buf.String())
	}
	return words, nil
}

// statusView is what the public templates get; the layout uses V, Title
// and Name, the page its own data in D.
type statusView struct {
	V     *publicViewer
	Title string
	Name  string
	D     any
}

type pubTime struct{ ISO, Text string }

func pubTimeOf(t time.Time) pubTime {
	t = t.UTC()
	return pubTime{ISO: t.Format(time.RFC3339), Text: t.Format("2006-01-02 15:04") + " UTC"}
}

type pubPageData struct {
	Indicator   string
	Updated     pubTime
	Active      []pubIncidentView
	Maintenance []pubMaintenanceView
	Groups      []pubGroupView
	Past        []pubIncidentView
}

type pubGroupView struct {
	Name string
	// Other marks components without a group that follow a group: they
	// get a heading of their own, not the group's above them.
	Other      bool
	Components []pubComponentView
}

type pubComponentView struct {
	Name, Description string
	State             hansei.ComponentState
	// Bar is the history bar, one cell per day with its date and state
	// on hover, written out in Go: 90 cells for each component are most
	// of the page, and a template would spend most of a rebuild on them.
	// Screen readers skip it and read BadDays instead.
	Bar     template.HTML
	BadDays []pubDayView
}

type pubDayView struct {
	Date  string
	State hansei.ComponentState
}

type pubIncidentView struct {
	Number     int64
	Title      string
	Path       string
	Status     hansei.Status
	Impact     string
	Components []string
	Started    pubTime
	Resolved   *pubTime
	// Duration runs from the public start to the resolution: zero while
	// unresolved.
	Duration time.Duration
	Updates  []pubUpdateView // newest first
}

type pubUpdateView struct {
	Seq        int64
	At         pubTime
	Status     hansei.Status
	Text       string
	Components []pubComponentState
}

type pubComponentState struct {
	Name  string
	State hansei.ComponentState
}

type pubMaintenanceView struct {
	ID           int64
	Title, Text  string
	Status       string
	Starts, Ends pubTime
	Components   []string
}

func (m *statusModel) pageView(words map[hansei.ComponentState]string) pubPageData {
	d := pubPageData{Indicator: m.indicator, Updated: pubTimeOf(m.lastMod)}
	for _, inc := range m.incidents {
		if inc.ResolvedAt == nil {
			d.Active = append(d.Active, m.pubIncidentView(inc))
		} else {
			d.Past = append(d.Past, m.pubIncidentView(inc))
		}
	}
	for _, w := range m.maintenance {
		if w.status != "completed" {
			d.Maintenance = append(d.Maintenance, m.pubMaintenanceView(w))
		}
	}
	first := m.now.AddDate(0, 0, -(statusDays - 1))
	for _, c := range m.components {
		if len(d.Groups) == 0 || d.Groups[len(d.Groups)-1].Name != c.Group {
			d.Groups = append(d.Groups, pubGroupView{Name: c.Group, Other: c.Group == "" && len(d.Groups) > 0})
		}
		cv := pubComponentView{Name: c.Name, Description: c.Description, State: c.effective}
		var bar strings.Builder
		bar.Grow(len(c.days) * 48)
		for i, st := range c.days {
			day := pubDayView{Date: first.AddDate(0, 0, i).Format("2006-01-02"), State: st}
			fmt.Fprintf(&bar, `<i class="d%d" title="%s: %s"></i>`, max(st.Rank(), 0), day.Date, html.EscapeString(words[st]))
			if st != hansei.ComponentOperational {
				cv.BadDays = append(cv.BadDays, day)
			}
		}
		cv.Bar = template.HTML(bar.String())
		g := &d.Groups[len(d.Groups)-1]
		g.Components = append(g.Components, cv)
	}
	return d
}

func (m *statusModel) pubIncidentView(inc statusIncident) pubIncidentView {
	iv := pubIncidentView{Number: inc.Number, Title: inc.Title, Path: incidentPath(inc.Number), Status: inc.Status,
		Impact: inc.impact, Started: pubTimeOf(inc.StartedAt)}
	for _, k := range inc.Components {
		iv.Components = append(iv.Components, m.compName(k))
	}
	if inc.ResolvedAt != nil {
		t := pubTimeOf(*inc.ResolvedAt)
		iv.Resolved = &t
		iv.Duration = inc.Duration()
	}
	for i := len(inc.Updates) - 1; i >= 0; i-- {
		u := inc.Updates[i]
		uv := pubUpdateView{Seq: u.Seq, At: pubTimeOf(u.At), Status: u.Status, Text: u.Text}
		for _, k := range slices.Sorted(maps.Keys(u.Components)) {
			uv.Components = append(uv.Components, pubComponentState{Name: m.compName(k), State: u.Components[k]})
		}
		iv.Updates = append(iv.Updates, uv)
	}
	return iv
}

func (m *statusModel) pubMaintenanceView(w statusMaintenance) pubMaintenanceView {
	mv := pubMaintenanceView{ID: w.ID, Title: w.Title, Text: w.Text, Status: w.status, Starts: pubTimeOf(w.StartsAt), Ends: pubTimeOf(w.EndsAt)}
	for _, k := range w.Components {
		mv.Components = append(mv.Components, m.compName(k))
	}
	return mv
}
