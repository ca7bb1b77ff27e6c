package sqldb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// stsComponents adds the components api, web (group Shop) and db.
func stsComponents(t *testing.T, f *fixture) {
	t.Helper()
	for _, c := range []hansei.Component{
		{Key: "web", Name: "Website", Group: "Shop", Position: 2},
		{Key: "api", Name: "API", Group: "Shop", Position: 1, Services: []string{"checkout", "payments"}},
		{Key: "db", Name: "Database", Group: "Platform"},
	} {
		if _, err := f.db.SaveComponent(context.Background(), f.adminFigure, c); err != nil {
			t.Fatalf("SaveComponent(%s): %v", c.Key, err)
		}
	}
}

// stsIncident declares an incident with bob in the communications role.
func stsIncident(t *testing.T, f *fixture, title, severity string) hansei.Incident {
	t.Helper()
	inc := f.declare(t, title, severity)
	inc, _, err := f.db.Execute(context.Background(), f.alice, inc.Number, hansei.AssignRole{Role: hansei.RoleCommunications, User: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func stsExec(t *testing.T, f *fixture, actor hansei.User, n int64, cmd hansei.Command) hansei.Incident {
	t.Helper()
	inc, _, err := f.db.Execute(context.Background(), actor, n, cmd)
	if err != nil {
		t.Fatalf("Execute(%T %+v) as %s: %v", cmd, cmd, actor.Name, err)
	}
	return inc
}

func stsSnapshot(t *testing.T, f *fixture) hansei.StatusSnapshot {
	t.Helper()
	snap, err := f.db.StatusSnapshot(context.Background(), f.now)
	if err != nil {
		t.Fatalf("StatusSnapshot: %v", err)
	}
	return snap
}

func stsVersion(t *testing.T, db *sqldb.DB) string {
	t.Helper()
	v, err := db.StatusVersion(context.Background())
	if err != nil {
		t.Fatalf("StatusVersion: %v", err)
	}
	return v
}

func stsWantField(t *testing.T, err error, field string, says ...string) {
	t.Helper()
	wantCode(t, err, hansei.EINVALID)
	if _, ok := hansei.ErrorFields(err)[field]; !ok {
		t.Fatalf("error %v names fields %v, want %q", err, hansei.ErrorFields(err), field)
	}
	for _, s := range says {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q should say %q", err, s)
		}
	}
}

func TestComponentsAreSavedListedAndDeleted(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		stsComponents(t, f)
		list, err := f.db.Components(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, c := range list {
			keys = append(keys, c.Key)
		}
		if strings.Join(keys, ",") != "db,api,web" {
			t.Fatalf("order %v; want by group (Platform < Shop), then position", keys)
		}
		api := list[1]
		if api.Name != "API" || api.Group != "Shop" || api.Position != 1 || api.State != hansei.ComponentOperational ||
			strings.Join(api.Services, ",") != "checkout,payments" || !api.CreatedAt.Equal(f.now) || !api.UpdatedAt.Equal(f.now) {
			t.Fatalf("api = %+v", api)
		}

		// Saving again replaces the fields and keeps the state and the
		// creation time when no state is given.
		f.now = f.now.Add(time.Minute)
		if _, err := f.db.SetComponentState(ctx, f.bob, "api", hansei.ComponentDegraded); err != nil {
			t.Fatal(err)
		}
		api, err = f.db.SaveComponent(ctx, f.adminFigure, hansei.Component{Key: "api", Name: "Public API", Description: "REST", Position: 3})
		if err != nil {
			t.Fatal(err)
		}
		if api.Name != "Public API" || api.Group != "" || api.Position != 3 || api.State != hansei.ComponentDegraded ||
			len(api.Services) != 0 || !api.CreatedAt.Equal(f.now.Add(-time.Minute)) || !api.UpdatedAt.Equal(f.now) {
			t.Fatalf("after saving again: %+v", api)
		}
		if api, err = f.db.SaveComponent(ctx, f.adminFigure, hansei.Component{Key: "api", Name: "API", State: hansei.ComponentMajorOutage}); err != nil || api.State != hansei.ComponentMajorOutage {
			t.Fatalf("saving with a state: %+v, %v", api, err)
		}
		if got, err := f.db.Component(ctx, "api"); err != nil || got.State != hansei.ComponentMajorOutage {
			t.Fatalf("Component(api) = %+v, %v", got, err)
		}

		// Who may do what is app's to decide (internal/app/authz_test.go).

		// What is refused, and how it is explained: what the store alone
		// can tell (a key that is not there). Invalid fields are the
		// domain's (hansei.CleanComponent), checked before storage.
		_, err = f.db.SetComponentState(ctx, f.bob, "nope", hansei.ComponentDegraded)
		wantCode(t, err, hansei.ENOTFOUND)
		if !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "api, db, web") {
			t.Errorf("error %q should name the key and list the components", err)
		}
		_, err = f.db.Component(ctx, "nope")
		wantCode(t, err, hansei.ENOTFOUND)
		wantCode(t, f.db.DeleteComponent(ctx, f.adminFigure, "nope"), hansei.ENOTFOUND)

		if err := f.db.DeleteComponent(ctx, f.adminFigure, "web"); err != nil {
			t.Fatal(err)
		}
		if list, _ := f.db.Components(ctx); len(list) != 2 {
			t.Fatalf("after deleting: %v", list)
		}
	})
}

