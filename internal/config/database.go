package config

import "fmt"

// Database is how hansei treats its database, beside where it is (db).
type Database struct {
	// Create lets serve make a new, empty database where db names one
	// that does not exist (a missing SQLite file, a PostgreSQL database
	// without hansei's tables). Without it only the first run on the
	// default path does; a database that was configured and is missing is
	// refused, since it more likely was moved or deleted than never made.
	Create bool
	// SQLiteSynchronous is SQLite's PRAGMA synchronous on every
	// connection: "full" (a commit is on disk before it is acknowledged)
	// or "normal" (faster; the last commits may be lost on power loss or
	// an OS crash). PostgreSQL ignores it.
	SQLiteSynchronous string
}

// SQLite's synchronous settings hansei offers.
const (
	SyncFull   = "full"
	SyncNormal = "normal"
)

// The database section:
//
//	database:
//	  create: false              # make the database if it does not exist
//	  sqlite_synchronous: full   # full or normal
func databaseField() field[Config] {
	return field[Config]{key: "database", doc: "How hansei treats the database that `db` names: whether serve may create it, and SQLite's durability.",
		value: sectionValue[Config, Database]{at: func(c *Config) *Database { return &c.Database }, fields: databaseFields()}}
}

func databaseFields() []field[Database] {
	level := oneOf([]string{SyncFull, SyncNormal}, func(raw string) string {
		return fmt.Sprintf("%q is not a synchronous setting; use full (durable; the default) or normal (faster, may lose the last commits on power loss)", raw)
	})
	return []field[Database]{
		{key: "create", env: "HANSEI_DB_CREATE",
			doc: "Let `hansei serve` create `db` when it does not exist (or, on PostgreSQL, has no hansei tables); as `--create`. " +
				"Without it only the default `hansei.db`, with `db` not configured, is created. Set it for the first start only.",
			value: scalar(func(d *Database) *bool { return &d.Create }, boolean(), false)},
		{key: "sqlite_synchronous", env: "HANSEI_SQLITE_SYNCHRONOUS",
			doc: "SQLite's `PRAGMA synchronous` on every connection: `full` (a commit is on disk before it is acknowledged) " +
				"or `normal` (faster; the last commits may be lost on power loss or an OS crash). PostgreSQL ignores it.",
			value: scalar(func(d *Database) *string { return &d.SQLiteSynchronous }, level, SyncFull)},
	}
}
