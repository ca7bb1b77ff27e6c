package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb"
)

// The postmortem editor's forms: each posts one change and returns to the
// editor at the part it changed.

// createPostmortemForm starts the draft, prefilled from the timeline.
func (s *Server) createPostmortemForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	n, err := incidentNumber(r)
	if err != nil {
		return err
	}
	if _, err := s.store.CreatePostmortem(r.Context(), v.User, n); err != nil {
		return err
	}
	return redirect(w, r, postmortemURL(n), v.T("The draft is ready, prefilled from the timeline."))
}

// changePostmortemForm runs one change and returns to the editor.
func (s *Server) changePostmortemForm(w http.ResponseWriter, r *http.Request, v *viewer, action, done, anchor string, change sqldb.PostmortemChange) error {
	n, err := incidentNumber(r)
	if err != nil {
		return err
	}
	if _, err := s.store.ChangePostmortem(r.Context(), v.User, n, action, change); err != nil {
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
// version the form was loaded at: if someone saved in between, the page
// comes back with their text, the viewer's unsaved text beside it and the
// conflict on top.
func (s *Server) saveSectionsForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	n, err := incidentNumber(r)
	if err != nil {
		return err
	}
	version, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	if err != nil {
		return hansei.FieldError("version", "the form lacks the version it was loaded at; reload the page and edit again")
	}
	current, err := s.store.Postmortem(r.Context(), v.User, n)
	if err != nil {
		return err
	}
	typed := map[string]string{}
	changed := map[string]string{}
	for _, k := range hansei.SectionKeys() {
		if _, ok := r.PostForm[k]; !ok {
			continue
		}
		typed[k] = formText(r, k)
		if typed[k] != current.Sections[k] {
			changed[k] = typed[k]
		}
	}
	if len(changed) == 0 && version == current.Version {
		return redirect(w, r, postmortemURL(n)+"#pm-sections", v.T("Nothing changed."))
	}
	p := hansei.PostmortemPatch{Sections: changed, Version: &version}
	_, err = s.store.ChangePostmortem(r.Context(), v.User, n, "edit", func(pm hansei.Postmortem, env hansei.PostmortemEnv) (hansei.Postmortem, any, error) {
		out, err := pm.Patch(p, env)
		fields := make([]string, 0, len(changed))
		for k := range changed {
			fields = append(fields, k)
		}
		slices.Sort(fields)
		return out, map[string]any{"fields": fields}, err
	})
	if conflictOnVersion(err) {
		d, lerr := s.loadPostmortemView(r, v)
		if lerr != nil {
			return lerr
		}
		v.Path = postmortemURL(n) // the page's forms return to the page, not to this post
		for i, sec := range d.Sections {
			if t, ok := typed[sec.Key]; ok && t != sec.Text {
				d.Sections[i].Unsaved, d.Sections[i].Conflict = t, true
			}
		}
		msg := v.T("Someone else saved first: reload. The form now shows the saved text; your unsaved text is kept below each section that differs, so you can merge it and save again.") +
			" (" + hansei.ErrorMessage(err) + ")"
		return s.renderPostmortem(w, r, v, http.StatusConflict, d, &flash{Error: true, Text: msg})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, postmortemURL(n)+"#pm-sections", v.T("Saved."))
}

// conflictOnVersion tells whether err is the domain's refusal of an edit
// made on an older version.
func conflictOnVersion(err error) bool {
	var e *hansei.Error
	return errors.As(err, &e) && e.Code == hansei.ECONFLICT && e.Fields["version"] != ""
}

func secondsDuration(s int64) time.Duration { return time.Duration(s) * time.Second }

// formInts reads the whole numbers of a repeated field.
func formInts(r *http.Request, name string) ([]int64, error) {
	out := []int64{}
	for _, raw := range r.PostForm[name] {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, hansei.FieldError(name, "%q is not a number", raw)
		}
		out = append(out, n)
	}
	return out, nil
}

func (s *Server) highlightsForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	hs, err := formInts(r, "highlights")
	if err != nil {
		return err
	}
	return s.changePostmortemForm(w, r, v, "edit", v.T("Highlights saved."), "#pm-highlights",
		func(pm hansei.Postmortem, env hansei.PostmortemEnv) (hansei.Postmortem, any, error) {
			out, err := pm.Patch(hansei.PostmortemPatch{Highlights: &hs}, env)
			return out, map[string]any{"fields": []string{"highlights"}}, err
		})
}

func (s *Server) reviewersForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	rs := append([]string{}, r.PostForm["reviewers"]...)
	return s.changePostmortemForm(w, r, v, "edit", v.T("Reviewers saved."), "#pm-review",
		func(pm hansei.Postmortem, env hansei.PostmortemEnv) (hansei.Postmortem, any, error) {
			out, err := pm.Patch(hansei.PostmortemPatch{Reviewers: &rs}, env)
			return out, map[string]any{"fields": []string{"reviewers"}}, err
		})
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

