package sqldb_test

import (
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// Finding 14 of the red-team pass: SQLite ran synchronous=NORMAL, so a
// commit acknowledged to a client could be lost on power loss. FULL is now
// the default on every connection of both pools, and NORMAL only when
// configured.
func TestSynchronousOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		setting string
		want    int // PRAGMA synchronous: 1 NORMAL, 2 FULL
	}{{"", 2}, {sqldb.SyncFull, 2}, {sqldb.SyncNormal, 1}} {
		db, err := sqldb.OpenWith(ctx, sqldbtest.SQLite(t).DSN, sqldb.Options{Create: true, Synchronous: c.setting})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.PragmaOnEveryConnection(ctx, "synchronous")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 9 {
			t.Fatalf("read the pragma on %d connections, want 9 (1 writer, 8 readers)", len(got))
		}
		for i, v := range got {
			if v != c.want {
				t.Errorf("synchronous %q: connection %d has PRAGMA synchronous = %d, want %d", c.setting, i, v, c.want)
			}
		}
		if _, value, err := db.Durability(ctx); err != nil || value != map[int]string{1: "normal", 2: "full"}[c.want] {
			t.Errorf("synchronous %q: Durability = %q, %v", c.setting, value, err)
		}
		db.Close()
	}
	if _, err := sqldb.OpenWith(ctx, sqldbtest.SQLite(t).DSN, sqldb.Options{Create: true, Synchronous: "off"}); hansei.ErrorCode(err) != hansei.EINVALID {
		t.Errorf("synchronous off: %v, want it refused", err)
	}
}

// Finding 13: the database files were created 0644, readable by every user
// of the machine. hansei now makes the file 0600 itself, and SQLite gives
// the -wal and -shm files the database file's mode.
func TestDatabaseFilesAreTheOwnersOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hansei.db")
	db, err := sqldb.OpenWith(ctx, path, sqldb.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, hansei.User{Name: "alice", Role: hansei.RoleResponder}, "hash"); err != nil {
		t.Fatal(err) // a write, so that the -wal has content
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want -rw------- (0600)", filepath.Base(p), fi.Mode().Perm())
		}
	}
	if loose := db.LooseFiles(); len(loose) != 0 {
		t.Errorf("LooseFiles = %v, want none", loose)
	}
	os.Chmod(path, 0o644)
	if loose := db.LooseFiles(); len(loose) != 1 || loose[0].Path != path || loose[0].Mode != 0o644 {
		t.Errorf("after chmod 644, LooseFiles = %v, want the database file", loose)
	}
}

// Finding 5, on restart: a database that is missing is refused unless the
// caller asks for it to be created; nothing is made on the way. A database
// of either kind without hansei's tables counts as missing.
func TestMissingDatabaseIsRefusedUnlessCreated(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gone.db")
	_, err := sqldb.OpenWith(ctx, "sqlite:"+path, sqldb.Options{})
	if !errors.Is(err, sqldb.ErrNoDatabase) || !strings.Contains(err.Error(), path) {
		t.Fatalf("open a missing file: %v, want ErrNoDatabase naming the path", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("refusing a missing database left a file behind: %v", err)
	}
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.OpenWith(ctx, "sqlite:"+path, sqldb.Options{}); !errors.Is(err, sqldb.ErrNoDatabase) {
		t.Fatalf("open an empty file: %v, want ErrNoDatabase", err)
	}
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			if _, err := sqldb.OpenWith(ctx, target.DSN, sqldb.Options{}); !errors.Is(err, sqldb.ErrNoDatabase) {
				t.Fatalf("open a database without hansei's tables: %v, want ErrNoDatabase", err)
			}
			db, err := sqldb.OpenWith(ctx, target.DSN, sqldb.Options{Create: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			db.Close()
			again, err := sqldb.OpenWith(ctx, target.DSN, sqldb.Options{})
			if err != nil {
				t.Fatalf("open the migrated database without Create: %v", err)
			}
			again.Close()
		})
	}
}

// Finding 5, while running: the SQLite file was deleted under the server,
// which kept writing to the deleted file, and stayed ready. Now readiness
// fails with a reason, and so does every write.
func TestRemovedOrReplacedFileIsNotReady(t *testing.T) {
	ctx := context.Background()
	for _, how := range []string{"removed", "replaced"} {
		t.Run(how, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "hansei.db")
			f := newFixture(t, "sqlite:"+path)
			if err := f.db.Ready(ctx); err != nil {
				t.Fatalf("a fresh database is not ready: %v", err)
			}
			inc := f.declare(t, "Checkout failing", "SEV2")
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				os.Remove(p)
			}
			if how == "replaced" {
				other, err := sqldb.OpenWith(ctx, path, sqldb.Options{Create: true})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := other.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				other.Close()
			}
			err := f.db.Ready(ctx)
			if err == nil {
				t.Fatal("ready after the database file was " + how)
			}
			if msg := hansei.ErrorMessage(err); !strings.Contains(msg, "removed or replaced") || strings.Contains(msg, path) {
				t.Errorf("the reason %q should say what happened, and not name the path", msg)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("the error for the log %q should name the path", err)
			}
			// A note takes the one-statement path, a declaration the
			// transaction path: both are refused.
			if _, _, err := f.db.Execute(ctx, f.alice, inc.Number, hansei.AddNote{Text: "lost?"}); err == nil {
				t.Error("a note was written to a database file that is " + how)
			}
			if _, err := f.db.Declare(ctx, f.alice, hansei.Declare{Title: "Lost", Severity: "SEV3"}); err == nil {
				t.Error("a declaration was written to a database file that is " + how)
			}
		})
	}
}

// The PostgreSQL side of "not ready when the database takes no writes": a
// database that turned read-only (as a standby does) is not ready.
func TestReadOnlyPostgresIsNotReady(t *testing.T) {
	pg, ok := sqldbtest.Postgres(t)
	if !ok {
		t.Skip("no PostgreSQL")
	}
	ctx := context.Background()
	f := newFixture(t, pg.DSN)
	if err := f.db.Ready(ctx); err != nil {
		t.Fatalf("not ready: %v", err)
	}
	u, _ := url.Parse(pg.DSN)
	if _, err := f.db.RawExec(ctx, "ALTER DATABASE "+strings.TrimPrefix(u.Path, "/")+" SET default_transaction_read_only = on"); err != nil {
		t.Fatal(err)
	}
	db, err := sqldb.OpenWith(ctx, pg.DSN, sqldb.Options{}) // new connections take the setting
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ready(ctx); err == nil || !strings.Contains(hansei.ErrorMessage(err), "does not take writes") {
		t.Errorf("a read-only database: Ready = %v, want not ready", err)
	}
}
