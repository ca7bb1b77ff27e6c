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

// UndeliveredBefore is the oldest delivery to the same channel and target
// as d, written before it, that is still to be delivered (not delivered,
// not parked), or 0. Pages are sent in order per paging service with it,
// so that a resolve never overtakes its trigger (which would leave the
// page open) when the trigger waits for a retry.
func (db *DB) UndeliveredBefore(ctx context.Context, d hansei.Delivery) (int64, error) {
	var id int64
	err := db.write.QueryRowContext(ctx, `SELECT COALESCE(MIN(id), 0) FROM outbox
		WHERE channel = $1 AND target = $2 AND id < $3 AND state = 'pending'`, d.Channel, d.Target, d.ID).Scan(&id)
	return id, err
}
