package app

import (
	"context"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

type statusStore interface {
	StatusSnapshot(ctx context.Context, now time.Time) (hansei.StatusSnapshot, error)
	StatusVersion(ctx context.Context) (string, error)
	Components(ctx context.Context) ([]hansei.Component, error)
	Component(ctx context.Context, key string) (hansei.Component, error)
	SaveComponent(ctx context.Context, actor hansei.User, c hansei.Component) (hansei.Component, error)
	SetComponentState(ctx context.Context, actor hansei.User, key string, st hansei.ComponentState) (hansei.Component, error)
	DeleteComponent(ctx context.Context, actor hansei.User, key string) error
	CreateMaintenance(ctx context.Context, actor hansei.User, m hansei.Maintenance) (hansei.Maintenance, error)
	Maintenances(ctx context.Context, from time.Time) ([]hansei.Maintenance, error)
	DeleteMaintenance(ctx context.Context, actor hansei.User, id int64) error
}

// StatusPage shapes the public status page: its components, their states
// and maintenance windows. Admins shape the page; any responder may say
// that a component fails or schedule a window, because whoever sees the
// failure should be able to tell the world. Public updates are incident
// commands (hansei.PublishUpdate), decided by the incident's rules.
type StatusPage struct {
	store statusStore
	now   func() time.Time
}

// Snapshot reads everything the status page shows.
func (s *StatusPage) Snapshot(ctx context.Context) (hansei.StatusSnapshot, error) {
	return s.store.StatusSnapshot(ctx, s.now())
}

// StatusSnapshot is what the public page shows at now. The page is
// anonymous: there is nobody to check, and hansei.PublicView decides what
// of each incident shows. internal/http/statuspage renders it.
func (s *StatusPage) StatusSnapshot(ctx context.Context, now time.Time) (hansei.StatusSnapshot, error) {
	return s.store.StatusSnapshot(ctx, now)
}

// StatusVersion changes whenever the public snapshot would: a cheap read
// that tells the page whether to render again.
func (s *StatusPage) StatusVersion(ctx context.Context) (string, error) {
	return s.store.StatusVersion(ctx)
}

// Components lists the page's components in their order.
func (s *StatusPage) Components(ctx context.Context) ([]hansei.Component, error) {
	return s.store.Components(ctx)
}

// Component reads one component.
func (s *StatusPage) Component(ctx context.Context, key string) (hansei.Component, error) {
	return s.store.Component(ctx, key)
}

// SaveComponent creates the component with c's key or replaces its
// fields, and tells whether it was new. An empty state keeps the state.
func (s *StatusPage) SaveComponent(ctx context.Context, actor hansei.User, c hansei.Component) (saved hansei.Component, created bool, err error) {
	if err := actor.RequireAdmin(); err != nil {
		return c, false, err // before telling whether the key exists
	}
	c, err = hansei.CleanComponent(c)
	if err != nil {
		return c, false, err
	}
	if _, err := s.store.Component(ctx, c.Key); hansei.ErrorCode(err) == hansei.ENOTFOUND {
		created = true
	} else if err != nil {
		return c, false, err
	}
	saved, err = s.store.SaveComponent(ctx, actor, c)
	return saved, created, err
}

// ChangeComponent applies change to the component called key and saves
// it: the read and the save are one admin's edit.
func (s *StatusPage) ChangeComponent(ctx context.Context, actor hansei.User, key string, change func(*hansei.Component) error) (hansei.Component, error) {
	if err := actor.RequireAdmin(); err != nil {
		return hansei.Component{}, err
	}
	c, err := s.store.Component(ctx, key)
	if err != nil {
		return c, err
	}
	if err := change(&c); err != nil {
		return c, err
	}
	if c, err = hansei.CleanComponent(c); err != nil {
		return c, err
	}
	return s.store.SaveComponent(ctx, actor, c)
}

// SetComponentState sets a component's state explicitly.
func (s *StatusPage) SetComponentState(ctx context.Context, actor hansei.User, key string, st hansei.ComponentState) (hansei.Component, error) {
	if err := actor.RequireActor(); err != nil {
		return hansei.Component{}, err
	}
	if _, err := hansei.ParseComponentState("state", string(st)); err != nil {
		return hansei.Component{}, err
	}
	return s.store.SetComponentState(ctx, actor, key, st)
}

// DeleteComponent removes a component from the page.
func (s *StatusPage) DeleteComponent(ctx context.Context, actor hansei.User, key string) error {
	if err := actor.RequireAdmin(); err != nil {
		return err
	}
	return s.store.DeleteComponent(ctx, actor, key)
}

// Maintenances lists the windows that end after from, soonest first.
func (s *StatusPage) Maintenances(ctx context.Context, from time.Time) ([]hansei.Maintenance, error) {
	return s.store.Maintenances(ctx, from)
}

// CreateMaintenance schedules a maintenance window.
func (s *StatusPage) CreateMaintenance(ctx context.Context, actor hansei.User, m hansei.Maintenance) (hansei.Maintenance, error) {
	if err := actor.RequireActor(); err != nil {
		return m, err
	}
	m, err := hansei.CleanMaintenance(m)
	if err != nil {
		return m, err
	}
	return s.store.CreateMaintenance(ctx, actor, m)
}

// DeleteMaintenance cancels a window.
func (s *StatusPage) DeleteMaintenance(ctx context.Context, actor hansei.User, id int64) error {
	if err := actor.RequireActor(); err != nil {
		return err
	}
	return s.store.DeleteMaintenance(ctx, actor, id)
}
