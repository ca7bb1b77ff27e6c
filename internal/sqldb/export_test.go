package sqldb

import (
	"context"
	"database/sql"
)

// RawExec and RawQueryRow let the tests poke at the tables directly, to
// prove what the schema itself refuses.
func (db *DB) RawExec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.write.ExecContext(ctx, q, args...)
}

func (db *DB) RawQueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, q, args...)
}
