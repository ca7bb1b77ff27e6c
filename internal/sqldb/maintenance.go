package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// --- Maintenance windows ---

const maintenanceColumns = `id, title, text, components, starts_at, ends_at, created_by, created_at`

func scanMaintenance(row scanner) (hansei.Maintenance, error) {
	var (
		m     hansei.Maintenance
		comps []byte
	)
	err := row.Scan(&m.ID, &m.Title, &m.Text, &comps, timeValue{&m.StartsAt}, timeValue{&m.EndsAt}, &m.CreatedBy, timeValue{&m.CreatedAt})
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(comps, &m.Components); err != nil {
		return m, fmt.Errorf("decode the components of maintenance window %d: %w", m.ID, err)
	}
	if m.Components == nil {
		m.Components = []string{}
	}
	return m, nil
}

// CreateMaintenance schedules a maintenance window. Its components must
// exist: a window on a mistyped key would silently put nothing under
// maintenance.
func (db *DB) CreateMaintenance(ctx context.Context, actor hansei.User, m hansei.Maintenance) (hansei.Maintenance, error) {
	comps, err := json.Marshal(m.Components)
	if err != nil {
		return m, err
	}
	err = db.update(ctx, func(t *tx) error {
		if err := t.checkComponents(ctx, "components", m.Components); err != nil {
			return err
		}
		m.CreatedBy, m.CreatedAt = actor.Name, t.now
		err := t.QueryRowContext(ctx, `INSERT INTO maintenance (title, text, components, starts_at, ends_at, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			m.Title, m.Text, string(comps), db.ts(m.StartsAt), db.ts(m.EndsAt), m.CreatedBy, db.ts(m.CreatedAt)).Scan(&m.ID)
		if err != nil {
			return fmt.Errorf("insert maintenance window: %w", err)
		}
		return t.statusChanged(ctx)
	})
	return m, err
}

// Maintenances lists the windows that end after from, soonest first.
func (db *DB) Maintenances(ctx context.Context, from time.Time) ([]hansei.Maintenance, error) {
	return maintenances(ctx, db.reader(ctx), db.ts(from))
}

func maintenances(ctx context.Context, q queryer, from any) ([]hansei.Maintenance, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+maintenanceColumns+` FROM maintenance WHERE ends_at > $1 ORDER BY starts_at, id`, from)
	if err != nil {
		return nil, fmt.Errorf("list maintenance windows: %w", err)
	}
	return collect(rows, scanMaintenance)
}

// DeleteMaintenance cancels a window (or removes one that was a mistake).
func (db *DB) DeleteMaintenance(ctx context.Context, actor hansei.User, id int64) error {
	return db.update(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM maintenance WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("delete maintenance window %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return hansei.Errorf(hansei.ENOTFOUND, "there is no maintenance window %d; `hansei maintenance list` shows them", id)
		}
		return t.statusChanged(ctx)
	})
}
