package hansei

import (
	"net/url"
	"slices"
	"time"
)

// RemediationStatus is where an improvement stands.
type RemediationStatus string

const (
	RemediationOpen       RemediationStatus = "open"
	RemediationInProgress RemediationStatus = "in_progress"
	RemediationBlocked    RemediationStatus = "blocked"
	RemediationDone       RemediationStatus = "done"
	RemediationWontDo     RemediationStatus = "wont_do"
	// RemediationCancelled is a remediation withdrawn as a mistake (a
	// duplicate, the wrong incident): it stays in history but leaves the
	// export, the review agendas, the reminders and the open counts. Only
	// Cancel sets it.
	RemediationCancelled RemediationStatus = "cancelled"
)

// ParseRemediationStatus validates a status; blocked and wont_do need a reason.
func ParseRemediationStatus(s string) (RemediationStatus, error) {
	switch st := RemediationStatus(s); st {
	case RemediationOpen, RemediationInProgress, RemediationBlocked, RemediationDone, RemediationWontDo, RemediationCancelled:
		return st, nil
	}
	return "", FieldError("status", "unknown status %q; use open, in_progress, blocked (with a reason), done, wont_do (with a reason) or cancelled", s)
}

// Closed reports whether the remediation needs no more work.
func (s RemediationStatus) Closed() bool {
	return s == RemediationDone || s == RemediationWontDo || s == RemediationCancelled
}

// ProgressEntry is one line of a remediation's progress log; every change
// to the remediation is recorded as one.
type ProgressEntry struct {
	At     time.Time         `json:"at"`
	Actor  string            `json:"actor"`
	Note   string            `json:"note"`
	Status RemediationStatus `json:"status,omitempty"`
	// Owner is set when the remediation was handed to another owner.
	Owner string `json:"owner,omitempty"`
	// Review is set on an entry that records a follow-up review's outcome.
	Review *ReviewMark `json:"review,omitempty"`
}

