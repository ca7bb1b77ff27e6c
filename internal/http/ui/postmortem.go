package ui

import (
	"net/http"
	"slices"
	"unicode"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// The postmortem pages: the draft's creation, the editor (sections with
// their lint findings inline, the record and its highlights, the why-tree
// with its remediations, reviewers) and the review's steps. Every change
// goes through the store's ChangePostmortem, as the JSON API's do, so the
// domain decides what is allowed.

// pmSectionText is a section's heading and a line on what belongs in it.
func pmSectionText(v *viewer, key string) (heading, hint string) {
	return v.Word("pm_section", key), v.Word("pm_section_hint", key)
}

// pmStatusText is a postmortem status in words.
func pmStatusText(v *viewer, st hansei.PostmortemStatus) string {
	return v.Word("postmortem_state", string(st))
}

// pmKeyTimeText names a key time of the record as the incident page does.
func pmKeyTimeText(v *viewer, name string) string {
	return v.Word("key_time", name)
}

// factorText is a contributing-factor category in words.
func factorText(v *viewer, f string) string {
	return v.Word("factor", f)
}

// pmChoice is an option of a select: the value sent and the words shown.
type pmChoice struct{ Value, Label string }

// pmRem is a remediation with its status in words.
type pmRem struct {
	hansei.Remediation
	StatusText string
}

// findingView is a lint finding with the offending text cut out of its
// section for highlighting: Before<mark>Mark</mark>After.
type findingView struct {
	hansei.Finding
	Before, Mark, After string
}

// findingContext is how many characters of the section are shown around
// a finding's span.
const findingContext = 60

func newFindingView(f hansei.Finding, text string) findingView {
	fv := findingView{Finding: f}
	rs := []rune(text)
	if f.End <= f.Start || f.Start < 0 || f.End > len(rs) {
		return fv
	}
	from, to := max(f.Start-findingContext, 0), min(f.End+findingContext, len(rs))
	// Widen the excerpt to whole words, so that it never starts or ends
	// mid-word (within a few runes; CJK text has no spaces to find).
	for i := 0; i < 12 && from > 0 && !unicode.IsSpace(rs[from-1]); i++ {
		from--
	}
	for i := 0; i < 12 && to < len(rs) && !unicode.IsSpace(rs[to]); i++ {
		to++
	}
	fv.Before, fv.Mark, fv.After = string(rs[from:f.Start]), string(rs[f.Start:f.End]), string(rs[f.End:to])
	if from > 0 {
		fv.Before = "…" + fv.Before
	}
	if to < len(rs) {
		fv.After += "…"
	}
	return fv
}

type pmSection struct {
	Key, Heading, Hint, Text string
	Required                 bool
	// Conflict: a save changed this section and someone else changed it
	// since; Text is then the viewer's text, Theirs the saved one.
	Theirs   string
	Conflict bool
	Findings []findingView
}

type whyView struct {
	hansei.WhyNode
	Children     []whyView
	Findings     []findingView
	Remediations []pmRem
	FactorText   string
	Descendants  int
}

type reviewerView struct {
	hansei.Reviewer
	Approved bool // for the current version
	Stale    bool // approved an earlier version
}

type candidateView struct {
	hansei.RecordEntry
	Picked bool
}

type durationView struct {
	From, To, Length string
}

type pmFindingCount struct {
	Section, Heading string
	Count            int
}

// postmortemView is the postmortem page.
type postmortemView struct {
	Inc    hansei.Incident
	Exists bool
	// NotReady is the domain's reason no draft can be started yet.
	NotReady string

	PM          hansei.Postmortem
	StatusLabel string
	Editable    bool
	Sections    []pmSection

	Findings, Blocking int
	PerSection         []pmFindingCount
	BlockingList       []findingView
	WhyFindings        []findingView // about the tree as a whole
	RemFindings        []findingView // about remediations not linked to a why

	KeyTimes   []keyTime
	Durations  []durationView
	Record     hansei.Record
	Candidates []candidateView
	Other      []int64 // highlights that are not among the candidates

	Whys     []whyView
	Factors  []pmChoice
	Unlinked []pmRem

	Users      []string
	Reviewers  []reviewerView
	Chosen     []string
	Pending    []string
	CanApprove bool
	Priorities []hansei.Level

	// ApproveRefused is the domain's reason a pending reviewer may not
	// approve (they wrote part of the postmortem).
	ApproveRefused string
	// NotReviewers are the users who may not be named reviewers: the
	// authors and the viewer, who becomes one by saving (unless
	// self-review is allowed).
	NotReviewers []string
	// SelfReviewOnly: only authors reviewed it (self-review allowed), so
	// publishing needs an override reason.
	SelfReviewOnly bool
}

func (s *Handler) postmortemPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	d, err := s.loadPostmortemView(r, v)
	if err != nil {
		return err
	}
	return s.renderPostmortem(w, r, v, http.StatusOK, d, nil)
}

