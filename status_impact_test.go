package hansei

import (
	"strings"
	"testing"
	"time"
)

func TestParseImpact(t *testing.T) {
	for _, s := range []string{"none", "minor", "major", "critical"} {
		if got, err := ParseImpact("impact", s); err != nil || string(got) != s {
			t.Errorf("ParseImpact(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"severe", "", "Minor", "maintenance", "SEV1"} {
		_, err := ParseImpact("impact", s)
		e, ok := err.(*Error)
		if !ok || e.Code != EINVALID || e.Fields["impact"] == "" {
			t.Fatalf("ParseImpact(%q) = %v; want invalid naming the field", s, err)
		}
		if !strings.Contains(e.Message, "none, minor, major or critical") {
			t.Errorf("ParseImpact(%q): %q should name the four values", s, e.Message)
		}
	}
}

// TestPublicIndicator is the rule for the page's overall state: the worst
// of the components' states and the unresolved incidents' public impact,
// maintenance only when nothing is worse. Severity is not an input.
func TestPublicIndicator(t *testing.T) {
	resolved := t0
	for _, tc := range []struct {
		name        string
		states      []ComponentState
		incidents   []PublicIncident
		maintenance bool
		want        string
	}{
		{"nothing", nil, nil, false, "none"},
		{"all operational", []ComponentState{ComponentOperational, ComponentOperational}, nil, false, "none"},
		{"a degraded component is minor", []ComponentState{ComponentOperational, ComponentDegraded}, nil, false, "minor"},
		{"a partial outage is major", []ComponentState{ComponentPartialOutage, ComponentDegraded}, nil, false, "major"},
		{"a major outage is critical", []ComponentState{ComponentMajorOutage, ComponentPartialOutage}, nil, false, "critical"},
		{"the story: minor impact, checkout degraded (a SEV1 inside)",
			[]ComponentState{ComponentDegraded, ComponentOperational},
			[]PublicIncident{{Impact: ImpactMinor, Components: []string{"checkout"}}}, false, "minor"},
		{"an incident's impact counts without components",
			nil, []PublicIncident{{Impact: ImpactMajor}}, false, "major"},
		{"impact none leaves the page operational",
			[]ComponentState{ComponentOperational}, []PublicIncident{{Impact: ImpactNone}}, false, "none"},
		{"a worse component beats a lower impact",
			[]ComponentState{ComponentMajorOutage}, []PublicIncident{{Impact: ImpactMinor}}, false, "critical"},
		{"a higher impact beats better components",
			[]ComponentState{ComponentDegraded}, []PublicIncident{{Impact: ImpactCritical}}, false, "critical"},
		{"a resolved incident's impact no longer counts",
			nil, []PublicIncident{{Impact: ImpactCritical, ResolvedAt: &resolved}}, false, "none"},
		{"a window in progress is maintenance", nil, nil, true, "maintenance"},
		{"a component under maintenance is maintenance", []ComponentState{ComponentMaintenance}, nil, false, "maintenance"},
		{"anything worse beats maintenance", []ComponentState{ComponentMaintenance}, []PublicIncident{{Impact: ImpactMinor}}, true, "minor"},
	} {
		states := map[string]ComponentState{}
		for i, st := range tc.states {
			states[string(rune('a'+i))] = st
		}
		if got := PublicIndicator(states, tc.incidents, tc.maintenance); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if IndicatorDescription(tc.want) == "" {
			t.Errorf("%s: no description for %q", tc.name, tc.want)
		}
	}
}

// TestPublicViewImpact: the impact given, else one worked out from the
// components an update names, else the one before — never the severity.
func TestPublicViewImpact(t *testing.T) {
	comp := func(st ComponentState) map[string]ComponentState { return map[string]ComponentState{"checkout": st} }
	for _, tc := range []struct {
		name    string
		updates []PublishUpdate
		want    []Impact // each update's impact
	}{
		{"given", []PublishUpdate{{Text: "x", Impact: ImpactMinor, Components: comp(ComponentMajorOutage)}}, []Impact{ImpactMinor}},
		{"from the worst component named",
			[]PublishUpdate{{Text: "x", Components: map[string]ComponentState{"checkout": ComponentDegraded, "api": ComponentPartialOutage}}},
			[]Impact{ImpactMajor}},
		{"nothing said on a first update is minor", []PublishUpdate{{Text: "x"}}, []Impact{ImpactMinor}},
		{"operational components named is none", []PublishUpdate{{Text: "x", Components: comp(ComponentOperational)}}, []Impact{ImpactNone}},
		{"an update naming nothing keeps the impact",
			[]PublishUpdate{{Text: "x", Impact: ImpactCritical}, {Text: "y", Status: StatusMonitoring}}, []Impact{ImpactCritical, ImpactCritical}},
		{"the latest given wins",
			[]PublishUpdate{{Text: "x", Impact: ImpactCritical}, {Text: "y", Impact: ImpactNone}}, []Impact{ImpactCritical, ImpactNone}},
		{"resolving with components operational keeps the impact for the record",
			[]PublishUpdate{{Text: "x", Components: comp(ComponentPartialOutage)}, {Text: "y", Status: StatusResolved, Components: comp(ComponentOperational)}},
			[]Impact{ImpactMajor, ImpactMajor}},
		{"monitoring with components operational lowers the impact while it runs",
			[]PublishUpdate{{Text: "x", Components: comp(ComponentPartialOutage)}, {Text: "y", Status: StatusMonitoring, Components: comp(ComponentOperational)}},
			[]Impact{ImpactMajor, ImpactNone}},
	} {
		inc, timeline := publicIncident(t) // a SEV2 inside
		for i, u := range tc.updates {
			inc, timeline = runAs(t, inc, timeline, "bob", 1+i, u)
		}
		p, _ := PublicView(inc, timeline)
		for i, u := range p.Updates {
			if u.Impact != tc.want[i] {
				t.Errorf("%s: update %d impact %q, want %q", tc.name, i, u.Impact, tc.want[i])
			}
		}
		if p.Impact != tc.want[len(tc.want)-1] {
			t.Errorf("%s: incident impact %q, want the latest update's %q", tc.name, p.Impact, tc.want[len(tc.want)-1])
		}
	}

	// Resolved, the record keeps the worst impact it had, however it
	// went down on the way.
	inc, timeline := publicIncident(t)
	inc, timeline = runAs(t, inc, timeline, "bob", 1,
		PublishUpdate{Text: "x", Impact: ImpactCritical},
		PublishUpdate{Text: "y", Status: StatusMonitoring, Components: comp(ComponentOperational)},
		PublishUpdate{Text: "z", Status: StatusResolved})
	if p, _ := PublicView(inc, timeline); p.Impact != ImpactCritical || p.Updates[2].Impact != ImpactNone {
		t.Errorf("resolved: impact %q (last update %q); want the record's critical", p.Impact, p.Updates[2].Impact)
	}
}

// TestPublicViewStartAndDuration: the public incident starts when the
// incident started, not at its first update; the communications role may
// set another start; the duration runs to the first resolved update.
func TestPublicViewStartAndDuration(t *testing.T) {
	inc, timeline := publicIncident(t)
	inc, timeline = runAs(t, inc, timeline, "bob", 9, PublishUpdate{Text: "Checkout is slow.", Impact: ImpactMinor})
	p, _ := PublicView(inc, timeline)
	if !p.StartedAt.Equal(inc.StartedAt) || p.Duration() != 0 {
		t.Fatalf("started %s (duration %s); want the incident's start %s and no duration while open", p.StartedAt, p.Duration(), inc.StartedAt)
	}
	inc, timeline = runAs(t, inc, timeline, "bob", 18, PublishUpdate{Text: "Fixed.", Status: StatusResolved})
	inc, timeline = runAs(t, inc, timeline, "bob", 25, PublishUpdate{Text: "A word on the cause.", Status: StatusResolved})
	p, _ = PublicView(inc, timeline)
	if p.ResolvedAt == nil || !p.ResolvedAt.Equal(t0.Add(18*time.Minute)) || p.Duration() != 18*time.Minute {
		t.Fatalf("resolved %v, duration %s; want the first resolved update, 18 minutes after the start", p.ResolvedAt, p.Duration())
	}
	// Backdated by the communications role: the start moves, the duration
	// follows.
	earlier := t0.Add(-5 * time.Minute)
	inc, timeline = runAs(t, inc, timeline, "bob", 30, PublishUpdate{Text: "Corrected the start.", Status: StatusResolved, StartedAt: &earlier})
	p, _ = PublicView(inc, timeline)
	if !p.StartedAt.Equal(earlier) || p.Duration() != 23*time.Minute {
		t.Errorf("after backdating: started %s, duration %s; want %s and 23m", p.StartedAt, p.Duration(), earlier)
	}
}

func TestPublishUpdateRefusesImpactAndStart(t *testing.T) {
	inc, _ := publicIncident(t)
	e := refuseField(t, inc, envAs("bob"), PublishUpdate{Text: "x", Impact: "severe"}, "impact")
	if !strings.Contains(e.Message, "none, minor, major or critical") {
		t.Errorf("message %q should name the four impacts", e.Message)
	}
	future := t0.Add(time.Minute)
	refuseField(t, inc, envAs("bob"), PublishUpdate{Text: "x", StartedAt: &future}, "started_at")
	ancient := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	refuseField(t, inc, envAs("bob"), PublishUpdate{Text: "x", StartedAt: &ancient}, "started_at")
	// Only those who may publish set the start, as any update.
	refuse(t, inc, envAs("dave"), PublishUpdate{Text: "x", StartedAt: &t0}, EFORBIDDEN)
}