func TestMaintenanceWindows(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		stsComponents(t, f)
		win := func(title string, from, to time.Duration, comps ...string) hansei.Maintenance {
			t.Helper()
			m, err := f.db.CreateMaintenance(ctx, f.alice, hansei.Maintenance{Title: title, Text: "text of " + title,
				Components: comps, StartsAt: f.now.Add(from), EndsAt: f.now.Add(to)})
			if err != nil {
				t.Fatalf("CreateMaintenance(%s): %v", title, err)
			}
			return m
		}
		later := win("Later", 48*time.Hour, 50*time.Hour, "db")
		if later.ID == 0 || later.CreatedBy != "alice" || !later.CreatedAt.Equal(f.now) || later.Text != "text of Later" ||
			strings.Join(later.Components, ",") != "db" || !later.StartsAt.Equal(f.now.Add(48*time.Hour)) {
			t.Fatalf("created %+v", later)
		}
		now := win("Now", -time.Hour, time.Hour, "api", "web")
		win("Last week", -10*24*time.Hour, -8*24*time.Hour)
		recent := win("Yesterday", -26*time.Hour, -24*time.Hour)

		list, err := f.db.Maintenances(ctx, f.now)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != now.ID || list[1].ID != later.ID {
			t.Fatalf("windows not yet ended: %+v", list)
		}
		snap := stsSnapshot(t, f)
		if len(snap.Maintenance) != 3 || snap.Maintenance[0].ID != recent.ID {
			t.Fatalf("the page shows %+v; want those not ended and those ended within a week, soonest first", snap.Maintenance)
		}
		states := hansei.ComponentStates(snap.Components, snap.Incidents, snap.Maintenance, f.now)
		if states["api"] != hansei.ComponentMaintenance || states["web"] != hansei.ComponentMaintenance || states["db"] != hansei.ComponentOperational {
			t.Errorf("states %v", states)
		}

		_, err = f.db.CreateMaintenance(ctx, f.alice, hansei.Maintenance{Title: "X", Components: []string{"dbx"}, StartsAt: f.now, EndsAt: f.now.Add(time.Hour)})
		stsWantField(t, err, "components", `"dbx"`, "api, db, web")
		if err := f.db.DeleteMaintenance(ctx, f.bob, now.ID); err != nil {
			t.Fatal(err)
		}
		err = f.db.DeleteMaintenance(ctx, f.bob, now.ID)
		wantCode(t, err, hansei.ENOTFOUND)
		if !strings.Contains(err.Error(), fmt.Sprint(now.ID)) {
			t.Errorf("error %q should name the window", err)
		}
		if list, _ := f.db.Maintenances(ctx, f.now); len(list) != 1 {
			t.Fatalf("after deleting: %+v", list)
		}
	})
}

