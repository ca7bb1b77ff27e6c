package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
)

// The notification rules docs/notifications.md promises, on real
// databases: which reminders, escalations and digests are due, each
// written once, and where each notification goes.

var hook = hansei.Target{Channel: "webhook", Address: "http://127.0.0.1:1/hook"}

func ptr[T any](v T) *T { return &v }

// remediate adds a remediation to incident 1 as alice.
func (f *fixture) remediate(t *testing.T, owner, due string) hansei.Remediation {
	t.Helper()
	r, err := f.app.Remediations.Create(context.Background(), f.alice, 1,
		hansei.RemediationInput{Title: ptr("Back off retries"), Owner: &owner, Priority: ptr("P2"), Due: &due})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *fixture) declare(t *testing.T) {
	t.Helper()
	if _, err := f.app.Incidents.Declare(context.Background(), f.alice, hansei.Declare{Title: "Checkout failing", Severity: "SEV2"}); err != nil {
		t.Fatal(err)
	}
}

// outbox is every row of the outbox as key → channel:target (payload's to).
func (f *fixture) outbox(t *testing.T) []string {
	t.Helper()
	rows, err := f.db.Outbox(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range rows {
		var n hansei.Notification
		if err := json.Unmarshal(d.Payload, &n); err != nil || n.Key != d.Key {
			t.Fatalf("payload %s of %s: %v", d.Payload, d.Key, err)
		}
		out = append(out, d.Key+" → "+d.Channel+":"+d.Target+" ("+strings.Join(n.To, ",")+")")
	}
	slices.Sort(out)
	return out
}

// TestRemindersAndEscalationsOnce: the scan writes the reminder 3 days
// ahead, the one on the due date and the escalation to the owner, the
// incident's commander and escalate_to 2 days overdue, and nothing for
// work due later, only a day late, or done; scanning again writes none
// twice.
func TestRemindersAndEscalationsOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.db.FanOut = app.FanOut{Targets: []hansei.Target{hook}}.Outgoing
		f.declare(t) // alice declares it, so she is its commander
		// Today is 2026-11-30.
		f.remediate(t, "bob", "2026-12-03")   // 1: in 3 days
		f.remediate(t, "bob", "2026-11-30")   // 2: today
		f.remediate(t, "bob", "2026-11-28")   // 3: 2 days overdue
		f.remediate(t, "bob", "2026-11-29")   // 4: 1 day overdue: not yet escalated
		f.remediate(t, "bob", "2026-12-20")   // 5: far ahead
		f.remediate(t, "alice", "2026-11-30") // 6: today, but done
		if _, err := f.app.Remediations.Change(ctx, f.alice, 6, hansei.RemediationInput{Status: ptr(hansei.RemediationDone)}, "shipped"); err != nil {
			t.Fatal(err)
		}
		policy := hansei.DefaultReminderPolicy()
		policy.EscalateTo = "erin"
		want := []string{
			"escalation:3:2026-11-28 → webhook:" + hook.Address + " (bob,alice,erin)",
			"reminder:1:2026-12-03:before → webhook:" + hook.Address + " (bob)",
			"reminder:2:2026-11-30:due → webhook:" + hook.Address + " (bob)",
		}
		for range 2 {
			n, err := f.app.Notifications.ScanReminders(ctx, "2026-11-30", policy)
			if err != nil || n != 3 {
				t.Fatalf("scan: %d due, %v; want 3", n, err)
			}
			if got := f.outbox(t); !slices.Equal(got, want) {
				t.Fatalf("outbox:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
		if _, err := f.app.Notifications.ScanReminders(ctx, "30 November", policy); err == nil || !strings.Contains(err.Error(), "2026-11-25") {
			t.Fatalf("a day that is not a date: %v, want an error showing the form", err)
		}
	})
}

// TestDailyDigestOncePerOwnerAndDay: each owner with open remediations gets
// one digest a day, listing them most pressing first; done work is left out.
func TestDailyDigestOncePerOwnerAndDay(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.db.FanOut = app.FanOut{Targets: []hansei.Target{hook}}.Outgoing
		f.declare(t)
		f.remediate(t, "bob", "2027-02-01")
		f.remediate(t, "bob", "2027-01-01")
		f.remediate(t, "alice", "2027-03-01")
		if _, err := f.app.Remediations.Change(ctx, f.alice, 3, hansei.RemediationInput{Status: ptr(hansei.RemediationDone)}, "shipped"); err != nil {
			t.Fatal(err)
		}
		policy := hansei.DefaultReminderPolicy()
		policy.Digest = true
		for _, day := range []string{"2026-11-25", "2026-11-25", "2026-11-26"} {
			if _, err := f.app.Notifications.ScanReminders(ctx, day, policy); err != nil {
				t.Fatal(err)
			}
		}
		rows, _ := f.db.Outbox(ctx, "", 100)
		var keys []string
		for _, d := range rows {
			keys = append(keys, d.Key)
			var n hansei.Notification
			json.Unmarshal(d.Payload, &n)
			if ids, _ := n.Data["remediations"].([]any); len(ids) != 2 || ids[0].(float64) != 2 {
				t.Fatalf("digest %s lists %v, want [2 1] (bob's open ones, the earliest due first)", d.Key, n.Data["remediations"])
			}
		}
		slices.Sort(keys)
		if strings.Join(keys, " ") != "digest:bob:2026-11-25 digest:bob:2026-11-26" {
			t.Fatalf("digests %v", keys)
		}
	})
}

