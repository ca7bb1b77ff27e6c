package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// stmtCache keeps the writer's prepared statements on SQLite, where
// preparing costs about as much as running a small statement. The writer
// pool has a single connection, held by the transaction while it runs, so
// a statement cannot be prepared on the pool from inside one: a statement
// first seen in a transaction is noted, runs unprepared, and is prepared
// before the next transaction begins. (pgx caches prepared statements per
// connection by itself, so PostgreSQL does not use this.)
type stmtCache struct {
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool
}

// maxCachedStmts bounds the cache; the write path has a few dozen queries.
const maxCachedStmts = 128

// lookup returns the prepared statement for query, or notes that it is
// wanted and returns nil.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts)+len(c.wanted) < maxCachedStmts {
		if c.wanted == nil {
			c.wanted = map[string]bool{}
		}
		c.wanted[query] = true
	}
	return nil
}

// prepareWanted prepares the statements noted since the last call. It runs
// outside any transaction, and never holds the lock while it waits for the
// connection: a running transaction may need the lock to finish.
func (c *stmtCache) prepareWanted(ctx context.Context, db *sql.DB) {
	c.mu.Lock()
	wanted := c.wanted
	c.wanted = nil
	c.mu.Unlock()
	for q := range wanted {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			continue // runs unprepared; its errors surface there
		}
		c.mu.Lock()
		if _, dup := c.stmts[q]; dup {
			st.Close()
		} else {
			if c.stmts == nil {
				c.stmts = map[string]*sql.Stmt{}
			}
			c.stmts[q] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
}

// beginWrite starts a write transaction, preparing first the statements
// that earlier transactions wanted.
func (db *DB) beginWrite(ctx context.Context) (*tx, error) {
	if err := db.checkFile(); err != nil {
		return nil, err
	}
	if db.dialect == sqlite {
		db.stmts.prepareWanted(ctx, db.write)
	}
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &tx{Tx: sqlTx, db: db, now: db.Now().UTC()}, nil
}

// stmt returns the transaction's handle on the cached statement for query,
// or nil where statements are not cached.
func (t *tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if t.db.dialect != sqlite {
		return nil
	}
	st := t.db.stmts.lookup(query)
	if st == nil {
		return nil
	}
	return t.Tx.StmtContext(ctx, st)
}

// ExecContext runs a statement in the transaction, prepared once on SQLite.
func (t *tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// QueryRowContext runs a query in the transaction, prepared once on SQLite.
func (t *tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction, prepared once on SQLite.
func (t *tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}
