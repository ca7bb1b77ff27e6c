package hansei

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// ---------------------------------------------------------------------------
// Component states
// ---------------------------------------------------------------------------

func TestParseComponentState(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ComponentState
		ok   bool
	}{
		{"operational", ComponentOperational, true},
		{"degraded", ComponentDegraded, true},
		{"partial_outage", ComponentPartialOutage, true},
		{"major_outage", ComponentMajorOutage, true},
		{"maintenance", ComponentMaintenance, true},
		{"", "", false},
		{"Operational", "", false},
		{"degraded_performance", "", false}, // Statuspage's name is output only
		{"down", "", false},
	} {
		got, err := ParseComponentState("components.api", tc.in)
		if tc.ok {
			if err != nil || got != tc.want {
				t.Errorf("ParseComponentState(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseComponentState(%q) accepted %q", tc.in, got)
			continue
		}
		fields := ErrorFields(err)
		if ErrorCode(err) != EINVALID || fields["components.api"] == "" {
			t.Errorf("ParseComponentState(%q): %v with fields %v; want invalid naming components.api", tc.in, err, fields)
		}
		if !strings.Contains(err.Error(), "partial_outage") {
			t.Errorf("ParseComponentState(%q): %q should list the states", tc.in, err)
		}
	}
}

func TestComponentStateRankAndWorse(t *testing.T) {
	order := []ComponentState{ComponentOperational, ComponentMaintenance, ComponentDegraded, ComponentPartialOutage, ComponentMajorOutage}
	for i, s := range order {
		if s.Rank() != i {
			t.Errorf("%s.Rank() = %d, want %d", s, s.Rank(), i)
		}
		for j, o := range order {
			want := order[max(i, j)]
			if got := s.Worse(o); got != want {
				t.Errorf("%s.Worse(%s) = %s, want %s", s, o, got, want)
			}
		}
	}
	if r := ComponentState("bogus").Rank(); r != -1 {
		t.Errorf("unknown state ranks %d, want -1", r)
	}
	// An unset state is better than any known one, so it never wins.
	if got := ComponentState("").Worse(ComponentOperational); got != ComponentOperational {
		t.Errorf(`"".Worse(operational) = %q`, got)
	}
}

