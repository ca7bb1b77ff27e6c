package hansei

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// PostmortemPatch changes sections, highlights and reviewers. Nil fields
// are left as they are.
type PostmortemPatch struct {
	Sections   map[string]string
	Highlights *[]int64
	Reviewers  *[]string
	// Version, when given, is the version the edit was based on: an edit
	// based on an older one is merged by section, and refused only where
	// someone else changed the same section since (two authors never
	// silently overwrite each other).
	Version *int64
}

// PostmortemEnv is what postmortem changes need besides the postmortem.
type PostmortemEnv struct {
	Now   time.Time
	Actor User
	// LastSeq bounds the timeline seqs a highlight may name.
	LastSeq int64
	Users   func(name string) (User, error)
	// History reads the postmortem's changes, oldest first, for a save
	// based on an older version (nil: such a save is refused).
	History func() ([]PostmortemChangeRecord, error)
	// Lint finds what would block publishing (nil: nothing blocks).
	Lint func(Postmortem) ([]Finding, error)
	// AllowSelfReview lets an author of the postmortem review it (the
	// setting postmortems.allow_self_review). Off, reviewers are others
	// than its authors; on, a publication that rests on its authors'
	// approval alone is an override, with a recorded reason.
	AllowSelfReview bool
}

func (pm *Postmortem) requireEditable(env PostmortemEnv) error {
	if err := env.Actor.RequireActor(); err != nil {
		return err
	}
	if pm.Status == PostmortemPublished {
		return Errorf(ECONFLICT, "the postmortem of INC-%d is published; amend it with a new revision and a reason: hansei postmortem %d amend --reason \"…\"", pm.Incident, pm.Incident)
	}
	return nil
}

// touch records an edit: a new version, its author, and approvals that no
// longer hold.
func (pm *Postmortem) touch(env PostmortemEnv) {
	pm.Version++
	pm.UpdatedAt = env.Now
	if !slices.Contains(pm.Authors, env.Actor.Name) {
		pm.Authors = append(pm.Authors, env.Actor.Name)
	}
}

// Patch applies an edit.
func (pm Postmortem) Patch(p PostmortemPatch, env PostmortemEnv) (Postmortem, error) {
	out, _, err := pm.patch(p, env)
	return out, err
}

