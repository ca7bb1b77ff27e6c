package hansei

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNextWorkingDay(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no time zone database")
	}
	cases := []struct {
		now  time.Time
		loc  *time.Location
		want string
	}{
		{time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), time.UTC, "2026-11-26"}, // Wednesday → Thursday
		{time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), time.UTC, "2026-11-30"}, // Friday → Monday
		{time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC), time.UTC, "2026-11-30"}, // Saturday → Monday
		{time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC), tokyo, "2026-11-30"},    // already Friday in Tokyo
		{time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC), tokyo, "2026-11-27"},    // Thursday 23:00 in Tokyo
	}
	for _, c := range cases {
		p := DefaultReviewPolicy()
		p.Location = c.loc
		if got := p.NextWorkingDay(c.now); got != c.want {
			t.Errorf("NextWorkingDay(%v in %v) = %s, want %s", c.now, c.loc, got, c.want)
		}
	}
}

func TestReviewDate(t *testing.T) {
	p := DefaultReviewPolicy()
	now := time.Date(2026, 11, 25, 23, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{"today": "2026-11-25", "TOMORROW": "2026-11-26", "2026-12-01": "2026-12-01"} {
		if got, err := p.ReviewDate(in, now); err != nil || got != want {
			t.Errorf("ReviewDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "next week", "2026-13-01", "01.12.2026"} {
		if _, err := p.ReviewDate(bad, now); ErrorFields(err)["date"] == "" {
			t.Errorf("ReviewDate(%q) = %v, want an error naming the date", bad, err)
		}
	}
}

func rvRem(id int64, owner, due string, status RemediationStatus, lastProgress time.Time) Remediation {
	return Remediation{ID: id, Owner: owner, Due: due, Status: status, Title: "r",
		Progress: []ProgressEntry{{At: lastProgress, Actor: owner, Note: "last"}}}
}

func TestAgendaPicksAndGroups(t *testing.T) {
	p := DefaultReviewPolicy()
	recent := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	old := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	rems := []Remediation{
		rvRem(1, "carla", "2026-12-01", RemediationOpen, recent),  // due on the day
		rvRem(2, "bob", "2026-11-20", RemediationBlocked, recent), // overdue
		rvRem(3, "bob", "2027-01-10", RemediationInProgress, old), // not due, untouched for weeks
		rvRem(4, "bob", "2027-01-10", RemediationOpen, recent),    // not due, recent: skipped
		rvRem(5, "carla", "2026-11-01", RemediationDone, old),     // done: never
		rvRem(6, "alice", "2026-11-02", RemediationWontDo, old),   // won't do: never
	}
	groups := p.Agenda("2026-12-01", rems)
	var got []string
	for _, g := range groups {
		for _, it := range g.Items {
			got = append(got, g.Owner+":"+strconv.FormatInt(it.Remediation.ID, 10)+":"+it.Why)
			if it.LastProgress == nil || it.LastProgress.Note != "last" {
				t.Errorf("item %d lacks its last progress", it.Remediation.ID)
			}
		}
	}
	want := "bob:2:due bob:3:not reviewed for 7 days carla:1:due"
	if strings.Join(got, " ") != want {
		t.Fatalf("agenda\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestReviewOutcomes(t *testing.T) {
	env := RemediationEnv{Now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), Actor: User{Name: "carla", Role: RoleResponder},
		Scales: DefaultScales(), Users: func(n string) (User, error) { return User{Name: n, Role: RoleResponder}, nil }}
	base := rvRem(7, "carla", "2026-12-01", RemediationInProgress, env.Now.AddDate(0, 0, -1))
	cases := []struct {
		outcome ReviewOutcome
		note    string
		due     string
		status  RemediationStatus
		wantDue string
		code    string
	}{
		{OutcomeOnTrack, "rollout Friday", "", RemediationInProgress, "2026-12-01", ""},
		{OutcomeAtRisk, "waiting on the vendor", "", RemediationInProgress, "2026-12-01", ""},
		{OutcomeBlocked, "vendor has no date", "", RemediationBlocked, "2026-12-01", ""},
		{OutcomeBlocked, "", "", "", "", EINVALID}, // blocked needs a reason
		{OutcomeDone, "shipped", "", RemediationDone, "2026-12-01", ""},
		{OutcomeReschedule, "after the freeze", "2026-12-15", RemediationInProgress, "2026-12-15", ""},
		{OutcomeReschedule, "", "", "", "", EINVALID}, // needs the new date
		{OutcomeReschedule, "", "soon", "", "", EINVALID},
	}
	for _, c := range cases {
		got, err := base.Review("2026-12-01", c.outcome, c.note, c.due, env)
		if ErrorCode(err) != c.code {
			t.Errorf("%s %q: %v, want code %q", c.outcome, c.note, err, c.code)
			continue
		}
		if c.code != "" {
			continue
		}
		last := got.Progress[len(got.Progress)-1]
		if got.Status != c.status || got.Due != c.wantDue || got.LastReviewed != "2026-12-01" ||
			!strings.HasPrefix(last.Note, "review 2026-12-01: "+strings.ReplaceAll(string(c.outcome), "_", " ")) {
			t.Errorf("%s: status %s due %s reviewed %q last %q", c.outcome, got.Status, got.Due, got.LastReviewed, last.Note)
		}
	}
	done := base
	done.Status = RemediationDone
	if _, err := done.Review("2026-12-01", OutcomeOnTrack, "", "", env); ErrorCode(err) != ECONFLICT {
		t.Errorf("reviewing a done remediation: %v", err)
	}
	if _, err := ParseReviewOutcome("fine"); ErrorFields(err)["outcome"] == "" {
		t.Errorf("unknown outcome accepted: %v", err)
	}
}
