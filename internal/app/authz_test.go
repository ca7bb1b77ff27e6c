package app_test

import (
	"context"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
)

// fakeStore answers every call the authorization table makes and counts
// them: a refused use case must be refused before storage is touched.
// Methods the table does not reach panic through the nil embedded Store.
type fakeStore struct {
	app.Store
	calls     int
	commander string
}

func (f *fakeStore) touch() { f.calls++ }

func (f *fakeStore) Component(context.Context, string) (hansei.Component, error) {
	f.touch()
	return hansei.Component{Key: "api", Name: "API"}, nil
}
func (f *fakeStore) SaveComponent(_ context.Context, _ hansei.User, c hansei.Component) (hansei.Component, error) {
	f.touch()
	return c, nil
}
func (f *fakeStore) SetComponentState(context.Context, hansei.User, string, hansei.ComponentState) (hansei.Component, error) {
	f.touch()
	return hansei.Component{}, nil
}
func (f *fakeStore) DeleteComponent(context.Context, hansei.User, string) error {
	f.touch()
	return nil
}
func (f *fakeStore) CreateMaintenance(_ context.Context, _ hansei.User, m hansei.Maintenance) (hansei.Maintenance, error) {
	f.touch()
	return m, nil
}
func (f *fakeStore) DeleteMaintenance(context.Context, hansei.User, int64) error {
	f.touch()
	return nil
}
func (f *fakeStore) CreatePostmortem(context.Context, hansei.User, int64) (hansei.Postmortem, error) {
	f.touch()
	return hansei.Postmortem{}, nil
}
func (f *fakeStore) Users(context.Context) ([]hansei.User, error) { f.touch(); return nil, nil }
func (f *fakeStore) UsersWithPassword(context.Context) (map[string]bool, error) {
	f.touch()
	return nil, nil
}
func (f *fakeStore) CreateUser(_ context.Context, u hansei.User, _ string) (hansei.User, error) {
	f.touch()
	return u, nil
}
func (f *fakeStore) UpdateUser(_ context.Context, name string, decide func(hansei.User, func() (int, error)) (hansei.User, error)) (hansei.User, error) {
	f.touch()
	return decide(hansei.User{Name: name, Role: hansei.RoleResponder}, func() (int, error) { return 2, nil })
}
func (f *fakeStore) CreateSignInLink(context.Context, string, string, time.Time, time.Time) error {
	f.touch()
	return nil
}
func (f *fakeStore) SetPasswordHash(context.Context, string, string) error { f.touch(); return nil }
func (f *fakeStore) Tokens(context.Context) ([]hansei.TokenInfo, error)    { f.touch(); return nil, nil }
func (f *fakeStore) CreateToken(context.Context, string, string, string) error {
	f.touch()
	return nil
}
func (f *fakeStore) RevokeToken(context.Context, int64) error { f.touch(); return nil }
func (f *fakeStore) Outbox(context.Context, string, int) ([]hansei.Delivery, error) {
	f.touch()
	return nil, nil
}
func (f *fakeStore) RetryDelivery(context.Context, int64) error { f.touch(); return nil }
func (f *fakeStore) CancelRemediation(context.Context, hansei.User, int64, string) (hansei.Remediation, error) {
	f.touch()
	return hansei.Remediation{}, nil
}

// Incident is read, not written: it tells who commands incident 1
// (commander, or cora), and does not count as touching storage.
func (f *fakeStore) Incident(_ context.Context, _ hansei.User, n int64) (hansei.Incident, error) {
	commander := f.commander
	if commander == "" {
		commander = "cora"
	}
	return hansei.Incident{Number: n, LastSeq: 4, Roles: map[string]string{hansei.RoleCommander: commander}}, nil
}
func (f *fakeStore) Execute(context.Context, hansei.User, int64, hansei.Command) (hansei.Incident, []hansei.Event, error) {
	f.touch()
	return hansei.Incident{}, nil, nil
}

