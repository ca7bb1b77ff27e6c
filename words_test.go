package hansei

import "github.com/hansei-dev/hansei/internal/i18n"

// enWords prints the export in English, as the built-in catalog has it.
func enWords() Words { return i18n.MustBuiltin().Printer("en") }