func TestStatusSnapshotShowsOnlyWhatWasPublished(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		stsComponents(t, f)
		inc := stsIncident(t, f, "Checkout fails: SECRET-TITLE", "SEV1")
		stsExec(t, f, f.alice, inc.Number, hansei.AddNote{Text: "SECRET-NOTE: the password is in the log"})
		if snap := stsSnapshot(t, f); len(snap.Incidents) != 0 {
			t.Fatalf("an incident without public updates is on the page: %+v", snap.Incidents)
		}

		f.now = f.now.Add(time.Minute)
		stsExec(t, f, f.bob, inc.Number, hansei.LinkComponents{Components: []string{"api"}})
		stsExec(t, f, f.bob, inc.Number, hansei.PublishUpdate{Title: "Checkout degraded", Text: "Some payments fail.",
			Components: map[string]hansei.ComponentState{"web": hansei.ComponentDegraded}})
		stsExec(t, f, f.alice, inc.Number, hansei.AddNote{Text: "SECRET-NOTE-2"})
		stsExec(t, f, f.alice, inc.Number, hansei.ChangeStatus{Status: hansei.StatusIdentified, Message: "SECRET-MESSAGE"})

		// Someone else's incident, restricted: never on the page.
		restricted, err := f.db.Declare(ctx, f.alice, hansei.Declare{Title: "SECRET-RESTRICTED", Severity: "SEV1", Visibility: hansei.VisibilityRestricted})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = f.db.Execute(ctx, f.alice, restricted.Number, hansei.PublishUpdate{Text: "SECRET-RESTRICTED-UPDATE"})
		wantCode(t, err, hansei.ECONFLICT)
		_, _, err = f.db.Execute(ctx, f.adminFigure, restricted.Number, hansei.LinkComponents{Components: []string{"api"}})
		wantCode(t, err, hansei.ECONFLICT)

		snap := stsSnapshot(t, f)
		if len(snap.Incidents) != 1 {
			t.Fatalf("incidents on the page: %+v", snap.Incidents)
		}
		p := snap.Incidents[0]
		if p.Number != inc.Number || p.Title != "Checkout degraded" || p.Impact != hansei.ImpactMinor || p.Status != hansei.StatusInvestigating ||
			len(p.Updates) != 1 || p.Updates[0].Text != "Some payments fail." || strings.Join(p.Components, ",") != "api,web" {
			t.Fatalf("public incident %+v", p)
		}
		raw, _ := json.Marshal(snap)
		if strings.Contains(string(raw), "SECRET") {
			t.Fatalf("the snapshot leaks: %s", raw)
		}
		if len(snap.Components) != 3 || !snap.UpdatedAt.Equal(f.now) || snap.Version == "" || snap.Version != stsVersion(t, f.db) {
			t.Fatalf("components %d, updated %s, version %q", len(snap.Components), snap.UpdatedAt, snap.Version)
		}
		states := hansei.ComponentStates(snap.Components, snap.Incidents, snap.Maintenance, f.now)
		if states["api"] != hansei.ComponentDegraded || states["web"] != hansei.ComponentDegraded || states["db"] != hansei.ComponentOperational {
			t.Errorf("states %v: api linked to an incident of minor public impact (a SEV1 inside), web named degraded", states)
		}

		// A restricted incident that reached the index anyway (a bug, a
		// restore) is still never shown.
		at := any(f.now)
		if f.db.Dialect() == "sqlite" {
			at = f.now.UTC().Format("2006-01-02T15:04:05.000000Z")
		}
		if _, err := f.db.RawExec(ctx, `INSERT INTO events (incident, seq, type, actor, at, data) VALUES ($1, 100, 'public.updated', 'alice', $2, '{"status":"investigating","text":"SECRET-FORGED"}')`, restricted.Number, at); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.RawExec(ctx, `INSERT INTO public_incidents (incident, updated_at) VALUES ($1, $2)`, restricted.Number, at); err != nil {
			t.Fatal(err)
		}
		raw, _ = json.Marshal(stsSnapshot(t, f))
		if strings.Contains(string(raw), "SECRET") {
			t.Fatalf("the snapshot leaks a restricted incident: %s", raw)
		}
	})
}

