package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	hansei "github.com/hansei-dev/hansei"
)

// scheduleReview puts a follow-up review on date, if none is there yet.
func (t *tx) scheduleReview(ctx context.Context, date, reason string) error {
	_, err := t.ExecContext(ctx, `INSERT INTO reviews (date, reason, scheduled_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		date, reason, t.db.ts(t.now))
	if err != nil {
		return fmt.Errorf("schedule review: %w", err)
	}
	return nil
}

// ReviewDay reads a review date.
func (db *DB) ReviewDay(ctx context.Context, viewer hansei.User, date string) (hansei.ReviewDay, error) {
	var day hansei.ReviewDay
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT reason FROM reviews WHERE date = $1`, date).Scan(&day.Reason)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return day, err
	}
	day.Scheduled = err == nil
	if day.Remediations, err = db.Remediations(ctx, viewer, hansei.RemediationFilter{}); err != nil {
		return day, err
	}
	day.Outcomes, err = db.reviewOutcomes(ctx, viewer, date)
	return day, err
}

// RecordOutcome records what a review found about one remediation, in its
// history and in the review's record.
func (db *DB) RecordOutcome(ctx context.Context, actor hansei.User, date string, id int64, outcome hansei.ReviewOutcome, note, newDue string) (hansei.Remediation, error) {
	var r hansei.Remediation
	err := db.update(ctx, func(t *tx) error {
		before, err := t.lockRemediation(ctx, id, actor, hansei.FieldError("remediation", "there is no remediation %d", id))
		if err != nil {
			return err
		}
		if r, err = before.Review(date, outcome, note, newDue, t.remediationEnv(ctx, actor)); err != nil {
			return err
		}
		if err := t.saveRemediation(ctx, r); err != nil {
			return err
		}
		// The domain replaced the outcome in force on this date, if any; its
		// row stays as the review's history.
		if _, err := t.ExecContext(ctx, `UPDATE review_outcomes SET replaced_at = $1, replaced_by = $2
			WHERE date = $3 AND remediation = $4 AND replaced_at IS NULL`, db.ts(t.now), actor.Name, date, id); err != nil {
			return fmt.Errorf("replace review outcome: %w", err)
		}
		_, err = t.ExecContext(ctx, `INSERT INTO review_outcomes (date, remediation, outcome, note, actor, at) VALUES ($1, $2, $3, $4, $5, $6)`,
			date, id, outcome, note, actor.Name, db.ts(t.now))
		return err
	})
	return r, err
}
