package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// PublishedPostmortems returns the latest published revision of every
// postmortem the viewer may read, published since the given time (zero:
// all), newest first. Postmortems number in the hundreds to thousands, so
// searching their text is done here rather than by an index.
func (db *DB) PublishedPostmortems(ctx context.Context, viewer hansei.User, since time.Time) ([]hansei.Postmortem, error) {
	var w where
	w.add("r.revision = (SELECT max(x.revision) FROM postmortem_revisions x WHERE x.incident = r.incident)")
	w.add("r.published_at >= " + w.arg(db.ts(since)))
	w.visibleTo(viewer)
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT r.doc FROM postmortem_revisions r JOIN incidents i ON i.number = r.incident`+
		w.String()+` ORDER BY r.published_at DESC, r.incident DESC`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list postmortems: %w", err)
	}
	return collect(rows, func(row scanner) (hansei.Postmortem, error) {
		var doc []byte
		var pm hansei.Postmortem
		if err := row.Scan(&doc); err != nil {
			return pm, err
		}
		if err := json.Unmarshal(doc, &pm); err != nil {
			return pm, fmt.Errorf("decode postmortem: %w", err)
		}
		return pm, nil
	})
}
