package sqldb

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Listen calls wake whenever any instance commits events, by LISTENing on
// PostgreSQL's hansei_events channel, until ctx ends. It reconnects after a
// lost connection; a notification missed meanwhile costs only latency,
// because the live hub also polls. On SQLite it returns at once: there is
// one instance, and AfterCommit wakes the hub.
func (db *DB) Listen(ctx context.Context, wake func(), log *slog.Logger) {
	if db.dialect != postgres {
		return
	}
	for ctx.Err() == nil {
		err := db.listenOnce(ctx, wake)
		if ctx.Err() != nil {
			return
		}
		log.Warn("live events: listening for notifications; reconnecting", "err", err)
		wake() // catch up on whatever the gap hid
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (db *DB) listenOnce(ctx context.Context, wake func()) error {
	conn, err := pgx.Connect(ctx, db.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN hansei_events"); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	wake()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		wake()
	}
}
