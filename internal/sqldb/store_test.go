package sqldb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// fixture is a migrated database with a test clock and two users.
type fixture struct {
	db          *sqldb.DB
	dsn         string
	now         time.Time
	alice, bob  hansei.User
	viewer      hansei.User
	adminFigure hansei.User
}

// eachDB runs a test against every database kind: the conformance suite.
func eachDB(t *testing.T, test func(t *testing.T, f *fixture)) {
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			test(t, newFixture(t, target.DSN))
		})
	}
}

func newFixture(t *testing.T, dsn string) *fixture {
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
	f := &fixture{db: db, dsn: dsn, now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	db.Now = func() time.Time { return f.now }
	f.alice = f.user(t, "alice", hansei.RoleResponder)
	f.bob = f.user(t, "bob", hansei.RoleResponder)
	f.viewer = f.user(t, "vera", hansei.RoleViewer)
	f.adminFigure = f.user(t, "root", hansei.RoleAdmin)
	return f
}

// user stores a user with a stand-in for its first API token's hash: the
// store keeps whatever hash internal/app gives it.
func (f *fixture) user(t *testing.T, name string, role hansei.Role) hansei.User {
	t.Helper()
	u, err := f.db.CreateUser(context.Background(), hansei.User{Name: name, Role: role}, "hash of "+name+"'s token")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) declare(t *testing.T, title, severity string) hansei.Incident {
	t.Helper()
	inc, err := f.db.Declare(context.Background(), f.alice, hansei.Declare{Title: title, Severity: severity, Summary: "summary of " + title})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := hansei.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestMigrateTwice(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		applied, err := f.db.Migrate(context.Background())
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v; want nothing", applied, err)
		}
	})
}

// TestUsersAndTokens: a user is stored with the hash of a first API
// token, which then finds the user; a refused user leaves no token. That
// tokens arrive hashed, and how they are made, is internal/app's rule,
// tested there.
func TestUsersAndTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		zed, err := f.db.CreateUser(ctx, hansei.User{Name: "zed", Role: hansei.RoleViewer}, "hash of zed's token")
		if err != nil || zed.ID == 0 || zed.Name != "zed" || zed.Role != hansei.RoleViewer {
			t.Fatalf("CreateUser = %+v, %v", zed, err)
		}
		u, ti, err := f.db.UserByTokenHash(ctx, "hash of zed's token")
		if err != nil || u.Name != "zed" || u.Role != hansei.RoleViewer || ti.ID == 0 || ti.User != "zed" ||
			ti.LastUsedAt != nil || !ti.CreatedAt.Equal(f.now) {
			t.Fatalf("UserByTokenHash = %+v, %+v, %v", u, ti, err)
		}
		_, _, err = f.db.UserByTokenHash(ctx, "hash of no token")
		wantCode(t, err, hansei.ENOTFOUND)
		// A name that is taken is what the store alone can refuse; the
		// settings are checked before (internal/app/users_test.go).
		_, err = f.db.CreateUser(ctx, hansei.User{Name: "alice", Role: hansei.RoleViewer}, "hash of a refused user's token")
		wantCode(t, err, hansei.EINVALID)
		_, _, err = f.db.UserByTokenHash(ctx, "hash of a refused user's token")
		wantCode(t, err, hansei.ENOTFOUND)
		n, err := f.db.CountUsers(ctx)
		if err != nil || n != 5 {
			t.Fatalf("CountUsers = %d, %v; want 5", n, err)
		}
	})
}

