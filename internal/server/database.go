package server

import (
	"log/slog"

	"github.com/hansei-dev/hansei/internal/config"
	"github.com/hansei-dev/hansei/internal/sqldb"
)

// openServed opens the database for serve and says in the log how it
// keeps its data. A database that does not exist is made only when that is
// surely what the operator wants: on the first run, where nothing names a
// database and the default hansei.db is missing, or when asked with
// --create (HANSEI_DB_CREATE, database.create). A database that was named
// and is missing was more likely moved or deleted than never made, and a
// new, empty one would hide that behind a fresh admin.
func (env *Env) openServed(cfg config.Config, log *slog.Logger) (*sqldb.DB, error) {
	create := cfg.Database.Create || !cfg.DBSet
	db, err := env.openDB(cfg, create,
		"check the path (was the database moved or deleted?), or pass --create to make a new, empty one")
	if err != nil {
		return nil, err
	}
	attrs := []any{"kind", db.Dialect(), "db", redact(cfg.DB)}
	if setting, value, err := db.Durability(env.ctx); err == nil {
		attrs = append(attrs, setting, value)
	} else {
		log.Warn("could not read the database's durability setting", "err", err)
	}
	log.Info("database opened", attrs...)
	// Files made before hansei created them 0600, or by hand: say so, and
	// leave them as they are, since a wider mode may be meant (a backup
	// job's group); changing it behind the operator's back could break that.
	for _, f := range db.LooseFiles() {
		log.Warn("a database file is readable or writable by other users of this machine; hansei creates its files 0600: chmod 600 it unless that is meant",
			"file", f.Path, "mode", f.Mode.String())
	}
	return db, nil
}
