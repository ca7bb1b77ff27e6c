package hansei

import (
	"slices"
	"strings"
)

// The review of a postmortem: submitting it, approving it, publishing it
// (with an override when it goes past something) and amending it. A
// review is a second pair of eyes, so its reviewers are others than its
// authors unless PostmortemEnv.AllowSelfReview says otherwise.

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
