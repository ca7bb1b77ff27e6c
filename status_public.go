package hansei

import (
	"fmt"
	"slices"
	"time"
)

// Public update events on the incident timeline.
const (
	EventPublicUpdate     = "public.updated"
	EventComponentsLinked = "components.linked"
)

type (
	// PublicUpdateData is an update written for the public: its own text,
	// the public status of the incident and the states of the affected
	// components.
	PublicUpdateData struct {
		Title      string                    `json:"title,omitempty"`
		Status     Status                    `json:"status"`
		Text       string                    `json:"text"`
		Components map[string]ComponentState `json:"components,omitempty"`
		// Impact is the impact the publisher gave; empty when none was
		// given, and PublicView works it out (updateImpact).
		Impact Impact `json:"impact,omitempty"`
		// StartedAt, when given, is the public incident's start from
		// then on (by default the incident's started time).
		StartedAt *time.Time `json:"started_at,omitempty"`
	}
	// ComponentsLinkedData names the components an incident affects.
	ComponentsLinkedData struct {
		Components []string `json:"components"`
	}
)

// PublishUpdate publishes an update on the public status page. Title,
// when given, is the incident's public title from then on (the internal
// title may say more than the public should read). Impact, when given,
// is the incident's public impact from then on (else it is worked out
// from the components named, never from the severity); StartedAt, when
// given, backdates (or corrects) the public incident's start.
type PublishUpdate struct {
	Title      string
	Status     Status
	Text       string
	Components map[string]ComponentState
	Impact     Impact
	StartedAt  *time.Time
}

// LinkComponents sets the components an incident affects; they show the
// incident's state until it is resolved.
type LinkComponents struct{ Components []string }

func (PublishUpdate) command()  {}
func (LinkComponents) command() {}

// MaxPublicText bounds a public update.
const MaxPublicText = 5000

// mayPublish: the communications role speaks for the incident; the
// commander may too, and an admin.
func (d *decider) mayPublish() error {
	me := d.env.Actor.Name
	// An empty name must not match a role nobody holds.
	if d.env.Actor.Role == RoleAdmin || me != "" && (d.inc.Roles[RoleCommunications] == me || d.inc.Roles[RoleCommander] == me) {
		return nil
	}
	return Errorf(EFORBIDDEN, "only the communications role (%s) or the commander (%s) publishes public updates",
		orNobody(d.inc.Roles[RoleCommunications]), orNobody(d.inc.Roles[RoleCommander]))
}

func orNobody(s string) string {
	if s == "" {
		return "nobody yet"
	}
	return s
}

func (d *decider) publishUpdate(c PublishUpdate) error {
	if err := d.mayPublish(); err != nil {
		return err
	}
	if d.inc.Visibility == VisibilityRestricted {
		return Errorf(ECONFLICT, "%s is restricted: nothing about it may appear on the public status page", d.inc.Ref())
	}
	text, err := Lines("text", MaxPublicText).Require().Clean(c.Text)
	if err != nil {
		return err
	}
	title, err := Line("title", MaxTitle).Clean(c.Title)
	if err != nil {
		return err
	}
	status := c.Status
	if status == "" {
		status = d.inc.Status
	}
	if status == StatusClosed {
		status = StatusResolved
	}
	if _, err := ParseStatus("status", string(status)); err != nil {
		return err
	}
	for key, st := range c.Components {
		if !componentKey.MatchString(key) {
			return FieldError("components", "component key %q is not valid; use keys such as checkout-api", key)
		}
		if _, err := ParseComponentState(fmt.Sprintf("components.%s", key), string(st)); err != nil {
			return err
		}
	}
	if c.Impact != "" {
		if _, err := ParseImpact("impact", string(c.Impact)); err != nil {
			return err
		}
	}
	var started *time.Time
	if c.StartedAt != nil {
		at := c.StartedAt.UTC()
		if err := CheckTime("started_at", at); err != nil {
			return err
		}
		if at.After(d.env.Now) {
			return FieldError("started_at", "started_at (%s) is in the future; the public incident's start is when the public was first affected, at or before now (%s)",
				at.Format(time.RFC3339), d.env.Now.UTC().Format(time.RFC3339))
		}
		started = &at
	}
	d.emit(EventPublicUpdate, PublicUpdateData{Title: title, Status: status,
		Text: text, Components: c.Components, Impact: c.Impact, StartedAt: started})
	return nil
}

