package hansei

import (
	"slices"
	"strings"
	"testing"
)

// selfEnv is pmtEnv with self-review allowed or not.
func selfEnv(actor string, allow bool) PostmortemEnv {
	env := pmtEnv(actor)
	env.AllowSelfReview = allow
	return env
}

// TestReviewersAreNotAuthors: the bypass as it was found — alice, the
// author, names herself the sole reviewer, approves and publishes with an
// override — and its variants, with self-review off (the default) and on.
func TestReviewersAreNotAuthors(t *testing.T) {
	draft := pmtDraft(t) // alice's
	withReviewers := func(allow bool, actor string, names ...string) (Postmortem, error) {
		return draft.Patch(PostmortemPatch{Reviewers: &names}, selfEnv(actor, allow))
	}
	// bob reviews; then bob edits a section, which makes him an author.
	inReview := pmtOK(t)(pmtOK(t)(withReviewers(false, "alice", "bob")).Submit(selfEnv("alice", false)))
	bobEdited := pmtOK(t)(inReview.Patch(PostmortemPatch{Sections: pmtSections("impact", "Checkout failed.")}, selfEnv("bob", false)))

	for _, tc := range []struct {
		name  string
		try   func() (Postmortem, error)
		code  string
		parts []string
	}{
		{"the author names herself sole reviewer", func() (Postmortem, error) { return withReviewers(false, "alice", "alice") },
			EINVALID, []string{"alice wrote part of this postmortem", "name reviewers who are not its authors"}},
		{"another author named", func() (Postmortem, error) {
			pm := pmtOK(t)(draft.Patch(PostmortemPatch{Sections: pmtSections("impact", "x")}, selfEnv("dave", false)))
			return pm.Patch(PostmortemPatch{Reviewers: &[]string{"bob", "dave"}}, selfEnv("alice", false))
		}, EINVALID, []string{"dave wrote part"}},
		{"naming yourself makes you an author", func() (Postmortem, error) { return withReviewers(false, "bob", "bob") },
			EINVALID, []string{"bob wrote part", "authors: alice, bob"}},
		{"a reviewer who edited cannot approve", func() (Postmortem, error) { return bobEdited.Approve(selfEnv("bob", false)) },
			EFORBIDDEN, []string{"bob wrote part of this postmortem", "cannot approve it"}},
		{"nor can the review be published", func() (Postmortem, error) {
			pm := bobEdited
			pm.Reviewers = []Reviewer{{User: "bob", ApprovedAt: &pmtNow, ApprovedVersion: pm.Version}} // as if approved
			return pm.Publish(nil, "trust me", selfEnv("alice", false))
		}, ECONFLICT, []string{"bob reviews this postmortem but also wrote part of it"}},
		{"submitted with an author as reviewer", func() (Postmortem, error) {
			pm := pmtOK(t)(withReviewers(false, "alice", "bob"))
			pm = pmtOK(t)(pm.Patch(PostmortemPatch{Sections: pmtSections("impact", "x")}, selfEnv("bob", false)))
			return pm.Submit(selfEnv("alice", false))
		}, EINVALID, []string{"bob wrote part"}},
		{"reviewers taken off while in review", func() (Postmortem, error) {
			pm := pmtOK(t)(inReview.Patch(PostmortemPatch{Reviewers: &[]string{}}, selfEnv("alice", false)))
			return pm.Publish(nil, "no one to wait for", selfEnv("alice", false))
		}, ECONFLICT, []string{"no reviewers", "name at least one"}},
		{"self-review allowed: the authors' approval alone needs a reason", func() (Postmortem, error) {
			pm := pmtOK(t)(withReviewers(true, "alice", "alice"))
			pm = pmtOK(t)(pm.Submit(selfEnv("alice", true)))
			pm = pmtOK(t)(pm.Approve(selfEnv("alice", true)))
			return pm.Publish(nil, " \u200b ", selfEnv("alice", true))
		}, EINVALID, []string{"override has no visible character"}},
		{"self-review allowed: no reason at all", func() (Postmortem, error) {
			pm := pmtOK(t)(withReviewers(true, "alice", "alice"))
			pm = pmtOK(t)(pm.Submit(selfEnv("alice", true)))
			pm = pmtOK(t)(pm.Approve(selfEnv("alice", true)))
			return pm.Publish(nil, "", selfEnv("alice", true))
		}, ECONFLICT, []string{"only the postmortem's own authors (alice) approved it", "override reason"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.try()
			wantMessage(t, pmtErr(t, err, tc.code), tc.parts...)
			if out.Status == PostmortemPublished {
				t.Errorf("published anyway")
			}
		})
	}

	t.Run("self-review allowed, published with the reason recorded", func(t *testing.T) {
		pm := pmtOK(t)(withReviewers(true, "alice", "alice"))
		pm = pmtOK(t)(pm.Submit(selfEnv("alice", true)))
		pm = pmtOK(t)(pm.Approve(selfEnv("alice", true)))
		pm, detail, err := DecidePostmortem(pm, selfEnv("alice", true), PublishPostmortem{Override: " a team of one "})
		if err != nil {
			t.Fatal(err)
		}
		o := pm.PublishedOver
		if pm.Status != PostmortemPublished || pm.Override != "a team of one" || o == nil || o.Reason != "a team of one" ||
			o.By != "alice" || !o.At.Equal(pmtNow) || !slices.Equal(o.SelfReviewedBy, []string{"alice"}) || o.BlockingFindings != nil {
			t.Fatalf("published %s, override %q, published over %+v", pm.Status, pm.Override, o)
		}
		d := detail.(map[string]any)
		if d["override"] != "a team of one" || !slices.Equal(d["self_reviewed_by"].([]string), []string{"alice"}) {
			t.Errorf("history detail %v", d)
		}
		if got := o.Summary(); got != "published by alice over a review by its own authors (alice)" {
			t.Errorf("summary %q", got)
		}
	})
	t.Run("self-review allowed, an independent approval needs no reason", func(t *testing.T) {
		pm := pmtOK(t)(withReviewers(true, "alice", "alice", "bob"))
		pm = pmtOK(t)(pm.Submit(selfEnv("alice", true)))
		pm = pmtOK(t)(pm.Approve(selfEnv("alice", true)))
		pm = pmtOK(t)(pm.Approve(selfEnv("bob", true)))
		pm = pmtOK(t)(pm.Publish(nil, "", selfEnv("alice", true)))
		if pm.Status != PostmortemPublished || pm.PublishedOver != nil {
			t.Fatalf("published %s over %+v", pm.Status, pm.PublishedOver)
		}
	})
	t.Run("an override of lint findings is recorded with them", func(t *testing.T) {
		pm := pmtOK(t)(inReview.Approve(selfEnv("bob", false)))
		blocking := []string{"blame: human error (response)", "empty section (impact)"}
		pm = pmtOK(t)(pm.Publish(blocking, "Legal wording agreed.", selfEnv("carol", false)))
		o := pm.PublishedOver
		if o == nil || o.By != "carol" || o.Reason != "Legal wording agreed." || !slices.Equal(o.BlockingFindings, blocking) || o.SelfReviewedBy != nil {
			t.Fatalf("published over %+v", o)
		}
		if !strings.HasPrefix(o.Summary(), "published by carol over 2 blocking lint findings") {
			t.Errorf("summary %q", o.Summary())
		}
		// The incident's timeline records it when publishing closes it.
		inc := incidentAt(StatusResolved)
		evs, err := Decide(inc, envAs("carol"), CloseIncident{Revision: pm.Revision, Override: o})
		if err != nil {
			t.Fatal(err)
		}
		want := "status resolved → closed: postmortem published (revision 1); published by carol over 2 blocking lint findings: Legal wording agreed."
		if got := DescribeEvent(evs[0]).In(enWords()); got != want {
			t.Errorf("timeline\n got %s\nwant %s", got, want)
		}
		// An amendment starts a revision without it.
		amended := pmtOK(t)(pm.Amend("typo", selfEnv("alice", false)))
		if amended.Override != "" || amended.PublishedOver != nil {
			t.Errorf("amended keeps the override: %+v", amended.PublishedOver)
		}
	})
}