// TestAuthorization is who may do what, use case by use case: admins shape
// the status page and manage people, tokens and the outbox; responders
// act in incidents, say a component fails and schedule maintenance;
// viewers read. Everyone changes their own settings but not their role.
func TestAuthorization(t *testing.T) {
	admin := hansei.User{Name: "ada", Role: hansei.RoleAdmin}
	responder := hansei.User{Name: "bob", Role: hansei.RoleResponder}
	viewer := hansei.User{Name: "vic", Role: hansei.RoleViewer}
	role := "admin"
	lang := "ja"
	ctx := context.Background()

	cases := []struct {
		name string
		do   func(a *app.App, u hansei.User) error
		// allowed lists the roles that may; the others get forbidden.
		allowed []hansei.User
	}{
		{"save a component", func(a *app.App, u hansei.User) error {
			_, _, err := a.StatusPage.SaveComponent(ctx, u, hansei.Component{Key: "api", Name: "API"})
			return err
		}, []hansei.User{admin}},
		{"change a component's fields", func(a *app.App, u hansei.User) error {
			_, err := a.StatusPage.ChangeComponent(ctx, u, "api", func(*hansei.Component) error { return nil })
			return err
		}, []hansei.User{admin}},
		{"delete a component", func(a *app.App, u hansei.User) error {
			return a.StatusPage.DeleteComponent(ctx, u, "api")
		}, []hansei.User{admin}},
		{"set a component's state", func(a *app.App, u hansei.User) error {
			_, err := a.StatusPage.SetComponentState(ctx, u, "api", hansei.ComponentDegraded)
			return err
		}, []hansei.User{admin, responder}},
		{"schedule maintenance", func(a *app.App, u hansei.User) error {
			start := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
			_, err := a.StatusPage.CreateMaintenance(ctx, u, hansei.Maintenance{Title: "x", StartsAt: start, EndsAt: start.Add(time.Hour)})
			return err
		}, []hansei.User{admin, responder}},
		{"cancel maintenance", func(a *app.App, u hansei.User) error {
			return a.StatusPage.DeleteMaintenance(ctx, u, 1)
		}, []hansei.User{admin, responder}},
		{"start a postmortem", func(a *app.App, u hansei.User) error {
			_, err := a.Postmortems.Create(ctx, u, 1)
			return err
		}, []hansei.User{admin, responder}},
		{"list users with passwords", func(a *app.App, u hansei.User) error {
			_, err := a.Users.Directory(ctx, u)
			return err
		}, []hansei.User{admin}},
		{"create a user", func(a *app.App, u hansei.User) error {
			_, _, err := a.Users.Create(ctx, u, hansei.User{Name: "new", Role: hansei.RoleResponder})
			return err
		}, []hansei.User{admin}},
		{"change another user's settings", func(a *app.App, u hansei.User) error {
			_, err := a.Users.Update(ctx, u, "someone", hansei.UserChange{Language: &lang})
			return err
		}, []hansei.User{admin}},
		{"change one's own settings", func(a *app.App, u hansei.User) error {
			_, err := a.Users.Update(ctx, u, u.Name, hansei.UserChange{Language: &lang})
			return err
		}, []hansei.User{admin, responder, viewer}},
		{"change one's own role", func(a *app.App, u hansei.User) error {
			_, err := a.Users.Update(ctx, u, u.Name, hansei.UserChange{Role: &role})
			return err
		}, []hansei.User{admin}},
		{"make a sign-in link", func(a *app.App, u hansei.User) error {
			_, _, err := a.Users.SignInLink(ctx, u, "bob")
			return err
		}, []hansei.User{admin}},
		{"make a sign-in link that lasts a day", func(a *app.App, u hansei.User) error {
			_, _, err := a.Users.NewSignInLink(ctx, u, "bob", 24*time.Hour)
			return err
		}, []hansei.User{admin}},
		{"set another user's password", func(a *app.App, u hansei.User) error {
			return a.Users.SetPassword(ctx, u, "someone", "a long enough password")
		}, []hansei.User{admin}},
		{"set one's own password", func(a *app.App, u hansei.User) error {
			return a.Users.SetPassword(ctx, u, u.Name, "a long enough password")
		}, []hansei.User{admin, responder, viewer}},
		{"list API tokens", func(a *app.App, u hansei.User) error {
			_, err := a.Users.Tokens(ctx, u)
			return err
		}, []hansei.User{admin}},
		{"create an API token", func(a *app.App, u hansei.User) error {
			_, err := a.Users.CreateToken(ctx, u, "bob", "bot")
			return err
		}, []hansei.User{admin}},
		{"revoke an API token", func(a *app.App, u hansei.User) error {
			return a.Users.RevokeToken(ctx, u, 1)
		}, []hansei.User{admin}},
		{"read the outbox", func(a *app.App, u hansei.User) error {
			_, err := a.Notifications.Outbox(ctx, u, "")
			return err
		}, []hansei.User{admin}},
		{"retry a delivery", func(a *app.App, u hansei.User) error {
			return a.Notifications.Retry(ctx, u, 1)
		}, []hansei.User{admin}},
		{"correct an incident someone else commands", func(a *app.App, u hansei.User) error {
			title := "New"
			_, _, err := a.Incidents.Correct(ctx, u, 1, hansei.Correct{Title: &title, Reason: "r"})
			return err
		}, []hansei.User{admin}},
		{"assign a role", func(a *app.App, u hansei.User) error {
			_, _, err := a.Incidents.AssignRole(ctx, u, 1, "scribe", "bob")
			return err
		}, []hansei.User{admin, responder}},
		{"vacate a role", func(a *app.App, u hansei.User) error {
			_, _, err := a.Incidents.VacateRole(ctx, u, 1, "scribe")
			return err
		}, []hansei.User{admin, responder}},
		// Among responders, only the owner and the incident's commander
		// (hansei.Remediation.Cancel, TestRemediationCancelWho).
		{"cancel a remediation", func(a *app.App, u hansei.User) error {
			_, err := a.Remediations.Cancel(ctx, u, 1, "filed twice")
			return err
		}, []hansei.User{admin, responder}},
	}
	for _, tc := range cases {
		for _, u := range []hansei.User{admin, responder, viewer} {
			allowed := false
			for _, a := range tc.allowed {
				allowed = allowed || a.Role == u.Role
			}
			store := &fakeStore{}
			a := app.New(app.Config{Store: store, Scales: hansei.DefaultScales()})
			err := tc.do(a, u)
			switch {
			case allowed && err != nil:
				t.Errorf("%s as %s: %v; want it allowed", tc.name, u.Role, err)
			case !allowed && hansei.ErrorCode(err) != hansei.EFORBIDDEN:
				t.Errorf("%s as %s: %v; want forbidden", tc.name, u.Role, err)
			case !allowed && store.calls != 0:
				t.Errorf("%s as %s: refused after %d store calls; want refused before storage is touched", tc.name, u.Role, store.calls)
			}
		}
	}
}