func TestDeclareAndTimeline(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		inc, err := f.db.Declare(ctx, f.alice, hansei.Declare{Title: "Checkout failing", Severity: "SEV2",
			Services: []string{"checkout", "payments"}, Commander: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		if inc.Number != 1 || inc.Status != hansei.StatusInvestigating || inc.Roles["commander"] != "bob" {
			t.Fatalf("declared %+v", inc)
		}
		second := f.declare(t, "Search slow", "SEV3")
		if second.Number != 2 {
			t.Fatalf("second incident is %d, want 2", second.Number)
		}
		f.now = f.now.Add(time.Minute)
		inc, events, err := f.db.Execute(ctx, f.bob, 1, hansei.ChangeSeverity{Severity: "SEV1", Reason: "all regions"})
		if err != nil || inc.Severity != "SEV1" || len(events) != 1 || events[0].Seq != inc.LastSeq {
			t.Fatalf("severity change: %+v %+v %v", inc, events, err)
		}
		got, err := f.db.Incident(ctx, f.viewer, 1)
		if err != nil || got.Severity != "SEV1" || got.LastSeq != inc.LastSeq {
			t.Fatalf("read back %+v, %v", got, err)
		}
		all, err := f.db.Timeline(ctx, f.viewer, 1, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		// The projection is exactly the fold of the timeline.
		projected, err := hansei.Project(all)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(projected)
		b, _ := json.Marshal(got)
		if string(a) != string(b) {
			t.Fatalf("projection differs from timeline fold:\n%s\n%s", a, b)
		}
		page, err := f.db.Timeline(ctx, f.viewer, 1, 2, 2)
		if err != nil || len(page) != 2 || page[0].Seq != 3 || page[1].Seq != 4 {
			t.Fatalf("page after 2 = %+v, %v", page, err)
		}
		last := all[len(all)-1]
		if last.Type != hansei.EventSeverityChanged || !last.At.Equal(f.now) || last.Actor != "bob" {
			t.Fatalf("last event %+v", last)
		}
		_, err = f.db.Timeline(ctx, f.viewer, 99, 0, 10)
		wantCode(t, err, hansei.ENOTFOUND)
	})
}

func TestRefusedCommandsChangeNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		inc := f.declare(t, "Queue backlog", "SEV3")
		cases := []struct {
			name  string
			actor hansei.User
			cmd   hansei.Command
			code  string
		}{
			{"unknown severity", f.alice, hansei.ChangeSeverity{Severity: "SEV9", Reason: "x"}, hansei.EINVALID},
			{"no reason", f.alice, hansei.ChangeSeverity{Severity: "SEV1"}, hansei.EINVALID},
			{"viewer acts", f.viewer, hansei.AddNote{Text: "hi"}, hansei.EFORBIDDEN},
			{"bad transition", f.alice, hansei.ChangeStatus{Status: hansei.StatusInvestigating}, hansei.ECONFLICT},
			{"unknown user", f.alice, hansei.AssignRole{Role: "scribe", User: "nobody"}, hansei.EINVALID},
			{"viewer as role holder", f.alice, hansei.AssignRole{Role: "scribe", User: "vera"}, hansei.EINVALID},
		}
		for _, c := range cases {
			_, _, err := f.db.Execute(ctx, c.actor, inc.Number, c.cmd)
			if hansei.ErrorCode(err) != c.code {
				t.Errorf("%s: code %q (%v), want %q", c.name, hansei.ErrorCode(err), err, c.code)
			}
		}
		_, err := f.db.Declare(ctx, f.alice, hansei.Declare{Title: "", Severity: "SEV1"})
		wantCode(t, err, hansei.EINVALID)
		got, _ := f.db.Incident(ctx, f.alice, inc.Number)
		if got.LastSeq != inc.LastSeq {
			t.Fatalf("refused commands appended events: last seq %d, want %d", got.LastSeq, inc.LastSeq)
		}
		// A refused declaration takes no number.
		next := f.declare(t, "Next", "SEV4")
		if next.Number != inc.Number+1 {
			t.Fatalf("next number %d, want %d", next.Number, inc.Number+1)
		}
	})
}

func TestEventsAreAppendOnly(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		f.declare(t, "Disk full", "SEV3")
		ctx := context.Background()
		if _, err := f.db.RawExec(ctx, `UPDATE events SET actor = 'mallory' WHERE incident = 1`); err == nil {
			t.Fatal("an event was edited in place")
		}
		if _, err := f.db.RawExec(ctx, `DELETE FROM events WHERE incident = 1`); err == nil {
			t.Fatal("an event was deleted")
		}
	})
}

func TestConcurrentWritersKeepSequenceGapFree(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		inc := f.declare(t, "Many hands", "SEV2")
		const writers, notes = 16, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*notes)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				actor := f.alice
				if w%2 == 1 {
					actor = f.bob
				}
				for i := 0; i < notes; i++ {
					if _, _, err := f.db.Execute(ctx, actor, inc.Number, hansei.AddNote{Text: fmt.Sprintf("writer %d note %d", w, i)}); err != nil {
						errs <- err
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		events, err := f.db.Timeline(ctx, f.alice, inc.Number, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		want := int(inc.LastSeq) + writers*notes
		if len(events) != want {
			t.Fatalf("%d events, want %d", len(events), want)
		}
		for i, e := range events {
			if e.Seq != int64(i+1) {
				t.Fatalf("event %d has seq %d: gap or duplicate", i, e.Seq)
			}
		}
		got, _ := f.db.Incident(ctx, f.alice, inc.Number)
		if got.LastSeq != int64(want) {
			t.Fatalf("projection last_seq %d, want %d", got.LastSeq, want)
		}
	})
}

