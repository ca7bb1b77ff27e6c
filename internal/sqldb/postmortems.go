package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// CreatePostmortem starts the draft of an incident's postmortem, prefilled
// from its timeline.
func (db *DB) CreatePostmortem(ctx context.Context, actor hansei.User, number int64) (hansei.Postmortem, error) {
	var pm hansei.Postmortem
	err := db.update(ctx, func(t *tx) error {
		inc, err := t.lockReadable(ctx, number, actor)
		if err != nil {
			return err
		}
		var exists int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM postmortems WHERE incident = $1`, number).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return hansei.Errorf(hansei.ECONFLICT, "INC-%d already has a postmortem: hansei postmortem %d", number, number)
		}
		events, err := t.allEvents(ctx, number)
		if err != nil {
			return err
		}
		if pm, err = hansei.NewDraft(inc, events, actor.Name, t.now); err != nil {
			return err
		}
		doc, err := json.Marshal(pm)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO postmortems (incident, status, version, doc, updated_at) VALUES ($1, $2, $3, $4, $5)`,
			number, pm.Status, pm.Version, string(doc), t.db.ts(t.now)); err != nil {
			return fmt.Errorf("insert postmortem: %w", err)
		}
		// The draft's texts start the history a later merge reads.
		return t.recordChange(ctx, pm, actor, "create", map[string]any{"sections": pm.Sections})
	})
	return pm, err
}

func (t *tx) allEvents(ctx context.Context, number int64) ([]hansei.Event, error) {
	rows, err := t.QueryContext(ctx, `SELECT `+eventColumns+` FROM events WHERE incident = $1 ORDER BY seq`, number)
	if err != nil {
		return nil, err
	}
	return scanEvents(rows)
}

func (t *tx) recordChange(ctx context.Context, pm hansei.Postmortem, actor hansei.User, action string, detail any) error {
	if detail == nil {
		detail = struct{}{}
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	_, err = t.ExecContext(ctx, `INSERT INTO postmortem_changes (incident, version, actor, at, action, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
		pm.Incident, pm.Version, actor.Name, t.db.ts(t.now), action, string(b))
	if err != nil {
		return fmt.Errorf("record postmortem change: %w", err)
	}
	return nil
}

// Postmortem reads an incident's postmortem.
func (db *DB) Postmortem(ctx context.Context, viewer hansei.User, number int64) (hansei.Postmortem, error) {
	if _, err := db.Incident(ctx, viewer, number); err != nil {
		return hansei.Postmortem{}, err
	}
	return loadPostmortem(ctx, db.reader(ctx), number, "")
}

func loadPostmortem(ctx context.Context, q queryer, number int64, lock string) (hansei.Postmortem, error) {
	var (
		pm  hansei.Postmortem
		doc []byte
	)
	err := q.QueryRowContext(ctx, `SELECT doc FROM postmortems WHERE incident = $1`+lock, number).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return pm, hansei.Errorf(hansei.ENOTFOUND, "INC-%d has no postmortem yet; start one: hansei postmortem %d create", number, number)
	} else if err != nil {
		return pm, err
	}
	if err := json.Unmarshal(doc, &pm); err != nil {
		return pm, fmt.Errorf("decode postmortem of INC-%d: %w", number, err)
	}
	return pm, nil
}

// ChangePostmortem decides cmd against the incident's postmortem in one
// transaction, saves the result and records who changed what and when.
// Publishing also keeps the revision whole and closes the incident. rules
// are the app's part of the decision's environment (the lint, whether
// self-review is allowed); the store adds the time, the actor and what it
// reads in the transaction.
func (db *DB) ChangePostmortem(ctx context.Context, actor hansei.User, number int64, cmd hansei.PostmortemCommand, rules hansei.PostmortemEnv) (hansei.Postmortem, error) {
	var pm hansei.Postmortem
	err := db.update(ctx, func(t *tx) error {
		inc, err := t.lockReadable(ctx, number, actor)
		if err != nil {
			return err
		}
		lock := ""
		if db.dialect == postgres {
			lock = " FOR UPDATE"
		}
		before, err := loadPostmortem(ctx, t, number, lock)
		if err != nil {
			return err
		}
		env := rules
		env.Now, env.Actor, env.LastSeq = t.now, actor, inc.LastSeq
		env.Users = func(name string) (hansei.User, error) { return userByName(ctx, t, name) }
		env.History = func() ([]hansei.PostmortemChangeRecord, error) { return postmortemChanges(ctx, t, number) }
		var detail any
		if pm, detail, err = hansei.DecidePostmortem(before, env, cmd); err != nil {
			return err
		}
		doc, err := json.Marshal(pm)
		if err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `UPDATE postmortems SET status = $1, version = $2, doc = $3, updated_at = $4, published_at = $5 WHERE incident = $6`,
			pm.Status, pm.Version, string(doc), db.ts(t.now), optionalTime(db, pm.PublishedAt), number)
		if err != nil {
			return fmt.Errorf("save postmortem: %w", err)
		}
		if err := t.recordChange(ctx, pm, actor, cmd.Action(), detail); err != nil {
			return err
		}
		// Reviewers asked, and a publication, are told in this transaction.
		if err := t.enqueue(ctx, hansei.PostmortemNotifications(db.Scales, before, pm, inc, actor.Name)...); err != nil {
			return err
		}
		if pm.Status != hansei.PostmortemPublished || before.Status == hansei.PostmortemPublished {
			return nil
		}
		reason := "first publication"
		if pm.Amendment != "" {
			reason = pm.Amendment
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO postmortem_revisions (incident, revision, reason, doc, published_at) VALUES ($1, $2, $3, $4, $5)`,
			number, pm.Revision, reason, string(doc), db.ts(t.now)); err != nil {
			return fmt.Errorf("keep revision: %w", err)
		}
		// The day after, the owners' remediations are reviewed.
		if err := t.scheduleReview(ctx, db.Reviews.NextWorkingDay(t.now), fmt.Sprintf("postmortem of INC-%d published", number)); err != nil {
			return err
		}
		if inc.Status != hansei.StatusResolved {
			return nil // closed by an earlier revision
		}
		// Publishing closes the incident, in the same transaction.
		_, _, ok, err := t.execute(ctx, actor, inc, hansei.CloseIncident{Revision: pm.Revision, Override: pm.PublishedOver})
		if err == nil && !ok {
			err = fmt.Errorf("INC-%d changed while its postmortem was published", number)
		}
		return err
	})
	return pm, err
}

// optionalTime converts a time that may be missing for a query argument.
func optionalTime(db *DB, t *time.Time) any {
	if t == nil {
		return nil
	}
	return db.ts(*t)
}

// PostmortemHistory lists every change to an incident's postmortem, oldest first.
func (db *DB) PostmortemHistory(ctx context.Context, viewer hansei.User, number int64) ([]hansei.PostmortemChangeRecord, error) {
	if _, err := db.Postmortem(ctx, viewer, number); err != nil {
		return nil, err
	}
	return postmortemChanges(ctx, db.reader(ctx), number)
}

func postmortemChanges(ctx context.Context, q queryer, number int64) ([]hansei.PostmortemChangeRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT version, actor, at, action, detail FROM postmortem_changes
		WHERE incident = $1 ORDER BY id`, number)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row scanner) (hansei.PostmortemChangeRecord, error) {
		var c hansei.PostmortemChangeRecord
		var detail []byte
		err := row.Scan(&c.Version, &c.Actor, timeValue{&c.At}, &c.Action, &detail)
		c.Detail = json.RawMessage(detail)
		return c, err
	})
}
