package i18n_test

import (
	"testing"

	"github.com/hansei-dev/hansei/internal/i18n"
)

// BenchmarkPrinter: a constant message is a map read; one with arguments
// or plural forms goes through go-i18n.
func BenchmarkPrinter(b *testing.B) {
	p := i18n.MustBuiltin().Printer("de")
	b.Run("constant", func(b *testing.B) {
		for b.Loop() {
			p.T("page.incident.timeline")
		}
	})
	b.Run("argument", func(b *testing.B) {
		for b.Loop() {
			p.T("flash.component_saved", "Key", "db")
		}
	})
	b.Run("plural", func(b *testing.B) {
		for b.Loop() {
			p.N("page.review.not_reviewed_for_days", 3)
		}
	})
}

// BenchmarkBuiltin is the cost of reading the built-in catalogs, paid
// once at start.
func BenchmarkBuiltin(b *testing.B) {
	for b.Loop() {
		if _, err := i18n.Builtin(); err != nil {
			b.Fatal(err)
		}
	}
}