func (d *decider) linkComponents(c LinkComponents) error {
	if err := d.mayPublish(); err != nil {
		return err
	}
	// Linking shows on the page as soon as an update is out: as much a
	// public statement as the update, so never about a restricted incident.
	if d.inc.Visibility == VisibilityRestricted {
		return Errorf(ECONFLICT, "%s is restricted: nothing about it may appear on the public status page", d.inc.Ref())
	}
	keys := slices.Clone(c.Components)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	for _, k := range keys {
		if !componentKey.MatchString(k) {
			return FieldError("components", "component key %q is not valid; use keys such as checkout-api", k)
		}
	}
	d.emit(EventComponentsLinked, ComponentsLinkedData{Components: keys})
	return nil
}

// PublicIncident is an incident as the public sees it: only what its
// public updates said.
// It carries no severity: what the public reads of how bad it is, is the
// Impact its updates gave.
type PublicIncident struct {
	Number int64
	Title  string
	Status Status // from the latest public update
	// Impact is the latest update's while the incident is unresolved,
	// and the worst any update had once it is resolved.
	Impact     Impact
	Components []string
	Updates    []PublicUpdate // oldest first
	// StartedAt is the latest start an update gave, else the incident's
	// started time: the outage began before anyone wrote to the public.
	StartedAt time.Time
	// ResolvedAt is when an update first said resolved (a later resolved
	// update that adds a word does not move it); nil while unresolved.
	ResolvedAt *time.Time
	UpdatedAt  time.Time
}

// PublicUpdate is one update as published.
type PublicUpdate struct {
	Seq        int64
	At         time.Time
	Status     Status
	Impact     Impact // as given, or worked out (updateImpact)
	Text       string
	Components map[string]ComponentState
}

// PublicView reads an incident's timeline for the public page. It returns
// false when nothing about the incident may be shown: it is restricted,
// or no public update was published.
func PublicView(inc Incident, events []Event) (PublicIncident, bool) {
	if inc.Visibility == VisibilityRestricted {
		return PublicIncident{}, false
	}
	p := PublicIncident{Number: inc.Number, Title: inc.Title, StartedAt: inc.StartedAt}
	for _, e := range events {
		switch e.Type {
		case EventComponentsLinked:
			var d ComponentsLinkedData
			decodeEvent(e, &d)
			p.Components = d.Components
		case EventPublicUpdate:
			var d PublicUpdateData
			decodeEvent(e, &d)
			if d.Title != "" {
				p.Title = d.Title
			}
			if d.StartedAt != nil {
				p.StartedAt = *d.StartedAt
			} else if len(p.Updates) == 0 && p.StartedAt.IsZero() {
				p.StartedAt = e.At // an incident stored without a start
			}
			p.Impact = updateImpact(d, p.Impact)
			p.Updates = append(p.Updates, PublicUpdate{Seq: e.Seq, At: e.At, Status: d.Status, Impact: p.Impact, Text: d.Text, Components: d.Components})
			p.Status, p.UpdatedAt = d.Status, e.At
			if d.Status == StatusResolved {
				if p.ResolvedAt == nil {
					at := e.At
					p.ResolvedAt = &at
				}
			} else {
				p.ResolvedAt = nil
			}
			for k := range d.Components {
				if !slices.Contains(p.Components, k) {
					p.Components = append(p.Components, k)
				}
			}
		}
	}
	// A closed incident is over (its postmortem is published) and no
	// longer takes updates: if its public updates never said resolved, it
	// would hold its components down for good. It is shown resolved when
	// it was, or at its last update if that came later.
	if inc.Status == StatusClosed && p.ResolvedAt == nil && len(p.Updates) > 0 {
		at := p.UpdatedAt
		if inc.ResolvedAt != nil && inc.ResolvedAt.After(at) {
			at = *inc.ResolvedAt
		}
		p.Status, p.ResolvedAt = StatusResolved, &at
	}
	// Over, the incident is a record: it says how bad it was at worst,
	// not how it ended (its last updates say all is well again).
	if p.ResolvedAt != nil {
		for _, u := range p.Updates {
			if u.Impact.Rank() > p.Impact.Rank() {
				p.Impact = u.Impact
			}
		}
	}
	slices.Sort(p.Components)
	return p, len(p.Updates) > 0
}