func TestPublicUpdatesNameOnlyExistingComponents(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		inc := stsIncident(t, f, "Checkout fails", "SEV2")
		_, _, err := f.db.Execute(ctx, f.bob, inc.Number, hansei.LinkComponents{Components: []string{"api"}})
		stsWantField(t, err, "components", `"api"`, "no components yet")
		stsComponents(t, f)
		before := stsVersion(t, f.db)
		for _, cmd := range []hansei.Command{
			hansei.PublishUpdate{Text: "x", Components: map[string]hansei.ComponentState{"api": hansei.ComponentDegraded, "apx": hansei.ComponentDegraded}},
			hansei.LinkComponents{Components: []string{"web", "apx"}},
		} {
			// Twice: the second decides from the cached projection.
			for range 2 {
				_, _, err = f.db.Execute(ctx, f.bob, inc.Number, cmd)
				stsWantField(t, err, "components", `unknown component "apx"`, "the components are api, db, web")
			}
		}
		// Refused changes leave no trace.
		got, err := f.db.Incident(ctx, f.bob, inc.Number)
		if err != nil {
			t.Fatal(err)
		}
		if got.LastSeq != inc.LastSeq || len(got.Components) != 0 {
			t.Fatalf("a refused update changed the incident: %+v", got)
		}
		if v := stsVersion(t, f.db); v != before {
			t.Fatalf("a refused update changed the version from %s to %s", before, v)
		}
		// Who may publish is decided before the components are looked at.
		_, _, err = f.db.Execute(ctx, f.viewer, inc.Number, hansei.PublishUpdate{Text: "x", Components: map[string]hansei.ComponentState{"apx": hansei.ComponentDegraded}})
		wantCode(t, err, hansei.EFORBIDDEN)
	})
}

func TestStatusSnapshotHistory(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		stsComponents(t, f)
		start := f.now
		old := stsIncident(t, f, "Old", "SEV3")
		stsExec(t, f, f.bob, old.Number, hansei.PublishUpdate{Text: "old trouble", Components: map[string]hansei.ComponentState{"db": hansei.ComponentDegraded}})
		stsExec(t, f, f.bob, old.Number, hansei.PublishUpdate{Status: hansei.StatusResolved, Text: "old trouble over"})
		f.now = start.Add(24 * time.Hour)
		recent := stsIncident(t, f, "Recent", "SEV2")
		stsExec(t, f, f.bob, recent.Number, hansei.PublishUpdate{Text: "recent trouble"})
		f.now = f.now.Add(time.Hour)
		stsExec(t, f, f.bob, recent.Number, hansei.PublishUpdate{Status: hansei.StatusResolved, Text: "recent trouble over"})
		f.now = f.now.Add(time.Hour)
		open := stsIncident(t, f, "Open", "SEV1")
		stsExec(t, f, f.bob, open.Number, hansei.PublishUpdate{Text: "open trouble"})

		numbers := func(snap hansei.StatusSnapshot) string {
			var ns []string
			for _, p := range snap.Incidents {
				ns = append(ns, fmt.Sprint(p.Number))
			}
			return strings.Join(ns, ",")
		}
		snap := stsSnapshot(t, f)
		if got, want := numbers(snap), fmt.Sprintf("%d,%d,%d", open.Number, recent.Number, old.Number); got != want {
			t.Fatalf("incidents %s, want %s (newest first)", got, want)
		}
		if snap.Incidents[1].ResolvedAt == nil || !snap.Incidents[1].ResolvedAt.Equal(start.Add(25*time.Hour)) {
			t.Errorf("recent resolved at %v", snap.Incidents[1].ResolvedAt)
		}
		// 90 days on, the old one has left the history; the open one stays.
		f.now = start.Add(90*24*time.Hour + time.Hour)
		if got, want := numbers(stsSnapshot(t, f)), fmt.Sprintf("%d,%d", open.Number, recent.Number); got != want {
			t.Fatalf("after 90 days: %s, want %s", got, want)
		}
		f.now = start.Add(400 * 24 * time.Hour)
		if got, want := numbers(stsSnapshot(t, f)), fmt.Sprint(open.Number); got != want {
			t.Fatalf("much later: %s, want %s", got, want)
		}
		// Reopening publicly brings it back.
		stsExec(t, f, f.bob, old.Number, hansei.PublishUpdate{Status: hansei.StatusInvestigating, Text: "it is back"})
		if got, want := numbers(stsSnapshot(t, f)), fmt.Sprintf("%d,%d", open.Number, old.Number); got != want {
			t.Fatalf("after reopening: %s, want %s", got, want)
		}
	})
}

