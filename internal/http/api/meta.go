package api

import (
	"net/http"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// getScales returns the severity and priority scales and the glossary. With
// ?lang= each level's name and definition are given in that language where
// a translation exists, and in the configured text where not.
func (s *Handler) getScales(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = u.Language
	}
	if !hansei.ValidLanguageTag(lang) {
		return hansei.FieldError("lang", "lang %q is not a language code; use one such as en, ja or de", lang)
	}
	localize := func(sc hansei.Scale) hansei.Scale {
		out := hansei.Scale{Kind: sc.Kind, Levels: make([]hansei.Level, len(sc.Levels))}
		for i, l := range sc.Levels {
			l.Name, l.Definition = l.Localized(lang)
			out.Levels[i] = l
		}
		return out
	}
	glossary := make([]hansei.Term, len(s.scales.Glossary))
	for i, t := range s.scales.Glossary {
		if tr, ok := t.Translations[lang]; ok {
			if tr.Name != "" {
				t.Term = tr.Name
			}
			if tr.Definition != "" {
				t.Definition = tr.Definition
			}
		}
		glossary[i] = t
	}
	// A role's name is what is typed and stored, in every language; its
	// label and description are in lang.
	type role struct {
		Name        string `json:"name"`
		Label       string `json:"label"`
		Description string `json:"description"`
	}
	roles := []role{}
	for _, r := range s.scales.RoleList() {
		label, desc := r.Localized(lang)
		roles = append(roles, role{r.Name, label, desc})
	}
	return httpx.WriteJSON(w, http.StatusOK, struct {
		Lang     string        `json:"lang"`
		Severity hansei.Scale  `json:"severity"`
		Priority hansei.Scale  `json:"priority"`
		Glossary []hansei.Term `json:"glossary"`
		Roles    []role        `json:"roles"`
	}{lang, localize(s.scales.Severity), localize(s.scales.Priority), glossary, roles})
}

func (s *Handler) getMe(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	return httpx.WriteJSON(w, http.StatusOK, u)
}