func TestComponentStateStatuspageNames(t *testing.T) {
	for s, want := range map[ComponentState]string{
		ComponentOperational:   "operational",
		ComponentDegraded:      "degraded_performance",
		ComponentPartialOutage: "partial_outage",
		ComponentMajorOutage:   "major_outage",
		ComponentMaintenance:   "under_maintenance",
	} {
		if got := s.Statuspage(); got != want {
			t.Errorf("%s.Statuspage() = %q, want %q", s, got, want)
		}
	}
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

func TestValidateComponent(t *testing.T) {
	ok := Component{Key: "checkout-api", Name: "Checkout", Group: "Shop", Services: []string{"checkout"}}
	if err := ValidateComponent(ok); err != nil {
		t.Fatalf("ValidateComponent(%+v): %v", ok, err)
	}
	jp := ok
	jp.Name = strings.Repeat("決", 100) // 300 bytes, 100 characters
	if err := ValidateComponent(jp); err != nil {
		t.Errorf("a 100-character Japanese name is refused: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Component)
		field string
	}{
		{"empty key", func(c *Component) { c.Key = "" }, "key"},
		{"upper-case key", func(c *Component) { c.Key = "Checkout" }, "key"},
		{"key with a space", func(c *Component) { c.Key = "check out" }, "key"},
		{"key starting with a dash", func(c *Component) { c.Key = "-api" }, "key"},
		{"key too long", func(c *Component) { c.Key = strings.Repeat("a", 64) }, "key"},
		{"blank name", func(c *Component) { c.Name = "  " }, "name"},
		{"long name", func(c *Component) { c.Name = strings.Repeat("n", 101) }, "name"},
		{"long group", func(c *Component) { c.Group = strings.Repeat("g", 101) }, "group"},
		{"long description", func(c *Component) { c.Description = strings.Repeat("d", 1001) }, "description"},
		{"blank service", func(c *Component) { c.Services = []string{" "} }, "services"},
		{"long service", func(c *Component) { c.Services = []string{strings.Repeat("s", MaxService+1)} }, "services"},
		{"too many services", func(c *Component) {
			c.Services = nil
			for i := range MaxComponentServices + 1 {
				c.Services = append(c.Services, fmt.Sprint("s", i))
			}
		}, "services"},
		{"bad state", func(c *Component) { c.State = "broken" }, "state"},
	} {
		c := ok
		tc.edit(&c)
		err := ValidateComponent(c)
		if ErrorCode(err) != EINVALID || ErrorFields(err)[tc.field] == "" {
			t.Errorf("%s: %v with fields %v; want invalid naming %q", tc.name, err, ErrorFields(err), tc.field)
		}
	}
}

func TestValidateMaintenance(t *testing.T) {
	start := t0.Add(time.Hour)
	ok := Maintenance{Title: "Database upgrade", Text: "Writes pause for a minute.", Components: []string{"db"}, StartsAt: start, EndsAt: start.Add(time.Hour)}
	if err := ValidateMaintenance(ok); err != nil {
		t.Fatalf("ValidateMaintenance: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Maintenance)
		field string
	}{
		{"no title", func(m *Maintenance) { m.Title = " " }, "title"},
		{"long title", func(m *Maintenance) { m.Title = strings.Repeat("t", MaxTitle+1) }, "title"},
		{"long text", func(m *Maintenance) { m.Text = strings.Repeat("t", MaxPublicText+1) }, "text"},
		{"no start", func(m *Maintenance) { m.StartsAt = time.Time{} }, "starts_at"},
		{"no end", func(m *Maintenance) { m.EndsAt = time.Time{} }, "starts_at"},
		{"end before start", func(m *Maintenance) { m.EndsAt = m.StartsAt.Add(-time.Minute) }, "ends_at"},
		{"end at start", func(m *Maintenance) { m.EndsAt = m.StartsAt }, "ends_at"},
		{"bad component key", func(m *Maintenance) { m.Components = []string{"Not A Key"} }, "components"},
	} {
		m := ok
		tc.edit(&m)
		err := ValidateMaintenance(m)
		if ErrorCode(err) != EINVALID || ErrorFields(err)[tc.field] == "" {
			t.Errorf("%s: %v with fields %v; want invalid naming %q", tc.name, err, ErrorFields(err), tc.field)
		}
	}
}

func TestMaintenanceActive(t *testing.T) {
	m := Maintenance{StartsAt: t0, EndsAt: t0.Add(time.Hour)}
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{t0.Add(-time.Nanosecond), false},
		{t0, true}, // the start is inside the window
		{t0.Add(30 * time.Minute), true},
		{t0.Add(time.Hour - time.Nanosecond), true},
		{t0.Add(time.Hour), false}, // the end is not
	} {
		if got := m.Active(tc.at); got != tc.want {
			t.Errorf("Active(%s) = %v, want %v", tc.at.Sub(t0), got, tc.want)
		}
	}
}

// ---------------------------------------------------------------------------
// Publishing
// ---------------------------------------------------------------------------

// publicIncident is INC-7 declared by alice (commander), with bob holding
// the communications role and dave an active responder without a role.
// It returns the incident and its whole timeline so far.
func publicIncident(t *testing.T) (Incident, []Event) {
	t.Helper()
	inc, timeline := declared(t)
	inc, evs := decide(t, inc, AssignRole{Role: RoleCommunications, User: "bob"})
	timeline = append(timeline, evs...)
	inc, evs = decideWith(t, inc, envAs("dave"), Join{})
	return inc, append(timeline, evs...)
}

func TestPublishUpdateWhoMayPublish(t *testing.T) {
	inc, _ := publicIncident(t)
	cmd := PublishUpdate{Text: "We are looking into failed payments.", Components: map[string]ComponentState{"checkout": ComponentPartialOutage}}
	for _, who := range []string{"bob", "alice", "carol"} { // communications, commander, admin
		_, evs := decideWith(t, inc, envAs(who), cmd)
		wantTypes(t, evs, EventPublicUpdate)
	}
	e := refuse(t, inc, envAs("dave"), cmd, EFORBIDDEN)
	for _, want := range []string{"communications role (bob)", "commander (alice)"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("refusal %q should name %q", e.Message, want)
		}
	}
	refuse(t, inc, envAs("victor"), cmd, EFORBIDDEN)

	// Without a communications role holder, the message says so.
	inc.Roles = map[string]string{RoleCommander: "alice"}
	e = refuse(t, inc, envAs("bob"), cmd, EFORBIDDEN)
	if !strings.Contains(e.Message, "communications role (nobody yet)") {
		t.Errorf("refusal %q should say nobody holds the communications role", e.Message)
	}
	// A nameless actor never matches a role nobody holds.
	nameless := envAs("dave")
	nameless.Actor.Name = ""
	inc.Roles = map[string]string{}
	refuse(t, inc, nameless, cmd, EFORBIDDEN)
}

func TestPublishUpdateRefuses(t *testing.T) {
	inc, _ := publicIncident(t)
	for _, tc := range []struct {
		name  string
		cmd   PublishUpdate
		field string
	}{
		{"empty text", PublishUpdate{}, "text"},
		{"blank text", PublishUpdate{Text: " \n "}, "text"},
		{"text too long", PublishUpdate{Text: strings.Repeat("x", MaxPublicText+1)}, "text"},
		{"title too long", PublishUpdate{Text: "x", Title: strings.Repeat("t", 201)}, "title"},
		{"unknown status", PublishUpdate{Text: "x", Status: "fixed"}, "status"},
		{"bad component state", PublishUpdate{Text: "x", Components: map[string]ComponentState{"checkout": "down"}}, "components.checkout"},
		{"bad component key", PublishUpdate{Text: "x", Components: map[string]ComponentState{"Check Out": ComponentDegraded}}, "components"},
	} {
		e := refuseField(t, inc, envAs("bob"), tc.cmd, tc.field)
		if tc.field == "components.checkout" && !strings.Contains(e.Message, `"down"`) {
			t.Errorf("%s: message %q should quote the bad state", tc.name, e.Message)
		}
	}

	restricted, _ := decide(t, Incident{Number: 8}, Declare{Title: "Data exposure", Severity: "SEV1", Visibility: VisibilityRestricted})
	for _, who := range []string{"alice", "carol"} { // the commander, an admin
		e := refuse(t, restricted, envAs(who), PublishUpdate{Text: "We are investigating."}, ECONFLICT)
		if !strings.Contains(e.Message, "INC-8 is restricted") {
			t.Errorf("refusal %q should say the incident is restricted", e.Message)
		}
		refuse(t, restricted, envAs(who), LinkComponents{Components: []string{"api"}}, ECONFLICT)
	}
}

func TestPublishUpdateRecordsTheUpdate(t *testing.T) {
	inc, _ := publicIncident(t)
	inc, evs := decideWith(t, inc, envAs("bob"), PublishUpdate{
		Title: "  Payments failing  ", Text: "  We are looking into it.  ",
		Components: map[string]ComponentState{"payments": ComponentMajorOutage, "api": ComponentDegraded},
	})
	d := payload[PublicUpdateData](t, evs[0])
	if d.Title != "Payments failing" || d.Text != "We are looking into it." {
		t.Errorf("title %q and text %q should be trimmed", d.Title, d.Text)
	}
	if d.Status != StatusInvestigating {
		t.Errorf("status %q; an update without one takes the incident's (investigating)", d.Status)
	}
	if d.Components["payments"] != ComponentMajorOutage || d.Components["api"] != ComponentDegraded {
		t.Errorf("components %v", d.Components)
	}
	if got := strings.Join(inc.Components, ","); got != "api,payments" {
		t.Errorf("incident components %q, want the named ones, sorted", got)
	}
	_, evs = decideWith(t, inc, envAs("bob"), PublishUpdate{Status: StatusMonitoring, Text: "A fix is out."})
	if d := payload[PublicUpdateData](t, evs[0]); d.Status != StatusMonitoring || d.Title != "" {
		t.Errorf("second update: %+v", d)
	}
	// The update is public text of its own; it shows on the internal
	// timeline too, so responders see what the public was told.
	if got := DescribeEvent(evs[0]).In(enWords()); !strings.Contains(got, "A fix is out.") {
		t.Errorf("DescribeEvent = %q", got)
	}
}

func TestLinkComponents(t *testing.T) {
	inc, _ := publicIncident(t)
	inc, evs := decideWith(t, inc, envAs("bob"), LinkComponents{Components: []string{"web", "api", "web"}})
	if d := payload[ComponentsLinkedData](t, evs[0]); strings.Join(d.Components, ",") != "api,web" {
		t.Errorf("linked %v, want sorted and without repeats", d.Components)
	}
	if strings.Join(inc.Components, ",") != "api,web" {
		t.Errorf("incident components %v", inc.Components)
	}
	// Linking again replaces the set; an empty list unlinks everything.
	inc, _ = decideWith(t, inc, envAs("alice"), LinkComponents{Components: []string{"db"}})
	if strings.Join(inc.Components, ",") != "db" {
		t.Errorf("after relinking: %v", inc.Components)
	}
	// An update naming a component adds it to the linked ones.
	inc, _ = decideWith(t, inc, envAs("bob"), PublishUpdate{Text: "x", Components: map[string]ComponentState{"web": ComponentDegraded}})
	if strings.Join(inc.Components, ",") != "db,web" {
		t.Errorf("after an update naming web: %v", inc.Components)
	}
	inc, _ = decideWith(t, inc, envAs("carol"), LinkComponents{})
	if len(inc.Components) != 0 {
		t.Errorf("after unlinking: %v", inc.Components)
	}
	refuseField(t, inc, envAs("bob"), LinkComponents{Components: []string{"API"}}, "components")
	refuse(t, inc, envAs("dave"), LinkComponents{Components: []string{"api"}}, EFORBIDDEN)
	refuse(t, inc, envAs("victor"), LinkComponents{Components: []string{"api"}}, EFORBIDDEN)
}

// ---------------------------------------------------------------------------
// The leak rule
// ---------------------------------------------------------------------------

// runAs applies cmds in order as who at successive minutes after t0,
// returning the incident and the timeline with the new events.
func runAs(t *testing.T, inc Incident, timeline []Event, who string, minutes int, cmds ...Command) (Incident, []Event) {
	t.Helper()
	for i, cmd := range cmds {
		var evs []Event
		inc, evs = decideWith(t, inc, envAt(who, t0.Add(time.Duration(minutes+i)*time.Minute)), cmd)
		timeline = append(timeline, evs...)
	}
	return inc, timeline
}

func TestPublicViewShowsOnlyPublicUpdates(t *testing.T) {
	inc, timeline := publicIncident(t)
	inc, timeline = runAs(t, inc, timeline, "dave", 1,
		AddNote{Text: "SECRET: the customer database password leaked in a log"},
		ChangeStatus{Status: StatusIdentified, Message: "INTERNAL: bad deploy by the payments team"},
	)
	if _, ok := PublicView(inc, timeline); ok {
		t.Fatal("an incident without a public update is shown")
	}
	inc, timeline = runAs(t, inc, timeline, "bob", 5,
		PublishUpdate{Title: "Payments degraded", Text: "Some payments fail; we are on it.", Components: map[string]ComponentState{"payments": ComponentPartialOutage}},
		AddNote{Text: "SECRET: rollback of build 4711"},
		LinkComponents{Components: []string{"api"}},
		PublishUpdate{Status: StatusMonitoring, Text: "A fix is out; we are watching."},
	)
	p, ok := PublicView(inc, timeline)
	if !ok {
		t.Fatal("the incident with public updates is not shown")
	}
	raw, _ := json.Marshal(p)
	for _, secret := range []string{"SECRET", "INTERNAL", "Checkout fails", "bob", "dave", "alice", "summary"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the public view leaks %q: %s", secret, raw)
		}
	}
	if p.Title != "Payments degraded" {
		t.Errorf("title %q; the public title replaces the internal one and stays until another replaces it", p.Title)
	}
	if len(p.Updates) != 2 || p.Updates[0].Text != "Some payments fail; we are on it." || p.Updates[1].Text != "A fix is out; we are watching." {
		t.Fatalf("updates %+v", p.Updates)
	}
	if p.Status != StatusMonitoring || p.ResolvedAt != nil {
		t.Errorf("status %s, resolved %v; want monitoring and unresolved", p.Status, p.ResolvedAt)
	}
	if !p.StartedAt.Equal(inc.StartedAt) || !p.UpdatedAt.Equal(t0.Add(8*time.Minute)) {
		t.Errorf("started %s, updated %s; want the incident's start (%s) and the latest update", p.StartedAt, p.UpdatedAt, inc.StartedAt)
	}
	// Linking sets the list (payments, named by the first update, was
	// dropped by the link that came after it); an update adds to it.
	if strings.Join(p.Components, ",") != "api" {
		t.Errorf("components %v: want those linked last", p.Components)
	}
	if strings.Join(inc.Components, ",") != "api" {
		t.Errorf("the incident's components %v differ from the public view's", inc.Components)
	}
	if p.Number != 7 || p.Impact != ImpactMajor {
		t.Errorf("number %d, impact %s; want the impact of the partial outage the first update named", p.Number, p.Impact)
	}

	// Without a public title the incident's own title shows.
	inc2, tl2 := publicIncident(t)
	inc2, tl2 = runAs(t, inc2, tl2, "bob", 1, PublishUpdate{Text: "Looking into it."})
	if p2, _ := PublicView(inc2, tl2); p2.Title != "Checkout fails" {
		t.Errorf("title %q without a public title", p2.Title)
	}
}

