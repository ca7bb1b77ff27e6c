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

// PragmaOnEveryConnection reads a PRAGMA on every connection SQLite's two
// pools may hold at once: the writer's one and the readers' eight, each held
// while the next is taken, so that no two reads share a connection.
func (db *DB) PragmaOnEveryConnection(ctx context.Context, name string) ([]int, error) {
	var out []int
	var held []*sql.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for _, pool := range []struct {
		db *sql.DB
		n  int
	}{{db.write, 1}, {db.read, 8}} {
		for range pool.n {
			c, err := pool.db.Conn(ctx)
			if err != nil {
				return nil, err
			}
			held = append(held, c)
			var v int
			if err := c.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
	return out, nil
}
