package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// PublishedPostmortems returns the latest published revision of every
// postmortem the viewer may read, published since the given time (zero:
// all), newest first. Postmortems number in the hundreds to thousands, so
// searching their text is done here rather than by an index.
func (db *DB) PublishedPostmortems(ctx context.Context, viewer hansei.User, since time.Time) ([]hansei.Postmortem, error) {
	args := []any{db.ts(since)}
	visible := ""
	if viewer.Role != hansei.RoleAdmin {
		args = append(args, viewer.Name)
		visible = ` AND (i.visibility <> 'restricted' OR EXISTS (SELECT 1 FROM incident_members m WHERE m.incident = i.number AND m.user_name = $` + strconv.Itoa(len(args)) + `))`
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT r.doc FROM postmortem_revisions r JOIN incidents i ON i.number = r.incident
		WHERE r.revision = (SELECT max(x.revision) FROM postmortem_revisions x WHERE x.incident = r.incident)
		AND r.published_at >= $1`+visible+`
		ORDER BY r.published_at DESC, r.incident DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list postmortems: %w", err)
	}
	defer rows.Close()
	var out []hansei.Postmortem
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var pm hansei.Postmortem
		if err := json.Unmarshal(doc, &pm); err != nil {
			return nil, fmt.Errorf("decode postmortem: %w", err)
		}
		out = append(out, pm)
	}
	return out, rows.Err()
}
