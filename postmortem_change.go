package hansei

import (
	"encoding/json"
	"fmt"
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
	// Version, when given, must be the current one: two authors never
	// silently overwrite each other.
	Version *int64
}

// PostmortemEnv is what postmortem changes need besides the postmortem.
type PostmortemEnv struct {
	Now   time.Time
	Actor User
	// LastSeq bounds the timeline seqs a highlight may name.
	LastSeq int64
	Users   func(name string) (User, error)
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
	if err := pm.requireEditable(env); err != nil {
		return pm, err
	}
	if p.Version != nil && *p.Version != pm.Version {
		return pm, &Error{Code: ECONFLICT, Message: fmt.Sprintf("the postmortem changed since version %d; it is at version %d now: reload, merge your edit and send it with that version", *p.Version, pm.Version),
			Fields: map[string]string{"version": fmt.Sprint(pm.Version)}}
	}
	pm.Sections = cloneSections(pm.Sections)
	for k, v := range p.Sections {
		if !slices.Contains(SectionKeys(), k) {
			return pm, FieldError(k, "unknown section %q; the sections are %s", k, strings.Join(SectionKeys(), ", "))
		}
		v, err := Lines(k, MaxText*5).Clean(v)
		if err != nil {
			return pm, err
		}
		pm.Sections[k] = v
	}
	if p.Highlights != nil {
		hs := slices.Clone(*p.Highlights)
		slices.Sort(hs)
		hs = slices.Compact(hs)
		for _, seq := range hs {
			if seq < 1 || seq > env.LastSeq {
				return pm, FieldError("highlights", "timeline event %d does not exist; INC-%d has events 1 to %d", seq, pm.Incident, env.LastSeq)
			}
		}
		pm.Highlights = hs
	}
	if p.Reviewers != nil {
		var rs []Reviewer
		for _, name := range *p.Reviewers {
			u, err := env.Users(name)
			if ErrorCode(err) == ENOTFOUND {
				return pm, FieldError("reviewers", "there is no user named %q", name)
			} else if err != nil {
				return pm, err
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
			return pm, err
		}
	}
	return pm, nil
}

// requireOtherReviewers refuses reviewers who are also authors (anyone
// who wrote part of the postmortem), unless self-review is allowed: a
// review is a second pair of eyes.
func (pm Postmortem) requireOtherReviewers(env PostmortemEnv) error {
	if env.AllowSelfReview {
		return nil
	}
	if self := pm.selfReviewers(); len(self) > 0 {
		return FieldError("reviewers", "%s wrote part of this postmortem (authors: %s) and cannot review it; name reviewers who are not its authors (self-review is off: postmortems.allow_self_review)",
			strings.Join(self, ", "), strings.Join(pm.Authors, ", "))
	}
	return nil
}

// ReviewedOnlyByAuthors tells whether every reviewer is also an author:
// then, where self-review is allowed, publishing is an override.
func (pm Postmortem) ReviewedOnlyByAuthors() bool {
	return len(pm.Reviewers) > 0 && len(pm.selfReviewers()) == len(pm.Reviewers)
}

// selfReviewers are the reviewers who are also authors.
func (pm Postmortem) selfReviewers() []string {
	var out []string
	for _, r := range pm.Reviewers {
		if slices.Contains(pm.Authors, r.User) {
			out = append(out, r.User)
		}
	}
	return out
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
		return pm, Errorf(ENOTFOUND, "there is no why %d in this postmortem", id)
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
		return pm, Errorf(ENOTFOUND, "there is no why %d in this postmortem", id)
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

// Submit sends a draft to review; it needs at least one reviewer.
func (pm Postmortem) Submit(env PostmortemEnv) (Postmortem, error) {
	if err := pm.requireEditable(env); err != nil {
		return pm, err
	}
	if pm.Status != PostmortemDraft {
		return pm, Errorf(ECONFLICT, "the postmortem is %s, not a draft", pm.Status)
	}
	if len(pm.Reviewers) == 0 {
		return pm, FieldError("reviewers", "name at least one reviewer before submitting: hansei postmortem %d reviewers USER", pm.Incident)
	}
	pm.Status = PostmortemInReview
	pm.touch(env)
	if err := pm.requireOtherReviewers(env); err != nil {
		return pm, err
	}
	return pm, nil
}

// Approve records the actor's approval of the current version.
func (pm Postmortem) Approve(env PostmortemEnv) (Postmortem, error) {
	if err := pm.requireEditable(env); err != nil {
		return pm, err
	}
	if pm.Status != PostmortemInReview {
		return pm, Errorf(ECONFLICT, "the postmortem is %s; only one in review can be approved", pm.Status)
	}
	i := slices.IndexFunc(pm.Reviewers, func(r Reviewer) bool { return r.User == env.Actor.Name })
	if i < 0 {
		return pm, Errorf(EFORBIDDEN, "%s is not a reviewer of this postmortem", env.Actor.Name)
	}
	if !env.AllowSelfReview && slices.Contains(pm.Authors, env.Actor.Name) {
		return pm, Errorf(EFORBIDDEN, "%s wrote part of this postmortem (authors: %s) and cannot approve it; a reviewer who is not one of its authors approves it (self-review is off: postmortems.allow_self_review)",
			env.Actor.Name, strings.Join(pm.Authors, ", "))
	}
	pm.Reviewers = slices.Clone(pm.Reviewers)
	at := env.Now
	pm.Reviewers[i].ApprovedAt, pm.Reviewers[i].ApprovedVersion = &at, pm.Version
	pm.UpdatedAt = env.Now // an approval is not an edit: the version stays
	return pm, nil
}

// Pending lists reviewers whose approval does not hold for this version.
func (pm Postmortem) Pending() []string {
	var out []string
	for _, r := range pm.Reviewers {
		if r.ApprovedAt == nil || r.ApprovedVersion != pm.Version {
			out = append(out, r.User)
		}
	}
	return out
}

// Publish publishes a reviewed postmortem: every reviewer approved this
// version, and no blocking lint finding remains unless override gives the
// reason to publish anyway. Where self-review is allowed, a postmortem
// approved only by its own authors also needs that reason. Whatever a
// publication went past is recorded with the reason, who and when
// (PublishedOver); an override given when nothing needed it is not.
func (pm Postmortem) Publish(blocking []string, override string, env PostmortemEnv) (Postmortem, error) {
	if err := pm.requireEditable(env); err != nil {
		return pm, err
	}
	if pm.Status != PostmortemInReview {
		return pm, Errorf(ECONFLICT, "the postmortem is %s; submit it for review first", pm.Status)
	}
	self := pm.selfReviewers()
	if len(self) > 0 && !env.AllowSelfReview {
		return pm, Errorf(ECONFLICT, "%s reviews this postmortem but also wrote part of it (authors: %s); name reviewers who are not its authors, and publish once they approve (self-review is off: postmortems.allow_self_review)",
			strings.Join(self, ", "), strings.Join(pm.Authors, ", "))
	}
	// Reviewers can be taken off while in review; with none left nobody
	// would be waiting, and the review would be skipped.
	if len(pm.Reviewers) == 0 {
		return pm, Errorf(ECONFLICT, "the postmortem has no reviewers; name at least one, and publish once they approve: hansei postmortem %d reviewers USER", pm.Incident)
	}
	if p := pm.Pending(); len(p) > 0 {
		return pm, Errorf(ECONFLICT, "waiting for the approval of %s on version %d", strings.Join(p, ", "), pm.Version)
	}
	reason, err := Lines("override", MaxReason).Clean(override)
	if err != nil {
		return pm, err
	}
	selfOnly := pm.ReviewedOnlyByAuthors()
	switch {
	case len(blocking) > 0 && reason == "":
		return pm, Errorf(ECONFLICT, "%d blocking lint finding(s) remain, the first: %s; fix them, or publish with an override reason", len(blocking), blocking[0])
	case selfOnly && reason == "":
		return pm, Errorf(ECONFLICT, "only the postmortem's own authors (%s) approved it; ask a reviewer who did not write it, or publish with an override reason, which is recorded and shown", strings.Join(self, ", "))
	}
	pm.Override, pm.PublishedOver = "", nil
	if len(blocking) > 0 || selfOnly {
		pm.Override = reason
		pm.PublishedOver = &PublishOverride{Reason: reason, By: env.Actor.Name, At: env.Now, BlockingFindings: slices.Clone(blocking)}
		if selfOnly {
			pm.PublishedOver.SelfReviewedBy = self
		}
	}
	pm.Status = PostmortemPublished
	pm.Revision++
	at := env.Now
	pm.PublishedAt, pm.UpdatedAt = &at, env.Now
	return pm, nil
}

// Amend reopens a published postmortem for a new revision, for a reason.
func (pm Postmortem) Amend(reason string, env PostmortemEnv) (Postmortem, error) {
	if err := env.Actor.RequireActor(); err != nil {
		return pm, err
	}
	if pm.Status != PostmortemPublished {
		return pm, Errorf(ECONFLICT, "only a published postmortem is amended; this one is %s and can be edited as it is", pm.Status)
	}
	reason, err := Line("reason", MaxReason).Require().Clean(reason)
	if err != nil {
		return pm, err
	}
	pm.Status, pm.Amendment = PostmortemDraft, reason
	pm.Reviewers = slices.Clone(pm.Reviewers)
	for i := range pm.Reviewers {
		pm.Reviewers[i].ApprovedAt, pm.Reviewers[i].ApprovedVersion = nil, 0
	}
	pm.Override, pm.PublishedOver = "", nil
	pm.touch(env)
	return pm, nil
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
