package hansei

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// ReviewOutcome is what a follow-up review found about one remediation.
type ReviewOutcome string

const (
	OutcomeOnTrack    ReviewOutcome = "on_track"
	OutcomeAtRisk     ReviewOutcome = "at_risk"
	OutcomeBlocked    ReviewOutcome = "blocked"
	OutcomeDone       ReviewOutcome = "done"
	OutcomeReschedule ReviewOutcome = "reschedule"
)

// ParseReviewOutcome validates an outcome.
func ParseReviewOutcome(s string) (ReviewOutcome, error) {
	switch o := ReviewOutcome(s); o {
	case OutcomeOnTrack, OutcomeAtRisk, OutcomeBlocked, OutcomeDone, OutcomeReschedule:
		return o, nil
	}
	return "", FieldError("outcome", "unknown outcome %q; use on_track, at_risk, blocked, done or reschedule (with a new due date)", s)
}

// ReviewPolicy says when follow-up reviews happen and what they cover.
type ReviewPolicy struct {
	// Location is the organisation's time zone: dates are its dates.
	Location *time.Location
	// WorkingDays are the days reviews are held on.
	WorkingDays []time.Weekday
	// StaleDays brings a remediation to the agenda when it was not reviewed
	// (or progressed) for this many days, due or not.
	StaleDays int
}

// DefaultReviewPolicy holds reviews Monday to Friday in UTC and brings up
// remediations untouched for a week.
func DefaultReviewPolicy() ReviewPolicy {
	return ReviewPolicy{Location: time.UTC, WorkingDays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, StaleDays: 7}
}

// NextWorkingDay is the first working day after now, as YYYY-MM-DD in the
// organisation's time zone: "tomorrow we review each owner's remediations".
func (p ReviewPolicy) NextWorkingDay(now time.Time) string {
	d := now.In(p.Location)
	for i := 0; i < 14; i++ {
		d = d.AddDate(0, 0, 1)
		if slices.Contains(p.WorkingDays, d.Weekday()) {
			break
		}
	}
	return d.Format("2006-01-02")
}

// ReviewDate reads a review date: YYYY-MM-DD, today or tomorrow (in the
// organisation's time zone).
func (p ReviewPolicy) ReviewDate(s string, now time.Time) (string, error) {
	switch strings.ToLower(s) {
	case "today":
		return now.In(p.Location).Format("2006-01-02"), nil
	case "tomorrow":
		return now.In(p.Location).AddDate(0, 0, 1).Format("2006-01-02"), nil
	}
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return "", FieldError("date", "the review date must be YYYY-MM-DD, today or tomorrow, not %q", s)
	}
	if _, err := ParseDate("date", s); err != nil {
		return "", err
	}
	return s, nil
}

// AgendaItem is one remediation to go through, with why it is on the agenda.
type AgendaItem struct {
	Remediation  Remediation    `json:"remediation"`
	Why          string         `json:"why"` // "due" or "not reviewed for N days"
	LastProgress *ProgressEntry `json:"last_progress"`
}

// AgendaGroup is one accountable owner's part of the agenda.
type AgendaGroup struct {
	Owner string       `json:"owner"`
	Items []AgendaItem `json:"items"`
}

// Agenda picks the open remediations to review on date — due by then, or
// not reviewed or progressed for StaleDays — and groups them by owner.
func (p ReviewPolicy) Agenda(date string, rems []Remediation) []AgendaGroup {
	day, _ := time.ParseInLocation("2006-01-02", date, p.Location)
	stale := day.AddDate(0, 0, -p.StaleDays)
	groups := []AgendaGroup{}
	for _, r := range rems {
		if r.Status.Closed() {
			continue
		}
		var last *ProgressEntry
		if n := len(r.Progress); n > 0 {
			last = &r.Progress[n-1]
		}
		why := ""
		switch {
		case r.Due != "" && r.Due <= date:
			why = "due"
		case last == nil || last.At.Before(stale):
			why = "not reviewed for " + strconv.Itoa(p.StaleDays) + " days"
		default:
			continue
		}
		i := slices.IndexFunc(groups, func(g AgendaGroup) bool { return g.Owner == r.Owner })
		if i < 0 {
			groups = append(groups, AgendaGroup{Owner: r.Owner})
			i = len(groups) - 1
		}
		groups[i].Items = append(groups[i].Items, AgendaItem{Remediation: r, Why: why, LastProgress: last})
	}
	slices.SortFunc(groups, func(a, b AgendaGroup) int { return strings.Compare(a.Owner, b.Owner) })
	return groups
}

// Review records a review's outcome on a remediation: it becomes
// part of the remediation's history, and blocked, done and reschedule change
// its status or due date.
func (r Remediation) Review(date string, outcome ReviewOutcome, note, newDue string, env RemediationEnv) (Remediation, error) {
	note, err := Lines("note", MaxReason).Clean(note)
	if err != nil {
		return r, err
	}
	in := RemediationInput{}
	switch outcome {
	case OutcomeBlocked:
		st := RemediationBlocked
		in.Status, in.Reason = &st, &note
	case OutcomeDone:
		st := RemediationDone
		in.Status = &st
	case OutcomeReschedule:
		if newDue == "" {
			return r, FieldError("due", "reschedule needs the new due date (YYYY-MM-DD)")
		}
		if _, err := ParseDate("due", newDue); err != nil {
			return r, err
		}
		// A reschedule gives more time; a date in the past would make the
		// remediation overdue at once and its reminders fire.
		if err := CheckNotPast("due", newDue, env.Now, env.Location); err != nil {
			return r, err
		}
		in.Due = &newDue
	}
	if r.Status.Closed() {
		return r, Errorf(ECONFLICT, "remediation %d is %s; there is nothing to review", r.ID, r.Status)
	}
	text := "review " + date + ": " + strings.ReplaceAll(string(outcome), "_", " ")
	if note != "" {
		text += " — " + note
	}
	out, err := r.Change(in, text, env)
	if err != nil {
		return r, err
	}
	out.LastReviewed = date
	return out, nil
}

// ReviewDay is what a review date holds: whether a review was scheduled on
// it and why, and the remediations the viewer may read.
type ReviewDay struct {
	Scheduled    bool
	Reason       string
	Remediations []Remediation
}
