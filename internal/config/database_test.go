package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// DBSet tells serve whether a database was named, by the file or
// HANSEI_DB: only one that was not may be created without --create.
func TestDBSetSaysWhetherTheDatabaseWasNamed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "hansei.yaml")
	if err := os.WriteFile(file, []byte("db: /var/lib/hansei/hansei.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		vars       map[string]string
		want       bool
	}{
		{"nothing", "", nil, false},
		{"HANSEI_DB", "", map[string]string{"HANSEI_DB": "hansei.db"}, true},
		{"the file", file, nil, true},
	} {
		cfg, err := Load(c.path, env(c.vars))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DBSet != c.want {
			t.Errorf("%s: DBSet = %v, want %v", c.name, cfg.DBSet, c.want)
		}
	}
}

func TestDatabaseSection(t *testing.T) {
	cfg, err := Load("", env(map[string]string{"HANSEI_DB_CREATE": "true", "HANSEI_SQLITE_SYNCHRONOUS": "normal"}))
	if err != nil || !cfg.Database.Create || cfg.Database.SQLiteSynchronous != SyncNormal {
		t.Fatalf("from the environment: %+v, %v", cfg.Database, err)
	}
	if d := Default().Database; d.Create || d.SQLiteSynchronous != SyncFull {
		t.Errorf("defaults %+v, want create off and synchronous full", d)
	}
	_, err = Parse("hansei.yaml", []byte("database:\n  sqlite_synchronous: off\n"))
	if err == nil || !strings.HasPrefix(err.Error(), `hansei.yaml:2: database.sqlite_synchronous: "off" is not a synchronous setting; use full`) {
		t.Errorf("synchronous off: %v", err)
	}
}
