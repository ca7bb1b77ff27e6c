package hansei

import (
	"strings"
	"testing"
	"time"
)

func TestRemediationDueBeforeToday(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	// 2026-11-25 20:00 UTC is already 2026-11-26 in Tokyo.
	evening := time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		now      time.Time
		zone     string         // the actor's own zone
		org      *time.Location // the organisation's
		due      string
		backdate bool
		ok       bool
	}{
		{"today is allowed", rmtNow, "", nil, "2026-11-25", false, true},
		{"yesterday is refused", rmtNow, "", nil, "2026-11-24", false, false},
		{"yesterday with backdate", rmtNow, "", nil, "2026-11-24", true, true},
		{"far past with backdate", rmtNow, "", nil, "2020-01-01", true, true},
		{"UTC today is past in the actor's Tokyo", evening, "Asia/Tokyo", nil, "2026-11-25", false, false},
		{"Tokyo today for a Tokyo actor", evening, "Asia/Tokyo", nil, "2026-11-26", false, true},
		{"organisation's zone without the actor's", evening, "", tokyo, "2026-11-25", false, false},
		{"actor's zone wins over the organisation's", evening, "UTC", tokyo, "2026-11-25", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := rmtEnv("alice")
			env.Now, env.Location = tc.now, tc.org
			env.Actor.TimeZone = tc.zone
			in := rmtInput()
			in.Due, in.Backdate = rmtStr(tc.due), tc.backdate
			_, err := NewRemediation(7, in, env)
			if tc.ok {
				if err != nil {
					t.Fatalf("NewRemediation: %v", err)
				}
				return
			}
			rmtWantField(t, err, "due", tc.due, "before today", "backdate")
		})
	}
}

func TestRemediationChangeDueBeforeToday(t *testing.T) {
	r := rmtNew(t)
	r.Due = "2026-11-20" // imported with backdate earlier
	// Editing something else keeps the old date: only a new date is checked.
	if _, err := r.Change(RemediationInput{Title: rmtStr("Alert earlier"), Due: rmtStr("2026-11-20")}, "", rmtEnv("alice")); err != nil {
		t.Fatalf("unchanged past due refused: %v", err)
	}
	_, err := r.Change(RemediationInput{Due: rmtStr("2026-11-21")}, "", rmtEnv("alice"))
	rmtWantField(t, err, "due", "before today")
	if _, err := r.Change(RemediationInput{Due: rmtStr("2026-11-21"), Backdate: true}, "", rmtEnv("alice")); err != nil {
		t.Fatalf("backdated change refused: %v", err)
	}
}

func TestRemediationDueWindowWarning(t *testing.T) {
	for _, tc := range []struct {
		priority, due string
		warn          bool
	}{
		{"P0", "2026-11-26", false}, // within 1 day
		{"P0", "2026-11-27", true},
		{"P1", "2026-12-02", false}, // within 7 days
		{"P1", "2026-12-03", true},
		{"P2", "2026-12-23", false}, // within 28 days
		{"P2", "2026-12-24", true},
		{"P3", "2030-01-01", false}, // the backlog has no window
	} {
		t.Run(tc.priority+" "+tc.due, func(t *testing.T) {
			in := rmtInput()
			in.Priority, in.Due = rmtStr(tc.priority), rmtStr(tc.due)
			r, err := NewRemediation(7, in, rmtEnv("alice"))
			if err != nil {
				t.Fatal(err)
			}
			ws := r.DueWarnings(DefaultScales(), time.UTC)
			if got := len(ws) > 0; got != tc.warn {
				t.Fatalf("warnings %v, want warning %v", ws, tc.warn)
			}
			if tc.warn && (ws[0].Field != "due" || !strings.Contains(ws[0].Message, tc.priority) || ws[0].ID != "common.due_after_window") {
				t.Errorf("warning %+v does not name the field, the priority and its message", ws[0])
			}
		})
	}
	r := rmtNew(t)
	r.Due, r.Status = "2027-06-01", RemediationCancelled
	if ws := r.DueWarnings(DefaultScales(), time.UTC); len(ws) != 0 {
		t.Errorf("a cancelled remediation warns: %v", ws)
	}
}

func TestRemediationCancelWho(t *testing.T) {
	// rmtNew's owner is bob; the incident commander is dave.
	for _, tc := range []struct {
		actor string
		code  string
	}{
		{"bob", ""},           // its owner
		{"dave", ""},          // the incident commander
		{"carol", ""},         // an admin
		{"alice", EFORBIDDEN}, // a responder who created it, but neither
		{"victor", EFORBIDDEN},
	} {
		t.Run(tc.actor, func(t *testing.T) {
			out, err := rmtNew(t).Cancel("duplicate of 4", "dave", rmtEnv(tc.actor))
			if ErrorCode(err) != tc.code {
				t.Fatalf("error %v, want code %q", err, tc.code)
			}
			if tc.code == "" && (out.Status != RemediationCancelled || out.Reason != "duplicate of 4") {
				t.Errorf("cancelled %+v", out)
			}
		})
	}
}

