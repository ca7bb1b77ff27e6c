package hansei

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// PostmortemStatus is where a postmortem stands in its review.
type PostmortemStatus string

const (
	PostmortemDraft     PostmortemStatus = "draft"
	PostmortemInReview  PostmortemStatus = "in_review"
	PostmortemPublished PostmortemStatus = "published"
)

// SectionKeys lists a postmortem's sections in the order they are read.
func SectionKeys() []string {
	return []string{"summary", "impact", "detection", "response", "recovery", "went_well", "went_poorly", "lucky", "lessons"}
}

// RequiredSections must be written before a postmortem is published.
func RequiredSections() []string {
	return []string{"summary", "impact", "detection", "response", "recovery", "lessons"}
}

// Contributing-factor categories a why-tree leaf may be marked with.
func FactorCategories() []string {
	return []string{"detection", "tooling", "change_management", "communication", "capacity", "dependency", "process", "knowledge", "other"}
}

// Reviewer is a named approver of a postmortem. An approval holds for the
// version it was given on: a later edit asks for it again.
type Reviewer struct {
	User            string     `json:"user"`
	ApprovedAt      *time.Time `json:"approved_at,omitempty"`
	ApprovedVersion int64      `json:"approved_version,omitempty"`
}

// WhyNode is one question and answer of the why-tree. Parent 0 is a root.
// A node marked with a Factor category is a contributing factor.
type WhyNode struct {
	ID           int64   `json:"id"`
	Parent       int64   `json:"parent"`
	Question     string  `json:"question"`
	Answer       string  `json:"answer"`
	Factor       string  `json:"factor,omitempty"`
	Remediations []int64 `json:"remediations"`
}

// KeyTime is one of an incident's key times, from its record.
type KeyTime struct {
	Name string     `json:"name"`
	At   *time.Time `json:"at"`
}

// Duration is the time between two key times.
type Duration struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Seconds int64  `json:"seconds"`
}

// RecordEntry is one thing the timeline recorded that a postmortem draws on.
type RecordEntry struct {
	Seq   int64     `json:"seq"`
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	Kind  string    `json:"kind"` // severity, role, intent, note
	Text  string    `json:"text"`
	// Message and Args say Text as a message by ID, for a reader in
	// another language; an entry recorded before they were has Text
	// alone.
	Message string            `json:"message,omitempty"`
	Args    map[string]string `json:"args,omitempty"`
}

// Record is what the draft was prefilled from: the incident's key times
// and the durations between them, severity changes with their reasons,
// roles and handovers, intents and their outcomes, and notes as candidate
// timeline highlights.
type Record struct {
	KeyTimes   []KeyTime     `json:"key_times"`
	Durations  []Duration    `json:"durations"`
	Severity   []RecordEntry `json:"severity_changes"`
	Roles      []RecordEntry `json:"roles"`
	Intents    []RecordEntry `json:"intents"`
	Candidates []RecordEntry `json:"candidate_highlights"`
	// Notes counts every note; Candidates keeps the latest MaxCandidates
	// of them (any event of the timeline can still be a highlight).
	Notes int `json:"notes"`
}

// PublishOverride is what a publication went past, and why: blocking
// lint findings, or a review by the postmortem's own authors alone (where
// self-review is allowed).
type PublishOverride struct {
	Reason           string    `json:"reason"`
	By               string    `json:"by"`
	At               time.Time `json:"at"`
	BlockingFindings []string  `json:"blocking_findings,omitempty"`
	SelfReviewedBy   []string  `json:"self_reviewed_by,omitempty"`
}

// Summary says in one line what the publication went past.
func (o PublishOverride) Summary() string {
	var parts []string
	if n := len(o.BlockingFindings); n == 1 {
		parts = append(parts, "1 blocking lint finding")
	} else if n > 1 {
		parts = append(parts, fmt.Sprintf("%d blocking lint findings", n))
	}
	if len(o.SelfReviewedBy) > 0 {
		parts = append(parts, "a review by its own authors ("+strings.Join(o.SelfReviewedBy, ", ")+")")
	}
	return "published by " + o.By + " over " + strings.Join(parts, " and ")
}

// MaxCandidates bounds the notes a draft carries as candidate highlights,
// and MaxCandidateText the characters kept of each: the record travels with
// every read and edit of the postmortem.
const (
	MaxCandidates    = 200
	MaxCandidateText = 300
)