func TestConcurrentDeclaresGetDistinctNumbers(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		var wg sync.WaitGroup
		numbers := make(chan int64, 40)
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				inc, err := f.db.Declare(context.Background(), f.alice, hansei.Declare{Title: fmt.Sprintf("incident %d", i), Severity: "SEV4"})
				if err != nil {
					t.Error(err)
					return
				}
				numbers <- inc.Number
			}(i)
		}
		wg.Wait()
		close(numbers)
		seen := map[int64]bool{}
		for n := range numbers {
			if seen[n] || n < 1 || n > 40 {
				t.Fatalf("number %d duplicated or out of range", n)
			}
			seen[n] = true
		}
	})
}

func TestListFiltersSearchAndPages(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.declare(t, "Checkout failing in eu-west", "SEV1")
		f.declare(t, "Search latency high", "SEV3")
		f.declare(t, "Checkout retries exhausted", "SEV2")
		f.declare(t, "決済が失敗している", "SEV2")
		if _, _, err := f.db.Execute(ctx, f.alice, 2, hansei.ChangeStatus{Status: hansei.StatusResolved}); err != nil {
			t.Fatal(err)
		}
		numbers := func(f hansei.IncidentFilter, db *sqldb.DB, u hansei.User) []int64 {
			t.Helper()
			incs, _, err := db.Incidents(ctx, u, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, i := range incs {
				out = append(out, i.Number)
			}
			return out
		}
		cases := []struct {
			name   string
			filter hansei.IncidentFilter
			want   string
		}{
			{"all newest first", hansei.IncidentFilter{}, "[4 3 2 1]"},
			{"by status", hansei.IncidentFilter{Status: hansei.StatusResolved}, "[2]"},
			{"by severity", hansei.IncidentFilter{Severity: "SEV2"}, "[4 3]"},
			{"word", hansei.IncidentFilter{Q: "checkout"}, "[3 1]"},
			{"prefix and case", hansei.IncidentFilter{Q: "CHECK"}, "[3 1]"},
			{"every word", hansei.IncidentFilter{Q: "checkout eu"}, "[1]"},
			{"summary", hansei.IncidentFilter{Q: "summary latency"}, "[2]"},
			{"japanese", hansei.IncidentFilter{Q: "決済"}, "[4]"},
			{"punctuation is harmless", hansei.IncidentFilter{Q: `"checkout" OR (x* AND :'`}, "[]"},
			{"no match", hansei.IncidentFilter{Q: "database"}, "[]"},
			{"combined", hansei.IncidentFilter{Q: "checkout", Severity: "SEV1"}, "[1]"},
		}
		for _, c := range cases {
			if got := fmt.Sprint(numbers(c.filter, f.db, f.alice)); got != c.want {
				t.Errorf("%s: got %s, want %s", c.name, got, c.want)
			}
		}
		// Cursor pagination visits every incident once.
		var seen []int64
		cursor := ""
		for {
			page, next, err := f.db.Incidents(ctx, f.alice, hansei.IncidentFilter{Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range page {
				seen = append(seen, i.Number)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if fmt.Sprint(seen) != "[4 3 2 1]" {
			t.Fatalf("pages visited %v", seen)
		}
		_, _, err := f.db.Incidents(ctx, f.alice, hansei.IncidentFilter{Cursor: "garbage!"})
		wantCode(t, err, hansei.EINVALID)
	})
}

func TestRestrictedIncidentsStayWithTheirMembers(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		inc, err := f.db.Declare(ctx, f.alice, hansei.Declare{Title: "Credential leak", Severity: "SEV1", Visibility: hansei.VisibilityRestricted})
		if err != nil {
			t.Fatal(err)
		}
		f.declare(t, "Public one", "SEV3")
		if _, err := f.db.Incident(ctx, f.bob, inc.Number); hansei.ErrorCode(err) != hansei.ENOTFOUND {
			t.Fatalf("non-member read a restricted incident: %v", err)
		}
		if list, _, _ := f.db.Incidents(ctx, f.bob, hansei.IncidentFilter{}); len(list) != 1 {
			t.Fatalf("non-member lists %d incidents, want 1", len(list))
		}
		if _, _, err := f.db.Execute(ctx, f.bob, inc.Number, hansei.AddNote{Text: "peek"}); hansei.ErrorCode(err) != hansei.ENOTFOUND {
			t.Fatalf("non-member wrote to a restricted incident: %v", err)
		}
		if _, err := f.db.Incident(ctx, f.adminFigure, inc.Number); err != nil {
			t.Fatalf("admin cannot read: %v", err)
		}
		if _, _, err := f.db.Execute(ctx, f.alice, inc.Number, hansei.Join{User: "bob"}); err != nil {
			t.Fatal(err)
		}
		if list, _, _ := f.db.Incidents(ctx, f.bob, hansei.IncidentFilter{}); len(list) != 2 {
			t.Fatalf("member lists %d incidents, want 2", len(list))
		}
	})
}

func TestOpenBySeverity(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		f.declare(t, "a", "SEV1")
		f.declare(t, "b", "SEV1")
		f.declare(t, "c", "SEV3")
		if _, _, err := f.db.Execute(context.Background(), f.alice, 3, hansei.ChangeStatus{Status: hansei.StatusResolved}); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.OpenBySeverity(context.Background(), f.alice)
		if err != nil || got["SEV1"] != 2 || got["SEV3"] != 0 {
			t.Fatalf("open by severity %v, %v", got, err)
		}
		// A restricted incident counts only for those who may read it.
		if _, err := f.db.Declare(context.Background(), f.alice, hansei.Declare{Title: "d", Severity: "SEV2", Visibility: hansei.VisibilityRestricted}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name   string
			viewer hansei.User
			want   int
		}{{"anonymous", hansei.User{}, 0}, {"a member", f.alice, 1}, {"an admin", hansei.User{Name: "root", Role: hansei.RoleAdmin}, 1}} {
			if got, err := f.db.OpenBySeverity(context.Background(), c.viewer); err != nil || got["SEV2"] != c.want || got["SEV1"] != 2 {
				t.Errorf("%s: open by severity %v, %v; want SEV2 %d", c.name, got, err, c.want)
			}
		}
	})
}

