package sqldb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	hansei "github.com/hansei-dev/hansei"
)

// What the store checks of its database beyond "it answers": that it
// exists, that it can be written, that the SQLite file is still the one
// that was opened, and who may read the files.

// sqliteFile returns what os.Stat says of the SQLite file at path. A file
// that does not exist is created first, when create allows it, with mode
// 0600 whatever the umask: SQLite itself would create it 0644, readable by
// every user of the machine, and gives its -wal and -shm files the mode of
// the database file.
func sqliteFile(path string, create bool) (os.FileInfo, error) {
	fi, err := os.Stat(path)
	if err == nil {
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("the database %s is not a file (%s)", path, fi.Mode().Type())
		}
		return fi, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the database file: %w", err)
	}
	if !create {
		return nil, fmt.Errorf("%w (no file %s)", ErrNoDatabase, path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil && !errors.Is(err, fs.ErrExist) { // ErrExist: made meanwhile, by another process
		return nil, fmt.Errorf("create the database file: %w", err)
	}
	if f != nil {
		// The umask may have taken bits off 0600, never added any; set the
		// mode anyway, so that it is exactly the one documented.
		err = errors.Join(f.Chmod(0o600), f.Close())
		if err != nil {
			return nil, fmt.Errorf("create the database file: %w", err)
		}
	}
	return os.Stat(path)
}

// synchronousPragma is the PRAGMA synchronous for a setting.
func synchronousPragma(setting string) (string, error) {
	switch setting {
	case "", SyncFull:
		return "FULL", nil
	case SyncNormal:
		return "NORMAL", nil
	}
	return "", hansei.Errorf(hansei.EINVALID, "synchronous %q is not known; use %s or %s", setting, SyncFull, SyncNormal)
}

// opened checks a database just opened: that SQLite can write to its file
// (SQLite opens a file it may not write read-only, without a word, and
// every write then fails), and, unless o.Create, that it holds hansei's
// tables: a database without them is a new one, which only Create may
// make.
func (db *DB) opened(ctx context.Context, o Options) error {
	if db.dialect == sqlite {
		if err := db.probeWrite(ctx, `CREATE TABLE hansei_write_probe (x INTEGER)`); err != nil {
			if strings.Contains(err.Error(), "readonly") {
				return fmt.Errorf("the database file %s is read-only for this process (mode %s); hansei must be able to write it and its folder",
					db.path, db.file.Mode().Perm())
			}
			return fmt.Errorf("cannot write to the database file %s: %w", db.path, err)
		}
	}
	if o.Create {
		return nil
	}
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if db.dialect == postgres {
		q = `SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END`
	}
	var n int
	if err := db.write.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return fmt.Errorf("look for hansei's tables: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("%w (it has none of hansei's tables)", ErrNoDatabase)
	}
	return nil
}

// probeWrite runs a write in a transaction and rolls it back: it fails
// where a real write would, and changes nothing.
func (db *DB) probeWrite(ctx context.Context, write string) error {
	t, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer t.Rollback()
	_, err = t.ExecContext(ctx, write)
	return err
}

// Ready says whether the server can serve: the SQLite file at the path
// opened is still the one opened, and the database takes a write. The
// error's hansei.Error says why not, for anyone, without a path or a
// cause; the whole error, for the log, has both.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.checkFile(); err != nil {
		return fmt.Errorf("%w: %w", hansei.Errorf(hansei.EINTERNAL,
			"the database file was removed or replaced after the server opened it; restart the server"), err)
	}
	// A row of hansei's own, rewritten as it is: on PostgreSQL this fails
	// in a read-only transaction (a standby, default_transaction_read_only).
	err := db.probeWrite(ctx, `UPDATE schema_migrations SET name = name WHERE version = (SELECT MIN(version) FROM schema_migrations)`)
	if err != nil {
		return fmt.Errorf("%w: %w", hansei.Errorf(hansei.EINTERNAL, "the database does not take writes"), err)
	}
	return nil
}

// checkFile fails when the SQLite file hansei opened is no longer at its
// path: deleted (the process still writes to it, and the writes are gone
// when it stops) or replaced by another file. It costs one stat, and runs
// before every write transaction. PostgreSQL has nothing to check.
func (db *DB) checkFile() error {
	if db.dialect != sqlite {
		return nil
	}
	fi, err := os.Stat(db.path)
	if err != nil {
		return fmt.Errorf("the database file %s is gone: %w", db.path, err)
	}
	if !os.SameFile(fi, db.file) {
		return fmt.Errorf("the database file %s was replaced by another file after hansei opened it", db.path)
	}
	return nil
}

// LooseFile is a database file that others than its owner may read or
// write.
type LooseFile struct {
	Path string
	Mode fs.FileMode
}

// LooseFiles lists the SQLite files (the database, its -wal and -shm) that
// users other than their owner may read or write: a database made before
// hansei created it 0600, or made by hand. Changing their mode is left to
// the operator, who may have meant it (a backup user's group).
func (db *DB) LooseFiles() []LooseFile {
	if db.dialect != sqlite {
		return nil
	}
	var out []LooseFile
	for _, p := range []string{db.path, db.path + "-wal", db.path + "-shm"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			out = append(out, LooseFile{Path: p, Mode: fi.Mode().Perm()})
		}
	}
	return out
}

// Durability names the setting that decides whether an acknowledged
// commit survives power loss: SQLite's synchronous (read back from a
// connection) or PostgreSQL's synchronous_commit.
func (db *DB) Durability(ctx context.Context) (setting, value string, err error) {
	if db.dialect == postgres {
		err = db.read.QueryRowContext(ctx, `SHOW synchronous_commit`).Scan(&value)
		return "synchronous_commit", value, err
	}
	var n int
	if err := db.write.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&n); err != nil {
		return "synchronous", "", err
	}
	names := []string{"off", "normal", "full", "extra"}
	if n < 0 || n >= len(names) {
		return "synchronous", fmt.Sprint(n), nil
	}
	return "synchronous", names[n], nil
}

// Path is the SQLite file, or "" for PostgreSQL.
func (db *DB) Path() string { return db.path }
