package hansei

import (
	"slices"
	"strings"
	"time"
)

// Warning is something a user should know about a change that was saved
// anyway, such as a due date later than the priority's window. Message is
// the English; Msg says it in the reader's language.
type Warning struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Msg     `json:"-"`
}

// dueLocation is the zone whose "today" a due date is checked against: the
// actor's own zone when set, else the organisation's, else UTC. A person in
// Tokyo entering tomorrow's date must not be told it is in the past because
// the server runs in UTC.
func dueLocation(env RemediationEnv) *time.Location {
	if env.Actor.TimeZone != "" {
		if loc, err := time.LoadLocation(env.Actor.TimeZone); err == nil {
			return loc
		}
	}
	if env.Location != nil {
		return env.Location
	}
	return time.UTC
}

// checkDueNotPast refuses a due date before today: such a remediation
// would be overdue from its first minute and its escalations would fire at
// once. Backdate (RemediationInput.Backdate) lifts the rule for work
// already done or imported from another tool.
func checkDueNotPast(due string, env RemediationEnv) error {
	loc := dueLocation(env)
	today := env.Now.In(loc).Format(time.DateOnly)
	if due >= today {
		return nil
	}
	return FieldError("due", "due %s is before today (%s in %s); give today or a later date, or backdate it (\"backdate\": true, --backdate) to record a remediation already done or imported from another tool", due, today, loc).
		Says("error.due_before_today", "Due", due, "Today", today, "Zone", loc.String())
}

// DueWarnings warns when the remediation is due later than its priority's
// expected window (Level.DueWithinDays), counted in calendar days from the
// day it was created in loc. It is a warning, not an error: a team may
// have a good reason, but should see that it is choosing to be late.
func (r Remediation) DueWarnings(scales Scales, loc *time.Location) []Warning {
	if loc == nil {
		loc = time.UTC
	}
	level, err := scales.Priority.Level(r.Priority)
	if err != nil || level.DueWithinDays <= 0 || r.Due == "" || r.Status.Closed() {
		return nil
	}
	latest := r.CreatedAt.In(loc).AddDate(0, 0, level.DueWithinDays).Format(time.DateOnly)
	if r.Due <= latest {
		return nil
	}
	return []Warning{{Field: "due",
		Message: "due " + r.Due + " is later than priority " + r.Priority + " expects (done by " + latest + "); bring the date forward or lower the priority if that is not intended",
		Msg:     says("common.due_after_window", "Due", r.Due, "Priority", r.Priority, "Latest", latest)}}
}

// Cancel withdraws a remediation made by mistake (a duplicate, the wrong
// incident). Its owner, the incident's commander or an admin may; a reason
// is required. The remediation stays, cancelled, with its history; it is
// left out of the postmortem export, the review agendas, the reminders and
// the open counts.
func (r Remediation) Cancel(reason, commander string, env RemediationEnv) (Remediation, error) {
	if err := env.Actor.RequireActor(); err != nil {
		return r, err
	}
	if env.Actor.Name != r.Owner && (commander == "" || env.Actor.Name != commander) && env.Actor.Role != RoleAdmin {
		return r, Errorf(EFORBIDDEN, "only the remediation's owner (%s), the incident commander (%s) or an admin may cancel remediation %d", r.Owner, commander, r.ID).
			Says("error.remediation_cancel_forbidden", "ID", r.ID, "Owner", r.Owner, "Commander", commander)
	}
	if strings.TrimSpace(reason) == "" {
		return r, FieldError("reason", "reason is required: say why remediation %d is cancelled", r.ID).
			Says("error.cancel_reason_required", "ID", r.ID)
	}
	reason, err := Lines("reason", MaxReason).Clean(reason)
	if err != nil {
		return r, err
	}
	if r.Status == RemediationCancelled {
		return r, Errorf(ECONFLICT, "remediation %d is already cancelled", r.ID).Says("error.remediation_already_cancelled", "ID", r.ID)
	}
	out := r
	out.Status, out.Reason, out.UpdatedAt = RemediationCancelled, reason, env.Now
	out.Progress = append(slices.Clone(r.Progress), ProgressEntry{At: env.Now, Actor: env.Actor.Name,
		Note: "cancelled: " + reason, Status: RemediationCancelled})
	return out, nil
}
