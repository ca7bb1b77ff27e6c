package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// whyTreeNode is a why-tree node with its children, as the API nests them.
type whyTreeNode struct {
	hansei.WhyNode
	Children []whyTreeNode `json:"children"`
}

func whyTree(nodes []hansei.WhyNode, parent int64) []whyTreeNode {
	out := []whyTreeNode{}
	for _, n := range nodes {
		if n.Parent == parent {
			out = append(out, whyTreeNode{WhyNode: n, Children: whyTree(nodes, n.ID)})
		}
	}
	return out
}

// postmortemJSON is a postmortem as the API returns it: the sections at the
// top level (as PATCH takes them), the why-tree nested, and who still has
// to approve.
func postmortemJSON(pm hansei.Postmortem) map[string]any {
	out := map[string]any{
		"incident": pm.Incident, "title": pm.Title, "severity": pm.Severity, "status": pm.Status,
		"version": pm.Version, "revision": pm.Revision, "highlights": pm.Highlights, "reviewers": pm.Reviewers,
		"authors": pm.Authors, "whys": whyTree(pm.Whys, 0), "record": pm.Record,
		"created_at": pm.CreatedAt, "updated_at": pm.UpdatedAt, "published_at": pm.PublishedAt,
		"pending_approvals": httpx.NonNil(pm.Pending()),
	}
	if pm.Override != "" {
		out["override"] = pm.Override
	}
	if pm.PublishedOver != nil {
		out["published_over"] = pm.PublishedOver
	}
	if pm.Amendment != "" {
		out["amendment"] = pm.Amendment
	}
	for _, k := range hansei.SectionKeys() {
		out[k] = pm.Sections[k]
	}
	return out
}

// readPostmortem reads the postmortem of the incident in the path.
func (s *Handler) readPostmortem(r *http.Request, u hansei.User) (hansei.Postmortem, error) {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return hansei.Postmortem{}, err
	}
	return s.app.Postmortems.Get(r.Context(), u, n)
}

func (s *Handler) createPostmortem(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	pm, err := s.app.Postmortems.Create(r.Context(), u, n)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, postmortemJSON(pm))
}

func (s *Handler) getPostmortem(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	pm, err := s.readPostmortem(r, u)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(pm.Version, 10)))
	return httpx.WriteJSON(w, http.StatusOK, postmortemJSON(pm))
}

// changePostmortem runs one change and answers with the postmortem.
func (s *Handler) changePostmortem(w http.ResponseWriter, r *http.Request, u hansei.User, cmd hansei.PostmortemCommand) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	pm, err := s.app.Postmortems.Change(r.Context(), u, n, cmd)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", strconv.Quote(strconv.FormatInt(pm.Version, 10)))
	return httpx.WriteJSON(w, http.StatusOK, postmortemJSON(pm))
}

func (s *Handler) patchPostmortem(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	var raw map[string]json.RawMessage
	if err := httpx.DecodeJSON(w, r, &raw, false); err != nil {
		return err
	}
	var p hansei.PostmortemPatch
	p.Sections = map[string]string{}
	for k, v := range raw {
		var err error
		switch k {
		case "highlights":
			var hs []int64
			err = json.Unmarshal(v, &hs)
			p.Highlights = &hs
		case "reviewers":
			var rs []string
			err = json.Unmarshal(v, &rs)
			p.Reviewers = &rs
		case "version":
			var ver int64
			err = json.Unmarshal(v, &ver)
			p.Version = &ver
		default:
			var text string
			err = json.Unmarshal(v, &text)
			p.Sections[k] = text
		}
		if err != nil {
			return hansei.FieldError(k, "%s has the wrong type: sections are strings, highlights a list of timeline seqs, reviewers a list of user names, version a number", k)
		}
	}
	if p.Version == nil {
		if tag := strings.Trim(r.Header.Get("If-Match"), `"W/`); tag != "" {
			ver, err := strconv.ParseInt(tag, 10, 64)
			if err != nil {
				return hansei.FieldError("If-Match", "If-Match must be the postmortem's version (its ETag), not %q", r.Header.Get("If-Match"))
			}
			p.Version = &ver
		}
	}
	return s.changePostmortem(w, r, u, hansei.EditPostmortem{Patch: p})
}

type whyBody struct {
	Parent   int64   `json:"parent"`
	Question string  `json:"question"`
	Answer   string  `json:"answer"`
	Factor   *string `json:"factor"`
}

func (s *Handler) addWhy(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	var in whyBody
	if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
		return err
	}
	return s.changePostmortem(w, r, u, hansei.AddWhy{Why: hansei.WhyInput{Parent: in.Parent, Question: in.Question, Answer: in.Answer, Factor: in.Factor}})
}

func (s *Handler) updateWhy(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	id, err := httpx.WhyID(r)
	if err != nil {
		return err
	}
	var in whyBody
	if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
		return err
	}
	return s.changePostmortem(w, r, u, hansei.EditWhy{ID: id, Why: hansei.WhyInput{Question: in.Question, Answer: in.Answer, Factor: in.Factor}})
}

func (s *Handler) deleteWhy(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	id, err := httpx.WhyID(r)
	if err != nil {
		return err
	}
	cascade := r.URL.Query().Get("cascade") == "true"
	return s.changePostmortem(w, r, u, hansei.DeleteWhy{ID: id, Cascade: cascade})
}

func (s *Handler) submitPostmortem(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	if err := httpx.DecodeJSON(w, r, &struct{}{}, true); err != nil {
		return err
	}
	return s.changePostmortem(w, r, u, hansei.SubmitPostmortem{})
}

func (s *Handler) approvePostmortem(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	if err := httpx.DecodeJSON(w, r, &struct{}{}, true); err != nil {
		return err
	}
	return s.changePostmortem(w, r, u, hansei.ApprovePostmortem{})
}

func (s *Handler) publishPostmortem(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	var in struct {
		Override string `json:"override"`
	}
	if err := httpx.DecodeJSON(w, r, &in, true); err != nil {
		return err
	}
	return s.changePostmortem(w, r, u, hansei.PublishPostmortem{Override: in.Override})
}

func (s *Handler) amendPostmortem(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
		return err
	}
	return s.changePostmortem(w, r, u, hansei.AmendPostmortem{Reason: in.Reason})
}

func (s *Handler) lintPostmortem(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	pm, err := s.readPostmortem(r, u)
	if err != nil {
		return err
	}
	findings, err := s.app.Postmortems.Lint(r.Context(), u, pm)
	if err != nil {
		return err
	}
	if findings == nil {
		findings = []hansei.Finding{}
	}
	// message and suggestion are for people: in the caller's language
	// (?lang=, else the token user's); every other field is the same in
	// every language.
	p := s.printer(r, u)
	for i, f := range findings {
		if f.Says.ID != "" && p.Has(f.Says.ID) {
			findings[i].Message = p.Print(f.Says)
		}
		if f.Suggests.ID != "" && p.Has(f.Suggests.ID) {
			findings[i].Suggestion = p.Print(f.Suggests)
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"findings": findings})
}

func (s *Handler) exportPostmortem(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	pm, md, err := s.app.Postmortems.Export(r.Context(), u, n, s.printer(r, u))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="INC-`+strconv.FormatInt(pm.Incident, 10)+`-postmortem.md"`)
	return httpx.Sent(w.Write([]byte(md)))
}

// postmortemHistory lists every change, with its author and time.
func (s *Handler) postmortemHistory(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	changes, err := s.app.Postmortems.History(r.Context(), u, n)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.ListResponse[hansei.PostmortemChangeRecord]{Items: changes})
}