func (s *Handler) renderPostmortem(w http.ResponseWriter, r *http.Request, v *viewer, status int, d postmortemView, f *flash) error {
	return s.render(w, r, status, "postmortem", view{V: v, Title: v.T("common.postmortem") + " · " + d.Inc.Ref() + " " + d.Inc.Title,
		Nav: "incidents", Flash: f, D: d})
}

func postmortemURL(n int64) string { return incidentURL(n) + "/postmortem" }

func (s *Handler) loadPostmortemView(r *http.Request, v *viewer) (postmortemView, error) {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return postmortemView{}, err
	}
	ctx := r.Context()
	inc, err := s.app.Incidents.Get(ctx, v.User, n)
	if err != nil {
		return postmortemView{}, err
	}
	d := postmortemView{Inc: inc, Priorities: s.scales.Priority.Levels}
	for _, f := range hansei.FactorCategories() {
		d.Factors = append(d.Factors, pmChoice{f, factorText(v, f)})
	}
	pm, err := s.app.Postmortems.Get(ctx, v.User, n)
	if hansei.ErrorCode(err) == hansei.ENOTFOUND {
		// The domain says whether a draft can be started now.
		if _, err := hansei.NewDraft(inc, nil, v.User.Name, v.Now); err != nil {
			d.NotReady = v.errorText(err)
		}
		return d, nil
	} else if err != nil {
		return d, err
	}
	d.Exists, d.PM = true, pm
	d.StatusLabel = pmStatusText(v, pm.Status)
	d.Editable = v.CanAct() && pm.Status != hansei.PostmortemPublished

	rems, err := s.app.Remediations.List(ctx, v.User, hansei.RemediationFilter{Incident: n})
	if err != nil {
		return d, err
	}
	var findings []hansei.Finding
	if pm.Status != hansei.PostmortemPublished {
		if findings, err = s.app.Postmortems.Lint(ctx, v.User, pm); err != nil {
			return d, err
		}
		for i := range findings {
			findings[i] = localizeFinding(v.p, findings[i])
		}
	}
	d.Findings = len(findings)

	// Sections, with their findings.
	bySection := map[string][]hansei.Finding{}
	for _, f := range findings {
		bySection[f.Section] = append(bySection[f.Section], f)
		if f.Blocking {
			d.Blocking++
		}
	}
	for _, k := range hansei.SectionKeys() {
		heading, hint := pmSectionText(v, k)
		sec := pmSection{Key: k, Heading: heading, Hint: hint, Text: pm.Sections[k], Required: slices.Contains(hansei.RequiredSections(), k)}
		for _, f := range bySection[k] {
			fv := newFindingView(f, sec.Text)
			sec.Findings = append(sec.Findings, fv)
			if f.Blocking {
				d.BlockingList = append(d.BlockingList, fv)
			}
		}
		if n := len(sec.Findings); n > 0 {
			d.PerSection = append(d.PerSection, pmFindingCount{Section: "sec-" + k, Heading: heading, Count: n})
		}
		d.Sections = append(d.Sections, sec)
	}

	// The why-tree, with its findings and remediations.
	remByID := map[int64]pmRem{}
	for _, rem := range rems {
		remByID[rem.ID] = pmRem{Remediation: rem, StatusText: remStatusText(v, rem.Status)}
	}
	nodeFindings := map[int64][]findingView{}
	for _, f := range bySection[hansei.LintSectionWhys] {
		fv := newFindingView(f, "")
		if f.Node != 0 {
			nodeFindings[f.Node] = append(nodeFindings[f.Node], fv)
		} else {
			d.WhyFindings = append(d.WhyFindings, fv)
		}
		if f.Blocking {
			d.BlockingList = append(d.BlockingList, fv)
		}
	}
	linked := map[int64]bool{}
	for _, n := range pm.Whys {
		for _, id := range n.Remediations {
			linked[id] = true
		}
	}
	for _, f := range bySection[hansei.LintSectionRemediations] {
		fv := newFindingView(f, "")
		if rem, ok := remByID[f.Remediation]; ok && rem.WhyNode != 0 && linked[rem.ID] {
			nodeFindings[rem.WhyNode] = append(nodeFindings[rem.WhyNode], fv)
		} else {
			d.RemFindings = append(d.RemFindings, fv)
		}
		if f.Blocking {
			d.BlockingList = append(d.BlockingList, fv)
		}
	}
	if n := len(bySection[hansei.LintSectionWhys]); n > 0 {
		d.PerSection = append(d.PerSection, pmFindingCount{Section: "whys", Heading: v.T("common.why_tree"), Count: n})
	}
	if n := len(bySection[hansei.LintSectionRemediations]); n > 0 {
		d.PerSection = append(d.PerSection, pmFindingCount{Section: "whys", Heading: v.T("common.remediations"), Count: n})
	}
	d.Whys = whyViews(v, pm.Whys, 0, nodeFindings, remByID)
	for _, rem := range rems {
		if !linked[rem.ID] {
			d.Unlinked = append(d.Unlinked, remByID[rem.ID])
		}
	}

	// The record and the highlights.
	d.Record = pm.Record
	for _, kt := range pm.Record.KeyTimes {
		d.KeyTimes = append(d.KeyTimes, keyTime{Label: pmKeyTimeText(v, kt.Name), At: kt.At})
	}
	for _, du := range pm.Record.Durations {
		d.Durations = append(d.Durations, durationView{From: pmKeyTimeText(v, du.From), To: pmKeyTimeText(v, du.To),
			Length: v.Duration(secondsDuration(du.Seconds))})
	}
	picked := map[int64]bool{}
	for _, seq := range pm.Highlights {
		picked[seq] = true
	}
	for _, c := range pm.Record.Candidates {
		d.Candidates = append(d.Candidates, candidateView{RecordEntry: c, Picked: picked[c.Seq]})
		delete(picked, c.Seq)
	}
	for _, seq := range pm.Highlights {
		if picked[seq] {
			d.Other = append(d.Other, seq)
		}
	}

	// Review.
	for _, rv := range pm.Reviewers {
		approved := rv.ApprovedAt != nil && rv.ApprovedVersion == pm.Version
		d.Reviewers = append(d.Reviewers, reviewerView{Reviewer: rv, Approved: approved, Stale: rv.ApprovedAt != nil && !approved})
		d.Chosen = append(d.Chosen, rv.User)
	}
	d.Pending = pm.Pending()
	// Whether to offer approving, and whom to offer as a reviewer, is asked
	// of the domain's rule, so the page never offers what it would refuse.
	selfReview := s.app.Postmortems.AllowSelfReview
	if v.CanAct() && pm.Status == hansei.PostmortemInReview && slices.Contains(d.Pending, v.User.Name) {
		_, err := pm.Approve(hansei.PostmortemEnv{Now: v.Now, Actor: v.User, AllowSelfReview: selfReview})
		d.CanApprove, d.ApproveRefused = err == nil, hansei.ErrorMessage(err)
	}
	if !selfReview {
		d.NotReviewers = append(slices.Clone(pm.Authors), v.User.Name)
	}
	d.SelfReviewOnly = selfReview && pm.ReviewedOnlyByAuthors()
	if v.CanAct() {
		users, err := s.app.Users.All(ctx)
		if err != nil {
			return d, err
		}
		for _, u := range users {
			if u.CanAct() {
				d.Users = append(d.Users, u.Name)
			}
		}
	}
	return d, nil
}

func whyViews(v *viewer, nodes []hansei.WhyNode, parent int64, findings map[int64][]findingView, rems map[int64]pmRem) []whyView {
	var out []whyView
	for _, n := range nodes {
		if n.Parent != parent {
			continue
		}
		wv := whyView{WhyNode: n, Findings: findings[n.ID], Children: whyViews(v, nodes, n.ID, findings, rems)}
		if n.Factor != "" {
			wv.FactorText = factorText(v, n.Factor)
		}
		for _, id := range n.Remediations {
			if rem, ok := rems[id]; ok {
				wv.Remediations = append(wv.Remediations, rem)
			}
		}
		for _, c := range wv.Children {
			wv.Descendants += 1 + c.Descendants
		}
		out = append(out, wv)
	}
	return out
}