// patch applies an edit and returns it as applied: a save based on an
// older version writes only the sections it changed that nobody else did
// (see MergeSections).
func (pm Postmortem) patch(p PostmortemPatch, env PostmortemEnv) (Postmortem, PostmortemPatch, error) {
	if err := pm.requireEditable(env); err != nil {
		return pm, p, err
	}
	sections := make(map[string]string, len(p.Sections))
	for k, v := range p.Sections {
		if !slices.Contains(SectionKeys(), k) {
			return pm, p, FieldError(k, "unknown section %q; the sections are %s", k, strings.Join(SectionKeys(), ", "))
		}
		v, err := Lines(k, MaxText*5).Clean(v)
		if err != nil {
			return pm, p, err
		}
		sections[k] = v
	}
	p.Sections = sections
	if p.Version != nil && *p.Version != pm.Version {
		if *p.Version < 1 || *p.Version > pm.Version {
			return pm, p, &Error{Code: ECONFLICT, Message: fmt.Sprintf("the postmortem has no version %d; it is at version %d now: reload, merge your edit and send it with that version", *p.Version, pm.Version),
				Fields: map[string]string{"version": fmt.Sprint(pm.Version)}}
		}
		if env.History == nil {
			return pm, p, &Error{Code: ECONFLICT, Message: fmt.Sprintf("the postmortem changed since version %d; it is at version %d now: reload, merge your edit and send it with that version", *p.Version, pm.Version),
				Fields: map[string]string{"version": fmt.Sprint(pm.Version)}}
		}
		history, err := env.History()
		if err != nil {
			return pm, p, err
		}
		base := BaseOf(history, *p.Version, pm)
		m := MergeSections(base, pm.Sections, p.Sections)
		// Highlights and reviewers are lists chosen whole: changed since
		// the base and sent different, they conflict as one piece.
		if p.Highlights != nil && base.Changed["highlights"] && !slices.Equal(*p.Highlights, pm.Highlights) {
			m.Conflicts = append(m.Conflicts, SectionConflict{Section: "highlights", Theirs: fmt.Sprint(pm.Highlights), Yours: fmt.Sprint(*p.Highlights)})
		}
		if p.Reviewers != nil && base.Changed["reviewers"] {
			m.Conflicts = append(m.Conflicts, SectionConflict{Section: "reviewers", Theirs: strings.Join(reviewerNames(pm.Reviewers), ", "), Yours: strings.Join(*p.Reviewers, ", ")})
		}
		if len(m.Conflicts) > 0 {
			return pm, p, conflictError(pm, *p.Version, m.Conflicts)
		}
		p.Sections = m.Write
	}
	// A section sent as it reads is not changed: the history names only
	// real changes, which later merges read.
	maps.DeleteFunc(p.Sections, func(k, v string) bool { return pm.Sections[k] == v })
	pm.Sections = cloneSections(pm.Sections)
	for k, v := range p.Sections {
		pm.Sections[k] = v
	}
	if p.Highlights != nil {
		hs := slices.Clone(*p.Highlights)
		slices.Sort(hs)
		hs = slices.Compact(hs)
		for _, seq := range hs {
			if seq < 1 || seq > env.LastSeq {
				return pm, p, FieldError("highlights", "timeline event %d does not exist; INC-%d has events 1 to %d", seq, pm.Incident, env.LastSeq)
			}
		}
		pm.Highlights = hs
	}
	if p.Reviewers != nil {
		var rs []Reviewer
		for _, name := range *p.Reviewers {
			u, err := env.Users(name)
			if ErrorCode(err) == ENOTFOUND {
				return pm, p, FieldError("reviewers", "there is no user named %q", name)
			} else if err != nil {
				return pm, p, err
			}
			if slices.ContainsFunc(rs, func(r Reviewer) bool { return r.User == u.Name }) {
				continue
			}
			r := Reviewer{User: u.Name}
			if i := slices.IndexFunc(pm.Reviewers, func(old Reviewer) bool { return old.User == u.Name }); i >= 0 {
				r = pm.Reviewers[i]
			}
			rs = append(rs, r)
		}
		if rs == nil {
			rs = []Reviewer{}
		}
		pm.Reviewers = rs
	}
	pm.touch(env)
	if p.Reviewers != nil {
		if err := pm.requireOtherReviewers(env); err != nil {
			return pm, p, err
		}
	}
	return pm, p, nil
}

