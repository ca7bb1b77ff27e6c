// Package sqldb implements hansei's services on database/sql, for SQLite
// (the embedded default, through a pure-Go driver) and PostgreSQL (through
// pgx). The SQL is written by hand; where the dialects differ, the
// difference is spelt out next to the query.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

type dialect int

const (
	sqlite dialect = iota
	postgres
)

// DB is a handle on hansei's database.
type DB struct {
	dialect dialect
	dsn     string
	// write takes every transaction that changes data. On SQLite it holds a
	// single connection, so writers queue in Go instead of failing with
	// SQLITE_BUSY; on PostgreSQL it is the same pool as read.
	write *sql.DB
	// read serves queries outside transactions.
	read *sql.DB
	// stmts holds the writer's prepared statements (SQLite only).
	stmts stmtCache
	// projections caches incidents as this process last committed them,
	// so a change need not read its incident back first.
	projections projectionCache
	// path is the SQLite file, and file what os.Stat said of it when it
	// was opened: if the path comes to name another file, or none, this
	// process writes where nobody will find it (see checkFile).
	path string
	file os.FileInfo
	// synchronous is SQLite's PRAGMA synchronous, FULL or NORMAL.
	synchronous string
	// Now is the clock; tests replace it to move time.
	Now func() time.Time
	// Scales validate severities and priorities.
	Scales hansei.Scales
	// FanOut says where a notification goes and what each copy says: the
	// outbox rows to write for it, given a lookup of its recipients and
	// incidents in the same transaction. internal/server sets it to
	// app.FanOut's rule; nil sends nothing. See enqueue in outbox.go for
	// why the store runs it.
	FanOut func(n hansei.Notification, look hansei.Lookup) ([]hansei.Outgoing, error)
	// Pages are the pages (to PagerDuty, GoAlert) a change of an incident
	// from before to after calls for: the application's paging rule,
	// written to the outbox in the change's transaction (paging.go); nil
	// pages nobody.
	Pages func(before, after hansei.Incident) []hansei.Notification
	// Reviews says when follow-up reviews are held.
	Reviews hansei.ReviewPolicy
	// IntentWindow is the default objection window of intents.
	IntentWindow time.Duration
	// AfterCommit, if set, is called with the events of every committed
	// transaction, in order. Live streams subscribe through it.
	AfterCommit func([]hansei.Event)
}

// Options say how OpenWith treats the database.
type Options struct {
	// Create lets OpenWith make a database that does not exist: a SQLite
	// file that is missing is created (0600, readable by its owner only).
	// Without it, a missing file, and a database of either kind without
	// hansei's tables, is refused with an error that wraps ErrNoDatabase.
	Create bool
	// Synchronous is SQLite's PRAGMA synchronous on every connection:
	// SyncFull (also for "") or SyncNormal. PostgreSQL ignores it.
	Synchronous string
}

// SQLite's synchronous settings: FULL syncs the WAL at every commit, so an
// acknowledged commit survives power loss; NORMAL syncs it only at
// checkpoints, so the last commits may be lost on power loss or an OS crash
// (never on a crash of hansei itself).
const (
	SyncFull   = "full"
	SyncNormal = "normal"
)

// ErrNoDatabase is wrapped by the error of OpenWith for a database that
// does not exist and that it was not asked to create.
var ErrNoDatabase = errors.New("the database does not exist")

// Open opens the database named by dsn, creating it if it does not exist,
// with the default settings (synchronous=FULL); see OpenWith. Tests and
// benchmarks use it; the server decides whether to create (OpenWith).
func Open(ctx context.Context, dsn string) (*DB, error) {
	return OpenWith(ctx, dsn, Options{Create: true})
}

