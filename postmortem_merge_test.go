package hansei

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestMergeSections(t *testing.T) {
	base := PostmortemBase{Version: 3,
		Sections: map[string]string{"summary": "s0", "impact": "i0", "lessons": "l0"},
		Changed:  map[string]bool{"impact": true, "detection": true}}
	current := map[string]string{"summary": "s0", "impact": "i1", "detection": "d1", "lessons": "l0"}
	for _, tc := range []struct {
		name      string
		yours     map[string]string
		write     map[string]string
		result    map[string]string
		conflicts []string
	}{
		{"a section nobody else changed is written", pmtSections("summary", "s2"),
			pmtSections("summary", "s2"), pmtSections("summary", "s2"), nil},
		{"a section sent as it was at the base keeps their change", pmtSections("impact", "i0"),
			map[string]string{}, pmtSections("impact", "i1"), nil},
		{"a section sent as it reads now writes nothing", pmtSections("impact", "i1", "lessons", "l0"),
			map[string]string{}, pmtSections("impact", "i1", "lessons", "l0"), nil},
		{"both changed the same section", pmtSections("impact", "i2"),
			map[string]string{}, pmtSections("impact", "i2"), []string{"impact"}},
		{"a base text the history does not know counts as changed", pmtSections("detection", "d0"),
			map[string]string{}, pmtSections("detection", "d0"), []string{"detection"}},
		{"different sections merge, the same one conflicts", pmtSections("summary", "s2", "impact", "i2", "lessons", "l0"),
			pmtSections("summary", "s2"), pmtSections("summary", "s2", "impact", "i2", "lessons", "l0"), []string{"impact"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := MergeSections(base, current, tc.yours)
			if !mapsEqual(m.Write, tc.write) || !mapsEqual(m.Result, tc.result) {
				t.Errorf("write %v result %v, want %v %v", m.Write, m.Result, tc.write, tc.result)
			}
			var got []string
			for _, c := range m.Conflicts {
				got = append(got, c.Section)
				if c.Theirs != current[c.Section] || c.Yours != tc.yours[c.Section] {
					t.Errorf("conflict %+v does not carry both texts", c)
				}
			}
			if !slices.Equal(got, tc.conflicts) {
				t.Errorf("conflicts %v, want %v", got, tc.conflicts)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// pmtStore keeps a postmortem and its history as the store does, so that
// saves based on older versions read their base from it.
type pmtStore struct {
	pm      Postmortem
	history []PostmortemChangeRecord
}

func (s *pmtStore) save(t *testing.T, actor string, version int64, kv ...string) error {
	t.Helper()
	env := pmtEnv(actor)
	env.History = func() ([]PostmortemChangeRecord, error) { return s.history, nil }
	v := version
	cmd := EditPostmortem{Patch: PostmortemPatch{Sections: pmtSections(kv...), Version: &v}}
	out, detail, err := DecidePostmortem(s.pm, env, cmd)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(detail)
	s.pm = out
	s.history = append(s.history, PostmortemChangeRecord{Version: out.Version, Actor: actor, Action: cmd.Action(), Detail: b})
	return nil
}

func TestSavesBasedOnOneVersionMergeBySection(t *testing.T) {
	pm := pmtDraft(t)
	created, _ := json.Marshal(map[string]any{"sections": pm.Sections})
	s := &pmtStore{pm: pm, history: []PostmortemChangeRecord{{Version: 1, Actor: "alice", Action: "create", Detail: created}}}
	// Both open version 1 and send the whole form; alice changed impact, bob detection.
	form := func(k, v string) []string {
		var kv []string
		for _, key := range SectionKeys() {
			text := pm.Sections[key]
			if key == k {
				text = v
			}
			kv = append(kv, key, text)
		}
		return kv
	}
	if err := s.save(t, "alice", 1, form("impact", "Checkout failed for 40%.")...); err != nil {
		t.Fatalf("alice: %v", err)
	}
	if err := s.save(t, "bob", 1, form("detection", "A customer told us.")...); err != nil {
		t.Fatalf("bob, another section from the same version: %v", err)
	}
	if s.pm.Sections["impact"] != "Checkout failed for 40%." || s.pm.Sections["detection"] != "A customer told us." || s.pm.Version != 3 {
		t.Fatalf("version %d sections %v: both texts should be there", s.pm.Version, s.pm.Sections)
	}
	// Now both change impact, from version 3: the second is refused with both texts.
	if err := s.save(t, "alice", 3, "impact", "Checkout failed for 38%."); err != nil {
		t.Fatalf("alice again: %v", err)
	}
	err := s.save(t, "bob", 3, "impact", "Checkout failed for 41%.", "lessons", "Alert sooner.")
	e := pmtErr(t, err, ECONFLICT)
	wantMessage(t, e, "since version 3", "(impact)", "version 4 now")
	if e.Fields["version"] != "4" || len(e.Conflicts) != 1 ||
		e.Conflicts[0] != (SectionConflict{Section: "impact", Theirs: "Checkout failed for 38%.", Yours: "Checkout failed for 41%."}) {
		t.Errorf("fields %v conflicts %+v", e.Fields, e.Conflicts)
	}
	if s.pm.Sections["lessons"] != "" || s.pm.Version != 4 {
		t.Errorf("a refused save changed the postmortem: version %d lessons %q", s.pm.Version, s.pm.Sections["lessons"])
	}
	// Sent again on the current version, it goes through.
	if err := s.save(t, "bob", 4, "impact", "Checkout failed for 38–41%.", "lessons", "Alert sooner."); err != nil {
		t.Fatalf("bob rebased: %v", err)
	}
	var d changeDetail
	json.Unmarshal(s.history[len(s.history)-1].Detail, &d)
	if !slices.Equal(d.Fields, []string{"impact", "lessons"}) || d.Sections["lessons"] != "Alert sooner." {
		t.Errorf("the history records %+v", d)
	}
}