// TestNotificationsGoToTargetsAndEmail: every webhook and Slack target
// gets every notification; with email configured, each recipient who chose
// email and gave an address gets a copy in their language and time zone,
// and nobody who chose none.
func TestNotificationsGoToTargetsAndEmail(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		slack := hansei.Target{Channel: "slack", Address: "http://127.0.0.1:1/slack"}
		f.db.FanOut = app.FanOut{Targets: []hansei.Target{hook, slack}, Email: true}.Outgoing
		for _, u := range []hansei.User{
			{Name: "carla", Role: hansei.RoleResponder, Email: "carla@example.com", Language: "ja", TimeZone: "Asia/Tokyo"},
			{Name: "dave", Role: hansei.RoleResponder, Email: "dave@example.com", Channel: "none"},
		} {
			if _, _, err := f.app.Users.Create(ctx, app.Console(), u); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := f.app.Users.Create(ctx, app.Console(), hansei.User{Name: "erin", Role: hansei.RoleResponder, Email: "not an address"}); hansei.ErrorFields(err)["email"] == "" {
			t.Fatalf("a bad email address was accepted: %v", err)
		}
		f.declare(t)
		f.remediate(t, "bob", "2026-12-01") // bob gave no address
		for _, owner := range []string{"carla", "dave", "bob"} {
			if _, err := f.app.Remediations.Change(ctx, f.alice, 1, hansei.RemediationInput{Owner: ptr(owner)}, ""); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{
			"handover:1:2 → email:carla@example.com (carla)",
			"handover:1:2 → slack:" + slack.Address + " (carla)",
			"handover:1:2 → webhook:" + hook.Address + " (carla)",
			"handover:1:3 → slack:" + slack.Address + " (dave)",
			"handover:1:3 → webhook:" + hook.Address + " (dave)",
			"handover:1:4 → slack:" + slack.Address + " (bob)",
			"handover:1:4 → webhook:" + hook.Address + " (bob)",
		}
		if got := f.outbox(t); !slices.Equal(got, want) {
			t.Fatalf("outbox:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		rows, _ := f.db.Outbox(ctx, "", 100)
		for _, d := range rows {
			var n hansei.Notification
			json.Unmarshal(d.Payload, &n)
			personal := n.Language + " " + n.TimeZone
			// A shared channel is written in the deployment's language
			// (English here), and has no time zone.
			if d.Channel == "email" && personal != "ja Asia/Tokyo" || d.Channel != "email" && personal != "en " {
				t.Fatalf("%s to %s:%s carries language and time zone %q", d.Key, d.Channel, d.Target, personal)
			}
		}
	})
}

// TestFanOutLookups: a recipient who is no longer a user is left out of
// email (the webhooks' copy still names them); a failed lookup fails the
// fan-out, and with it the change, instead of dropping the email.
func TestFanOutLookups(t *testing.T) {
	f := app.FanOut{Targets: []hansei.Target{hook}, Email: true}
	n := hansei.Notification{Key: "k", To: []string{"gone", "carla"}}
	users := func(name string) (hansei.User, error) {
		if name == "gone" {
			return hansei.User{}, hansei.Errorf(hansei.ENOTFOUND, "there is no user named %q", name)
		}
		return hansei.User{Name: name, Email: name + "@example.com", Channel: "email"}, nil
	}
	out, err := f.Outgoing(n, hansei.Lookup{User: users})
	if err != nil || len(out) != 2 || out[0].Target != hook || out[1].Address != "carla@example.com" {
		t.Fatalf("Outgoing = %+v, %v; want the webhook and carla's email", out, err)
	}
	broken := errors.New("connection reset")
	if _, err := f.Outgoing(n, hansei.Lookup{User: func(string) (hansei.User, error) { return hansei.User{}, broken }}); !errors.Is(err, broken) {
		t.Fatalf("a failed lookup: %v, want it returned", err)
	}
	if out, err := (app.FanOut{}).Outgoing(n, hansei.Lookup{User: users}); err != nil || len(out) != 0 {
		t.Fatalf("no targets, no email: %+v, %v; want nothing", out, err)
	}
}
