package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// The review agenda: one date's open remediations, grouped by accountable
// owner, each with a form that records the review's outcome in place.
// Dates are the organisation's (s.Reviews), as in the API: "today" is
// today where the reviews are held.

const dateLayout = "2006-01-02"

type reviewView struct {
	Date       string
	Prev, Next string // the working days before and after
	NextReview string // when the agenda is empty: the next review date
	Today      string
	WorkingDay bool
	Scheduled  bool
	Reason     string
	Zone       string
	Groups     []reviewGroup
	Items      int
	Outcomes   []outcomeChoice
	Error      string // a failed post whose remediation is not on the agenda
}

type reviewGroup struct {
	Owner string
	Items []*reviewItem
}

type reviewItem struct {
	remRow
	Why     string
	Closed  bool
	Outcome *recordedOutcome
	// Replaced are the outcomes recorded on this date before the one in
	// force, kept as the review's history.
	Replaced []recordedOutcome
	// Replaceable: closed by this date's outcome with nothing since, so a
	// corrected outcome may still replace it.
	Replaceable bool
	// A refused outcome comes back with what was sent and why.
	Error                          string
	FormOutcome, FormNote, FormDue string
	FocusDue                       bool
}

// recordedOutcome is what this date's review found, read back from the
// remediation's progress log, where every outcome is a line.
type recordedOutcome struct {
	Text  string
	Note  string
	Actor string
	At    time.Time
	// ReplacedBy and ReplacedAt say who replaced it, and when.
	ReplacedBy string
	ReplacedAt time.Time
}

// replacedOn lists the outcomes of date that a later one replaced, oldest
// first, from the marks Remediation.Review keeps in the progress log.
func replacedOn(v *viewer, r hansei.Remediation, date string) []recordedOutcome {
	var out []recordedOutcome
	for _, p := range r.Progress {
		if m := p.Review; m != nil && m.Date == date && m.ReplacedAt != nil {
			out = append(out, recordedOutcome{Text: outcomeText(v, m.Outcome), Note: m.Note, Actor: p.Actor, At: p.At,
				ReplacedBy: m.ReplacedBy, ReplacedAt: *m.ReplacedAt})
		}
	}
	return out
}

type outcomeChoice struct {
	Value hansei.ReviewOutcome
	Text  string
}

func outcomeText(v *viewer, o hansei.ReviewOutcome) string {
	return v.Word("review_outcome", string(o))
}

func outcomeChoices(v *viewer) []outcomeChoice {
	var out []outcomeChoice
	for _, o := range []hansei.ReviewOutcome{hansei.OutcomeOnTrack, hansei.OutcomeAtRisk, hansei.OutcomeBlocked,
		hansei.OutcomeDone, hansei.OutcomeReschedule} {
		out = append(out, outcomeChoice{o, outcomeText(v, o)})
	}
	return out
}

// reviewedOn finds the outcome the review of date recorded, if any: the
// latest progress line that Remediation.Review wrote for that date
// ("review 2026-12-01: on track — note").
func reviewedOn(v *viewer, r hansei.Remediation, date string) *recordedOutcome {
	prefix := "review " + date + ": "
	for i := len(r.Progress) - 1; i >= 0; i-- {
		p := r.Progress[i]
		rest, ok := strings.CutPrefix(p.Note, prefix)
		if !ok {
			continue
		}
		words, note, _ := strings.Cut(rest, " — ")
		return &recordedOutcome{Text: outcomeText(v, hansei.ReviewOutcome(strings.ReplaceAll(words, " ", "_"))),
			Note: note, Actor: p.Actor, At: p.At}
	}
	return nil
}

func (s *Handler) workingDay(d time.Time) bool {
	return len(s.app.Reviews.Policy.WorkingDays) == 0 || slices.Contains(s.app.Reviews.Policy.WorkingDays, d.Weekday())
}

// stepWorkingDay is the working day before (dir -1) or after (dir 1) date.
func (s *Handler) stepWorkingDay(date string, dir int) string {
	d, err := time.ParseInLocation(dateLayout, date, s.app.Reviews.Policy.Location)
	if err != nil {
		return date
	}
	for i := 0; i < 14; i++ {
		d = d.AddDate(0, 0, dir)
		if s.workingDay(d) {
			break
		}
	}
	return d.Format(dateLayout)
}

