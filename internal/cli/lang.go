package cli

import (
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/i18n"
	"github.com/spf13/cobra"
)

// The command line's language. Every word it writes for people comes from
// the catalogs (IDs cli.*) through one i18n.Printer, chosen once a run, on
// first use: --lang, else HANSEI_LANG, else the language of the token's
// user (GET /api/v1/me), else English. A command that prints only JSON or
// a bare token never asks, so it makes no extra request. Output for
// scripts (--json, tokens, links, IDs) is the same in every language.
//
// The CLI speaks the built-in catalogs: a language that only a server's
// config adds (fr) is English here, since the catalog file is the
// server's, not the command line's.

// langFlag adds the persistent --lang flag to the root.
func (env *cli) langFlag(root *cobra.Command) {
	root.PersistentFlags().StringVar(&env.langFlagValue, "lang", "",
		"`CODE` of the language the words are printed in: en, ja or de (default: HANSEI_LANG, else your user's language)")
}

// checkLang refuses a --lang that no catalog speaks, in one line naming
// it and the languages there are.
func (env *cli) checkLang() error {
	if env.langFlagValue == "" {
		return nil
	}
	if _, ok := env.catalogs().Lookup(env.langFlagValue); ok {
		return nil
	}
	cats := env.catalogs()
	var names []string
	for _, l := range cats.Languages() {
		names = append(names, l+" ("+cats.Name(l)+")")
	}
	// The flag is the mistake, so its line is in the language the rest
	// of the environment asks for.
	p := cats.Printer(env.envLanguage())
	return usageErrorf("%s", p.T("cli.error.unknown_lang", "Value", env.langFlagValue, "Languages", strings.Join(names, ", ")))
}

// catalogs are the built-in catalogs, read on first use: a command that
// prints nothing for people does not read them.
func (env *cli) catalogs() *i18n.Catalogs {
	if env.cats == nil {
		env.cats = i18n.MustBuiltin()
	}
	return env.cats
}

// envLanguage is the language that --lang or HANSEI_LANG names, or "en".
func (env *cli) envLanguage() string {
	cats := env.catalogs()
	for _, tag := range []string{env.langFlagValue, env.getenv("HANSEI_LANG")} {
		if l, ok := cats.Lookup(tag); ok {
			return l
		}
	}
	return "en"
}

// p is the printer for this run's language, chosen on first use.
func (env *cli) p() *i18n.Printer {
	if env.printer == nil {
		env.printer = env.catalogs().Printer(env.language())
	}
	return env.printer
}

// language chooses the run's language: --lang, HANSEI_LANG, then the
// token's user's setting (one GET /api/v1/me, only when a token is set and
// the command talks to a server), then English.
func (env *cli) language() string {
	cats := env.catalogs()
	for _, tag := range []string{env.langFlagValue, env.getenv("HANSEI_LANG")} {
		if l, ok := cats.Lookup(tag); ok {
			env.scalesLang = l
			return l
		}
	}
	u, ok := env.me()
	if !ok {
		return "en"
	}
	return cats.Match(u.Language)
}

// me is the token's user, asked of the server once a run (GET
// /api/v1/me), and only when a token is set and the command talks to a
// server; ok is false otherwise, or when asking failed (the command's own
// request then reports what is wrong).
func (env *cli) me() (hansei.User, bool) {
	if !env.meAsked {
		env.meAsked = true
		if token := env.getenv("HANSEI_TOKEN"); token != "" && !env.local {
			u, err := client.New(env.serverURL(), token).Me(env.ctx)
			env.meUser, env.meFound = u, err == nil
		}
	}
	return env.meUser, env.meFound
}

// word is a value of the data in words (word.KIND.VALUE), or the value
// itself where the catalogs have no word for it.
func (env *cli) word(kind, value string) string {
	id := "word." + kind + "." + value
	if p := env.p(); p.Has(id) {
		return p.T(id)
	}
	return value
}

// status is an incident status in words.
func (env *cli) status(s hansei.Status) string { return env.word("incident_status", string(s)) }

// eventWords is the words of one timeline event in p's language: the one
// place the CLI turns an event into words.
func eventWords(p *i18n.Printer, e hansei.Event) string {
	return p.Print(hansei.DescribeEvent(e))
}
