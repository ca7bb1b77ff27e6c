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
		for lang, want := range map[string]string{"en": "Remediation 7", "ja": "改善策 7", "de": "Maßnahme 7", "fr": "Remediation 7"} {
			if subject, text := ns[0].Localized(lang); !strings.Contains(subject, want) || !strings.Contains(text, "Back off retries") {
				t.Errorf("%s in %s: %q / %q", c.kind, lang, subject, text)
			}
		}
	}
	done := r
	done.Status = RemediationDone
	if ns := p.Reminders(done, "alice", "2026-12-03"); len(ns) != 0 {
		t.Errorf("a done remediation escalated: %+v", ns)
	}
	h := HandoverNotification(r, "bob", 3)
	if s, _ := h.Localized("ja"); s != "改善策 7 があなたの担当になりました" {
		t.Errorf("handover in Japanese: %q", s)
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