func TestStatusVersionFollowsEveryChange(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if v := stsVersion(t, f.db); v != "0" {
			t.Fatalf("a new database's version is %q", v)
		}
		// Another instance on the same database sees every change.
		other, err := sqldb.Open(ctx, f.dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		seen := map[string]string{"0": "the start"}
		public := stsIncident(t, f, "Public", "SEV2")
		private := stsIncident(t, f, "Private", "SEV2")
		var windowID int64
		for _, step := range []struct {
			name    string
			change  func() error
			changes bool
		}{
			{"component added", func() error {
				_, err := f.db.SaveComponent(ctx, f.adminFigure, hansei.Component{Key: "api", Name: "API"})
				return err
			}, true},
			{"component changed", func() error {
				_, err := f.db.SaveComponent(ctx, f.adminFigure, hansei.Component{Key: "api", Name: "Public API"})
				return err
			}, true},
			{"second component", func() error {
				_, err := f.db.SaveComponent(ctx, f.adminFigure, hansei.Component{Key: "web", Name: "Web"})
				return err
			}, true},
			{"state set", func() error {
				_, err := f.db.SetComponentState(ctx, f.bob, "api", hansei.ComponentDegraded)
				return err
			}, true},
			{"component deleted", func() error { return f.db.DeleteComponent(ctx, f.adminFigure, "web") }, true},
			{"window scheduled", func() error {
				m, err := f.db.CreateMaintenance(ctx, f.alice, hansei.Maintenance{Title: "Upgrade", StartsAt: f.now, EndsAt: f.now.Add(time.Hour)})
				windowID = m.ID
				return err
			}, true},
			{"window deleted", func() error { return f.db.DeleteMaintenance(ctx, f.alice, windowID) }, true},
			{"severity of an unpublished incident", func() error {
				_, _, err := f.db.Execute(ctx, f.alice, private.Number, hansei.ChangeSeverity{Severity: "SEV1", Reason: "worse"})
				return err
			}, false},
			{"components linked", func() error {
				_, _, err := f.db.Execute(ctx, f.bob, public.Number, hansei.LinkComponents{Components: []string{"api"}})
				return err
			}, true},
			{"public update", func() error {
				_, _, err := f.db.Execute(ctx, f.bob, public.Number, hansei.PublishUpdate{Text: "Looking into it."})
				return err
			}, true},
			{"note on the public incident", func() error {
				_, _, err := f.db.Execute(ctx, f.alice, public.Number, hansei.AddNote{Text: "internal"})
				return err
			}, false},
			{"internal status of the public incident", func() error {
				_, _, err := f.db.Execute(ctx, f.alice, public.Number, hansei.ChangeStatus{Status: hansei.StatusIdentified})
				return err
			}, false},
			{"severity of the public incident", func() error {
				// Nothing public depends on the internal severity, so the
				// page stays as it is (and the change may take the
				// one-statement path on PostgreSQL).
				_, _, err := f.db.Execute(ctx, f.alice, public.Number, hansei.ChangeSeverity{Severity: "SEV1", Reason: "worse"})
				return err
			}, false},
			{"refused update", func() error {
				_, _, err := f.db.Execute(ctx, f.alice, public.Number, hansei.PublishUpdate{})
				if hansei.ErrorCode(err) != hansei.EINVALID {
					return fmt.Errorf("want a refusal, got %v", err)
				}
				return nil
			}, false},
		} {
			before := stsVersion(t, other)
			f.now = f.now.Add(time.Minute)
			if err := step.change(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			after := stsVersion(t, other)
			if changed := after != before; changed != step.changes {
				t.Errorf("%s: version %s → %s; want changed = %v", step.name, before, after, step.changes)
			}
			if step.changes {
				if prev, dup := seen[after]; dup {
					t.Errorf("%s: version %s was already that of %s", step.name, after, prev)
				}
				seen[after] = step.name
				if snap, err := other.StatusSnapshot(ctx, f.now); err != nil || snap.Version != after || !snap.UpdatedAt.Equal(f.now) {
					t.Errorf("%s: snapshot version %q updated %s (%v); want %s at %s", step.name, snap.Version, snap.UpdatedAt, err, after, f.now)
				}
			}
		}
		snap, err := other.StatusSnapshot(ctx, f.now)
		if err != nil {
			t.Fatal(err)
		}
		if len(snap.Incidents) != 1 || snap.Incidents[0].Number != public.Number {
			t.Fatalf("the other instance's page: %+v", snap.Incidents)
		}
	})
}

