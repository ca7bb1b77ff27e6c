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
}

// Remediations are the improvements a postmortem asks for, each with one
// accountable owner. The domain (hansei.NewRemediation, Change) decides;
// the store also schedules the follow-up review and queues the new owner's
// handover in the change's transaction, through FanOut's rule.
type Remediations struct{ store remediationStore }

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