// ComponentStates works out each component's state at now: the worst of
// its explicit state, the states that unresolved public incidents give it
// (the latest update naming it, else the incident's public impact for
// linked components) and maintenance windows in progress.
func ComponentStates(components []Component, incidents []PublicIncident, windows []Maintenance, now time.Time) map[string]ComponentState {
	out := make(map[string]ComponentState, len(components))
	for _, c := range components {
		st := c.State
		if st == "" {
			st = ComponentOperational
		}
		out[c.Key] = st
	}
	for _, inc := range incidents {
		if inc.ResolvedAt != nil {
			continue
		}
		for _, key := range inc.Components {
			if _, ok := out[key]; !ok {
				continue
			}
			st := inc.Impact.ComponentState()
			for _, u := range inc.Updates {
				if s, ok := u.Components[key]; ok {
					st = s
				}
			}
			out[key] = out[key].Worse(st)
		}
	}
	for _, m := range windows {
		if !m.Active(now) {
			continue
		}
		for _, key := range m.Components {
			if st, ok := out[key]; ok {
				out[key] = st.Worse(ComponentMaintenance)
			}
		}
	}
	return out
}

// DayStates gives, for each of the days days up to and including today
// (in loc), the worst state each component had because of public
// incidents: the 90-day history bar. Index 0 is the oldest day.
func DayStates(components []Component, incidents []PublicIncident, now time.Time, loc *time.Location, days int) map[string][]ComponentState {
	out := make(map[string][]ComponentState, len(components))
	for _, c := range components {
		row := make([]ComponentState, days)
		for i := range row {
			row[i] = ComponentOperational
		}
		out[c.Key] = row
	}
	y, m, d := now.In(loc).Date()
	first := time.Date(y, m, d, 0, 0, 0, 0, loc).AddDate(0, 0, -(days - 1))
	dayOf := func(t time.Time) int {
		ty, tm, td := t.In(loc).Date()
		return int(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC).Sub(time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
	}
	for _, inc := range incidents {
		end := now
		if inc.ResolvedAt != nil {
			end = *inc.ResolvedAt
		}
		from, to := max(dayOf(inc.StartedAt), 0), min(dayOf(end), days-1)
		for _, key := range inc.Components {
			row, ok := out[key]
			if !ok {
				continue
			}
			worst := inc.Impact.ComponentState()
			named := false
			for _, u := range inc.Updates {
				if s, ok := u.Components[key]; ok {
					if !named {
						worst, named = s, true
					} else {
						worst = worst.Worse(s)
					}
				}
			}
			for i := from; i <= to; i++ {
				row[i] = row[i].Worse(worst)
			}
		}
	}
	return out
}

// StatusSnapshot is everything the public pages show, read in one go.
type StatusSnapshot struct {
	// Components are ordered by group, position and name.
	Components []Component
	// Incidents are the public incidents: the unresolved ones and those
	// resolved in the last 90 days, newest first.
	Incidents []PublicIncident
	// Maintenance holds the windows that have not ended, soonest first,
	// and those that ended in the last 7 days.
	Maintenance []Maintenance
	// UpdatedAt is the latest change among all of the above.
	UpdatedAt time.Time
	// Version is the storage's StatusVersion read in the same snapshot:
	// a cache built from this snapshot is current while StatusVersion
	// still returns it.
	Version string
}