func cloneSections(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// WhyInput is a node to add or the fields of one to change.
type WhyInput struct {
	Parent   int64
	Question string
	Answer   string
	Factor   *string
}

// AddWhy adds a node under Parent (0 for a root).
func (pm Postmortem) AddWhy(in WhyInput, env PostmortemEnv) (Postmortem, WhyNode, error) {
	if err := pm.requireEditable(env); err != nil {
		return pm, WhyNode{}, err
	}
	if in.Parent != 0 && !slices.ContainsFunc(pm.Whys, func(n WhyNode) bool { return n.ID == in.Parent }) {
		return pm, WhyNode{}, FieldError("parent", "there is no why %d in this postmortem", in.Parent)
	}
	question, err := Line("question", MaxReason).Require().Clean(in.Question)
	if err != nil {
		return pm, WhyNode{}, err
	}
	answer, err := Lines("answer", MaxReason).Require().Clean(in.Answer)
	if err != nil {
		return pm, WhyNode{}, err
	}
	n := WhyNode{ID: pm.NextWhyID, Parent: in.Parent, Question: question, Answer: answer, Remediations: []int64{}}
	if in.Factor != nil {
		if err := validFactor(*in.Factor); err != nil {
			return pm, WhyNode{}, err
		}
		n.Factor = *in.Factor
	}
	pm.Whys = append(slices.Clone(pm.Whys), n)
	pm.NextWhyID++
	pm.touch(env)
	return pm, n, nil
}

// UpdateWhy changes a node's question, answer or factor.
func (pm Postmortem) UpdateWhy(id int64, in WhyInput, env PostmortemEnv) (Postmortem, error) {
	if err := pm.requireEditable(env); err != nil {
		return pm, err
	}
	i := slices.IndexFunc(pm.Whys, func(n WhyNode) bool { return n.ID == id })
	if i < 0 {
		return pm, Errorf(ENOTFOUND, "there is no why %d in this postmortem", id).Says("error.no_why", "ID", id)
	}
	pm.Whys = slices.Clone(pm.Whys)
	n := pm.Whys[i]
	var err error
	if in.Question != "" {
		if n.Question, err = Line("question", MaxReason).Require().Clean(in.Question); err != nil {
			return pm, err
		}
	}
	if in.Answer != "" {
		if n.Answer, err = Lines("answer", MaxReason).Require().Clean(in.Answer); err != nil {
			return pm, err
		}
	}
	if in.Factor != nil {
		if *in.Factor != "" {
			if err := validFactor(*in.Factor); err != nil {
				return pm, err
			}
		}
		n.Factor = *in.Factor
	}
	pm.Whys[i] = n
	pm.touch(env)
	return pm, nil
}

// DeleteWhy removes a node. A node with children is removed only with
// cascade, and then with all its descendants.
func (pm Postmortem) DeleteWhy(id int64, cascade bool, env PostmortemEnv) (Postmortem, error) {
	if err := pm.requireEditable(env); err != nil {
		return pm, err
	}
	if !slices.ContainsFunc(pm.Whys, func(n WhyNode) bool { return n.ID == id }) {
		return pm, Errorf(ENOTFOUND, "there is no why %d in this postmortem", id).Says("error.no_why", "ID", id)
	}
	doomed := map[int64]bool{id: true}
	for changed := true; changed; {
		changed = false
		for _, n := range pm.Whys {
			if doomed[n.Parent] && !doomed[n.ID] {
				if !cascade {
					return pm, Errorf(ECONFLICT, "why %d has answers under it; delete them first, or delete with cascade to remove the whole branch", id)
				}
				doomed[n.ID], changed = true, true
			}
		}
	}
	pm.Whys = slices.DeleteFunc(slices.Clone(pm.Whys), func(n WhyNode) bool { return doomed[n.ID] })
	pm.touch(env)
	return pm, nil
}

func validFactor(f string) error {
	if !slices.Contains(FactorCategories(), f) {
		return FieldError("factor", "unknown factor category %q; use one of %s", f, strings.Join(FactorCategories(), ", "))
	}
	return nil
}

// CloseIncident is issued when the incident's postmortem is published;
// Override is what the publication went past, if anything, so that the
// timeline records it too.
type CloseIncident struct {
	Revision int
	Override *PublishOverride
}

func (CloseIncident) command() {}

// decodeEvent reads an event's payload; payloads are written by this
// program, so a failure leaves v as it was.
func decodeEvent(e Event, v any) { json.Unmarshal(e.Data, v) }

// LintDoc is what the lint reads of this postmortem and the incident's
// remediations; people are the names (user names and display names) that
// the blame rules look for.
func (pm Postmortem) LintDoc(people []string, remediations []Remediation) LintDoc {
	doc := LintDoc{Sections: pm.Sections, Required: RequiredSections(), People: people}
	for _, r := range remediations {
		doc.Remediations = append(doc.Remediations, LintRemediation{ID: r.ID, Title: r.Title, Owner: r.Owner, Due: r.Due})
	}
	for _, n := range pm.Whys {
		doc.Whys = append(doc.Whys, LintWhy{ID: n.ID, Parent: n.Parent, Question: n.Question, Answer: n.Answer,
			Factor: n.Factor, Remediations: n.Remediations})
	}
	return doc
}

// PostmortemChangeRecord is one recorded change to a postmortem.
type PostmortemChangeRecord struct {
	Version int64           `json:"version"`
	Actor   string          `json:"actor"`
	At      time.Time       `json:"at"`
	Action  string          `json:"action"`
	Detail  json.RawMessage `json:"detail"`
}

func reviewerNames(rs []Reviewer) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.User
	}
	return out
}
