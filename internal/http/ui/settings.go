package ui

import (
	"net/http"

	hansei "github.com/hansei-dev/hansei"
)

// The viewer's own settings, and the scales page that every severity and
// priority badge links to.

type settingsView struct {
	Languages []adminChoice
	Zones     []string
}

func (s *Handler) settingsPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.render(w, r, http.StatusOK, "settings", view{V: v, Title: v.T("page.settings.title"),
		D: settingsView{Languages: s.languageChoices(), Zones: commonZones()}})
}

// languageChoices are the languages there are catalogs for, each named
// in itself (日本語, Deutsch), as a language selector shows them.
func (s *Handler) languageChoices() []adminChoice {
	var out []adminChoice
	for _, lang := range s.cats.Languages() {
		out = append(out, adminChoice{lang, s.cats.Name(lang)})
	}
	return out
}

// commonZones fill the time zone field's suggestions; any IANA name works.
func commonZones() []string {
	return []string{"UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York",
		"America/Chicago", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Tokyo", "Asia/Kolkata",
		"Asia/Singapore", "Australia/Sydney"}
}

func (s *Handler) saveSettings(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := r.PostForm
	c := hansei.UserChange{}
	for key, dst := range map[string]**string{"display_name": &c.DisplayName, "language": &c.Language,
		"time_zone": &c.TimeZone, "email": &c.Email, "channel": &c.Channel} {
		if f.Has(key) {
			val := f.Get(key)
			*dst = &val
		}
	}
	u, err := s.app.Users.Update(r.Context(), v.User, v.User.Name, c)
	if err != nil {
		return err
	}
	// The message is in the language just chosen.
	return redirect(w, r, "/settings", s.cats.Printer(s.cats.Match(u.Language)).T("flash.settings_saved"))
}

type scalesView struct {
	Severity, Priority []hansei.Level
	Glossary           []hansei.Term
}

func (s *Handler) scalesPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	glossary := make([]hansei.Term, len(s.scales.Glossary))
	for i, t := range s.scales.Glossary {
		if tr, ok := t.Translations[v.Lang]; ok {
			if tr.Name != "" {
				t.Term = tr.Name
			}
			if tr.Definition != "" {
				t.Definition = tr.Definition
			}
		}
		glossary[i] = t
	}
	return s.render(w, r, http.StatusOK, "scales", view{V: v, Title: v.T("common.scales_and_glossary"), Nav: "scales",
		D: scalesView{Severity: levelsIn(s.scales.Severity, v.Lang), Priority: levelsIn(s.scales.Priority, v.Lang), Glossary: glossary}})
}

// levelsIn are a scale's levels with every field in lang where the scale
// translates it.
func levelsIn(sc hansei.Scale, lang string) []hansei.Level {
	out := make([]hansei.Level, len(sc.Levels))
	for i, l := range sc.Levels {
		out[i] = l.In(lang)
	}
	return out
}
