package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	hansei "github.com/hansei-dev/hansei"
)

func (t *tx) remediationEnv(ctx context.Context, actor hansei.User) hansei.RemediationEnv {
	return hansei.RemediationEnv{Now: t.now, Actor: actor, Scales: t.db.Scales, Location: t.db.Reviews.Location,
		Users: func(name string) (hansei.User, error) { return userByName(ctx, t, name) }}
}

// CreateRemediation records an improvement for an incident and, when it
// answers a why-tree node, links it to the node in the same transaction.
func (db *DB) CreateRemediation(ctx context.Context, actor hansei.User, incident int64, in hansei.RemediationInput) (hansei.Remediation, error) {
	var r hansei.Remediation
	err := db.update(ctx, func(t *tx) error {
		inc, err := t.lockIncident(ctx, incident)
		if err != nil {
			return hansei.FieldError("incident", "there is no incident INC-%d", incident)
		}
		if !inc.CanRead(actor) {
			return hansei.FieldError("incident", "there is no incident INC-%d", incident)
		}
		if r, err = hansei.NewRemediation(incident, in, t.remediationEnv(ctx, actor)); err != nil {
			return err
		}
		doc, err := json.Marshal(r)
		if err != nil {
			return err
		}
		err = t.QueryRowContext(ctx, `INSERT INTO remediations (incident, owner, status, priority, due, doc, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			r.Incident, r.Owner, r.Status, r.Priority, r.Due, string(doc), db.ts(t.now)).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("insert remediation: %w", err)
		}
		if err := t.saveRemediation(ctx, r); err != nil { // the doc now carries its id
			return err
		}
		var published int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM postmortem_revisions WHERE incident = $1`, incident).Scan(&published); err != nil {
			return err
		}
		if published > 0 {
			if err := t.scheduleReview(ctx, db.Reviews.NextWorkingDay(t.now), fmt.Sprintf("remediation %d added to the published postmortem of INC-%d", r.ID, incident)); err != nil {
				return err
			}
		}
		return t.linkWhy(ctx, actor, r, 0)
	})
	return r, err
}

func (t *tx) saveRemediation(ctx context.Context, r hansei.Remediation) error {
	doc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = t.ExecContext(ctx, `UPDATE remediations SET owner = $1, status = $2, priority = $3, due = $4, doc = $5, updated_at = $6 WHERE id = $7`,
		r.Owner, r.Status, r.Priority, r.Due, string(doc), t.db.ts(t.now), r.ID)
	if err != nil {
		return fmt.Errorf("save remediation %d: %w", r.ID, err)
	}
	return nil
}

// linkWhy moves the remediation's link in the postmortem's why-tree from
// the node it answered (previous) to the one it answers now.
func (t *tx) linkWhy(ctx context.Context, actor hansei.User, r hansei.Remediation, previous int64) error {
	if r.WhyNode == previous {
		return nil
	}
	lock := ""
	if t.db.dialect == postgres {
		lock = " FOR UPDATE"
	}
	pm, err := loadPostmortem(ctx, t, r.Incident, lock)
	if err != nil {
		if hansei.ErrorCode(err) == hansei.ENOTFOUND {
			return hansei.FieldError("why_node", "INC-%d has no postmortem, so no why-tree node %d", r.Incident, r.WhyNode)
		}
		return err
	}
	found := r.WhyNode == 0
	pm.Whys = slices.Clone(pm.Whys)
	for i, n := range pm.Whys {
		links := slices.DeleteFunc(slices.Clone(n.Remediations), func(id int64) bool { return id == r.ID })
		if n.ID == r.WhyNode {
			links = append(links, r.ID)
			found = true
		}
		pm.Whys[i].Remediations = links
	}
	if !found {
		return hansei.FieldError("why_node", "there is no why %d in the postmortem of INC-%d", r.WhyNode, r.Incident)
	}
	doc, err := json.Marshal(pm)
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, `UPDATE postmortems SET doc = $1 WHERE incident = $2`, string(doc), r.Incident); err != nil {
		return fmt.Errorf("link remediation: %w", err)
	}
	return t.recordChange(ctx, pm, actor, "remediation.link", map[string]int64{"remediation": r.ID, "why": r.WhyNode})
}