func TestPublicViewNeverShowsRestrictedIncidents(t *testing.T) {
	inc, timeline := decide(t, Incident{Number: 7}, Declare{Title: "Data exposure", Severity: "SEV1", Visibility: VisibilityRestricted})
	// Decide refuses public updates on it; a timeline that has one anyway
	// (written by hand, or by an older version) still shows nothing.
	timeline = append(timeline, ev(t, inc.LastSeq+1, EventPublicUpdate, t0, "alice", PublicUpdateData{Status: StatusInvestigating, Text: "leaked"}))
	inc.LastSeq++
	if p, ok := PublicView(inc, timeline); ok || p.Title != "" || len(p.Updates) != 0 {
		t.Errorf("restricted incident shown: %+v, %v", p, ok)
	}
}

func TestPublicViewResolution(t *testing.T) {
	inc, timeline := publicIncident(t)
	inc, timeline = runAs(t, inc, timeline, "bob", 1, PublishUpdate{Text: "Looking into it."})
	inc, timeline = runAs(t, inc, timeline, "bob", 10, PublishUpdate{Status: StatusResolved, Text: "Fixed."})
	p, _ := PublicView(inc, timeline)
	if p.Status != StatusResolved || p.ResolvedAt == nil || !p.ResolvedAt.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("after a resolved update: status %s, resolved %v", p.Status, p.ResolvedAt)
	}
	inc, timeline = runAs(t, inc, timeline, "bob", 20, PublishUpdate{Status: StatusInvestigating, Text: "It is back."})
	if p, _ = PublicView(inc, timeline); p.ResolvedAt != nil || p.Status != StatusInvestigating {
		t.Fatalf("after reopening: status %s, resolved %v", p.Status, p.ResolvedAt)
	}

	// The internal status does not speak for the public...
	inc, timeline = runAs(t, inc, timeline, "alice", 30, ChangeStatus{Status: StatusResolved})
	if p, _ = PublicView(inc, timeline); p.ResolvedAt != nil {
		t.Fatalf("resolving internally resolved it publicly: %+v", p)
	}
	// ...until the incident is closed: it takes no more updates, so it
	// must not hold its components down for good.
	closed, _ := decideWith(t, inc, envAt("alice", t0.Add(40*time.Minute)), CloseIncident{Revision: 1})
	p, _ = PublicView(closed, timeline)
	if p.Status != StatusResolved || p.ResolvedAt == nil || !p.ResolvedAt.Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("closed incident: status %s, resolved %v; want resolved when it was resolved", p.Status, p.ResolvedAt)
	}
	if len(p.Updates) != 3 {
		t.Errorf("closing added an update: %+v", p.Updates)
	}
}

