package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// The postmortem editor's forms: each posts one change and returns to the
// editor at the part it changed.

// createPostmortemForm starts the draft, prefilled from the timeline.
func (s *Handler) createPostmortemForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	if _, err := s.app.Postmortems.Create(r.Context(), v.User, n); err != nil {
		return err
	}
	return redirect(w, r, postmortemURL(n), v.T("flash.draft_ready"))
}

// changePostmortemForm runs one change and returns to the editor.
func (s *Handler) changePostmortemForm(w http.ResponseWriter, r *http.Request, v *viewer, done, anchor string, cmd hansei.PostmortemCommand) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	if _, err := s.app.Postmortems.Change(r.Context(), v.User, n, cmd); err != nil {
		return err
	}
	return redirect(w, r, postmortemURL(n)+anchor, done)
}

// formText is a form field with the browser's CRLF line ends made LF, as
// the API and the command line store text.
func formText(r *http.Request, name string) string {
	return strings.ReplaceAll(r.PostForm.Get(name), "\r\n", "\n")
}

// saveSectionsForm saves every section of the form in one edit, with the
// version the form was loaded at. The server merges by section: if someone
// saved other sections in between, both saves stand. Only where both
// changed the same section does the page come back, with the viewer's text
// in the form, the other's beside it, and every other section as the
// merge would read, so nothing typed is lost.
func (s *Handler) saveSectionsForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	version, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	if err != nil {
		return s.pageErr(hansei.EINVALID, "version", "error.form_lacks_version")
	}
	current, err := s.app.Postmortems.Get(r.Context(), v.User, n)
	if err != nil {
		return err
	}
	typed := map[string]string{}
	changed := false
	for _, k := range hansei.SectionKeys() {
		if _, ok := r.PostForm[k]; !ok {
			continue
		}
		typed[k] = formText(r, k)
		changed = changed || typed[k] != current.Sections[k]
	}
	if !changed && version == current.Version {
		return redirect(w, r, postmortemURL(n)+"#pm-sections", v.T("flash.nothing_changed"))
	}
	p := hansei.PostmortemPatch{Sections: typed, Version: &version}
	_, err = s.app.Postmortems.Change(r.Context(), v.User, n, hansei.EditPostmortem{Patch: p})
	if conflictOnVersion(err) {
		return s.sectionConflictPage(w, r, v, n, version, typed)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, postmortemURL(n)+"#pm-sections", v.T("flash.saved"))
}

// sectionConflictPage answers a refused save with the editor at the
// current version: each conflicting section holds the viewer's text with
// the saved one beside it; the others read as the merge would.
func (s *Handler) sectionConflictPage(w http.ResponseWriter, r *http.Request, v *viewer, n, version int64, typed map[string]string) error {
	_, m, err := s.app.Postmortems.Merge(r.Context(), v.User, n, version, typed)
	if err != nil {
		return err
	}
	d, err := s.loadPostmortemView(r, v)
	if err != nil {
		return err
	}
	v.Path = postmortemURL(n) // the page's forms return to the page, not to this post
	theirs := map[string]string{}
	for _, c := range m.Conflicts {
		theirs[c.Section] = c.Theirs
	}
	var names []string
	for i, sec := range d.Sections {
		if t, ok := theirs[sec.Key]; ok {
			d.Sections[i].Theirs, d.Sections[i].Conflict = t, true
			names = append(names, sec.Heading)
		}
		if t, ok := m.Result[sec.Key]; ok {
			d.Sections[i].Text = t
		}
	}
	return s.renderPostmortem(w, r, v, http.StatusConflict, d,
		&flash{Error: true, Text: v.T("flash.section_conflict", "Sections", strings.Join(names, ", "))})
}

// conflictOnVersion tells whether err is the domain's refusal of an edit
// made on an older version.
func conflictOnVersion(err error) bool {
	var e *hansei.Error
	return errors.As(err, &e) && e.Code == hansei.ECONFLICT && e.Fields["version"] != ""
}

func secondsDuration(s int64) time.Duration { return time.Duration(s) * time.Second }

// formInts reads the whole numbers of a repeated field.
func (s *Handler) formInts(r *http.Request, name string) ([]int64, error) {
	out := []int64{}
	for _, raw := range r.PostForm[name] {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, s.pageErr(hansei.EINVALID, name, "error.not_a_number", "Value", raw)
		}
		out = append(out, n)
	}
	return out, nil
}

func (s *Handler) highlightsForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	hs, err := s.formInts(r, "highlights")
	if err != nil {
		return err
	}
	return s.changePostmortemForm(w, r, v, v.T("flash.highlights_saved"), "#pm-highlights",
		hansei.EditPostmortem{Patch: hansei.PostmortemPatch{Highlights: &hs}})
}