// OpenWith opens the database named by dsn: a file path or "sqlite:PATH"
// for SQLite, "postgres://…" or "postgresql://…" for PostgreSQL. It does
// not migrate; call Migrate. A SQLite file must be writable.
func OpenWith(ctx context.Context, dsn string, o Options) (*DB, error) {
	db := &DB{dsn: dsn, Now: time.Now, Scales: hansei.DefaultScales(), Reviews: hansei.DefaultReviewPolicy()}
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.dialect = postgres
		if db.write, err = sql.Open("pgx", dsn); err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.write.SetMaxOpenConns(32)
		db.write.SetMaxIdleConns(32)
		db.write.SetConnMaxIdleTime(5 * time.Minute)
		db.read = db.write
	default:
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, hansei.Errorf(hansei.EINVALID, "the database path is empty; give a file such as hansei.db or postgres://…")
		}
		db.dialect = sqlite
		if db.file, err = sqliteFile(path, o.Create); err != nil {
			return nil, err
		}
		db.path = path
		if db.synchronous, err = synchronousPragma(o.Synchronous); err != nil {
			return nil, err
		}
		// The pragmas run on every new connection of both pools.
		// secure_delete zeroes the bytes a change frees, so that text
		// taken out (a redaction, an expired session) does not linger in
		// the file's free space; hansei appends far more than it deletes,
		// so it costs little (docs/redaction.md).
		pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=secure_delete(1)&_pragma=synchronous(" + db.synchronous + ")"
		base := "file:" + (&url.URL{Path: path}).EscapedPath()
		if db.write, err = sql.Open("sqlite", base+"?"+pragmas+"&_txlock=immediate"); err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		db.write.SetMaxOpenConns(1)
		db.write.SetMaxIdleConns(1)
		db.write.SetConnMaxIdleTime(0)
		db.write.SetConnMaxLifetime(0)
		if db.read, err = sql.Open("sqlite", base+"?"+pragmas+"&_pragma=query_only(1)"); err != nil {
			db.write.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		db.read.SetMaxOpenConns(8)
		db.read.SetMaxIdleConns(8)
		db.read.SetConnMaxIdleTime(0)
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.opened(ctx, o); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Dialect names the database kind: "sqlite" or "postgres".
func (db *DB) Dialect() string {
	if db.dialect == postgres {
		return "postgres"
	}
	return "sqlite"
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.stmts.close()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx is one use case's transaction: the changes and the events they
// produced, handed to AfterCommit once the transaction commits.
type tx struct {
	*sql.Tx
	db     *DB
	now    time.Time
	events []hansei.Event
	after  []func()
}

// onCommit runs fn once the transaction has committed, never if it rolls back.
func (t *tx) onCommit(fn func()) { t.after = append(t.after, fn) }

// committed runs what waited for the commit.
func (t *tx) committed() {
	for _, fn := range t.after {
		fn()
	}
	if t.db.AfterCommit != nil && len(t.events) > 0 {
		t.db.AfterCommit(t.events)
	}
}

type txKey struct{}

// update runs fn in a write transaction. If ctx already carries one (an
// idempotent request wraps its use case in the transaction that records the
// response), fn joins it and the outer caller commits.
func (db *DB) update(ctx context.Context, fn func(*tx) error) error {
	if outer, ok := ctx.Value(txKey{}).(*tx); ok {
		return fn(outer)
	}
	t, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	if err := fn(t); err != nil {
		t.Rollback()
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	t.committed()
	return nil
}

// reader returns the transaction carried by ctx, so a use case sees its own
// writes, or the read pool.
func (db *DB) reader(ctx context.Context) queryer {
	if t, ok := ctx.Value(txKey{}).(*tx); ok {
		return t
	}
	return db.read
}

// ts converts a time for a query argument: TIMESTAMPTZ on PostgreSQL, and
// fixed-width UTC text on SQLite so that text order is time order.
func (db *DB) ts(t time.Time) any {
	if db.dialect == postgres {
		return t.UTC()
	}
	return t.UTC().Format(sqliteTime)
}

const sqliteTime = "2006-01-02T15:04:05.000000Z"

// timeValue scans a time from either dialect.
type timeValue struct{ t *time.Time }

func (v timeValue) Scan(src any) error {
	switch s := src.(type) {
	case time.Time:
		*v.t = s.UTC()
	case string:
		return v.parse(s)
	case []byte:
		return v.parse(string(s))
	default:
		return fmt.Errorf("cannot scan %T into a time", src)
	}
	return nil
}

func (v timeValue) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	*v.t = t.UTC()
	return nil
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLSTATE 23505") || strings.Contains(msg, "UNIQUE constraint failed")
}
