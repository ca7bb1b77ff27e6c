package hansei

import (
	"fmt"
	"slices"
)

// PostmortemNotifications are what a change to an incident's postmortem
// tells people: a reviewer asked to review it (when it is submitted, or
// they are added while it is in review) hears it is theirs to review; its
// publication reaches its authors and the incident's active responders.
// Never the one who made the change. inc is the postmortem's incident,
// whose severity and services route it (Route) and whose visibility
// decides what each copy may say.
func PostmortemNotifications(scales Scales, before, after Postmortem, inc Incident, actor string) []Notification {
	var out []Notification
	if after.Status == PostmortemInReview {
		var asked []string
		// Asked once: when it goes to review, or when they are added to
		// it; an edit that makes approvals stale asks nobody again.
		for _, r := range after.Reviewers {
			wasAsked := before.Status == PostmortemInReview && slices.ContainsFunc(before.Reviewers, func(b Reviewer) bool { return b.User == r.User })
			if !wasAsked && r.User != actor {
				asked = append(asked, r.User)
			}
		}
		if len(asked) > 0 {
			n := incidentNotification(scales, inc, NotifyReviewRequested,
				fmt.Sprintf("postmortem:%d:%d:review_requested", inc.Number, after.Version), actor, asked)
			n.Data["reviewers"] = asked
			out = append(out, n)
		}
	}
	if after.Status == PostmortemPublished && before.Status != PostmortemPublished {
		var to []string
		for _, u := range append(slices.Clone(after.Authors), activeResponders(inc)...) {
			if u != actor && !slices.Contains(to, u) {
				to = append(to, u)
			}
		}
		n := incidentNotification(scales, inc, NotifyPublished,
			fmt.Sprintf("postmortem:%d:%d:published", inc.Number, after.Revision), actor, to, "Revision", after.Revision)
		n.Data["revision"] = after.Revision
		out = append(out, n)
	}
	return out
}
