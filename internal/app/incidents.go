package app

import (
	"context"

	hansei "github.com/hansei-dev/hansei"
)

type incidentStore interface {
	Declare(ctx context.Context, actor hansei.User, cmd hansei.Declare) (hansei.Incident, error)
	Execute(ctx context.Context, actor hansei.User, number int64, cmd hansei.Command) (hansei.Incident, []hansei.Event, error)
	Incident(ctx context.Context, viewer hansei.User, number int64) (hansei.Incident, error)
	Incidents(ctx context.Context, viewer hansei.User, f hansei.IncidentFilter) ([]hansei.Incident, string, error)
	Timeline(ctx context.Context, viewer hansei.User, number int64, after int64, limit int) ([]hansei.Event, error)
	OpenBySeverity(ctx context.Context, viewer hansei.User) (map[string]int, error)
	EventsAfter(ctx context.Context, pos int64, limit int) ([]hansei.Event, error)
	LastEventPos(ctx context.Context) (int64, error)
	Ready(ctx context.Context) error
}

// Incidents declares incidents and changes them through commands; the
// domain's Decide says whether a command is allowed, the store appends
// its events and the projection in one transaction.
type Incidents struct {
	store  incidentStore
	scales hansei.Scales
}

// Declare opens an incident.
func (s *Incidents) Declare(ctx context.Context, actor hansei.User, cmd hansei.Declare) (hansei.Incident, error) {
	return s.store.Declare(ctx, actor, cmd)
}

// Execute runs cmd on incident number and returns the new state and the
// events it appended.
func (s *Incidents) Execute(ctx context.Context, actor hansei.User, number int64, cmd hansei.Command) (hansei.Incident, []hansei.Event, error) {
	return s.store.Execute(ctx, actor, number, cmd)
}

// Correct changes an incident's title, summary, services or key times,
// each change an event with the old and the new value and the reason. Its
// commander or an admin corrects; a viewer is refused before anything is
// read, anyone else once the incident says who commands it (the store's
// transaction checks again, against the locked incident).
func (s *Incidents) Correct(ctx context.Context, actor hansei.User, number int64, cmd hansei.Correct) (hansei.Incident, []hansei.Event, error) {
	if err := actor.RequireActor(); err != nil {
		return hansei.Incident{}, nil, err
	}
	inc, err := s.store.Incident(ctx, actor, number)
	if err != nil {
		return inc, nil, err
	}
	if err := hansei.MayCorrect(inc, actor); err != nil {
		return inc, nil, err
	}
	return s.store.Execute(ctx, actor, number, cmd)
}

// AssignRole gives a configured role to a user. The role is matched
// without regard to case against the configured list before storage is
// touched, and stored by its canonical name.
func (s *Incidents) AssignRole(ctx context.Context, actor hansei.User, number int64, role, user string) (hansei.Incident, []hansei.Event, error) {
	if err := actor.RequireActor(); err != nil {
		return hansei.Incident{}, nil, err
	}
	canonical, err := s.scales.Role(role)
	if err != nil {
		return hansei.Incident{}, nil, err
	}
	return s.store.Execute(ctx, actor, number, hansei.AssignRole{Role: canonical, User: user})
}

// VacateRole leaves a role empty; any responder may, as any responder may
// assign one. The commander's role is refused (it is handed over).
func (s *Incidents) VacateRole(ctx context.Context, actor hansei.User, number int64, role string) (hansei.Incident, []hansei.Event, error) {
	if err := actor.RequireActor(); err != nil {
		return hansei.Incident{}, nil, err
	}
	if canonical, err := s.scales.Role(role); err == nil {
		role = canonical
	}
	return s.store.Execute(ctx, actor, number, hansei.VacateRole{Role: role})
}

// Roles are the roles an incident may have, as configured.
func (s *Incidents) Roles() []hansei.RoleDef { return s.scales.RoleList() }

// Get reads an incident the viewer may read (restricted ones are "not
// found" to anyone else).
func (s *Incidents) Get(ctx context.Context, viewer hansei.User, number int64) (hansei.Incident, error) {
	return s.store.Incident(ctx, viewer, number)
}

// List lists incidents, newest first, and the cursor of the next page.
func (s *Incidents) List(ctx context.Context, viewer hansei.User, f hansei.IncidentFilter) ([]hansei.Incident, string, error) {
	return s.store.Incidents(ctx, viewer, f)
}

// Timeline returns up to limit events with seq > after, in order.
func (s *Incidents) Timeline(ctx context.Context, viewer hansei.User, number, after int64, limit int) ([]hansei.Event, error) {
	return s.store.Timeline(ctx, viewer, number, after, limit)
}

// EventsAfter returns events of every incident after a global position,
// for the live streams, which check each event's incident for the viewer.
func (s *Incidents) EventsAfter(ctx context.Context, pos int64, limit int) ([]hansei.Event, error) {
	return s.store.EventsAfter(ctx, pos, limit)
}

// OpenBySeverity counts incidents not yet resolved, for the metrics.
// /metrics answers without a token, so it counts what an anonymous
// visitor may read: restricted incidents are not counted at all, so that
// a scraper cannot learn that one was declared, when, or how severe it
// is.
func (s *Incidents) OpenBySeverity(ctx context.Context) (map[string]int, error) {
	return s.store.OpenBySeverity(ctx, hansei.User{})
}

// Ready tells whether the server can serve: its database takes writes
// (and, on SQLite, is still the file it opened). The error's message says
// why not, for anyone; the whole error, for the log, has the cause.
func (s *Incidents) Ready(ctx context.Context) error { return s.store.Ready(ctx) }