func (s *Handler) reviewersForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	rs := append([]string{}, r.PostForm["reviewers"]...)
	return s.changePostmortemForm(w, r, v, v.T("flash.reviewers_saved"), "#pm-review",
		hansei.EditPostmortem{Patch: hansei.PostmortemPatch{Reviewers: &rs}})
}

// formFactor is the why's factor: the category when it is marked as a
// contributing factor, "" when not.
func formFactor(r *http.Request) *string {
	f := ""
	if r.PostForm.Get("contributing") != "" {
		f = r.PostForm.Get("factor")
	}
	return &f
}

func (s *Handler) addWhyForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	var parent int64
	if raw := r.PostForm.Get("parent"); raw != "" && raw != "0" {
		p, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || p < 0 {
			return s.pageErr(hansei.EINVALID, "parent", "error.parent_not_why", "Value", raw)
		}
		parent = p
	}
	in := hansei.WhyInput{Parent: parent, Question: formText(r, "question"), Answer: formText(r, "answer")}
	if r.PostForm.Get("contributing") != "" {
		in.Factor = formFactor(r)
	}
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	pm, err := s.app.Postmortems.Change(r.Context(), v.User, n, hansei.AddWhy{Why: in})
	if err != nil {
		return err
	}
	added := pm.Whys[len(pm.Whys)-1].ID // AddWhy appends the new node
	return redirect(w, r, postmortemURL(n)+"#why-"+strconv.FormatInt(added, 10), v.T("flash.why_added"))
}

func (s *Handler) updateWhyForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := httpx.WhyID(r)
	if err != nil {
		return err
	}
	in := hansei.WhyInput{Question: formText(r, "question"), Answer: formText(r, "answer"), Factor: formFactor(r)}
	return s.changePostmortemForm(w, r, v, v.T("flash.why_saved"), "#why-"+strconv.FormatInt(id, 10), hansei.EditWhy{ID: id, Why: in})
}

// deleteWhyForm removes a why and everything beneath it: the form that
// sends this says so.
func (s *Handler) deleteWhyForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := httpx.WhyID(r)
	if err != nil {
		return err
	}
	cascade := r.PostForm.Get("cascade") == "true"
	return s.changePostmortemForm(w, r, v, v.T("flash.why_deleted"), "#whys", hansei.DeleteWhy{ID: id, Cascade: cascade})
}

// whyRemediationForm adds a remediation that answers a why.
func (s *Handler) whyRemediationForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	id, err := httpx.WhyID(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	opt := func(name string) *string {
		if _, ok := f[name]; !ok {
			return nil
		}
		s := strings.TrimSpace(f.Get(name))
		return &s
	}
	in := hansei.RemediationInput{Title: opt("title"), Owner: opt("owner"), Priority: opt("priority"), Due: opt("due"), WhyNode: &id,
		Backdate: f.Get("backdate") == "true"}
	if in.Due != nil && *in.Due == "" {
		in.Due = nil
	}
	rem, err := s.app.Remediations.Create(r.Context(), v.User, n, in)
	if err != nil {
		return err
	}
	return redirect(w, r, postmortemURL(n)+"#why-"+strconv.FormatInt(id, 10),
		withWarnings(v, v.T("flash.remediation_added", "ID", rem.ID), s.app.Remediations.Warnings(rem)))
}

func (s *Handler) submitPostmortemForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.changePostmortemForm(w, r, v, v.T("flash.submitted_review"), "#pm-review", hansei.SubmitPostmortem{})
}

func (s *Handler) approvePostmortemForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.changePostmortemForm(w, r, v, v.T("flash.approved"), "#pm-review", hansei.ApprovePostmortem{})
}

func (s *Handler) publishPostmortemForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	override := strings.TrimSpace(formText(r, "override"))
	return s.changePostmortemForm(w, r, v, v.T("flash.published_incident_closed"), "", hansei.PublishPostmortem{Override: override})
}

func (s *Handler) amendPostmortemForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	reason := formText(r, "reason")
	return s.changePostmortemForm(w, r, v, v.T("flash.amending"), "", hansei.AmendPostmortem{Reason: reason})
}

// postmortemExportPage sends the Markdown export (as the API's) as a file
// to save.
func (s *Handler) postmortemExportPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	pm, md, err := s.app.Postmortems.Export(r.Context(), v.User, n, v.p)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="INC-`+strconv.FormatInt(pm.Incident, 10)+`-postmortem.md"`)
	return httpx.Sent(w.Write([]byte(md)))
}
