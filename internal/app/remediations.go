package app

import (
	"context"

	hansei "github.com/hansei-dev/hansei"
)

type remediationStore interface {
	CreateRemediation(ctx context.Context, actor hansei.User, incident int64, in hansei.RemediationInput) (hansei.Remediation, error)
	Remediation(ctx context.Context, viewer hansei.User, id int64) (hansei.Remediation, error)
	ChangeRemediation(ctx context.Context, actor hansei.User, id int64, in hansei.RemediationInput, note string) (hansei.Remediation, error)
	Remediations(ctx context.Context, viewer hansei.User, f hansei.RemediationFilter) ([]hansei.Remediation, error)
	CancelRemediation(ctx context.Context, actor hansei.User, id int64, reason string) (hansei.Remediation, error)
}

// Remediations are the improvements a postmortem asks for, each with one
// accountable owner. The domain (hansei.NewRemediation, Change) decides;
// the store also schedules the follow-up review and queues the new owner's
// handover in the change's transaction, through FanOut's rule.
type Remediations struct {
	store  remediationStore
	scales hansei.Scales
	// reviews gives the organisation's time zone, whose days a priority's
	// window counts.
	reviews *Reviews
}

// Create adds a remediation to an incident the actor may read.
func (s *Remediations) Create(ctx context.Context, actor hansei.User, incident int64, in hansei.RemediationInput) (hansei.Remediation, error) {
	return s.store.CreateRemediation(ctx, actor, incident, in)
}

// Get reads a remediation of an incident the viewer may read.
func (s *Remediations) Get(ctx context.Context, viewer hansei.User, id int64) (hansei.Remediation, error) {
	return s.store.Remediation(ctx, viewer, id)
}

// Change edits a remediation or logs progress on it (note, with or without
// a new status); a new owner is a handover.
func (s *Remediations) Change(ctx context.Context, actor hansei.User, id int64, in hansei.RemediationInput, note string) (hansei.Remediation, error) {
	return s.store.ChangeRemediation(ctx, actor, id, in, note)
}

// List lists the remediations the viewer may read that match f.
func (s *Remediations) List(ctx context.Context, viewer hansei.User, f hansei.RemediationFilter) ([]hansei.Remediation, error) {
	return s.store.Remediations(ctx, viewer, f)
}

// Cancel withdraws a remediation made by mistake, with a reason: its
// owner, the incident commander or an admin may (hansei.Remediation.Cancel).
//
// A viewer is refused here, before storage; who among responders may
// (owner, commander) needs the remediation and its incident, so the domain
// decides it inside the store's transaction.
func (s *Remediations) Cancel(ctx context.Context, actor hansei.User, id int64, reason string) (hansei.Remediation, error) {
	if err := actor.RequireActor(); err != nil {
		return hansei.Remediation{}, err
	}
	return s.store.CancelRemediation(ctx, actor, id, reason)
}

// Warnings are what a saved remediation's author should know: a due date
// later than its priority's window. Adapters ask after a create, or a
// change of the due date or the priority.
func (s *Remediations) Warnings(r hansei.Remediation) []hansei.Warning {
	return r.DueWarnings(s.scales, s.reviews.Policy.Location)
}
