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

// ReviewMark is a follow-up review's outcome as its progress entry keeps
// it. A second outcome for the same remediation on the same review date
// replaces the first: the first stays in the log with ReplacedAt and
// ReplacedBy set, so the history shows both.
type ReviewMark struct {
	Date    string        `json:"date"`
	Outcome ReviewOutcome `json:"outcome"`
	Note    string        `json:"note,omitempty"`
	// Before and After are the fields the outcome may change, as they were
	// and as it left them: replacing it undoes it when nothing changed
	// them since.
	Before     ReviewedFields `json:"before"`
	After      ReviewedFields `json:"after"`
	ReplacedAt *time.Time     `json:"replaced_at,omitempty"`
	ReplacedBy string         `json:"replaced_by,omitempty"`
}

// ReviewedFields are what a review outcome may change on a remediation.
type ReviewedFields struct {
	Status RemediationStatus `json:"status"`
	Reason string            `json:"reason,omitempty"`
	Due    string            `json:"due"`
}

func (r Remediation) reviewedFields() ReviewedFields {
	return ReviewedFields{Status: r.Status, Reason: r.Reason, Due: r.Due}
}

// CurrentReview is the index of the progress entry holding the outcome in
// force for date (not replaced), or -1.
func (r Remediation) CurrentReview(date string) int {
	for i := len(r.Progress) - 1; i >= 0; i-- {
		if m := r.Progress[i].Review; m != nil && m.Date == date && m.ReplacedAt == nil {
			return i
		}
	}
	return -1
}

// Review records a review's outcome on a remediation: it becomes
// part of the remediation's history, and blocked, done and reschedule change
// its status or due date. A second outcome on the same date replaces the
// first (a review corrects what it said, it does not say two things): the
// first is marked replaced and, when nothing changed the remediation since,
// its effect is undone before the new outcome applies.
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
	base := r
	if i := r.CurrentReview(date); i >= 0 && r.Status != RemediationCancelled {
		base.Progress = slices.Clone(r.Progress)
		first := *base.Progress[i].Review
		at := env.Now
		first.ReplacedAt, first.ReplacedBy = &at, env.Actor.Name
		base.Progress[i].Review = &first
		if base.reviewedFields() == first.After {
			base.Status, base.Reason, base.Due = first.Before.Status, first.Before.Reason, first.Before.Due
		}
	}
	if base.Status.Closed() {
		return r, Errorf(ECONFLICT, "remediation %d is %s; there is nothing to review", r.ID, r.Status)
	}
	text := "review " + date + ": " + strings.ReplaceAll(string(outcome), "_", " ")
	if note != "" {
		text += " — " + note
	}
	// The reschedule's date was checked above against the organisation's
	// day; the due-date rule of edits must not refuse it a second time.
	in.Backdate = true
	out, err := base.Change(in, text, env)
	if err != nil {
		return r, err
	}
	last := &out.Progress[len(out.Progress)-1]
	last.Review = &ReviewMark{Date: date, Outcome: outcome, Note: note, Before: base.reviewedFields(), After: out.reviewedFields()}
	out.LastReviewed = date
	return out, nil
}

// ReviewDay is what a review date holds: whether a review was scheduled on
// it and why, and the remediations the viewer may read.
type ReviewDay struct {
	Scheduled    bool
	Reason       string
	Remediations []Remediation
	// Outcomes are the outcomes recorded on the date for remediations the
	// viewer may read, replaced ones included, in the order recorded.
	Outcomes []ReviewRecord
}

// ReviewRecord is one outcome recorded at a review, as the review's
// history shows it.
type ReviewRecord struct {
	Remediation int64         `json:"remediation"`
	Outcome     ReviewOutcome `json:"outcome"`
	Note        string        `json:"note"`
	Actor       string        `json:"actor"`
	At          time.Time     `json:"at"`
	// ReplacedAt and ReplacedBy are set when a later outcome on the same
	// date replaced this one.
	ReplacedAt *time.Time `json:"replaced_at,omitempty"`
	ReplacedBy string     `json:"replaced_by,omitempty"`
}
