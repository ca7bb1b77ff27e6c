package sqldb_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
)

// TestRedactionIsTheOnlyEdit: the append-only guard (migration 0011) lets
// an event change only from a note or public update to its redaction, with
// every other column as written; the store's redaction passes it, and no
// other edit does, a second redaction included.
func TestRedactionIsTheOnlyEdit(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		inc := f.declare(t, "Disk full", "SEV3")
		_, evs, err := f.db.Execute(ctx, f.alice, inc.Number, hansei.AddNote{Text: "root password: hunter2"})
		if err != nil {
			t.Fatal(err)
		}
		note := evs[0].Seq
		for name, q := range map[string]string{
			"a note's text":                `UPDATE events SET data = '{"text":"edited"}' WHERE incident = 1 AND seq = ` + strconv.FormatInt(note, 10),
			"a redacted note's actor":      `UPDATE events SET actor = 'mallory', data = '{"text":"","redacted":{"seq":9}}' WHERE incident = 1 AND seq = ` + strconv.FormatInt(note, 10),
			"the declaration, as redacted": `UPDATE events SET data = '{"text":"","redacted":{"seq":9}}' WHERE incident = 1 AND seq = 1`,
		} {
			if _, err := f.db.RawExec(ctx, q); err == nil {
				t.Errorf("%s was edited", name)
			}
		}
		if _, _, err := f.db.Execute(ctx, f.bob, inc.Number, hansei.Redact{Seq: note, Reason: "not mine"}); err == nil {
			t.Error("bob redacted alice's note")
		}
		if _, evs, err = f.db.Execute(ctx, f.alice, inc.Number, hansei.Redact{Seq: note, Reason: "a password"}); err != nil {
			t.Fatal(err)
		}
		tl, err := f.db.Timeline(ctx, f.alice, inc.Number, note-1, 1)
		if err != nil {
			t.Fatal(err)
		}
		r, ok := hansei.RedactionOf(tl[0])
		if !ok || strings.Contains(string(tl[0].Data), "hunter2") || r.By != "alice" || r.Seq != evs[0].Seq || r.Reason != "a password" {
			t.Fatalf("after redacting, event %d is %s", note, tl[0].Data)
		}
		if _, err := f.db.RawExec(ctx, `UPDATE events SET data = '{"text":"back","redacted":{"seq":1}}' WHERE incident = 1 AND seq = `+strconv.FormatInt(note, 10)); err == nil {
			t.Error("a redacted note was edited again")
		}
		if _, _, err := f.db.Execute(ctx, f.alice, inc.Number, hansei.Redact{Seq: note, Reason: "again"}); err == nil {
			t.Error("a note was redacted twice")
		}
	})
}
