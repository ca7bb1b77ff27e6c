package sqldb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	hansei "github.com/hansei-dev/hansei"
)

// followCorrections keeps what is stored beside the projection in step
// with a correction, in the correction's transaction: the title and
// summary columns and the search index, and the key times of a postmortem
// not yet published (its record was copied from the incident when the
// draft began; a published one is a fixed revision, and its incident is
// closed, so it is never corrected).
func (t *tx) followCorrections(ctx context.Context, inc hansei.Incident, events []hansei.Event) error {
	text := false
	for _, e := range events {
		if e.Type != hansei.EventCorrected {
			continue
		}
		var d hansei.CorrectedData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return err
		}
		text = text || d.Field == hansei.FieldTitle || d.Field == hansei.FieldSummary
	}
	if text {
		if _, err := t.ExecContext(ctx, `UPDATE incidents SET title = $1, summary = $2 WHERE number = $3`,
			inc.Title, inc.Summary, inc.Number); err != nil {
			return fmt.Errorf("update incident text: %w", err)
		}
		if t.db.dialect == sqlite {
			if _, err := t.ExecContext(ctx, `DELETE FROM incidents_search WHERE rowid = $1`, inc.Number); err != nil {
				return fmt.Errorf("unindex incident: %w", err)
			}
			if _, err := t.ExecContext(ctx, `INSERT INTO incidents_search (rowid, title, summary) VALUES ($1, $2, $3)`,
				inc.Number, inc.Title, inc.Summary); err != nil {
				return fmt.Errorf("index incident: %w", err)
			}
		}
	}
	if !hansei.CorrectionTimes(events) {
		return nil
	}
	lock := ""
	if t.db.dialect == postgres {
		lock = " FOR UPDATE"
	}
	pm, err := loadPostmortem(ctx, t, inc.Number, lock)
	if hansei.ErrorCode(err) == hansei.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if pm.Status == hansei.PostmortemPublished {
		return nil
	}
	pm.Record.KeyTimes, pm.Record.Durations = hansei.RecordTimes(inc)
	doc, err := json.Marshal(pm)
	if err != nil {
		return err
	}
	// The version stays: the record is not the authors' text, so a save
	// based on the version before the correction is not a conflict.
	if _, err := t.ExecContext(ctx, `UPDATE postmortems SET doc = $1 WHERE incident = $2`, string(doc), inc.Number); err != nil {
		return errors.Join(fmt.Errorf("update postmortem record of INC-%d", inc.Number), err)
	}
	return nil
}