func scanRemediation(row scanner) (hansei.Remediation, error) {
	var (
		r   hansei.Remediation
		doc []byte
	)
	if err := row.Scan(&doc); err != nil {
		return r, err
	}
	return r, json.Unmarshal(doc, &r)
}

// Remediation reads one remediation.
func (db *DB) Remediation(ctx context.Context, viewer hansei.User, id int64) (hansei.Remediation, error) {
	r, err := scanRemediation(db.reader(ctx).QueryRowContext(ctx, `SELECT doc FROM remediations WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, hansei.Errorf(hansei.ENOTFOUND, "there is no remediation %d", id)
	} else if err != nil {
		return r, err
	}
	if _, err := db.Incident(ctx, viewer, r.Incident); err != nil {
		return hansei.Remediation{}, hansei.Errorf(hansei.ENOTFOUND, "there is no remediation %d", id)
	}
	return r, nil
}

// lockRemediation locks a remediation and its incident for a change by
// actor; missing is the answer when there is none, or none actor may read.
func (t *tx) lockRemediation(ctx context.Context, id int64, actor hansei.User, missing error) (hansei.Remediation, error) {
	q := `SELECT doc FROM remediations WHERE id = $1`
	if t.db.dialect == postgres {
		q += ` FOR UPDATE`
	}
	r, err := scanRemediation(t.QueryRowContext(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, missing
	} else if err != nil {
		return r, err
	}
	if _, err := t.lockReadable(ctx, r.Incident, actor); hansei.ErrorCode(err) == hansei.ENOTFOUND {
		return r, missing
	} else if err != nil {
		return r, err
	}
	return r, nil
}

// ChangeRemediation applies a patch, recorded in the progress log with note.
func (db *DB) ChangeRemediation(ctx context.Context, actor hansei.User, id int64, in hansei.RemediationInput, note string) (hansei.Remediation, error) {
	var r hansei.Remediation
	err := db.update(ctx, func(t *tx) error {
		before, err := t.lockRemediation(ctx, id, actor, hansei.Errorf(hansei.ENOTFOUND, "there is no remediation %d", id))
		if err != nil {
			return err
		}
		if r, err = before.Change(in, note, t.remediationEnv(ctx, actor)); err != nil {
			return err
		}
		if err := t.saveRemediation(ctx, r); err != nil {
			return err
		}
		for _, n := range hansei.ChangeNotifications(before, r) {
			if err := t.enqueue(ctx, n); err != nil {
				return err
			}
		}
		return t.linkWhy(ctx, actor, r, before.WhyNode)
	})
	return r, err
}

// Remediations lists remediations, most pressing first: by due date, then id.
func (db *DB) Remediations(ctx context.Context, viewer hansei.User, f hansei.RemediationFilter) ([]hansei.Remediation, error) {
	var w where
	if f.Owner != "" {
		w.add("r.owner = " + w.arg(f.Owner))
	}
	if f.Status != "" {
		w.add("r.status = " + w.arg(f.Status))
	}
	if f.Incident != 0 {
		w.add("r.incident = " + w.arg(f.Incident))
	}
	if f.Overdue {
		w.add("r.status NOT IN " + closedStatuses + " AND r.due < " + w.arg(db.Now().In(db.Reviews.Location).Format("2006-01-02")))
	}
	w.visibleTo(viewer)
	q := `SELECT r.doc FROM remediations r JOIN incidents i ON i.number = r.incident` + w.String()
	rows, err := db.reader(ctx).QueryContext(ctx, q+" ORDER BY r.due, r.id LIMIT 1000", w.args...)
	if err != nil {
		return nil, fmt.Errorf("list remediations: %w", err)
	}
	return collect(rows, scanRemediation)
}