func TestRemediationCancelRules(t *testing.T) {
	r := rmtNew(t)
	_, err := r.Cancel("  ", "dave", rmtEnv("bob"))
	rmtWantField(t, err, "reason", "required")
	c, err := r.Cancel("filed on the wrong incident", "dave", rmtEnv("bob"))
	if err != nil {
		t.Fatal(err)
	}
	last := c.Progress[len(c.Progress)-1]
	if len(c.Progress) != 2 || last.Status != RemediationCancelled || !strings.Contains(last.Note, "wrong incident") {
		t.Errorf("history %+v does not keep the cancellation", c.Progress)
	}
	if !c.Status.Closed() || c.Overdue(rmtNow.AddDate(1, 0, 0), time.UTC) {
		t.Error("a cancelled remediation counts as open or overdue")
	}
	if _, err := c.Cancel("again", "dave", rmtEnv("bob")); ErrorCode(err) != ECONFLICT {
		t.Errorf("second cancel: %v, want conflict", err)
	}
	if _, err := c.Change(RemediationInput{Title: rmtStr("x")}, "", rmtEnv("bob")); ErrorCode(err) != ECONFLICT {
		t.Errorf("change of a cancelled remediation: %v, want conflict", err)
	}
	st := RemediationCancelled
	_, err = r.Change(RemediationInput{Status: &st}, "", rmtEnv("bob"))
	rmtWantField(t, err, "status", "cancel")
	if _, err := c.Review("2026-11-25", OutcomeOnTrack, "", "", rmtEnv("bob")); ErrorCode(err) != ECONFLICT {
		t.Errorf("review of a cancelled remediation: %v, want conflict", err)
	}
	if g := DefaultReviewPolicy().Agenda("2027-01-01", []Remediation{c}); len(g) != 0 {
		t.Errorf("a cancelled remediation is on the agenda: %+v", g)
	}
	if n := (ReminderPolicy{EscalateAfterDays: 2}).Reminders(c, "dave", "2026-12-10"); len(n) != 0 {
		t.Errorf("a cancelled remediation escalates: %+v", n)
	}
}

func TestReviewOutcomeReplacesSameDay(t *testing.T) {
	const day = "2026-11-25"
	for _, tc := range []struct {
		name          string
		first, second ReviewOutcome
		firstDue      string
		want          ReviewedFields
	}{
		{"on track then at risk", OutcomeOnTrack, OutcomeAtRisk, "", ReviewedFields{Status: RemediationOpen, Due: "2026-12-01"}},
		{"blocked undone by on track", OutcomeBlocked, OutcomeOnTrack, "", ReviewedFields{Status: RemediationOpen, Due: "2026-12-01"}},
		{"done by mistake, then blocked", OutcomeDone, OutcomeBlocked, "", ReviewedFields{Status: RemediationBlocked, Reason: "waiting", Due: "2026-12-01"}},
		{"reschedule undone", OutcomeReschedule, OutcomeOnTrack, "2026-12-20", ReviewedFields{Status: RemediationOpen, Due: "2026-12-01"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rmtNew(t)
			first, err := r.Review(day, tc.first, "waiting", tc.firstDue, rmtEnv("alice"))
			if err != nil {
				t.Fatal(err)
			}
			second, err := first.Review(day, tc.second, "waiting", "", rmtEnv("dave"))
			if err != nil {
				t.Fatal(err)
			}
			if got := second.reviewedFields(); got != tc.want {
				t.Errorf("after the replacing outcome %+v, want %+v", got, tc.want)
			}
			var current, replaced int
			for _, p := range second.Progress {
				if p.Review == nil {
					continue
				}
				if p.Review.ReplacedAt != nil {
					replaced++
					if p.Review.Outcome != tc.first || p.Review.ReplacedBy != "dave" {
						t.Errorf("replaced entry %+v", p.Review)
					}
				} else {
					current++
				}
			}
			if current != 1 || replaced != 1 {
				t.Errorf("%d outcomes in force and %d replaced, want 1 and 1", current, replaced)
			}
			if i := second.CurrentReview(day); i < 0 || second.Progress[i].Review.Outcome != tc.second {
				t.Errorf("current review of %s: %d", day, i)
			}
		})
	}
	// Another day's outcome is a new review, not a replacement.
	r := rmtNew(t)
	a, _ := r.Review(day, OutcomeOnTrack, "", "", rmtEnv("alice"))
	env := rmtEnv("alice")
	env.Now = rmtNow.AddDate(0, 0, 1)
	b, err := a.Review("2026-11-26", OutcomeAtRisk, "", "", env)
	if err != nil {
		t.Fatal(err)
	}
	if b.Progress[1].Review.ReplacedAt != nil {
		t.Error("the previous day's outcome was replaced")
	}
}