// loadReview builds the agenda of date: the remediations the policy puts
// on it, and those this date's review already dealt with (done or
// rescheduled ones leave the agenda, but their outcome stays in view).
func (s *Handler) loadReview(r *http.Request, v *viewer, date string) (reviewView, error) {
	loc := s.app.Reviews.Policy.Location
	now := s.now()
	d := reviewView{Date: date, Prev: s.stepWorkingDay(date, -1), Next: s.stepWorkingDay(date, 1),
		Today: now.In(loc).Format(dateLayout), Zone: loc.String(), Outcomes: outcomeChoices(v)}
	if day, err := time.ParseInLocation(dateLayout, date, loc); err == nil {
		d.WorkingDay = s.workingDay(day)
	}
	a, err := s.app.Reviews.Agenda(r.Context(), v.User, date)
	if err != nil {
		return d, err
	}
	day := a.Day
	d.Scheduled, d.Reason = day.Scheduled, day.Reason
	onAgenda := map[int64]string{}
	for _, g := range a.Owners {
		for _, it := range g.Items {
			onAgenda[it.Remediation.ID] = it.Why
		}
	}
	for _, rem := range day.Remediations {
		why, ok := onAgenda[rem.ID]
		if !ok && rem.LastReviewed != date {
			continue
		}
		it := &reviewItem{remRow: s.remRow(v, rem), Closed: rem.Status.Closed(), Outcome: reviewedOn(v, rem, date),
			Replaced: replacedOn(v, rem, date)}
		it.Replaceable = it.Closed && rem.Status != hansei.RemediationCancelled && len(rem.Progress) > 0 &&
			rem.CurrentReview(date) == len(rem.Progress)-1
		switch {
		case why == "due":
			it.Why = v.T("page.review.due_by_this_date")
		case why != "":
			it.Why = v.T("page.review.not_reviewed_for_days", "Count", s.app.Reviews.Policy.StaleDays)
		}
		i := slices.IndexFunc(d.Groups, func(g reviewGroup) bool { return g.Owner == rem.Owner })
		if i < 0 {
			d.Groups = append(d.Groups, reviewGroup{Owner: rem.Owner})
			i = len(d.Groups) - 1
		}
		d.Groups[i].Items = append(d.Groups[i].Items, it)
		d.Items++
	}
	slices.SortFunc(d.Groups, func(a, b reviewGroup) int { return strings.Compare(a.Owner, b.Owner) })
	if d.Items == 0 {
		next := d.Next
		if next < d.Today {
			next = d.Today
			if t, err := time.ParseInLocation(dateLayout, next, loc); err == nil && !s.workingDay(t) {
				next = s.stepWorkingDay(next, 1)
			}
		}
		d.NextReview = next
	}
	return d, nil
}

func (d reviewView) item(id int64) *reviewItem {
	for _, g := range d.Groups {
		for _, it := range g.Items {
			if it.ID == id {
				return it
			}
		}
	}
	return nil
}

func reviewURL(date string) string { return "/reviews/" + date }

// reviewsIndex answers the date picker: /reviews?date=2026-12-01.
func (s *Handler) reviewsIndex(w http.ResponseWriter, r *http.Request, v *viewer) error {
	date := strings.TrimSpace(r.URL.Query().Get("date"))
	if date == "" {
		date = "today"
	}
	date, err := s.app.Reviews.Date(date)
	if err != nil {
		return err
	}
	return redirect(w, r, reviewURL(date), "")
}

func (s *Handler) reviewPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	date, err := s.app.Reviews.Date(r.PathValue("date"))
	if err != nil {
		return err
	}
	d, err := s.loadReview(r, v, date)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "review", view{V: v, Title: v.T("page.review.title", "Date", date), Nav: "reviews", D: d})
}

// outcomeForm records one outcome and returns to the item on the agenda.
// A refused outcome shows the agenda again with the reason beside the item
// and what was typed still in its form.
func (s *Handler) outcomeForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	date, err := s.app.Reviews.Date(r.PathValue("date"))
	if err != nil {
		return err
	}
	f := r.PostForm
	id, perr := strconv.ParseInt(f.Get("remediation"), 10, 64)
	if perr != nil || id <= 0 {
		return s.pageErr(hansei.EINVALID, "remediation", "error.remediation_required")
	}
	outcome, err := hansei.ParseReviewOutcome(f.Get("outcome"))
	if err == nil {
		_, err = s.app.Reviews.RecordOutcome(r.Context(), v.User, date, id, outcome, f.Get("note"), strings.TrimSpace(f.Get("due")))
	}
	if err == nil {
		return redirect(w, r, reviewURL(date)+"#rem-"+strconv.FormatInt(id, 10), v.T("flash.outcome_recorded"))
	}
	status := httpx.StatusOf(err)
	if status >= 500 || status == http.StatusForbidden || status == http.StatusUnauthorized {
		return err
	}
	v.Path = reviewURL(date)
	d, lerr := s.loadReview(r, v, date)
	if lerr != nil {
		return lerr
	}
	var fl *flash
	if it := d.item(id); it != nil {
		it.Error = v.errorText(err)
		it.FormOutcome, it.FormNote, it.FormDue = f.Get("outcome"), f.Get("note"), f.Get("due")
		_, it.FocusDue = hansei.ErrorFields(err)["due"]
	} else {
		fl = &flash{Error: true, Text: v.errorText(err)}
	}
	return s.render(w, r, status, "review", view{V: v, Title: v.T("page.review.title", "Date", date), Nav: "reviews", Flash: fl, D: d})
}
