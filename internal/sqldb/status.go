package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// The public status page's storage: components, maintenance windows, and
// the index of public incidents that Execute keeps (trackPublic) so that
// the page never scans the whole timeline. Every change the page shows
// bumps the one row of status_version in its own transaction, so instances
// that cache the page learn of each other's changes by polling one row.

// How far back the page looks: resolved incidents for the 90-day history
// bars, ended maintenance windows for a week.
const (
	publicIncidentHistory = 90 * 24 * time.Hour
	endedMaintenanceShown = 7 * 24 * time.Hour
)

const componentColumns = `key, name, description, group_name, position, services, state, created_at, updated_at`

func scanComponent(row scanner) (hansei.Component, error) {
	var (
		c        hansei.Component
		services []byte
	)
	err := row.Scan(&c.Key, &c.Name, &c.Description, &c.Group, &c.Position, &services, &c.State,
		timeValue{&c.CreatedAt}, timeValue{&c.UpdatedAt})
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(services, &c.Services); err != nil {
		return c, fmt.Errorf("decode the services of component %s: %w", c.Key, err)
	}
	if c.Services == nil {
		c.Services = []string{}
	}
	return c, nil
}

// Components lists the components in page order: by group, position and
// name.
func (db *DB) Components(ctx context.Context) ([]hansei.Component, error) {
	return components(ctx, db.reader(ctx))
}

func components(ctx context.Context, q queryer) ([]hansei.Component, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+componentColumns+` FROM components ORDER BY group_name, position, name, key`)
	if err != nil {
		return nil, fmt.Errorf("list components: %w", err)
	}
	return collect(rows, scanComponent)
}

// Component reads one component.
func (db *DB) Component(ctx context.Context, key string) (hansei.Component, error) {
	q := db.reader(ctx)
	c, err := scanComponent(q.QueryRowContext(ctx, `SELECT `+componentColumns+` FROM components WHERE key = $1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return c, noComponent(ctx, q, key)
	}
	return c, err
}

// SaveComponent creates the component with c's key or, if there is one,
// replaces its fields. An empty state leaves the state as it is (new
// components start operational). app decides who may.
func (db *DB) SaveComponent(ctx context.Context, actor hansei.User, c hansei.Component) (hansei.Component, error) {
	keepState := c.State == ""
	if keepState {
		c.State = hansei.ComponentOperational // only if it is new
	}
	services, err := json.Marshal(c.Services)
	if err != nil {
		return c, err
	}
	var out hansei.Component
	err = db.update(ctx, func(t *tx) error {
		out, err = scanComponent(t.QueryRowContext(ctx, `INSERT INTO components
			(key, name, description, group_name, position, services, state, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
			ON CONFLICT (key) DO UPDATE SET name = excluded.name, description = excluded.description,
				group_name = excluded.group_name, position = excluded.position, services = excluded.services,
				state = CASE WHEN $9 THEN components.state ELSE excluded.state END,
				updated_at = excluded.updated_at
			RETURNING `+componentColumns,
			c.Key, c.Name, c.Description, c.Group, c.Position, string(services), c.State, db.ts(t.now), keepState))
		if err != nil {
			return fmt.Errorf("save component %s: %w", c.Key, err)
		}
		return t.statusChanged(ctx)
	})
	return out, err
}

// SetComponentState sets a component's state explicitly. Any responder
// may: whoever sees a component fail should be able to say so.
func (db *DB) SetComponentState(ctx context.Context, actor hansei.User, key string, st hansei.ComponentState) (hansei.Component, error) {
	var c hansei.Component
	err := db.update(ctx, func(t *tx) error {
		var err error
		c, err = scanComponent(t.QueryRowContext(ctx, `UPDATE components SET state = $1, updated_at = $2 WHERE key = $3 RETURNING `+componentColumns,
			st, db.ts(t.now), key))
		if errors.Is(err, sql.ErrNoRows) {
			return noComponent(ctx, t, key)
		} else if err != nil {
			return fmt.Errorf("set the state of component %s: %w", key, err)
		}
		return t.statusChanged(ctx)
	})
	return c, err
}

// DeleteComponent removes a component from the page. Incidents and
// windows that name it keep their history; the page ignores the key.
func (db *DB) DeleteComponent(ctx context.Context, actor hansei.User, key string) error {
	return db.update(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM components WHERE key = $1`, key)
		if err != nil {
			return fmt.Errorf("delete component %s: %w", key, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return noComponent(ctx, t, key)
		}
		return t.statusChanged(ctx)
	})
}

// componentKeys lists every component key, sorted.
func componentKeys(ctx context.Context, q queryer) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT key FROM components ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("list component keys: %w", err)
	}
	return collect(rows, scanString)
}

// knownComponents says which components there are, for an error about
// one that is not among them.
func knownComponents(keys []string) string {
	if len(keys) == 0 {
		return "there are no components yet; an admin adds them with `hansei component add KEY --name NAME`"
	}
	return "the components are " + strings.Join(keys, ", ")
}

// noComponent is the error for a component named in a path that does not
// exist.
func noComponent(ctx context.Context, q queryer, key string) error {
	keys, err := componentKeys(ctx, q)
	if err != nil {
		return err
	}
	return hansei.Errorf(hansei.ENOTFOUND, "there is no component %q; %s", key, knownComponents(keys))
}

// checkComponents refuses keys, named in a request's field, that are not
// components.
func (t *tx) checkComponents(ctx context.Context, field string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	known, err := componentKeys(ctx, t)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if _, found := slices.BinarySearch(known, k); !found {
			return hansei.FieldError(field, "unknown component %q; %s", k, knownComponents(known))
		}
	}
	return nil
}

// statusChanged bumps the status page's version. changed_at never goes
// back, even if instances' clocks disagree: it is the page's
// Last-Modified.
func (t *tx) statusChanged(ctx context.Context) error {
	_, err := t.ExecContext(ctx, `INSERT INTO status_version (id, version, changed_at) VALUES (1, 1, $1)
		ON CONFLICT (id) DO UPDATE SET version = status_version.version + 1,
			changed_at = CASE WHEN excluded.changed_at > status_version.changed_at
				THEN excluded.changed_at ELSE status_version.changed_at END`, t.db.ts(t.now))
	if err != nil {
		return fmt.Errorf("bump the status page version: %w", err)
	}
	return nil
}

// StatusVersion is a value that changes with every change the status page
// shows, from any instance: a cached page is current while it stays the
// same. It is one indexed row, cheap to poll.
func (db *DB) StatusVersion(ctx context.Context) (string, error) {
	var v int64
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT version FROM status_version WHERE id = 1`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "0", nil // nothing has changed since the database was made
	} else if err != nil {
		return "", fmt.Errorf("read the status page version: %w", err)
	}
	return strconv.FormatInt(v, 10), nil
}
