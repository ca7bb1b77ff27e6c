package hansei

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// everyKind is one notification of each kind that exists, about r (the
// digest about r and other), as the domain builds them.
func everyKind(t *testing.T, r, other Remediation) []Notification {
	t.Helper()
	p := DefaultReminderPolicy()
	var out []Notification
	for _, today := range []string{"2026-11-28", "2026-12-01", "2026-12-03"} { // reminder, due, escalation
		out = append(out, p.Reminders(r, "alice", today)...)
	}
	before := r
	before.Owner = "bob"
	out = append(out, ChangeNotifications(before, r)...)
	out = append(out, Digest(r.Owner, "2026-11-30", []Remediation{r, other}))
	kinds := map[string]bool{}
	for _, n := range out {
		kinds[n.Kind] = true
	}
	for _, k := range []string{NotifyReminder, NotifyDue, NotifyEscalation, NotifyHandover, NotifyDigest} {
		if !kinds[k] {
			t.Fatalf("no %s among %+v", k, out)
		}
	}
	return out
}

// TestNotificationsNameNoRestrictedIncidentToOutsiders is the visibility
// rule as a table: every kind of notification, about a restricted
// incident, to each kind of reader. Members and admins get it whole; a
// person who is not a member and every shared channel get a notice with
// no title, number, remediation id or due date, in their language.
func TestNotificationsNameNoRestrictedIncidentToOutsiders(t *testing.T) {
	secret := Incident{Number: 3, Title: "CONFIDENTIAL acquisition", Visibility: VisibilityRestricted, DeclaredBy: "alice",
		Responders: []Responder{{User: "alice"}, {User: "mallory-not"}}}
	open := Incident{Number: 4, Title: "Checkout failing", Visibility: VisibilityInternal, DeclaredBy: "alice"}
	incidents := func(n int64) (Incident, error) {
		switch n {
		case 3:
			return secret, nil
		case 4:
			return open, nil
		}
		return Incident{}, Errorf(ENOTFOUND, "there is no incident INC-%d", n)
	}
	r := Remediation{ID: 77, Incident: 3, Title: "CONFIDENTIAL rotate the deal-room keys", Owner: "carla", Priority: "P1",
		Due: "2026-12-01", Status: RemediationOpen}
	other := Remediation{ID: 78, Incident: 4, Title: "Back off retries", Owner: "carla", Priority: "P2", Due: "2026-12-02", Status: RemediationOpen}
	member := &User{Name: "alice", Role: RoleResponder}
	admin := &User{Name: "root", Role: RoleAdmin}
	outsider := &User{Name: "carla", Role: RoleResponder} // owns the remediation, not a member
	const link = "https://hansei.example.com/remediations"
	for _, n := range everyKind(t, r, other) {
		for _, tc := range []struct {
			name   string
			reader *User
			whole  bool
		}{{"member", member, true}, {"admin", admin, true}, {"non-member owner", outsider, false}, {"shared channel", nil, false}} {
			got, err := n.For(tc.reader, incidents, link)
			if err != nil {
				t.Fatal(err)
			}
			if tc.whole {
				if got.Key != n.Key || said(got) != said(n) {
					t.Errorf("%s to a %s: %+v, want it whole", n.Kind, tc.name, got)
				}
				continue
			}
			body, _ := json.Marshal(got)
			// What any language would print is in the messages' arguments.
			sent := string(body) + said(got)
			for _, leak := range []string{"CONFIDENTIAL", "INC-3", "deal-room", "77", "2026-12-01", "acquisition", ":3 "} {
				if strings.Contains(sent, leak) {
					t.Errorf("%s to a %s reveals %q:\n%s\n%s", n.Kind, tc.name, leak, body, said(got))
				}
			}
			if !strings.Contains(said(got), "Link:"+link) {
				t.Errorf("%s to a %s: no link to sign in: %s", n.Kind, tc.name, said(got))
			}
			if got.Kind != n.Kind || strings.Join(got.To, ",") != strings.Join(n.To, ",") {
				t.Errorf("%s to a %s: kind %q to %v; the notice keeps its kind and recipients", n.Kind, tc.name, got.Kind, got.To)
			}
			if n.Kind == NotifyDigest {
				// The internal incident's item stays; the restricted one goes.
				if w := said(got); !strings.Contains(w, "Incident:4") || !strings.Contains(w, "Title:Back off retries") ||
					!strings.Contains(w, "notify.digest.more_restricted_link") || got.SubjectMessage.ID != "notify.digest.subject_restricted" {
					t.Errorf("digest to a %s:\n%s", tc.name, w)
				}
			} else if got.SubjectMessage.ID != "notify.restricted.subject" {
				t.Errorf("%s to a %s: subject %v", n.Kind, tc.name, got.SubjectMessage)
			}
		}
	}
	// About an internal incident, every copy is whole.
	internal := r
	internal.Incident, internal.Title = 4, "Back off retries"
	for _, n := range everyKind(t, internal, other) {
		for _, reader := range []*User{nil, outsider} {
			if got, _ := n.For(reader, incidents, link); said(got) != said(n) || got.Key != n.Key {
				t.Errorf("%s about an internal incident was changed: %+v", n.Kind, got)
			}
		}
	}
	// A notification whose data names an incident it forgot to be about
	// is judged by that incident all the same.
	forgot := Notification{Key: "k", Kind: "remediation.future", Subject: "CONFIDENTIAL", Data: map[string]any{"incident": int64(3)}}
	if got, _ := forgot.For(nil, incidents, ""); strings.Contains(got.Subject+got.Text, "CONFIDENTIAL") || got.Key == "k" {
		t.Errorf("a notification without About leaked: %+v", got)
	}
	// The notice's key is as stable as the original's, so the outbox
	// still writes it once.
	a, _ := everyKind(t, r, other)[0].For(nil, incidents, link)
	b, _ := everyKind(t, r, other)[0].For(nil, incidents, link)
	if a.Key != b.Key || !strings.HasPrefix(a.Key, "restricted:") {
		t.Errorf("notice keys %q and %q", a.Key, b.Key)
	}
}

// said is what a notification says, as its messages and their arguments
// (printed in order: fmt sorts a map's keys), for tests of what a copy
// may reveal in any language.
func said(n Notification) string {
	return fmt.Sprint(n.Subject, n.Text, n.SubjectMessage, n.TextMessages)
}