// TestTwoHandlesNeverLoseAChange: two processes on one database each keep
// their own cache of projections; a change through one must not be
// overwritten by the other deciding from a stale copy.
func TestTwoHandlesNeverLoseAChange(t *testing.T) {
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			a := newFixture(t, target.DSN)
			b, err := sqldb.Open(context.Background(), target.DSN)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			ctx := context.Background()
			inc := a.declare(t, "Shared", "SEV3")
			steps := []struct {
				db  *sqldb.DB
				cmd hansei.Command
			}{
				{a.db, hansei.AddNote{Text: "a1"}},
				{b, hansei.AddNote{Text: "b1"}},
				{a.db, hansei.ChangeSeverity{Severity: "SEV2", Reason: "spreading"}}, // a's copy is stale
				{b, hansei.AddNote{Text: "b2"}},                                      // so is b's
				{a.db, hansei.ChangeSeverity{Severity: "SEV3", Reason: "contained"}},
				// b's copy says SEV2, which would refuse this as no change.
				{b, hansei.ChangeSeverity{Severity: "SEV2", Reason: "spreading again"}},
			}
			for i, s := range steps {
				if _, _, err := s.db.Execute(ctx, a.alice, inc.Number, s.cmd); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			got, err := b.Incident(ctx, a.alice, inc.Number)
			if err != nil {
				t.Fatal(err)
			}
			events, _ := b.Timeline(ctx, a.alice, inc.Number, 0, 100)
			projected, _ := hansei.Project(events)
			if got.Severity != "SEV2" || got.LastSeq != inc.LastSeq+6 || projected.LastSeq != got.LastSeq {
				t.Fatalf("after both handles wrote: severity %s, last seq %d (timeline %d), want SEV2 and %d",
					got.Severity, got.LastSeq, projected.LastSeq, inc.LastSeq+6)
			}
		})
	}
}
