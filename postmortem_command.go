package hansei

import "slices"

// PostmortemCommand is one change to a postmortem, as Command is one change
// to an incident: a value that says what to do, decided against the
// current postmortem by DecidePostmortem. Every adapter (API, pages,
// command line) builds the same values, so a use case is written once.
type PostmortemCommand interface {
	// Action names the change in the postmortem's history.
	Action() string
}

// EditPostmortem changes sections, highlights or reviewers.
type EditPostmortem struct{ Patch PostmortemPatch }

// AddWhy adds a node to the why-tree.
type AddWhy struct{ Why WhyInput }

// EditWhy changes a node's question, answer or factor.
type EditWhy struct {
	ID  int64
	Why WhyInput
}

// DeleteWhy removes a node; Cascade removes the nodes beneath it too.
type DeleteWhy struct {
	ID      int64
	Cascade bool
}

// SubmitPostmortem asks the reviewers for their approval.
type SubmitPostmortem struct{}

// ApprovePostmortem approves the current version.
type ApprovePostmortem struct{}

// PublishPostmortem publishes a reviewed postmortem; Override is the
// recorded reason to publish despite blocking lint findings.
type PublishPostmortem struct{ Override string }

// AmendPostmortem reopens a published postmortem for a new revision.
type AmendPostmortem struct{ Reason string }

func (EditPostmortem) Action() string    { return "edit" }
func (AddWhy) Action() string            { return "why.add" }
func (EditWhy) Action() string           { return "why.edit" }
func (DeleteWhy) Action() string         { return "why.delete" }
func (SubmitPostmortem) Action() string  { return "submit" }
func (ApprovePostmortem) Action() string { return "approve" }
func (PublishPostmortem) Action() string { return "publish" }
func (AmendPostmortem) Action() string   { return "amend" }

// DecidePostmortem applies cmd to pm and returns the new postmortem with
// the detail that the history records beside the command's action.
// Publishing asks env.Lint for the findings that would block it.
func DecidePostmortem(pm Postmortem, env PostmortemEnv, cmd PostmortemCommand) (Postmortem, any, error) {
	switch c := cmd.(type) {
	case EditPostmortem:
		// The history keeps the texts the edit gave its sections, so
		// that a later save based on this version can be merged.
		out, applied, err := pm.patch(c.Patch, env)
		return out, map[string]any{"fields": applied.fields(), "sections": applied.Sections}, err
	case AddWhy:
		out, node, err := pm.AddWhy(c.Why, env)
		return out, node, err
	case EditWhy:
		out, err := pm.UpdateWhy(c.ID, c.Why, env)
		return out, map[string]int64{"id": c.ID}, err
	case DeleteWhy:
		out, err := pm.DeleteWhy(c.ID, c.Cascade, env)
		return out, map[string]any{"id": c.ID, "cascade": c.Cascade}, err
	case SubmitPostmortem:
		out, err := pm.Submit(env)
		return out, nil, err
	case ApprovePostmortem:
		out, err := pm.Approve(env)
		return out, map[string]int64{"version": pm.Version}, err
	case PublishPostmortem:
		var blocking []string
		if env.Lint != nil {
			findings, err := env.Lint(pm)
			if err != nil {
				return pm, nil, err
			}
			for _, f := range findings {
				if f.Blocking {
					blocking = append(blocking, f.Message+" ("+f.Section+")")
				}
			}
		}
		out, err := pm.Publish(blocking, c.Override, env)
		// The history records the override as kept: a reason given when
		// nothing needed overriding is not one.
		detail := map[string]any{"override": out.Override, "blocking_findings": len(blocking)}
		if o := out.PublishedOver; o != nil && len(o.SelfReviewedBy) > 0 {
			detail["self_reviewed_by"] = o.SelfReviewedBy
		}
		return out, detail, err
	case AmendPostmortem:
		out, err := pm.Amend(c.Reason, env)
		return out, map[string]string{"reason": c.Reason}, err
	}
	return pm, nil, Errorf(EINTERNAL, "unknown postmortem change %T", cmd)
}

// fields names what a patch changes, sorted, for the history.
func (p PostmortemPatch) fields() []string {
	out := make([]string, 0, len(p.Sections)+2)
	for k := range p.Sections {
		out = append(out, k)
	}
	if p.Highlights != nil {
		out = append(out, "highlights")
	}
	if p.Reviewers != nil {
		out = append(out, "reviewers")
	}
	slices.Sort(out)
	return out
}
