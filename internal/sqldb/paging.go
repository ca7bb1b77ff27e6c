package sqldb

import (
	"context"

	hansei "github.com/hansei-dev/hansei"
)

// page writes to the outbox the pages that a change of an incident from
// before to after calls for (DB.Pages, the application's paging rule), in
// the change's transaction: a page is sent if and only if the change
// committed.
func (t *tx) page(ctx context.Context, before, after hansei.Incident) error {
	if t.db.Pages == nil {
		return nil
	}
	return t.enqueue(ctx, t.db.Pages(before, after)...)
}

// pages reports whether a change calls for a page, so that the
// one-statement path, which writes no outbox rows, leaves it to the
// transaction path.
func (db *DB) pages(before, after hansei.Incident) bool {
	return db.Pages != nil && len(db.Pages(before, after)) > 0
}
