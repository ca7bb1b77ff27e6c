package sqldb

import (
	"context"
	"fmt"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// closedStatuses are the remediation statuses that need no more work, as
// SQL: hansei.RemediationStatus.Closed for the queries of overdue, due and
// open remediations.
const closedStatuses = `('done', 'wont_do', 'cancelled')`

// CancelRemediation withdraws a remediation with a reason; the domain says
// who may (hansei.Remediation.Cancel), given the incident's commander read
// under the incident's lock.
func (db *DB) CancelRemediation(ctx context.Context, actor hansei.User, id int64, reason string) (hansei.Remediation, error) {
	var r hansei.Remediation
	err := db.update(ctx, func(t *tx) error {
		before, err := t.lockRemediation(ctx, id, actor, hansei.Errorf(hansei.ENOTFOUND, "there is no remediation %d", id))
		if err != nil {
			return err
		}
		inc, err := t.lockIncident(ctx, before.Incident)
		if err != nil {
			return err
		}
		if r, err = before.Cancel(reason, inc.Roles[hansei.RoleCommander], t.remediationEnv(ctx, actor)); err != nil {
			return err
		}
		return t.saveRemediation(ctx, r)
	})
	return r, err
}

// reviewOutcomes reads the outcomes recorded on date, replaced ones
// included, for the remediations viewer may read.
func (db *DB) reviewOutcomes(ctx context.Context, viewer hansei.User, date string) ([]hansei.ReviewRecord, error) {
	var w where
	w.add("o.date = " + w.arg(date))
	w.visibleTo(viewer)
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT o.remediation, o.outcome, o.note, o.actor, o.at, o.replaced_at, o.replaced_by
		FROM review_outcomes o JOIN remediations r ON r.id = o.remediation JOIN incidents i ON i.number = r.incident`+w.String()+` ORDER BY o.id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("read review outcomes of %s: %w", date, err)
	}
	return collect(rows, func(row scanner) (hansei.ReviewRecord, error) {
		var (
			o        hansei.ReviewRecord
			replaced any
		)
		if err := row.Scan(&o.Remediation, &o.Outcome, &o.Note, &o.Actor, timeValue{&o.At}, &replaced, &o.ReplacedBy); err != nil {
			return o, err
		}
		if replaced != nil {
			var at time.Time
			if err := (timeValue{&at}).Scan(replaced); err != nil {
				return o, err
			}
			o.ReplacedAt = &at
		}
		return o, nil
	})
}
