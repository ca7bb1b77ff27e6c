package app_test

import (
	"context"
	"testing"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
)

// TestUpdateUserSettings: settings are checked as at creation, nil fields
// are left alone, and the last admin keeps the role until there is
// another.
func TestUpdateUserSettings(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.user(t, "root", hansei.RoleAdmin)
		update := func(name string, c hansei.UserChange) (hansei.User, error) {
			return f.app.Users.Update(ctx, app.Console(), name, c)
		}
		u, err := update("alice", hansei.UserChange{
			DisplayName: ptr("Alice Liddell"), TimeZone: ptr("Asia/Tokyo"), Language: ptr("ja"),
			Email: ptr("alice@example.com"), Channel: ptr("none"),
		})
		if err != nil {
			t.Fatal(err)
		}
		want := hansei.User{ID: f.alice.ID, Name: "alice", DisplayName: "Alice Liddell", Role: hansei.RoleResponder,
			Language: "ja", TimeZone: "Asia/Tokyo", Email: "alice@example.com", Channel: "none", CreatedAt: f.alice.CreatedAt}
		read, err := f.db.UserByName(ctx, "alice")
		if err != nil || u != want || !read.CreatedAt.Equal(want.CreatedAt) {
			t.Fatalf("UpdateUser = %+v\nread back %+v, %v\nwant %+v", u, read, err, want)
		}
		read.CreatedAt = want.CreatedAt
		if read != want {
			t.Fatalf("read back %+v, want %+v", read, want)
		}
		// A change of nothing changes nothing; nil fields are left alone.
		if u, err := update("alice", hansei.UserChange{}); err != nil || u.TimeZone != "Asia/Tokyo" || u.Channel != "none" {
			t.Fatalf("empty change = %+v, %v", u, err)
		}

		for _, tc := range []struct {
			name  string
			c     hansei.UserChange
			field string
		}{
			{"unknown role", hansei.UserChange{Role: ptr("boss")}, "role"},
			{"empty role", hansei.UserChange{Role: ptr("")}, "role"},
			{"unknown time zone", hansei.UserChange{TimeZone: ptr("Mars/Olympus_Mons")}, "time_zone"},
			{"not a language", hansei.UserChange{Language: ptr("english!")}, "language"},
			{"not an email", hansei.UserChange{Email: ptr("alice at example")}, "email"},
			{"unknown channel", hansei.UserChange{Channel: ptr("sms")}, "channel"},
			{"one bad field among good ones", hansei.UserChange{DisplayName: ptr("A"), Channel: ptr("pager")}, "channel"},
		} {
			_, err := update("alice", tc.c)
			wantField(t, err, tc.field)
		}
		if read, _ := f.db.UserByName(ctx, "alice"); read.DisplayName != "Alice Liddell" || read.Channel != "none" {
			t.Fatalf("a refused change was stored: %+v", read)
		}
		// Clearing the display name falls back to the user name, as at creation.
		if u, err := update("alice", hansei.UserChange{DisplayName: ptr(""), Email: ptr("")}); err != nil || u.DisplayName != "alice" || u.Email != "" {
			t.Fatalf("cleared = %+v, %v", u, err)
		}
		_, err = update("nobody", hansei.UserChange{})
		wantCode(t, err, hansei.ENOTFOUND)

		// The last admin keeps the role until there is another.
		_, err = update("root", hansei.UserChange{Role: ptr("responder")})
		wantField(t, err, "role")
		if _, err := update("bob", hansei.UserChange{Role: ptr("admin")}); err != nil {
			t.Fatal(err)
		}
		if u, err := update("root", hansei.UserChange{Role: ptr("viewer")}); err != nil || u.Role != hansei.RoleViewer {
			t.Fatalf("demote root with bob an admin = %+v, %v", u, err)
		}
	})
}

// TestCreateUserChecksSettings: a user is checked before anything is
// stored, as a change would be.
func TestCreateUserChecksSettings(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		zed, _, err := f.app.Users.Create(ctx, app.Console(), hansei.User{Name: "zed", Role: hansei.RoleViewer})
		if err != nil || zed.DisplayName != "zed" || zed.Language != "en" || zed.TimeZone != "UTC" || zed.Channel != "email" {
			t.Fatalf("Create = %+v, %v; want the defaults filled in", zed, err)
		}
		for _, tc := range []struct {
			u     hansei.User
			field string
		}{
			{hansei.User{Name: "Bad Name", Role: hansei.RoleViewer}, "name"},
			{hansei.User{Name: "yan", Role: "boss"}, "role"},
			{hansei.User{Name: "erin", Role: hansei.RoleResponder, Email: "not an address"}, "email"},
		} {
			_, _, err := f.app.Users.Create(ctx, app.Console(), tc.u)
			wantField(t, err, tc.field)
		}
		if n, err := f.db.CountUsers(ctx); err != nil || n != 3 {
			t.Fatalf("CountUsers = %d, %v; want 3 (alice, bob, zed)", n, err)
		}
	})
}
