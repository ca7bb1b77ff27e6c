package app_test

import (
	"context"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// fixture is the use cases over a real, migrated database, SQLite or
// PostgreSQL, with a clock the test moves (the store's and app's), and
// users made as `hansei users add` makes them.
type fixture struct {
	db         *sqldb.DB
	app        *app.App
	now        time.Time
	alice, bob hansei.User
	aliceToken string
}

// eachDB runs a test against every database kind, as internal/sqldb's
// tests do: the policies must hold on both.
func eachDB(t *testing.T, test func(t *testing.T, f *fixture)) {
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			test(t, newFixture(t, target.DSN, nil))
		})
	}
}

// newFixture opens dsn; wrap, if not nil, stands between the use cases and
// the database.
func newFixture(t *testing.T, dsn string, wrap func(*sqldb.DB) app.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	db.Now = clock
	var store app.Store = db
	if wrap != nil {
		store = wrap(db)
	}
	f.app = app.New(app.Config{Store: store, Scales: hansei.DefaultScales(), Now: clock})
	f.alice, f.aliceToken = f.user(t, "alice", hansei.RoleResponder)
	f.bob, _ = f.user(t, "bob", hansei.RoleResponder)
	return f
}

func (f *fixture) user(t *testing.T, name string, role hansei.Role) (hansei.User, string) {
	t.Helper()
	u, token, err := f.app.Users.Create(context.Background(), app.Console(), hansei.User{Name: name, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return u, token
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := hansei.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	wantCode(t, err, hansei.EINVALID)
	if _, ok := hansei.ErrorFields(err)[field]; !ok {
		t.Fatalf("error %v names fields %v, want %q", err, hansei.ErrorFields(err), field)
	}
}