// BenchmarkStatusSnapshot reads the page of 20 components and 50 public
// incidents, each with 5 public updates among 100 notes: the page is
// rebuilt from this a few times a second at most, and it must not grow
// with the notes.
func BenchmarkStatusSnapshot(b *testing.B) {
	for _, target := range sqldbtest.Targets(b) {
		// Set up once: b.Run calls its function again for each b.N.
		ctx := context.Background()
		db, err := sqldb.Open(ctx, target.DSN)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		admin, err := db.CreateUser(ctx, hansei.User{Name: "root", Role: hansei.RoleAdmin}, "hash of root's token")
		if err != nil {
			b.Fatal(err)
		}
		for i := range 20 {
			if _, err := db.SaveComponent(ctx, admin, hansei.Component{Key: fmt.Sprintf("c%02d", i), Name: fmt.Sprint("Component ", i), Group: fmt.Sprint("G", i%4), Position: i}); err != nil {
				b.Fatal(err)
			}
		}
		for i := range 50 {
			inc, err := db.Declare(ctx, admin, hansei.Declare{Title: fmt.Sprint("Incident ", i), Severity: "SEV2"})
			if err != nil {
				b.Fatal(err)
			}
			for j := range 100 {
				var cmd hansei.Command = hansei.AddNote{Text: fmt.Sprint("note ", j)}
				if j%20 == 0 {
					status := hansei.StatusInvestigating
					if i < 45 && j == 80 {
						status = hansei.StatusResolved
					}
					cmd = hansei.PublishUpdate{Status: status, Text: fmt.Sprint("update ", j), Components: map[string]hansei.ComponentState{fmt.Sprintf("c%02d", i%20): hansei.ComponentDegraded}}
				}
				if _, _, err := db.Execute(ctx, admin, inc.Number, cmd); err != nil {
					b.Fatal(err)
				}
			}
		}
		now := time.Now()
		b.Run(target.Name, func(b *testing.B) {
			for range b.N {
				snap, err := db.StatusSnapshot(ctx, now)
				if err != nil {
					b.Fatal(err)
				}
				if len(snap.Incidents) != 50 || len(snap.Components) != 20 {
					b.Fatalf("%d incidents, %d components", len(snap.Incidents), len(snap.Components))
				}
			}
		})
	}
}