// ---------------------------------------------------------------------------
// Component states on the page
// ---------------------------------------------------------------------------

func TestComponentStates(t *testing.T) {
	now := t0
	comps := []Component{{Key: "api"}, {Key: "web", State: ComponentDegraded}, {Key: "db"}}
	resolved := now.Add(-time.Minute)
	for _, tc := range []struct {
		name      string
		incidents []PublicIncident
		windows   []Maintenance
		want      string // api,web,db
	}{
		{"explicit states only", nil, nil, "operational,degraded,operational"},
		{"linked takes the public impact's state",
			[]PublicIncident{{Impact: ImpactCritical, Components: []string{"api"}, Updates: []PublicUpdate{{Text: "x"}}}}, nil,
			"major_outage,degraded,operational"},
		{"major impact is a partial outage, minor degraded",
			[]PublicIncident{{Impact: ImpactMajor, Components: []string{"api"}}, {Impact: ImpactMinor, Components: []string{"db"}}}, nil,
			"partial_outage,degraded,degraded"},
		{"an update's state overrides the impact's, the latest winning",
			[]PublicIncident{{Impact: ImpactCritical, Components: []string{"api", "db"}, Updates: []PublicUpdate{
				{Components: map[string]ComponentState{"api": ComponentPartialOutage}},
				{Components: map[string]ComponentState{"api": ComponentDegraded}},
			}}}, nil,
			"degraded,degraded,major_outage"},
		{"an update may say operational while the incident runs",
			[]PublicIncident{{Impact: ImpactCritical, Components: []string{"api"}, Updates: []PublicUpdate{{Components: map[string]ComponentState{"api": ComponentOperational}}}}}, nil,
			"operational,degraded,operational"},
		{"the explicit state wins when worse",
			[]PublicIncident{{Impact: ImpactMinor, Components: []string{"web"}, Updates: []PublicUpdate{{Components: map[string]ComponentState{"web": ComponentOperational}}}}}, nil,
			"operational,degraded,operational"},
		{"a resolved incident no longer counts",
			[]PublicIncident{{Impact: ImpactCritical, Components: []string{"api"}, ResolvedAt: &resolved}}, nil,
			"operational,degraded,operational"},
		{"unknown components are ignored",
			[]PublicIncident{{Impact: ImpactCritical, Components: []string{"gone"}}}, []Maintenance{{Components: []string{"gone"}, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}},
			"operational,degraded,operational"},
		{"an active window puts its components under maintenance",
			nil, []Maintenance{{Components: []string{"api", "web"}, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}},
			"maintenance,degraded,operational"},
		{"a window not yet begun or already over does not",
			nil, []Maintenance{
				{Components: []string{"api"}, StartsAt: now.Add(time.Minute), EndsAt: now.Add(time.Hour)},
				{Components: []string{"db"}, StartsAt: now.Add(-time.Hour), EndsAt: now},
			},
			"operational,degraded,operational"},
		{"the worst wins: an outage during maintenance",
			[]PublicIncident{{Impact: ImpactCritical, Components: []string{"api"}}, {Impact: ImpactMinor, Components: []string{"api"}}},
			[]Maintenance{{Components: []string{"api"}, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}},
			"major_outage,degraded,operational"},
	} {
		got := ComponentStates(comps, tc.incidents, tc.windows, now)
		if s := fmt.Sprintf("%s,%s,%s", got["api"], got["web"], got["db"]); s != tc.want || len(got) != 3 {
			t.Errorf("%s: %s (%d states), want %s", tc.name, s, len(got), tc.want)
		}
	}
}