// TestCommanderCorrects: the commander corrects their incident, though
// only a responder.
func TestCommanderCorrects(t *testing.T) {
	store := &fakeStore{commander: "bob"}
	a := app.New(app.Config{Store: store, Scales: hansei.DefaultScales()})
	title := "New"
	if _, _, err := a.Incidents.Correct(context.Background(), hansei.User{Name: "bob", Role: hansei.RoleResponder}, 1, hansei.Correct{Title: &title, Reason: "r"}); err != nil || store.calls != 1 {
		t.Fatalf("the commander's correction: %v after %d writes", err, store.calls)
	}
}

// TestOutboxStates: a state the outbox does not have is named, with the
// ones it has.
func TestOutboxStates(t *testing.T) {
	a := app.New(app.Config{Store: &fakeStore{}, Scales: hansei.DefaultScales()})
	_, err := a.Notifications.Outbox(context.Background(), hansei.User{Name: "ada", Role: hansei.RoleAdmin}, "sent")
	if hansei.ErrorCode(err) != hansei.EINVALID || hansei.ErrorFields(err)["state"] == "" {
		t.Fatalf("Outbox(sent) = %v; want invalid with a state field", err)
	}
}

// TestInvalidInputNeverReachesStorage: what the domain refuses is refused
// before the store is asked, with the field named.
func TestInvalidInputNeverReachesStorage(t *testing.T) {
	admin := hansei.User{Name: "ada", Role: hansei.RoleAdmin}
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, field string
		do          func(a *app.App) error
	}{
		{"a key with a space", "key", func(a *app.App) error {
			_, _, err := a.StatusPage.SaveComponent(ctx, admin, hansei.Component{Key: "Bad Key", Name: "X"})
			return err
		}},
		{"a made-up state", "state", func(a *app.App) error {
			_, _, err := a.StatusPage.SaveComponent(ctx, admin, hansei.Component{Key: "x", Name: "X", State: "down"})
			return err
		}},
		{"a made-up state, set alone", "state", func(a *app.App) error {
			_, err := a.StatusPage.SetComponentState(ctx, admin, "api", "down")
			return err
		}},
		{"a role not configured", "role", func(a *app.App) error {
			_, _, err := a.Incidents.AssignRole(ctx, admin, 1, "comms", "bob")
			return err
		}},
		{"a window that ends as it starts", "ends_at", func(a *app.App) error {
			_, err := a.StatusPage.CreateMaintenance(ctx, admin, hansei.Maintenance{Title: "X", StartsAt: at, EndsAt: at})
			return err
		}},
	} {
		store := &fakeStore{}
		err := tc.do(app.New(app.Config{Store: store, Scales: hansei.DefaultScales()}))
		if hansei.ErrorCode(err) != hansei.EINVALID || hansei.ErrorFields(err)[tc.field] == "" {
			t.Errorf("%s: %v; want invalid, naming %s", tc.name, err, tc.field)
		}
		if store.calls != 0 {
			t.Errorf("%s: refused after %d store calls; want refused before storage is touched", tc.name, store.calls)
		}
	}
}