// Remediation is an improvement to make, with exactly one accountable
// owner: the person tasked with making sure it is actually done.
type Remediation struct {
	ID          int64             `json:"id"`
	Incident    int64             `json:"incident"`
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Owner       string            `json:"owner"`
	Priority    string            `json:"priority"`
	Due         string            `json:"due"`
	Status      RemediationStatus `json:"status"`
	Reason      string            `json:"reason,omitempty"`
	WhyNode     int64             `json:"why_node,omitempty"`
	Link        string            `json:"link,omitempty"`
	CreatedBy   string            `json:"created_by"`
	// LastReviewed is the date of the last follow-up review that covered it.
	LastReviewed string          `json:"last_reviewed,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
	Progress     []ProgressEntry `json:"progress"`
}

// Overdue reports whether the remediation is open past its due date in loc.
func (r Remediation) Overdue(now time.Time, loc *time.Location) bool {
	return !r.Status.Closed() && r.Due != "" && r.Due < now.In(loc).Format("2006-01-02")
}

// RemediationInput creates a remediation or, in a patch, changes it; nil
// fields stay as they are.
type RemediationInput struct {
	Title, Description, Owner, Priority, Due, Link *string
	Status                                         *RemediationStatus
	Reason                                         *string
	WhyNode                                        *int64
	// Backdate allows a due date before today: for a remediation already
	// done, or imported from another tool with its original date.
	Backdate bool
}

// RemediationEnv is what remediation changes need. Location is the
// organisation's time zone, whose dates due dates are (nil: UTC).
type RemediationEnv struct {
	Now      time.Time
	Actor    User
	Scales   Scales
	Users    func(name string) (User, error)
	Location *time.Location
}

// MaxLink bounds a remediation's link to its tracker item.
const MaxLink = 2000

// NewRemediation checks a new remediation.
func NewRemediation(incident int64, in RemediationInput, env RemediationEnv) (Remediation, error) {
	if err := env.Actor.RequireActor(); err != nil {
		return Remediation{}, err
	}
	r := Remediation{Incident: incident, Status: RemediationOpen, CreatedBy: env.Actor.Name, CreatedAt: env.Now, UpdatedAt: env.Now}
	if in.Title == nil {
		return r, FieldError("title", "title is required: what will be improved")
	}
	if in.Owner == nil || *in.Owner == "" {
		return r, FieldError("owner", "owner is required: every remediation has exactly one accountable owner (a user name)")
	}
	if in.Priority == nil || *in.Priority == "" {
		_, err := env.Scales.Priority.Level("")
		return r, err
	}
	r, err := r.apply(in, env)
	if err != nil {
		return r, err
	}
	r.Progress = []ProgressEntry{{At: env.Now, Actor: env.Actor.Name, Note: "created", Status: r.Status, Owner: r.Owner}}
	return r, nil
}

// Change applies a patch and records it in the progress log.
func (r Remediation) Change(in RemediationInput, note string, env RemediationEnv) (Remediation, error) {
	if err := env.Actor.RequireActor(); err != nil {
		return r, err
	}
	note, err := Lines("note", MaxText).Clean(note)
	if err != nil {
		return r, err
	}
	if r.Status == RemediationCancelled {
		return r, Errorf(ECONFLICT, "remediation %d was cancelled (%s); a cancelled remediation stays as it is — create a new one instead", r.ID, r.Reason).
			Says("error.remediation_cancelled", "ID", r.ID, "Reason", r.Reason)
	}
	before := r
	out, err := r.apply(in, env)
	if err != nil {
		return r, err
	}
	entry := ProgressEntry{At: env.Now, Actor: env.Actor.Name, Note: note}
	if out.Status != before.Status {
		entry.Status = out.Status
	}
	if out.Owner != before.Owner {
		entry.Owner = out.Owner
		if entry.Note == "" {
			entry.Note = "handed over from " + before.Owner + " to " + out.Owner
		}
	}
	if entry.Note == "" {
		entry.Note = "edited"
	}
	out.Progress = append(slices.Clone(before.Progress), entry)
	out.UpdatedAt = env.Now
	return out, nil
}

func (r Remediation) apply(in RemediationInput, env RemediationEnv) (Remediation, error) {
	var err error
	if in.Title != nil {
		if r.Title, err = Line("title", MaxTitle).Require().Clean(*in.Title); err != nil {
			return r, err
		}
	}
	if in.Description != nil {
		if r.Description, err = Lines("description", MaxText).Clean(*in.Description); err != nil {
			return r, err
		}
	}
	if in.Owner != nil {
		u, err := env.Users(*in.Owner)
		if ErrorCode(err) == ENOTFOUND || *in.Owner == "" {
			return r, FieldError("owner", "there is no user named %q; the owner must be an existing user", *in.Owner)
		} else if err != nil {
			return r, err
		}
		r.Owner = u.Name
	}
	if in.Priority != nil {
		level, err := env.Scales.Priority.Level(*in.Priority)
		if err != nil {
			return r, err
		}
		r.Priority = level.Key // the canonical spelling, whatever case was typed
	}
	if in.Due != nil {
		if _, err := ParseDate("due", *in.Due); err != nil {
			return r, err
		}
		if *in.Due != r.Due && !in.Backdate {
			if err := checkDueNotPast(*in.Due, env); err != nil {
				return r, err
			}
		}
		r.Due = *in.Due
	}
	if in.Link != nil {
		link, err := Line("link", MaxLink).Clean(*in.Link)
		if err != nil {
			return r, err
		}
		if link != "" {
			u, err := url.Parse(link)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return r, FieldError("link", "link must be an http(s) URL of the tracker item, not %q", *in.Link)
			}
		}
		r.Link = link
	}
	if in.WhyNode != nil {
		r.WhyNode = *in.WhyNode
	}
	if in.Reason != nil {
		if r.Reason, err = Lines("reason", MaxReason).Clean(*in.Reason); err != nil {
			return r, err
		}
	}
	if in.Status != nil {
		if *in.Status == RemediationCancelled && r.Status != RemediationCancelled {
			return r, FieldError("status", "a remediation is cancelled with its own action and a reason (POST /api/v1/remediations/%d/cancel, hansei remediation cancel), not by a status change", r.ID).
				Says("error.remediation_cancel_by_status", "ID", r.ID)
		}
		r.Status = *in.Status
		if (r.Status == RemediationBlocked || r.Status == RemediationWontDo) && (in.Reason == nil || r.Reason == "") {
			return r, FieldError("reason", "status %s needs a reason: say what blocks it or why it will not be done", r.Status)
		}
		if r.Status != RemediationBlocked && r.Status != RemediationWontDo && in.Reason == nil {
			r.Reason = ""
		}
	}
	if r.Due == "" {
		return r, FieldError("due", "due is required: a date such as 2026-12-01")
	}
	return r, nil
}

// RemediationFilter selects remediations to list.
type RemediationFilter struct {
	Owner    string
	Status   RemediationStatus
	Incident int64
	// Overdue keeps open remediations past their due date.
	Overdue bool
}