// Postmortem is the write-up of one incident.
type Postmortem struct {
	Incident   int64             `json:"incident"`
	Title      string            `json:"title"`
	Severity   string            `json:"severity"`
	Status     PostmortemStatus  `json:"status"`
	Version    int64             `json:"version"`
	Revision   int               `json:"revision"`
	Sections   map[string]string `json:"sections"`
	Highlights []int64           `json:"highlights"`
	Reviewers  []Reviewer        `json:"reviewers"`
	Authors    []string          `json:"authors"`
	Whys       []WhyNode         `json:"whys"`
	NextWhyID  int64             `json:"next_why_id"`
	Record     Record            `json:"record"`
	// Override records why a postmortem was published over blocking
	// lint findings (or, where self-review is allowed, on its authors'
	// approval alone); PublishedOver says what it went past, who and when.
	Override      string           `json:"override,omitempty"`
	PublishedOver *PublishOverride `json:"published_over,omitempty"`
	// Amendment is why the published postmortem is being revised.
	Amendment   string     `json:"amendment,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// NewDraft starts a postmortem for a resolved incident, prefilled from its
// record.
func NewDraft(inc Incident, events []Event, author string, now time.Time) (Postmortem, error) {
	if inc.Status != StatusResolved {
		return Postmortem{}, Errorf(ECONFLICT, "%s is %s; resolve it before writing its postmortem: hansei incident status %d resolved", inc.Ref(), inc.Status, inc.Number)
	}
	pm := Postmortem{
		Incident: inc.Number, Title: inc.Title, Severity: inc.Severity, Status: PostmortemDraft, Version: 1,
		Sections: map[string]string{}, Highlights: []int64{}, Reviewers: []Reviewer{}, Authors: []string{author},
		Whys: []WhyNode{}, NextWhyID: 1, Record: recordOf(inc, events), CreatedAt: now, UpdatedAt: now,
	}
	for _, k := range SectionKeys() {
		pm.Sections[k] = ""
	}
	pm.Sections["summary"] = inc.Summary
	return pm, nil
}

func recordOf(inc Incident, events []Event) Record {
	r := Record{Severity: []RecordEntry{}, Roles: []RecordEntry{}, Intents: []RecordEntry{}, Candidates: []RecordEntry{}}
	r.KeyTimes, r.Durations = RecordTimes(inc)
	for _, e := range events {
		entry := RecordEntry{Seq: e.Seq, At: e.At, Actor: e.Actor}
		switch e.Type {
		case EventSeverityChanged:
			var d SeverityChangedData
			decodeEvent(e, &d)
			entry.Kind, entry.Text = "severity", fmt.Sprintf("%s → %s: %s", d.From, d.To, d.Reason)
			r.Severity = append(r.Severity, entry)
		case EventRoleAssigned:
			var d RoleAssignedData
			decodeEvent(e, &d)
			entry.Kind, entry.Text = "role", fmt.Sprintf("%s: %s", d.Role, d.User)
			if d.Previous != "" {
				entry.Text = fmt.Sprintf("%s handed over from %s to %s", d.Role, d.Previous, d.User)
				entry.Message, entry.Args = "timeline.role_handed_over", map[string]string{"Role": d.Role, "Previous": d.Previous, "User": d.User}
			}
			r.Roles = append(r.Roles, entry)
		case EventIntentStated:
			var d IntentStatedData
			decodeEvent(e, &d)
			state := ""
			if in, ok := inc.Intent(d.ID); ok {
				state = string(in.State)
				if len(in.AcknowledgedBy) > 0 {
					state += " by " + strings.Join(in.AcknowledgedBy, ", ")
				}
			}
			entry.Kind, entry.Text = "intent", fmt.Sprintf("%s (%s): %q, %s", strings.ReplaceAll(string(d.Kind), "_", "-"), e.Actor, d.Text, state)
			r.Intents = append(r.Intents, entry)
		case EventNoteAdded:
			var d NoteAddedData
			decodeEvent(e, &d)
			if t := []rune(d.Text); len(t) > MaxCandidateText {
				d.Text = string(t[:MaxCandidateText-1]) + "…"
			}
			entry.Kind, entry.Text = "note", d.Text
			r.Candidates = append(r.Candidates, entry)
			r.Notes++
		}
	}
	if len(r.Candidates) > MaxCandidates {
		r.Candidates = slices.Clone(r.Candidates[len(r.Candidates)-MaxCandidates:])
	}
	return r
}

// RecordTimes are the incident's key times and the durations between them,
// as the postmortem's record shows them; a correction of a key time
// recomputes them (and "time to detect" with them).
func RecordTimes(inc Incident) (times []KeyTime, durations []Duration) {
	started, detected, declared := inc.StartedAt, inc.DetectedAt, inc.DeclaredAt
	times = []KeyTime{
		{"started", &started}, {"detected", &detected}, {"declared", &declared},
		{"acknowledged", inc.AcknowledgedAt}, {"mitigated", inc.MitigatedAt}, {"resolved", inc.ResolvedAt},
	}
	for i := 1; i < len(times); i++ {
		a, b := times[0], times[i]
		if i > 1 {
			a = times[i-1]
		}
		if a.At != nil && b.At != nil {
			durations = append(durations, Duration{From: a.Name, To: b.Name, Seconds: int64(b.At.Sub(*a.At) / time.Second)})
		}
	}
	if s, e := times[0].At, inc.ResolvedAt; s != nil && e != nil {
		durations = append(durations, Duration{From: "started", To: "resolved", Seconds: int64(e.Sub(*s) / time.Second)})
	}
	return times, durations
}