func (s *Server) addWhyForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	var parent int64
	if raw := r.PostForm.Get("parent"); raw != "" && raw != "0" {
		p, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || p < 0 {
			return hansei.FieldError("parent", "parent %q is not a why of this postmortem", raw)
		}
		parent = p
	}
	in := hansei.WhyInput{Parent: parent, Question: formText(r, "question"), Answer: formText(r, "answer")}
	if r.PostForm.Get("contributing") != "" {
		in.Factor = formFactor(r)
	}
	var added int64
	n, err := incidentNumber(r)
	if err != nil {
		return err
	}
	_, err = s.store.ChangePostmortem(r.Context(), v.User, n, "why.add", func(pm hansei.Postmortem, env hansei.PostmortemEnv) (hansei.Postmortem, any, error) {
		out, node, err := pm.AddWhy(in, env)
		added = node.ID
		return out, node, err
	})
	if err != nil {
		return err
	}
	return redirect(w, r, postmortemURL(n)+"#why-"+strconv.FormatInt(added, 10), v.T("Why added."))
}

func (s *Server) updateWhyForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := whyID(r)
	if err != nil {
		return err
	}
	in := hansei.WhyInput{Question: formText(r, "question"), Answer: formText(r, "answer"), Factor: formFactor(r)}
	return s.changePostmortemForm(w, r, v, "why.edit", v.T("Why saved."), "#why-"+strconv.FormatInt(id, 10),
		func(pm hansei.Postmortem, env hansei.PostmortemEnv) (hansei.Postmortem, any, error) {
			out, err := pm.UpdateWhy(id, in, env)
			return out, map[string]int64{"id": id}, err
		})
}

// deleteWhyForm removes a why and everything beneath it: the form that
// sends this says so.
func (s *Server) deleteWhyForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := whyID(r)
	if err != nil {
		return err
	}
	cascade := r.PostForm.Get("cascade") == "true"
	return s.changePostmortemForm(w, r, v, "why.delete", v.T("Why deleted."), "#whys",
		func(pm hansei.Postmortem, env hansei.PostmortemEnv) (hansei.Postmortem, any, error) {
			out, err := pm.DeleteWhy(id, cascade, env)
			return out, map[string]any{"id": id, "cascade": cascade}, err
		})
}

// whyRemediationForm adds a remediation that answers a why.
func (s *Server) whyRemediationForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	n, err := incidentNumber(r)
	if err != nil {
		return err
	}
	id, err := whyID(r)
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
	in := hansei.RemediationInput{Title: opt("title"), Owner: opt("owner"), Priority: opt("priority"), Due: opt("due"), WhyNode: &id}
	if in.Due != nil && *in.Due == "" {
		in.Due = nil
	}
	rem, err := s.store.CreateRemediation(r.Context(), v.User, n, in)
	if err != nil {
		return err
	}
	return redirect(w, r, postmortemURL(n)+"#why-"+strconv.FormatInt(id, 10), v.Tf("Remediation %d added.", rem.ID))
}

func (s *Server) submitPostmortemForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.changePostmortemForm(w, r, v, "submit", v.T("Submitted for review."), "#pm-review",
		func(pm hansei.Postmortem, env hansei.PostmortemEnv) (hansei.Postmortem, any, error) {
			out, err := pm.Submit(env)
			return out, nil, err
		})
}

func (s *Server) approvePostmortemForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.changePostmortemForm(w, r, v, "approve", v.T("Approved."), "#pm-review",
		func(pm hansei.Postmortem, env hansei.PostmortemEnv) (hansei.Postmortem, any, error) {
			out, err := pm.Approve(env)
			return out, map[string]int64{"version": pm.Version}, err
		})
}

func (s *Server) publishPostmortemForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	override := strings.TrimSpace(formText(r, "override"))
	return s.changePostmortemForm(w, r, v, "publish", v.T("Published. The incident is closed."), "",
		func(pm hansei.Postmortem, env hansei.PostmortemEnv) (hansei.Postmortem, any, error) {
			findings, err := s.lint(r.Context(), pm)
			if err != nil {
				return pm, nil, err
			}
			var blocking []string
			for _, f := range findings {
				if f.Blocking {
					blocking = append(blocking, f.Message+" ("+f.Section+")")
				}
			}
			out, err := pm.Publish(blocking, override, env)
			return out, map[string]any{"override": override, "blocking_findings": len(blocking)}, err
		})
}

func (s *Server) amendPostmortemForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	reason := formText(r, "reason")
	return s.changePostmortemForm(w, r, v, "amend", v.T("Amending: the postmortem is a draft again."), "",
		func(pm hansei.Postmortem, env hansei.PostmortemEnv) (hansei.Postmortem, any, error) {
			out, err := pm.Amend(reason, env)
			return out, map[string]string{"reason": reason}, err
		})
}

// postmortemExportPage sends the Markdown export (as the API's) as a file
// to save.
func (s *Server) postmortemExportPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	aw := &attachmentWriter{ResponseWriter: w}
	err := s.exportPostmortem(aw, r, v.User)
	if err != nil && !aw.wrote {
		w.Header().Del("Content-Disposition")
	}
	return err
}

// attachmentWriter turns an inline Content-Disposition into an attachment
// when the response starts.
type attachmentWriter struct {
	http.ResponseWriter
	wrote bool
}

func (a *attachmentWriter) start() {
	if a.wrote {
		return
	}
	a.wrote = true
	h := a.Header()
	if cd := h.Get("Content-Disposition"); strings.HasPrefix(cd, "inline") {
		h.Set("Content-Disposition", "attachment"+strings.TrimPrefix(cd, "inline"))
	}
}

func (a *attachmentWriter) WriteHeader(status int) {
	a.start()
	a.ResponseWriter.WriteHeader(status)
}

func (a *attachmentWriter) Write(b []byte) (int, error) {
	a.start()
	return a.ResponseWriter.Write(b)
}
