package sqldb

import (
	"context"
	"fmt"
	"time"
)

// AcquireLease takes or renews the lease called name for holder, for ttl.
// It reports false while another holder's lease is unexpired.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := db.Now()
	res, err := db.write.ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at < $4`,
		name, holder, db.ts(now.Add(ttl)), db.ts(now))
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
