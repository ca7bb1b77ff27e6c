package hansei

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Two people editing one postmortem merge by section: a save carries the
// version it was based on, and it succeeds when the sections it changed
// were not changed since that version. Only the same section changed on
// both sides is a conflict, and then both texts go back to the person
// saving, so nothing typed is lost.

// SectionConflict is a section that a save changed and that someone else
// changed since the save's base version: Theirs is the saved text, Yours
// the text submitted.
type SectionConflict struct {
	Section string `json:"section"`
	Theirs  string `json:"theirs"`
	Yours   string `json:"yours"`
}

// PostmortemBase is what the history tells of the version a save was
// based on.
type PostmortemBase struct {
	Version int64
	// Sections are the texts at that version, where the history knows them
	// (a postmortem edited before the history kept texts may not).
	Sections map[string]string
	// Changed names what was edited since: section keys, "highlights",
	// "reviewers".
	Changed map[string]bool
}

// changeDetail is the part of a history record that the merge reads: an
// edit's changed fields and the texts its sections were given.
type changeDetail struct {
	Fields   []string          `json:"fields"`
	Sections map[string]string `json:"sections"`
}

// BaseOf reconstructs the base version of a save from the postmortem's
// history (oldest first). A section not changed since the base reads there
// as it reads now.
func BaseOf(history []PostmortemChangeRecord, version int64, current Postmortem) PostmortemBase {
	b := PostmortemBase{Version: version, Sections: map[string]string{}, Changed: map[string]bool{}}
	for _, r := range history {
		var d changeDetail
		json.Unmarshal(r.Detail, &d) // written by this program; a detail of another shape has none of these
		if r.Version <= version {
			for k, v := range d.Sections {
				b.Sections[k] = v
			}
			continue
		}
		if r.Action == (EditPostmortem{}).Action() {
			for _, f := range d.Fields {
				b.Changed[f] = true
			}
		}
	}
	for k, v := range current.Sections {
		if !b.Changed[k] {
			b.Sections[k] = v
		}
	}
	return b
}

// SectionMerge is the outcome of merging a save into the current sections.
type SectionMerge struct {
	// Write are the sections to save: those the save changed and nobody
	// else did.
	Write map[string]string
	// Result is every submitted section as the form should read after the
	// merge: the saved text where the save did not change it, the
	// submitted text where it did (also where it conflicts).
	Result    map[string]string
	Conflicts []SectionConflict
}

// MergeSections merges the submitted sections (yours) into the current
// ones, three-way against the base: a section equal to the current text or
// to its base text (not changed by the save) writes nothing; one changed
// by the save and not since the base is written; one changed on both
// sides, to different texts, is a conflict. A base text the history does
// not know counts as changed by the save.
func MergeSections(base PostmortemBase, current, yours map[string]string) SectionMerge {
	m := SectionMerge{Write: map[string]string{}, Result: map[string]string{}}
	keys := make([]string, 0, len(yours))
	for k := range yours {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return slices.Index(SectionKeys(), a) - slices.Index(SectionKeys(), b) })
	for _, k := range keys {
		y, cur := yours[k], current[k]
		b, known := base.Sections[k]
		switch {
		case y == cur:
			m.Result[k] = cur
		case !base.Changed[k]:
			m.Write[k], m.Result[k] = y, y
		case known && y == b:
			m.Result[k] = cur
		default:
			m.Result[k] = y
			m.Conflicts = append(m.Conflicts, SectionConflict{Section: k, Theirs: cur, Yours: y})
		}
	}
	return m
}

// conflictError refuses a save whose changes collide with changes made
// since its base; Fields keep "version" (the current one) as before, so a
// client reads where to rebase.
func conflictError(pm Postmortem, base int64, conflicts []SectionConflict) *Error {
	names := make([]string, len(conflicts))
	for i, c := range conflicts {
		names[i] = c.Section
	}
	list := strings.Join(names, ", ")
	return &Error{Code: ECONFLICT,
		Message: fmt.Sprintf("since version %d someone else changed what this save changes (%s); the postmortem is at version %d now: merge your text with theirs (both are in conflicts) and save again with version %d",
			base, list, pm.Version, pm.Version),
		Fields:    map[string]string{"version": fmt.Sprint(pm.Version), "sections": list},
		Conflicts: conflicts,
	}
}
