package web

import (
	"strings"
)

// The interface's own words are written in English in the templates and
// translated here; a text without a translation shows in English. The
// severity and priority scales carry their own translations (scale.go).
// ui_text_test.go checks that every text the templates use is translated.

// uiLanguages are the languages the interface is translated into.
var uiLanguages = []string{"en", "ja", "de"}

// uiLanguage picks the interface language for a user's language tag, such
// as "de-AT" → "de"; anything else gets English.
func uiLanguage(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(tag), "-")
	for _, l := range uiLanguages {
		if l == base {
			return l
		}
	}
	return "en"
}

// acceptLanguage picks the first supported language a browser asks for.
func acceptLanguage(header string) string {
	for _, part := range strings.Split(header, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if l := uiLanguage(tag); l != "en" || strings.HasPrefix(strings.ToLower(tag), "en") {
			return l
		}
	}
	return "en"
}

// textEN turns the data words that templates translate (states, kinds)
// into English words.
var textEN = map[string]string{
	"stand_down": "stand down",
	"stood_down": "stood down",
}

func translate(lang, text string) string {
	switch lang {
	case "en":
		if t, ok := textEN[text]; ok {
			return t
		}
	case "ja":
		if t, ok := textJA[text]; ok {
			return t
		}
	case "de":
		if t, ok := textDE[text]; ok {
			return t
		}
	}
	return text
}
