package i18n_test

import (
	"testing"

	"github.com/hansei-dev/hansei/internal/i18n"
)

func TestLanguageMatch(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ja", "ja"}, {"de-AT", "de"}, {"en-GB", "en"}, {"fr", "en"}, {"", "en"},
	} {
		if got := i18n.Match(tc.in); got != tc.want {
			t.Errorf("i18n.Match(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"ja,en;q=0.8", "ja"}, {"fr-FR,de;q=0.7", "de"}, {"en-US,ja;q=0.5", "en"}, {"", "en"},
	} {
		if got := i18n.FromAcceptLanguage(tc.in); got != tc.want {
			t.Errorf("i18n.FromAcceptLanguage(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
