package app

import (
	"context"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

type reviewStore interface {
	ReviewDay(ctx context.Context, viewer hansei.User, date string) (hansei.ReviewDay, error)
	RecordOutcome(ctx context.Context, actor hansei.User, date string, id int64, outcome hansei.ReviewOutcome, note, newDue string) (hansei.Remediation, error)
}

// Reviews are the follow-up reviews: on a date, the open remediations
// grouped by accountable owner, and an outcome recorded for each.
type Reviews struct {
	store reviewStore
	now   func() time.Time
	// Policy says when reviews are held (time zone, working days) and
	// what an agenda covers.
	Policy hansei.ReviewPolicy
}

// Date resolves "today", "tomorrow" or YYYY-MM-DD in the organisation's
// time zone.
func (s *Reviews) Date(expr string) (string, error) {
	return s.Policy.ReviewDate(expr, s.now())
}

// Agenda is what a review date holds, and its agenda by owner.
type Agenda struct {
	Date   string
	Day    hansei.ReviewDay
	Owners []hansei.AgendaGroup
}

// Agenda reads the review of a date expression as the viewer may see it.
func (s *Reviews) Agenda(ctx context.Context, viewer hansei.User, expr string) (Agenda, error) {
	date, err := s.Date(expr)
	if err != nil {
		return Agenda{}, err
	}
	day, err := s.store.ReviewDay(ctx, viewer, date)
	if err != nil {
		return Agenda{}, err
	}
	return Agenda{Date: date, Day: day, Owners: s.Policy.Agenda(date, day.Remediations)}, nil
}

// RecordOutcome records what the review of a date expression found about
// one remediation, in its history and in the review's record.
func (s *Reviews) RecordOutcome(ctx context.Context, actor hansei.User, expr string, id int64, outcome hansei.ReviewOutcome, note, newDue string) (hansei.Remediation, error) {
	date, err := s.Date(expr)
	if err != nil {
		return hansei.Remediation{}, err
	}
	return s.store.RecordOutcome(ctx, actor, date, id, outcome, note, newDue)
}
