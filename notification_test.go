package hansei

import (
	"strings"
	"testing"
)

func TestRemindersAndTheirLanguages(t *testing.T) {
	r := Remediation{ID: 7, Incident: 42, Title: "Back off retries", Owner: "carla", Priority: "P1", Due: "2026-12-01", Status: RemediationOpen}
	p := DefaultReminderPolicy()
	cases := []struct {
		today, kind string
		to          string
	}{
		{"2026-11-27", "", ""},
		{"2026-11-28", NotifyReminder, "carla"},
		{"2026-11-30", "", ""},
		{"2026-12-01", NotifyDue, "carla"},
		{"2026-12-02", "", ""},
		{"2026-12-03", NotifyEscalation, "carla,alice"},
		{"2026-12-20", NotifyEscalation, "carla,alice"}, // same key: the outbox keeps the first
	}
	for _, c := range cases {
		ns := p.Reminders(r, "alice", c.today)
		if c.kind == "" {
			if len(ns) != 0 {
				t.Errorf("%s: %+v, want nothing", c.today, ns)
			}
			continue
		}
		if len(ns) != 1 || ns[0].Kind != c.kind || strings.Join(ns[0].To, ",") != c.to {
			t.Fatalf("%s: %+v, want %s to %s", c.today, ns, c.kind, c.to)
		}
		// The domain says what, as message IDs and arguments; the words
		// are the catalogs' (internal/app's tests print them).
		if ns[0].SubjectMessage.ID != "notify."+strings.TrimPrefix(c.kind, "remediation.")+".subject" ||
			ns[0].SubjectMessage.Args["ID"] != int64(7) || len(ns[0].TextMessages) != 1 || ns[0].TextMessages[0].Args["Title"] != "Back off retries" {
			t.Errorf("%s: %+v / %+v", c.kind, ns[0].SubjectMessage, ns[0].TextMessages)
		}
		if ns[0].Subject != "" || ns[0].Text != "" {
			t.Errorf("%s: the domain wrote prose: %q / %q", c.kind, ns[0].Subject, ns[0].Text)
		}
	}
	done := r
	done.Status = RemediationDone
	if ns := p.Reminders(done, "alice", "2026-12-03"); len(ns) != 0 {
		t.Errorf("a done remediation escalated: %+v", ns)
	}
	h := HandoverNotification(r, "bob", 3)
	if h.SubjectMessage.ID != "notify.handover.subject" || h.TextMessages[0].Args["From"] != "bob" {
		t.Errorf("handover: %+v / %+v", h.SubjectMessage, h.TextMessages)
	}
}

// TestChangeNotifications: a remediation's change tells its new owner, and
// nobody when the owner stays.
func TestChangeNotifications(t *testing.T) {
	before := Remediation{ID: 7, Incident: 3, Title: "Alert on pool saturation", Owner: "bob", Priority: "P1", Due: "2026-12-01"}
	for _, tc := range []struct {
		name  string
		owner string
		want  []string // recipients, one notification each
	}{
		{"same owner", "bob", nil},
		{"handed over", "carol", []string{"carol"}},
	} {
		after := before
		after.Owner = tc.owner
		after.Progress = []ProgressEntry{{Note: "handover"}}
		got := ChangeNotifications(before, after)
		var to []string
		for _, n := range got {
			if n.Kind != NotifyHandover {
				t.Errorf("%s: kind %q, want %q", tc.name, n.Kind, NotifyHandover)
			}
			to = append(to, n.To...)
		}
		if strings.Join(to, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: notifies %v, want %v", tc.name, to, tc.want)
		}
	}
}