func TestDayStates(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, tokyo) // day 6 of 7
	comps := []Component{{Key: "api"}, {Key: "db"}}
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, tokyo) }
	ptrAt := func(day, hour int) *time.Time { v := at(day, hour); return &v }
	rows := func(incs ...PublicIncident) string {
		got := DayStates(comps, incs, now, tokyo, 7)
		var parts []string
		for _, key := range []string{"api", "db"} {
			var cells []string
			for _, s := range got[key] {
				cells = append(cells, map[ComponentState]string{ComponentOperational: ".", ComponentDegraded: "d", ComponentPartialOutage: "p", ComponentMajorOutage: "M", ComponentMaintenance: "m"}[s])
			}
			parts = append(parts, key+":"+strings.Join(cells, ""))
		}
		return strings.Join(parts, " ")
	}
	// The days are Nov 19 … Nov 25 in Tokyo.
	for _, tc := range []struct {
		name string
		incs []PublicIncident
		want string
	}{
		{"nothing happened", nil, "api:....... db:......."},
		{"an incident spanning midnight marks both days",
			[]PublicIncident{{Impact: ImpactCritical, Components: []string{"api"}, StartedAt: at(21, 23), ResolvedAt: ptrAt(22, 1)}},
			"api:..MM... db:......."},
		{"day boundaries are the viewer's, not UTC's",
			// 08:00 JST on Nov 22 is Nov 21 in UTC, but one day in Tokyo.
			[]PublicIncident{{Impact: ImpactMinor, Components: []string{"db"}, StartedAt: at(22, 8), ResolvedAt: ptrAt(22, 10)}},
			"api:....... db:...d..."},
		{"an unresolved incident runs to today",
			[]PublicIncident{{Impact: ImpactMajor, Components: []string{"db"}, StartedAt: at(24, 12)}},
			"api:....... db:.....pp"},
		{"an update's states replace the impact's, the worst of them counting",
			[]PublicIncident{{Impact: ImpactCritical, Components: []string{"api"}, StartedAt: at(19, 9), ResolvedAt: ptrAt(19, 10), Updates: []PublicUpdate{
				{Components: map[string]ComponentState{"api": ComponentDegraded}},
				{Components: map[string]ComponentState{"api": ComponentPartialOutage}},
				{Components: map[string]ComponentState{"api": ComponentOperational}},
			}}},
			"api:p...... db:......."},
		{"the worst incident of a day wins",
			[]PublicIncident{
				{Impact: ImpactMinor, Components: []string{"api"}, StartedAt: at(23, 1), ResolvedAt: ptrAt(23, 2)},
				{Impact: ImpactCritical, Components: []string{"api"}, StartedAt: at(23, 5), ResolvedAt: ptrAt(23, 6)},
			},
			"api:....M.. db:......."},
		{"before the range is clipped to it; wholly before or after is ignored",
			[]PublicIncident{
				{Impact: ImpactCritical, Components: []string{"api"}, StartedAt: at(10, 0), ResolvedAt: ptrAt(20, 0)},
				{Impact: ImpactCritical, Components: []string{"db"}, StartedAt: at(1, 0), ResolvedAt: ptrAt(2, 0)},
				{Impact: ImpactCritical, Components: []string{"db"}, StartedAt: at(27, 0), ResolvedAt: ptrAt(28, 0)},
			},
			"api:MM..... db:......."},
		{"unknown components are ignored",
			[]PublicIncident{{Impact: ImpactCritical, Components: []string{"gone"}, StartedAt: at(25, 1)}},
			"api:....... db:......."},
	} {
		if got := rows(tc.incs...); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

// TestCleanComponentAndMaintenance: what is saved is trimmed, without
// empty or repeated entries, in UTC.
func TestCleanComponentAndMaintenance(t *testing.T) {
	c, err := CleanComponent(Component{Key: "api", Name: " API ", Group: " Shop ", Description: " REST ",
		Services: []string{" checkout ", "payments", "checkout", ""}})
	if err != nil || c.Name != "API" || c.Group != "Shop" || c.Description != "REST" || strings.Join(c.Services, ",") != "checkout,payments" {
		t.Errorf("CleanComponent = %+v, %v", c, err)
	}
	if c, _ := CleanComponent(Component{Key: "db", Name: "Database"}); c.Services == nil {
		t.Error("no services is a nil list; want [] in JSON")
	}
	tokyo := time.FixedZone("JST", 9*3600)
	start := time.Date(2026, 12, 1, 11, 0, 0, 0, tokyo)
	m, err := CleanMaintenance(Maintenance{Title: " Upgrade ", Text: "  text  ", Components: []string{"db", "db", " "},
		StartsAt: start, EndsAt: start.Add(time.Hour)})
	if err != nil || m.Title != "Upgrade" || m.Text != "text" || strings.Join(m.Components, ",") != "db" ||
		m.StartsAt.Location() != time.UTC || !m.StartsAt.Equal(start) {
		t.Errorf("CleanMaintenance = %+v, %v", m, err)
	}
}
