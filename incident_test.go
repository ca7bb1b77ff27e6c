package hansei

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// ---------------------------------------------------------------------------
// Fixtures and helpers
// ---------------------------------------------------------------------------

// t0 is "now" for every decision unless a test moves the clock.
var t0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// incUsers is the user directory behind Env.Users.
var incUsers = map[string]User{
	"alice":  {Name: "alice", Role: RoleResponder},
	"bob":    {Name: "bob", Role: RoleResponder},
	"carol":  {Name: "carol", Role: RoleAdmin},
	"dave":   {Name: "dave", Role: RoleResponder},
	"victor": {Name: "victor", Role: RoleViewer},
}

func incLookupUser(name string) (User, error) {
	u, ok := incUsers[name]
	if !ok {
		return User{}, Errorf(ENOTFOUND, "no user named %q", name)
	}
	return u, nil
}

// envAt returns the Env of actor deciding at time now.
func envAt(actor string, now time.Time) Env {
	u, ok := incUsers[actor]
	if !ok {
		panic("envAt: unknown test user " + actor)
	}
	return Env{Now: now, Actor: u, Scales: DefaultScales(), Users: incLookupUser}
}

// envAs returns the Env of actor deciding at t0.
func envAs(actor string) Env { return envAt(actor, t0) }

// decide runs cmd as alice at t0, fails the test if it is refused, and
// returns the incident with the events applied, and the events.
func decide(t *testing.T, inc Incident, cmd Command) (Incident, []Event) {
	t.Helper()
	return decideWith(t, inc, envAs("alice"), cmd)
}

// decideWith is decide with a chosen Env. It also checks what holds for
// every accepted decision: at least one event, numbered after inc.LastSeq,
// carrying the incident number, the actor and the time in UTC.
func decideWith(t *testing.T, inc Incident, env Env, cmd Command) (Incident, []Event) {
	t.Helper()
	evs, err := Decide(inc, env, cmd)
	if err != nil {
		t.Fatalf("Decide(%T %+v) refused: %v", cmd, cmd, err)
	}
	if len(evs) == 0 {
		t.Fatalf("Decide(%T %+v) accepted with no events", cmd, cmd)
	}
	for i, e := range evs {
		if want := inc.LastSeq + int64(i) + 1; e.Seq != want {
			t.Errorf("event %d (%s): seq %d, want %d", i, e.Type, e.Seq, want)
		}
		if e.Incident != inc.Number {
			t.Errorf("event %d (%s): incident %d, want %d", i, e.Type, e.Incident, inc.Number)
		}
		if e.Actor != env.Actor.Name {
			t.Errorf("event %d (%s): actor %q, want %q", i, e.Type, e.Actor, env.Actor.Name)
		}
		if !e.At.Equal(env.Now) || e.At.Location() != time.UTC {
			t.Errorf("event %d (%s): at %v, want %v in UTC", i, e.Type, e.At, env.Now)
		}
	}
	out := inc
	for _, e := range evs {
		if out, err = Apply(out, e); err != nil {
			t.Fatalf("Apply(%s seq %d): %v", e.Type, e.Seq, err)
		}
	}
	return out, evs
}

// refuse runs cmd and checks that it is refused with a domain error of the
// given code and no events.
func refuse(t *testing.T, inc Incident, env Env, cmd Command, code string) *Error {
	t.Helper()
	evs, err := Decide(inc, env, cmd)
	if err == nil {
		t.Fatalf("Decide(%T %+v) accepted with %d events; want %s", cmd, cmd, len(evs), code)
	}
	if evs != nil {
		t.Errorf("Decide(%T %+v) returned events with its error: %v", cmd, cmd, evs)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Decide(%T %+v) error %v is a %T, want *Error", cmd, cmd, err, err)
	}
	if e.Code != code {
		t.Fatalf("Decide(%T %+v) error code %q (%v), want %q", cmd, cmd, e.Code, err, code)
	}
	return e
}

// refuseField checks for an EINVALID error that names field.
func refuseField(t *testing.T, inc Incident, env Env, cmd Command, field string) *Error {
	t.Helper()
	e := refuse(t, inc, env, cmd, EINVALID)
	if e.Fields[field] == "" {
		t.Errorf("Fields = %v, want an entry for %q", e.Fields, field)
	}
	return e
}

// payload decodes an event's data.
func payload[T any](t *testing.T, e Event) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(e.Data, &v); err != nil {
		t.Fatalf("%s event %d: bad payload %s: %v", e.Type, e.Seq, e.Data, err)
	}
	return v
}

// wantTypes checks the types of evs, in order.
func wantTypes(t *testing.T, evs []Event, types ...string) {
	t.Helper()
	got := make([]string, len(evs))
	for i, e := range evs {
		got[i] = e.Type
	}
	if strings.Join(got, ",") != strings.Join(types, ",") {
		t.Fatalf("event types = %v, want %v", got, types)
	}
}

// declared returns INC-7 as declared by alice at t0 (SEV2, commander alice)
// and its events.
func declared(t *testing.T) (Incident, []Event) {
	t.Helper()
	return decide(t, Incident{Number: 7}, Declare{Title: "Checkout fails", Severity: "SEV2"})
}

// incidentAt returns a declared incident in the given status, built directly
// rather than from events so that any status (closed too) can be set up.
func incidentAt(status Status) Incident {
	return Incident{
		Number: 7, Title: "Checkout fails", Severity: "SEV2", Status: status,
		Visibility: VisibilityInternal, Services: []string{"checkout"},
		Roles:      map[string]string{RoleCommander: "alice"},
		Responders: []Responder{{User: "alice", State: ResponderActive, JoinedAt: t0}},
		DeclaredBy: "alice", StartedAt: t0, DetectedAt: t0, DeclaredAt: t0,
		AcknowledgedAt: ptr(t0), UpdatedAt: t0, LastSeq: 5,
	}
}

func ptr[T any](v T) *T { return &v }

// ev builds an event by hand for Apply tests.
func ev(t *testing.T, seq int64, typ string, at time.Time, actor string, data any) Event {
	t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	return Event{Incident: 7, Seq: seq, Type: typ, Actor: actor, At: at, Data: raw}
}

func timePtrEqual(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func fmtTimePtr(p *time.Time) string {
	if p == nil {
		return "nil"
	}
	return p.Format(time.RFC3339)
}

func wantTime(t *testing.T, name string, got, want *time.Time) {
	t.Helper()
	if !timePtrEqual(got, want) {
		t.Errorf("%s = %s, want %s", name, fmtTimePtr(got), fmtTimePtr(want))
	}
}

// responders renders responders as "user:state@minutes-after-t0".
func responders(rs []Responder) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%s:%s@%v", r.User, r.State, r.JoinedAt.Sub(t0))
	}
	return strings.Join(parts, " ")
}

// ---------------------------------------------------------------------------
// Status transitions
// ---------------------------------------------------------------------------

var allStatuses = []Status{StatusInvestigating, StatusIdentified, StatusMonitoring, StatusResolved, StatusClosed}

// allowedNext is the transition table, written out independently of
// NextStatuses.
var allowedNext = map[Status][]Status{
	StatusInvestigating: {StatusIdentified, StatusMonitoring, StatusResolved},
	StatusIdentified:    {StatusInvestigating, StatusMonitoring, StatusResolved},
	StatusMonitoring:    {StatusInvestigating, StatusIdentified, StatusResolved},
	StatusResolved:      {StatusInvestigating},
	StatusClosed:        nil,
}

func TestNextStatuses(t *testing.T) {
	for _, from := range allStatuses {
		if got, want := NextStatuses(from), allowedNext[from]; !reflect.DeepEqual(got, want) {
			t.Errorf("NextStatuses(%s) = %v, want %v", from, got, want)
		}
	}
	for _, s := range []Status{"", "open", "Investigating"} {
		if got := NextStatuses(s); len(got) != 0 {
			t.Errorf("NextStatuses(%q) = %v, want none", s, got)
		}
	}
}

func TestChangeStatusEveryPair(t *testing.T) {
	for _, from := range allStatuses {
		for _, to := range allStatuses {
			t.Run(fmt.Sprintf("%s_to_%s", from, to), func(t *testing.T) {
				inc := incidentAt(from)
				cmd := ChangeStatus{Status: to, Message: "  rolled back the deploy \n"}
				allowed := false
				for _, s := range allowedNext[from] {
					allowed = allowed || s == to
				}
				if allowed {
					after, evs := decide(t, inc, cmd)
					wantTypes(t, evs, EventStatusChanged)
					p := payload[StatusChangedData](t, evs[0])
					want := StatusChangedData{From: from, To: to, Message: "rolled back the deploy"}
					if p != want {
						t.Errorf("payload = %+v, want %+v", p, want)
					}
					if after.Status != to {
						t.Errorf("status after apply = %s, want %s", after.Status, to)
					}
					return
				}

				e := refuse(t, inc, envAs("alice"), cmd, ECONFLICT)
				switch {
				case from == StatusClosed:
					if !strings.Contains(e.Message, "INC-7 is closed") || !strings.Contains(e.Message, "postmortem") {
						t.Errorf("message %q should say INC-7 is closed by its postmortem", e.Message)
					}
				case to == StatusClosed:
					if !strings.Contains(e.Message, "closed by publishing its postmortem") {
						t.Errorf("message %q should say publishing the postmortem closes an incident", e.Message)
					}
				default:
					if !strings.Contains(e.Message, fmt.Sprintf("cannot move from %s to %s", from, to)) {
						t.Errorf("message %q should name the refused move", e.Message)
					}
				}
				if from != StatusClosed {
					names := make([]string, 0, 3)
					for _, s := range allowedNext[from] {
						names = append(names, string(s))
					}
					wantTail := fmt.Sprintf("from %s it may move to %s", from, strings.Join(names, ", "))
					if !strings.HasSuffix(e.Message, wantTail) {
						t.Errorf("message %q should end with %q", e.Message, wantTail)
					}
				}
			})
		}
	}
}

func TestChangeStatusUnknownTargetIsInvalid(t *testing.T) {
	for _, to := range []Status{"", "open", "Resolved"} {
		_, err := Decide(incidentAt(StatusIdentified), envAs("alice"), ChangeStatus{Status: to})
		if ErrorCode(err) != EINVALID || ErrorFields(err)["status"] == "" {
			t.Fatalf("ChangeStatus{%q}: %v, want invalid naming the status field", to, err)
		}
		if !strings.Contains(ErrorMessage(err), "investigating, identified, monitoring or resolved") {
			t.Errorf("ChangeStatus{%q}: message %q should name the statuses", to, ErrorMessage(err))
		}
	}
}

func TestUndeclaredIncidentRefusesCommands(t *testing.T) {
	_, err := Decide(Incident{Number: 7}, envAs("alice"), AddNote{Text: "hello"})
	if ErrorCode(err) != ENOTFOUND {
		t.Fatalf("note on an undeclared incident: %v, want not_found", err)
	}
}

func TestDetectedAtAloneSetsStartedAt(t *testing.T) {
	env := envAs("alice")
	seen := env.Now.Add(-10 * time.Minute)
	inc, _ := decide(t, Incident{Number: 1}, Declare{Title: "Late page", Severity: "SEV3", DetectedAt: &seen})
	if !inc.StartedAt.Equal(seen) || !inc.DetectedAt.Equal(seen) {
		t.Fatalf("started %v detected %v, want both %v", inc.StartedAt, inc.DetectedAt, seen)
	}
}

func TestChangeStatusMessageLimit(t *testing.T) {
	inc := incidentAt(StatusInvestigating)
	decide(t, inc, ChangeStatus{Status: StatusIdentified, Message: strings.Repeat("é", MaxText)})
	refuseField(t, inc, envAs("alice"), ChangeStatus{Status: StatusIdentified, Message: strings.Repeat("é", MaxText+1)}, "message")
	// An empty message is fine and is left out of the payload.
	_, evs := decide(t, inc, ChangeStatus{Status: StatusIdentified})
	if strings.Contains(string(evs[0].Data), "message") {
		t.Errorf("payload %s should omit an empty message", evs[0].Data)
	}
}

func TestClosedIncidentRefusesEveryCommand(t *testing.T) {
	inc := incidentAt(StatusClosed)
	inc.Responders = append(inc.Responders, Responder{User: "bob", State: ResponderStoodDown, JoinedAt: t0})
	for _, cmd := range []Command{
		ChangeSeverity{Severity: "SEV1", Reason: "worse than thought"},
		ChangeStatus{Status: StatusInvestigating},
		ChangeStatus{Status: StatusResolved},
		ChangeStatus{Status: StatusClosed},
		AssignRole{Role: RoleScribe, User: "bob"},
		AssignRole{Role: "Not Valid", User: "bob"},
		Join{},
		Join{User: "bob"},
		AddNote{Text: "late finding"},
		AddNote{Text: ""},
	} {
		e := refuse(t, inc, envAs("carol"), cmd, ECONFLICT)
		if !strings.Contains(e.Message, "INC-7 is closed") {
			t.Errorf("%T %+v: message %q should say INC-7 is closed", cmd, cmd, e.Message)
		}
	}
	// Declaring again is refused too, as for any declared incident.
	refuse(t, inc, envAs("carol"), Declare{Title: "x", Severity: "SEV1"}, ECONFLICT)
}

// ---------------------------------------------------------------------------
// Declare
// ---------------------------------------------------------------------------

func TestDeclareDefaults(t *testing.T) {
	// A clock in another zone: events and times are still stored in UTC.
	tokyo := time.FixedZone("JST", 9*3600)
	env := envAt("alice", t0.In(tokyo))
	inc, evs := decideWith(t, Incident{Number: 7}, env, Declare{Title: "  Checkout fails  ", Summary: " 5xx at the edge ", Severity: "SEV2"})

	wantTypes(t, evs, EventDeclared, EventResponderJoined, EventRoleAssigned)
	d := payload[DeclaredData](t, evs[0])
	if d.Title != "Checkout fails" || d.Summary != "5xx at the edge" || d.Severity != "SEV2" {
		t.Errorf("declared payload = %+v, want trimmed title and summary, SEV2", d)
	}
	if d.Visibility != VisibilityInternal {
		t.Errorf("visibility = %q, want internal", d.Visibility)
	}
	if d.Services == nil || len(d.Services) != 0 {
		t.Errorf("services = %#v, want an empty list", d.Services)
	}
	if !d.StartedAt.Equal(t0) || !d.DetectedAt.Equal(t0) {
		t.Errorf("started/detected = %v/%v, want both %v", d.StartedAt, d.DetectedAt, t0)
	}
	if j := payload[ResponderJoinedData](t, evs[1]); j != (ResponderJoinedData{User: "alice"}) {
		t.Errorf("joined payload = %+v, want alice", j)
	}
	if r := payload[RoleAssignedData](t, evs[2]); r != (RoleAssignedData{Role: RoleCommander, User: "alice"}) {
		t.Errorf("role payload = %+v, want commander alice with no previous", r)
	}

	want := Incident{
		Number: 7, Title: "Checkout fails", Summary: "5xx at the edge", Severity: "SEV2",
		Status: StatusInvestigating, Visibility: VisibilityInternal, Services: []string{},
		Roles:      map[string]string{RoleCommander: "alice"},
		Responders: []Responder{{User: "alice", State: ResponderActive, JoinedAt: t0}},
		DeclaredBy: "alice", StartedAt: t0, DetectedAt: t0, DeclaredAt: t0,
		AcknowledgedAt: ptr(t0), UpdatedAt: t0, LastSeq: 3, Intents: []Intent{},
	}
	if !reflect.DeepEqual(inc, want) {
		t.Errorf("projection =\n%+v\nwant\n%+v", inc, want)
	}
	if inc.Ref() != "INC-7" {
		t.Errorf("Ref() = %q, want INC-7", inc.Ref())
	}
}

func TestDeclareCommander(t *testing.T) {
	tests := []struct {
		name      string
		commander string
		types     []string
		joined    []string // users in the responder.joined events, in order
		wantCmdr  string
	}{
		{"default is the declarer", "", []string{EventDeclared, EventResponderJoined, EventRoleAssigned}, []string{"alice"}, "alice"},
		{"declarer by name", "alice", []string{EventDeclared, EventResponderJoined, EventRoleAssigned}, []string{"alice"}, "alice"},
		{"another responder", "bob", []string{EventDeclared, EventResponderJoined, EventResponderJoined, EventRoleAssigned}, []string{"alice", "bob"}, "bob"},
		{"an admin", "carol", []string{EventDeclared, EventResponderJoined, EventResponderJoined, EventRoleAssigned}, []string{"alice", "carol"}, "carol"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc, evs := decide(t, Incident{Number: 7}, Declare{Title: "t", Severity: "SEV3", Commander: tc.commander})
			wantTypes(t, evs, tc.types...)
			var joined []string
			for _, e := range evs {
				if e.Type == EventResponderJoined {
					joined = append(joined, payload[ResponderJoinedData](t, e).User)
				}
			}
			if !reflect.DeepEqual(joined, tc.joined) {
				t.Errorf("joined = %v, want %v", joined, tc.joined)
			}
			if r := payload[RoleAssignedData](t, evs[len(evs)-1]); r != (RoleAssignedData{Role: RoleCommander, User: tc.wantCmdr}) {
				t.Errorf("role payload = %+v, want commander %s", r, tc.wantCmdr)
			}
			if inc.Roles[RoleCommander] != tc.wantCmdr || len(inc.Roles) != 1 {
				t.Errorf("roles = %v, want only commander %s", inc.Roles, tc.wantCmdr)
			}
			if inc.DeclaredBy != "alice" {
				t.Errorf("declared by %q, want alice", inc.DeclaredBy)
			}
			var wantResp []Responder
			for _, u := range tc.joined {
				wantResp = append(wantResp, Responder{User: u, State: ResponderActive, JoinedAt: t0})
			}
			if !reflect.DeepEqual(inc.Responders, wantResp) {
				t.Errorf("responders = %s, want %s", responders(inc.Responders), responders(wantResp))
			}
		})
	}
}

func TestDeclareExplicitFields(t *testing.T) {
	started := t0.Add(-2 * time.Hour).In(time.FixedZone("CET", 3600))
	detected := t0.Add(-90 * time.Minute)
	inc, evs := decide(t, Incident{Number: 7}, Declare{
		Title: "Search times out", Severity: "SEV1", Visibility: VisibilityRestricted,
		Services:  []string{" search ", "api", "search", "api ", "Search"},
		StartedAt: &started, DetectedAt: &detected,
	})
	d := payload[DeclaredData](t, evs[0])
	if want := []string{"search", "api", "Search"}; !reflect.DeepEqual(d.Services, want) {
		t.Errorf("services = %q, want trimmed, de-duplicated in first-seen order %q", d.Services, want)
	}
	if d.StartedAt.Location() != time.UTC || !d.StartedAt.Equal(started) {
		t.Errorf("started_at = %v, want %v in UTC", d.StartedAt, started)
	}
	if !d.DetectedAt.Equal(detected) {
		t.Errorf("detected_at = %v, want %v", d.DetectedAt, detected)
	}
	if inc.Visibility != VisibilityRestricted || inc.Severity != "SEV1" {
		t.Errorf("projection visibility/severity = %s/%s, want restricted/SEV1", inc.Visibility, inc.Severity)
	}
	if !inc.StartedAt.Equal(started) || !inc.DetectedAt.Equal(detected) || !inc.DeclaredAt.Equal(t0) {
		t.Errorf("projection times started %v detected %v declared %v", inc.StartedAt, inc.DetectedAt, inc.DeclaredAt)
	}
}

func TestDeclareAccepts(t *testing.T) {
	past := t0.Add(-time.Hour)
	now := t0
	services := func(n int) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = fmt.Sprintf("svc-%d", i)
		}
		return s
	}
	tests := []struct {
		name string
		cmd  Declare
	}{
		{"title of MaxTitle multibyte runes", Declare{Title: strings.Repeat("障", MaxTitle), Severity: "SEV1"}},
		{"summary of MaxText runes", Declare{Title: "t", Summary: strings.Repeat("ü", MaxText), Severity: "SEV1"}},
		{"every default severity SEV4", Declare{Title: "t", Severity: "SEV4"}},
		{"explicit internal", Declare{Title: "t", Severity: "SEV1", Visibility: VisibilityInternal}},
		{"50 services", Declare{Title: "t", Severity: "SEV1", Services: services(50)}},
		{"service of MaxService runes", Declare{Title: "t", Severity: "SEV1", Services: []string{strings.Repeat("ß", MaxService)}}},
		{"started and detected now", Declare{Title: "t", Severity: "SEV1", StartedAt: &now, DetectedAt: &now}},
		{"detected equals started", Declare{Title: "t", Severity: "SEV1", StartedAt: &past, DetectedAt: &past}},
		{"started in the past, detected defaults to now", Declare{Title: "t", Severity: "SEV1", StartedAt: &past}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			decide(t, Incident{Number: 7}, tc.cmd)
		})
	}
}

func TestDeclareRefuses(t *testing.T) {
	future := t0.Add(time.Second)
	past := t0.Add(-time.Hour)
	earlier := t0.Add(-2 * time.Hour)
	ok := Declare{Title: "Checkout fails", Severity: "SEV2"}
	with := func(f func(*Declare)) Declare { c := ok; f(&c); return c }
	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprintf("svc-%d", i)
	}

	tests := []struct {
		name  string
		cmd   Declare
		field string
	}{
		{"empty title", with(func(c *Declare) { c.Title = "" }), "title"},
		{"blank title", with(func(c *Declare) { c.Title = " \t\n " }), "title"},
		{"title of MaxTitle+1 multibyte runes", with(func(c *Declare) { c.Title = strings.Repeat("障", MaxTitle+1) }), "title"},
		{"summary of MaxText+1 runes", with(func(c *Declare) { c.Summary = strings.Repeat("ü", MaxText+1) }), "summary"},
		{"missing severity", with(func(c *Declare) { c.Severity = "" }), "severity"},
		{"unknown severity", with(func(c *Declare) { c.Severity = "SEV9" }), "severity"},
		{"priority key as severity", with(func(c *Declare) { c.Severity = "P0" }), "severity"},
		{"unknown visibility", with(func(c *Declare) { c.Visibility = "public" }), "visibility"},
		{"51 services", with(func(c *Declare) { c.Services = many }), "services"},
		{"51 services even with duplicates", with(func(c *Declare) { c.Services = append(make([]string, 0, 51), append(many[:50:50], "svc-0")...) }), "services"},
		{"empty service", with(func(c *Declare) { c.Services = []string{"api", ""} }), "services[1]"},
		{"blank service", with(func(c *Declare) { c.Services = []string{" \t "} }), "services[0]"},
		{"service of MaxService+1 runes", with(func(c *Declare) { c.Services = []string{"api", strings.Repeat("ß", MaxService+1)} }), "services[1]"},
		{"started in the future", with(func(c *Declare) { c.StartedAt = &future }), "started_at"},
		{"detected before started", with(func(c *Declare) { c.StartedAt = &past; c.DetectedAt = &earlier }), "detected_at"},
		{"detected in the future", with(func(c *Declare) { c.StartedAt = &past; c.DetectedAt = &future }), "detected_at"},
		{"unknown commander", with(func(c *Declare) { c.Commander = "nobody" }), "commander"},
		{"viewer commander", with(func(c *Declare) { c.Commander = "victor" }), "commander"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			refuseField(t, Incident{Number: 7}, envAs("alice"), tc.cmd, tc.field)
		})
	}
}

func TestDeclareErrorMessages(t *testing.T) {
	env := envAs("alice")
	t.Run("unknown severity lists every level", func(t *testing.T) {
		e := refuseField(t, Incident{}, env, Declare{Title: "t", Severity: "SEV9"}, "severity")
		if !strings.Contains(e.Message, `"SEV9"`) {
			t.Errorf("message %q should quote the unknown level", e.Message)
		}
		for _, l := range DefaultScales().Severity.Levels {
			if !strings.Contains(e.Message, l.Key+" ("+l.Name+")") || !strings.Contains(e.Message, l.Definition) {
				t.Errorf("message %q should list %s (%s) and its definition", e.Message, l.Key, l.Name)
			}
		}
	})
	t.Run("unknown commander names the user", func(t *testing.T) {
		e := refuseField(t, Incident{}, env, Declare{Title: "t", Severity: "SEV1", Commander: "nobody"}, "commander")
		if !strings.Contains(e.Message, `"nobody"`) {
			t.Errorf("message %q should name the unknown user", e.Message)
		}
	})
	t.Run("viewer commander says viewer", func(t *testing.T) {
		e := refuseField(t, Incident{}, env, Declare{Title: "t", Severity: "SEV1", Commander: "victor"}, "commander")
		if !strings.Contains(e.Message, "viewer") {
			t.Errorf("message %q should say victor is a viewer", e.Message)
		}
	})
	t.Run("over-long title gives the count in runes", func(t *testing.T) {
		e := refuseField(t, Incident{}, env, Declare{Title: strings.Repeat("障", MaxTitle+1), Severity: "SEV1"}, "title")
		if !strings.Contains(e.Message, "201 characters") || !strings.Contains(e.Message, "limit is 200") {
			t.Errorf("message %q should give 201 characters and the limit 200", e.Message)
		}
	})
}

func TestDeclareRefusesActorsAndState(t *testing.T) {
	cmd := Declare{Title: "t", Severity: "SEV1"}
	t.Run("viewer actor", func(t *testing.T) {
		e := refuse(t, Incident{}, envAs("victor"), cmd, EFORBIDDEN)
		if len(e.Fields) != 0 {
			t.Errorf("Fields = %v, want none for a forbidden actor", e.Fields)
		}
	})
	t.Run("viewer actor even with an invalid command", func(t *testing.T) {
		refuse(t, Incident{}, envAs("victor"), Declare{}, EFORBIDDEN)
	})
	t.Run("already declared", func(t *testing.T) {
		inc, _ := declared(t)
		refuse(t, inc, envAs("alice"), cmd, ECONFLICT)
	})
	t.Run("user directory fails", func(t *testing.T) {
		env := envAs("alice")
		env.Users = func(string) (User, error) { return User{}, errors.New("database is down") }
		_, err := Decide(Incident{}, env, Declare{Title: "t", Severity: "SEV1", Commander: "bob"})
		if err == nil || ErrorCode(err) != EINTERNAL {
			t.Errorf("Decide = %v, want an internal error", err)
		}
	})
	t.Run("no user directory", func(t *testing.T) {
		env := envAs("alice")
		env.Users = nil
		refuse(t, Incident{}, env, Declare{Title: "t", Severity: "SEV1", Commander: "bob"}, EINTERNAL)
		// The declarer as commander needs no look-up.
		decideWith(t, Incident{}, env, cmd)
	})
}

// ---------------------------------------------------------------------------
// ChangeSeverity
// ---------------------------------------------------------------------------

func TestChangeSeverity(t *testing.T) {
	inc, _ := declared(t) // SEV2
	after, evs := decideWith(t, inc, envAs("bob"), ChangeSeverity{Severity: "SEV1", Reason: "  customer data exposed \n"})
	wantTypes(t, evs, EventSeverityChanged)
	if p := payload[SeverityChangedData](t, evs[0]); p != (SeverityChangedData{From: "SEV2", To: "SEV1", Reason: "customer data exposed"}) {
		t.Errorf("payload = %+v, want SEV2 -> SEV1 with the trimmed reason", p)
	}
	if after.Severity != "SEV1" || after.LastSeq != inc.LastSeq+1 {
		t.Errorf("after: severity %s seq %d, want SEV1 seq %d", after.Severity, after.LastSeq, inc.LastSeq+1)
	}
	// Downgrades are fine too, and a reason of exactly MaxReason runes.
	decide(t, inc, ChangeSeverity{Severity: "SEV4", Reason: strings.Repeat("ä", MaxReason)})
}

// A level typed in any case is the scale's level, stored as the scale
// spells it, so that filters, ranks and the status page find it.
func TestLevelsInAnyCase(t *testing.T) {
	for _, typed := range []string{"sev1", "Sev1", "SEV1"} {
		t.Run(typed, func(t *testing.T) {
			inc, _ := decide(t, Incident{Number: 7}, Declare{Title: "t", Severity: typed})
			if inc.Severity != "SEV1" {
				t.Errorf("declared with %q: severity %q, want SEV1", typed, inc.Severity)
			}
			inc, _ = declared(t) // SEV2
			after, evs := decide(t, inc, ChangeSeverity{Severity: typed, Reason: "r"})
			if p := payload[SeverityChangedData](t, evs[0]); p.To != "SEV1" || after.Severity != "SEV1" {
				t.Errorf("changed to %q: event to %q, severity %q; want SEV1", typed, p.To, after.Severity)
			}
		})
	}
	inc, _ := declared(t) // SEV2
	if e := refuse(t, inc, envAs("alice"), ChangeSeverity{Severity: "sev2", Reason: "r"}, ECONFLICT); !strings.Contains(e.Message, "already SEV2") {
		t.Errorf("sev2 on a SEV2 incident: %q, want it already SEV2", e.Message)
	}
}

func TestChangeSeverityRefuses(t *testing.T) {
	inc, _ := declared(t) // SEV2
	tests := []struct {
		name  string
		cmd   ChangeSeverity
		code  string
		field string
	}{
		{"empty reason", ChangeSeverity{Severity: "SEV1"}, EINVALID, "reason"},
		{"blank reason", ChangeSeverity{Severity: "SEV1", Reason: " \t\n"}, EINVALID, "reason"},
		{"over-long reason", ChangeSeverity{Severity: "SEV1", Reason: strings.Repeat("ä", MaxReason+1)}, EINVALID, "reason"},
		{"unknown level", ChangeSeverity{Severity: "SEV0", Reason: "r"}, EINVALID, "severity"},
		{"empty level", ChangeSeverity{Severity: "", Reason: "r"}, EINVALID, "severity"},
		{"priority key", ChangeSeverity{Severity: "P1", Reason: "r"}, EINVALID, "severity"},
		{"same level", ChangeSeverity{Severity: "SEV2", Reason: "r"}, ECONFLICT, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := refuse(t, inc, envAs("alice"), tc.cmd, tc.code)
			if tc.field != "" && e.Fields[tc.field] == "" {
				t.Errorf("Fields = %v, want an entry for %q", e.Fields, tc.field)
			}
			if tc.code == ECONFLICT && !strings.Contains(e.Message, "INC-7 is already SEV2") {
				t.Errorf("message %q should say INC-7 is already SEV2", e.Message)
			}
		})
	}
	refuse(t, inc, envAs("victor"), ChangeSeverity{Severity: "SEV1", Reason: "r"}, EFORBIDDEN)
}

// ---------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------

func TestValidateRoleName(t *testing.T) {
	tests := []struct {
		role string
		ok   bool
	}{
		{"commander", true},
		{"communications", true},
		{"scribe", true},
		{"ops-lead", true},
		{"ops_lead2", true},
		{"x", true},
		{strings.Repeat("a", MaxRole), true},
		{"", false},
		{"Commander", false},
		{"has space", false},
		{strings.Repeat("a", MaxRole+1), false},
		{"2nd-commander", false},
		{"-lead", false},
		{"_lead", false},
		{"lead.ops", false},
		{"liaisoné", false},
		{"ops/lead", false},
		{" scribe", false},
	}
	for _, tc := range tests {
		t.Run(tc.role, func(t *testing.T) {
			err := ValidateRoleName(tc.role)
			if tc.ok {
				if err != nil {
					t.Errorf("ValidateRoleName(%q) = %v, want ok", tc.role, err)
				}
				return
			}
			if ErrorCode(err) != EINVALID || ErrorFields(err)["role"] == "" {
				t.Errorf("ValidateRoleName(%q) = %v, want EINVALID naming field role", tc.role, err)
			}
			// Decide refuses them too: none is a configured role.
			inc, _ := declared(t)
			if _, err := DefaultScales().Role(tc.role); err != nil {
				refuseField(t, inc, envAs("alice"), AssignRole{Role: tc.role, User: "bob"}, "role")
			}
		})
	}
}

func TestAssignRoleHandover(t *testing.T) {
	inc, _ := declared(t) // commander alice
	inc, _ = decideWith(t, inc, envAt("bob", t0.Add(time.Minute)), Join{})
	before := inc
	beforeRoles := cloneRoles(inc.Roles)

	after, evs := decideWith(t, inc, envAt("alice", t0.Add(2*time.Minute)), AssignRole{Role: RoleCommander, User: "bob"})
	wantTypes(t, evs, EventRoleAssigned)
	if p := payload[RoleAssignedData](t, evs[0]); p != (RoleAssignedData{Role: RoleCommander, User: "bob", Previous: "alice"}) {
		t.Errorf("payload = %+v, want commander bob from alice", p)
	}
	if !reflect.DeepEqual(after.Roles, map[string]string{RoleCommander: "bob"}) {
		t.Errorf("roles = %v, want commander bob", after.Roles)
	}
	wantTime(t, "acknowledged_at", after.AcknowledgedAt, ptr(t0))
	if !reflect.DeepEqual(inc.Roles, beforeRoles) || !reflect.DeepEqual(inc, before) {
		t.Errorf("deciding and applying changed the earlier incident value: roles %v", inc.Roles)
	}
	// The old holder stays a responder.
	if r, ok := after.Responder("alice"); !ok || r.State != ResponderActive {
		t.Errorf("alice = %+v, %v; want still active", r, ok)
	}
}

func TestAssignRoleToNonResponderJoinsThemFirst(t *testing.T) {
	inc, _ := declared(t)
	after, evs := decideWith(t, inc, envAt("alice", t0.Add(3*time.Minute)), AssignRole{Role: RoleScribe, User: "bob"})
	wantTypes(t, evs, EventResponderJoined, EventRoleAssigned)
	if p := payload[ResponderJoinedData](t, evs[0]); p != (ResponderJoinedData{User: "bob"}) {
		t.Errorf("joined payload = %+v, want bob, not a rejoin", p)
	}
	if p := payload[RoleAssignedData](t, evs[1]); p != (RoleAssignedData{Role: RoleScribe, User: "bob"}) {
		t.Errorf("role payload = %+v, want scribe bob with no previous", p)
	}
	if got, want := responders(after.Responders), "alice:active@0s bob:active@3m0s"; got != want {
		t.Errorf("responders = %s, want %s", got, want)
	}
	if !reflect.DeepEqual(after.Roles, map[string]string{RoleCommander: "alice", RoleScribe: "bob"}) {
		t.Errorf("roles = %v", after.Roles)
	}
}

func TestAssignRoleToStoodDownResponderRejoinsThem(t *testing.T) {
	inc := incidentAt(StatusIdentified)
	down := t0.Add(time.Minute)
	inc.Responders = append(inc.Responders, Responder{User: "bob", State: ResponderStoodDown, JoinedAt: t0, StoodDownAt: &down})
	after, evs := decideWith(t, inc, envAt("alice", t0.Add(time.Hour)), AssignRole{Role: RoleScribe, User: "bob"})
	wantTypes(t, evs, EventResponderJoined, EventRoleAssigned)
	if p := payload[ResponderJoinedData](t, evs[0]); p != (ResponderJoinedData{User: "bob", Rejoined: true}) {
		t.Errorf("joined payload = %+v, want bob rejoined", p)
	}
	r, _ := after.Responder("bob")
	if r.State != ResponderActive || r.StoodDownAt != nil || !r.JoinedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("bob = %+v, want active again, joined at t0+1h", r)
	}
	if len(after.Responders) != 2 {
		t.Errorf("responders = %s, want bob updated in place", responders(after.Responders))
	}
	// The stood-down record in the earlier value is untouched.
	if inc.Responders[1].State != ResponderStoodDown {
		t.Errorf("Apply changed the earlier incident's responders: %+v", inc.Responders)
	}
}

func TestAssignRoleRefuses(t *testing.T) {
	inc, _ := declared(t) // commander alice
	tests := []struct {
		name  string
		cmd   AssignRole
		code  string
		field string
	}{
		{"same holder", AssignRole{Role: RoleCommander, User: "alice"}, ECONFLICT, ""},
		{"unknown user", AssignRole{Role: RoleScribe, User: "nobody"}, EINVALID, "user"},
		{"no user", AssignRole{Role: RoleScribe, User: ""}, EINVALID, "user"},
		{"viewer", AssignRole{Role: RoleScribe, User: "victor"}, EINVALID, "user"},
		{"unconfigured role", AssignRole{Role: "comms", User: "bob"}, EINVALID, "role"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := refuse(t, inc, envAs("alice"), tc.cmd, tc.code)
			if tc.field != "" && e.Fields[tc.field] == "" {
				t.Errorf("Fields = %v, want an entry for %q", e.Fields, tc.field)
			}
			if tc.code == ECONFLICT && !strings.Contains(e.Message, "alice already holds commander in INC-7") {
				t.Errorf("message %q", e.Message)
			}
		})
	}
	refuse(t, inc, envAs("victor"), AssignRole{Role: RoleScribe, User: "bob"}, EFORBIDDEN)
}

// ---------------------------------------------------------------------------
// Join and AddNote
// ---------------------------------------------------------------------------

func TestJoin(t *testing.T) {
	inc, _ := declared(t)
	t.Run("self by default", func(t *testing.T) {
		env := envAt("bob", t0.Add(time.Minute))
		env.Users = nil // joining oneself needs no look-up
		after, evs := decideWith(t, inc, env, Join{})
		wantTypes(t, evs, EventResponderJoined)
		if p := payload[ResponderJoinedData](t, evs[0]); p != (ResponderJoinedData{User: "bob"}) {
			t.Errorf("payload = %+v, want bob", p)
		}
		if got, want := responders(after.Responders), "alice:active@0s bob:active@1m0s"; got != want {
			t.Errorf("responders = %s, want %s", got, want)
		}
	})
	t.Run("self by name", func(t *testing.T) {
		_, evs := decideWith(t, inc, envAs("bob"), Join{User: "bob"})
		if p := payload[ResponderJoinedData](t, evs[0]); p.User != "bob" || evs[0].Actor != "bob" {
			t.Errorf("payload %+v actor %s, want bob by bob", p, evs[0].Actor)
		}
	})
	t.Run("another user", func(t *testing.T) {
		after, evs := decide(t, inc, Join{User: "carol"})
		if p := payload[ResponderJoinedData](t, evs[0]); p != (ResponderJoinedData{User: "carol"}) || evs[0].Actor != "alice" {
			t.Errorf("payload %+v actor %s, want carol added by alice", p, evs[0].Actor)
		}
		if _, ok := after.Responder("carol"); !ok {
			t.Errorf("carol is not a responder after joining")
		}
	})
	t.Run("stood-down responder rejoins", func(t *testing.T) {
		inc := incidentAt(StatusMonitoring)
		inc.Responders = append(inc.Responders, Responder{User: "bob", State: ResponderStoodDown, JoinedAt: t0, StoodDownAt: ptr(t0)})
		after, evs := decideWith(t, inc, envAt("bob", t0.Add(time.Hour)), Join{})
		if p := payload[ResponderJoinedData](t, evs[0]); p != (ResponderJoinedData{User: "bob", Rejoined: true}) {
			t.Errorf("payload = %+v, want bob rejoined", p)
		}
		if got, want := responders(after.Responders), "alice:active@0s bob:active@1h0m0s"; got != want {
			t.Errorf("responders = %s, want %s", got, want)
		}
	})

	refusals := []struct {
		name  string
		actor string
		cmd   Join
		code  string
		field string
	}{
		{"already active, self", "alice", Join{}, ECONFLICT, ""},
		{"already active, by name", "bob", Join{User: "alice"}, ECONFLICT, ""},
		{"viewer added", "alice", Join{User: "victor"}, EINVALID, "user"},
		{"unknown user", "alice", Join{User: "nobody"}, EINVALID, "user"},
		{"viewer actor", "victor", Join{}, EFORBIDDEN, ""},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			e := refuse(t, inc, envAs(tc.actor), tc.cmd, tc.code)
			if tc.field != "" && e.Fields[tc.field] == "" {
				t.Errorf("Fields = %v, want an entry for %q", e.Fields, tc.field)
			}
			if tc.code == ECONFLICT && !strings.Contains(e.Message, "alice is already an active responder in INC-7") {
				t.Errorf("message %q", e.Message)
			}
		})
	}
}

func TestAddNote(t *testing.T) {
	inc, _ := declared(t)
	after, evs := decideWith(t, inc, envAt("alice", t0.Add(time.Minute)), AddNote{Text: "\n  Rolled back v1.2.3  \n"})
	wantTypes(t, evs, EventNoteAdded)
	if p := payload[NoteAddedData](t, evs[0]); p.Text != "Rolled back v1.2.3" {
		t.Errorf("text = %q, want trimmed", p.Text)
	}
	// A note changes nothing but the sequence and the update time.
	want := inc
	want.LastSeq, want.UpdatedAt = inc.LastSeq+1, t0.Add(time.Minute)
	if !reflect.DeepEqual(after, want) {
		t.Errorf("after note =\n%+v\nwant\n%+v", after, want)
	}

	decide(t, inc, AddNote{Text: strings.Repeat("文", MaxText)})
	for name, text := range map[string]string{
		"empty":    "",
		"blank":    " \n\t ",
		"too long": strings.Repeat("文", MaxText+1),
	} {
		t.Run(name, func(t *testing.T) {
			refuseField(t, inc, envAs("alice"), AddNote{Text: text}, "text")
		})
	}
}

type bogusCommand struct{}

func (bogusCommand) command() {}

func TestDecideUnknownCommand(t *testing.T) {
	inc, _ := declared(t)
	refuse(t, inc, envAs("alice"), bogusCommand{}, EINTERNAL)
}

// ---------------------------------------------------------------------------
// Apply and Project
// ---------------------------------------------------------------------------

// TestProjectKeyTimes runs a whole response and checks the projection after
// each step, then that projecting the full timeline gives the same state.
func TestProjectKeyTimes(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	type want struct {
		status                            Status
		severity                          string
		acknowledged, mitigated, resolved *time.Time
		roles                             map[string]string
		responders                        string
	}
	steps := []struct {
		actor string
		min   int
		cmd   Command
		want  want
	}{
		{"alice", 0, Declare{Title: "Checkout fails", Severity: "SEV2", Commander: "bob"},
			want{StatusInvestigating, "SEV2", ptr(at(0)), nil, nil, map[string]string{"commander": "bob"}, "alice:active@0s bob:active@0s"}},
		{"bob", 3, AddNote{Text: "looking at the load balancer"},
			want{StatusInvestigating, "SEV2", ptr(at(0)), nil, nil, map[string]string{"commander": "bob"}, "alice:active@0s bob:active@0s"}},
		{"bob", 5, ChangeStatus{Status: StatusIdentified},
			want{StatusIdentified, "SEV2", ptr(at(0)), nil, nil, map[string]string{"commander": "bob"}, "alice:active@0s bob:active@0s"}},
		{"bob", 8, ChangeSeverity{Severity: "SEV1", Reason: "all regions"},
			want{StatusIdentified, "SEV1", ptr(at(0)), nil, nil, map[string]string{"commander": "bob"}, "alice:active@0s bob:active@0s"}},
		{"bob", 10, AssignRole{Role: RoleCommander, User: "carol"},
			want{StatusIdentified, "SEV1", ptr(at(0)), nil, nil, map[string]string{"commander": "carol"}, "alice:active@0s bob:active@0s carol:active@10m0s"}},
		{"carol", 12, AssignRole{Role: RoleScribe, User: "alice"},
			want{StatusIdentified, "SEV1", ptr(at(0)), nil, nil, map[string]string{"commander": "carol", "scribe": "alice"}, "alice:active@0s bob:active@0s carol:active@10m0s"}},
		{"dave", 15, Join{},
			want{StatusIdentified, "SEV1", ptr(at(0)), nil, nil, map[string]string{"commander": "carol", "scribe": "alice"}, "alice:active@0s bob:active@0s carol:active@10m0s dave:active@15m0s"}},
		{"carol", 20, ChangeStatus{Status: StatusMonitoring},
			want{StatusMonitoring, "SEV1", ptr(at(0)), ptr(at(20)), nil, map[string]string{"commander": "carol", "scribe": "alice"}, "alice:active@0s bob:active@0s carol:active@10m0s dave:active@15m0s"}},
		{"carol", 25, ChangeStatus{Status: StatusIdentified, Message: "fix did not hold"},
			want{StatusIdentified, "SEV1", ptr(at(0)), ptr(at(20)), nil, map[string]string{"commander": "carol", "scribe": "alice"}, "alice:active@0s bob:active@0s carol:active@10m0s dave:active@15m0s"}},
		{"carol", 30, ChangeStatus{Status: StatusMonitoring},
			want{StatusMonitoring, "SEV1", ptr(at(0)), ptr(at(20)), nil, map[string]string{"commander": "carol", "scribe": "alice"}, "alice:active@0s bob:active@0s carol:active@10m0s dave:active@15m0s"}},
		{"carol", 40, ChangeStatus{Status: StatusResolved},
			want{StatusResolved, "SEV1", ptr(at(0)), ptr(at(20)), ptr(at(40)), map[string]string{"commander": "carol", "scribe": "alice"}, "alice:active@0s bob:active@0s carol:active@10m0s dave:active@15m0s"}},
		{"carol", 50, ChangeStatus{Status: StatusInvestigating, Message: "it is back"},
			want{StatusInvestigating, "SEV1", ptr(at(0)), ptr(at(20)), nil, map[string]string{"commander": "carol", "scribe": "alice"}, "alice:active@0s bob:active@0s carol:active@10m0s dave:active@15m0s"}},
		{"carol", 60, ChangeStatus{Status: StatusResolved},
			want{StatusResolved, "SEV1", ptr(at(0)), ptr(at(20)), ptr(at(60)), map[string]string{"commander": "carol", "scribe": "alice"}, "alice:active@0s bob:active@0s carol:active@10m0s dave:active@15m0s"}},
	}

	inc := Incident{Number: 7}
	var all []Event
	for i, s := range steps {
		var evs []Event
		inc, evs = decideWith(t, inc, envAt(s.actor, at(s.min)), s.cmd)
		all = append(all, evs...)
		w := s.want
		where := fmt.Sprintf("step %d (%T at +%dm)", i, s.cmd, s.min)
		if inc.Status != w.status || inc.Severity != w.severity {
			t.Errorf("%s: status/severity = %s/%s, want %s/%s", where, inc.Status, inc.Severity, w.status, w.severity)
		}
		wantTime(t, where+" acknowledged_at", inc.AcknowledgedAt, w.acknowledged)
		wantTime(t, where+" mitigated_at", inc.MitigatedAt, w.mitigated)
		wantTime(t, where+" resolved_at", inc.ResolvedAt, w.resolved)
		if !reflect.DeepEqual(inc.Roles, w.roles) {
			t.Errorf("%s: roles = %v, want %v", where, inc.Roles, w.roles)
		}
		if got := responders(inc.Responders); got != w.responders {
			t.Errorf("%s: responders = %s, want %s", where, got, w.responders)
		}
		if inc.LastSeq != int64(len(all)) || !inc.UpdatedAt.Equal(at(s.min)) {
			t.Errorf("%s: last_seq %d updated %v, want %d and %v", where, inc.LastSeq, inc.UpdatedAt, len(all), at(s.min))
		}
	}
	if inc.DeclaredBy != "alice" || !inc.DeclaredAt.Equal(t0) || inc.Number != 7 {
		t.Errorf("declared by %q at %v number %d", inc.DeclaredBy, inc.DeclaredAt, inc.Number)
	}

	projected, err := Project(all)
	if err != nil {
		t.Fatalf("Project: %v", err)
	}
	if !reflect.DeepEqual(projected, inc) {
		t.Errorf("Project(all events) =\n%+v\nwant the incrementally applied\n%+v", projected, inc)
	}
	// Projecting a prefix gives the state at that point.
	mid, err := Project(all[:len(all)-2])
	if err != nil {
		t.Fatal(err)
	}
	if mid.Status != StatusResolved || !timePtrEqual(mid.ResolvedAt, ptr(at(40))) {
		t.Errorf("prefix projection: status %s resolved %s, want resolved at +40m", mid.Status, fmtTimePtr(mid.ResolvedAt))
	}
}

func TestApplyMitigatedByResolvingDirectly(t *testing.T) {
	inc, _ := declared(t)
	inc, _ = decideWith(t, inc, envAt("alice", t0.Add(7*time.Minute)), ChangeStatus{Status: StatusResolved})
	wantTime(t, "mitigated_at", inc.MitigatedAt, ptr(t0.Add(7*time.Minute)))
	wantTime(t, "resolved_at", inc.ResolvedAt, ptr(t0.Add(7*time.Minute)))
	inc, _ = decideWith(t, inc, envAt("alice", t0.Add(9*time.Minute)), ChangeStatus{Status: StatusInvestigating})
	wantTime(t, "mitigated_at after reopening", inc.MitigatedAt, ptr(t0.Add(7*time.Minute)))
	wantTime(t, "resolved_at after reopening", inc.ResolvedAt, nil)
}

// TestApplyAcknowledgedAtFirstCommander uses a hand-built timeline in which
// the commander is not named at declaration.
func TestApplyAcknowledgedAtFirstCommander(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	events := []Event{
		ev(t, 1, EventDeclared, at(0), "alice", DeclaredData{Title: "t", Severity: "SEV3", Services: []string{}, Visibility: VisibilityInternal, StartedAt: at(-5), DetectedAt: at(-1)}),
		ev(t, 2, EventResponderJoined, at(0), "alice", ResponderJoinedData{User: "alice"}),
		ev(t, 3, EventRoleAssigned, at(4), "alice", RoleAssignedData{Role: RoleScribe, User: "alice"}),
		ev(t, 4, EventRoleAssigned, at(6), "alice", RoleAssignedData{Role: RoleCommander, User: "bob"}),
		ev(t, 5, EventRoleAssigned, at(9), "bob", RoleAssignedData{Role: RoleCommander, User: "carol", Previous: "bob"}),
	}
	wantAck := []*time.Time{nil, nil, nil, ptr(at(6)), ptr(at(6))}
	var inc Incident
	for i, e := range events {
		var err error
		if inc, err = Apply(inc, e); err != nil {
			t.Fatalf("Apply seq %d: %v", e.Seq, err)
		}
		wantTime(t, fmt.Sprintf("acknowledged_at after seq %d", e.Seq), inc.AcknowledgedAt, wantAck[i])
	}
	if !inc.StartedAt.Equal(at(-5)) || !inc.DetectedAt.Equal(at(-1)) || !inc.DeclaredAt.Equal(at(0)) {
		t.Errorf("times started %v detected %v declared %v", inc.StartedAt, inc.DetectedAt, inc.DeclaredAt)
	}
	if !reflect.DeepEqual(inc.Roles, map[string]string{RoleScribe: "alice", RoleCommander: "carol"}) {
		t.Errorf("roles = %v", inc.Roles)
	}
}

func TestApplyRefusesOutOfOrder(t *testing.T) {
	inc, evs := declared(t) // LastSeq 3
	for _, seq := range []int64{0, 1, 3, 5, -1} {
		e := ev(t, seq, EventNoteAdded, t0, "alice", NoteAddedData{Text: "x"})
		got, err := Apply(inc, e)
		if err == nil {
			t.Errorf("Apply(seq %d) at last_seq 3 accepted", seq)
			continue
		}
		if ErrorCode(err) != EINTERNAL {
			t.Errorf("Apply(seq %d): code %s, want internal", seq, ErrorCode(err))
		}
		if !reflect.DeepEqual(got, inc) {
			t.Errorf("Apply(seq %d) changed the incident on error", seq)
		}
	}
	// Project stops at the first event out of order.
	swapped := []Event{evs[0], evs[2], evs[1]}
	if _, err := Project(swapped); err == nil {
		t.Errorf("Project accepted events out of order")
	}
	if _, err := Project(evs[1:]); err == nil {
		t.Errorf("Project accepted a timeline that does not start at seq 1")
	}
}

func TestApplyIgnoresUnknownEventTypes(t *testing.T) {
	inc, _ := declared(t)
	later := t0.Add(time.Hour)
	e := ev(t, inc.LastSeq+1, "pager.escalated", later, "bob", map[string]any{"status": "resolved", "user": "mallory"})
	got, err := Apply(inc, e)
	if err != nil {
		t.Fatalf("Apply(unknown type): %v", err)
	}
	want := inc
	want.LastSeq, want.UpdatedAt = inc.LastSeq+1, later
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Apply(unknown type) =\n%+v\nwant only last_seq and updated_at changed:\n%+v", got, want)
	}
	// The next known event still applies after it.
	if _, err := Apply(got, ev(t, got.LastSeq+1, EventNoteAdded, later, "bob", NoteAddedData{Text: "x"})); err != nil {
		t.Errorf("Apply after an unknown event: %v", err)
	}
}

func TestApplyRefusesBadPayload(t *testing.T) {
	inc, _ := declared(t)
	e := Event{Incident: 7, Seq: inc.LastSeq + 1, Type: EventSeverityChanged, Actor: "alice", At: t0, Data: json.RawMessage(`{"to": 1}`)}
	got, err := Apply(inc, e)
	if err == nil {
		t.Fatalf("Apply accepted a malformed payload")
	}
	if got.LastSeq != inc.LastSeq || got.Severity != "SEV2" {
		t.Errorf("Apply changed the incident on error: seq %d severity %s", got.LastSeq, got.Severity)
	}
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

func TestCanRead(t *testing.T) {
	base := incidentAt(StatusIdentified) // declared by alice, responder alice
	base.Responders = append(base.Responders, Responder{User: "bob", State: ResponderStoodDown, JoinedAt: t0})
	base.DeclaredBy = "erin" // a declarer who is no longer listed as a responder
	tests := []struct {
		name       string
		user       User
		restricted bool
	}{
		{"admin, not a member", User{Name: "carol", Role: RoleAdmin}, true},
		{"declarer", User{Name: "erin", Role: RoleResponder}, true},
		{"active responder", User{Name: "alice", Role: RoleResponder}, true},
		{"stood-down responder", User{Name: "bob", Role: RoleResponder}, true},
		{"responder, not a member", User{Name: "dave", Role: RoleResponder}, false},
		{"viewer, not a member", User{Name: "victor", Role: RoleViewer}, false},
		{"no user", User{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc := base
			inc.Visibility = VisibilityInternal
			if !inc.CanRead(tc.user) {
				t.Errorf("internal: CanRead(%s) = false, want true", tc.user.Name)
			}
			inc.Visibility = VisibilityRestricted
			if got := inc.CanRead(tc.user); got != tc.restricted {
				t.Errorf("restricted: CanRead(%s) = %v, want %v", tc.user.Name, got, tc.restricted)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

func TestValidateUserName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"alice", true},
		{"a", true},
		{"bob.smith", true},
		{"x_1-y", true},
		{"ci-bot2", true},
		{"a" + strings.Repeat("9", 31), true},
		{strings.Repeat("a", 33), false},
		{"", false},
		{"Alice", false},
		{"aLICE", false},
		{"1alice", false},
		{".alice", false},
		{"_alice", false},
		{"-alice", false},
		{"al ice", false},
		{"alice ", false},
		{"alïce", false},
		{"alice@example.com", false},
		{"ali/ce", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateUserName(tc.name)
			if tc.ok {
				if err != nil {
					t.Errorf("ValidateUserName(%q) = %v, want ok", tc.name, err)
				}
				return
			}
			if ErrorCode(err) != EINVALID || ErrorFields(err)["name"] == "" {
				t.Errorf("ValidateUserName(%q) = %v, want EINVALID naming field name", tc.name, err)
			}
		})
	}
}

func TestParseRole(t *testing.T) {
	for _, s := range []string{"admin", "responder", "viewer"} {
		r, err := ParseRole(s)
		if err != nil || string(r) != s {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", s, r, err, s)
		}
	}
	for _, s := range []string{"", "Admin", "owner", " admin", "viewer\n", "commander"} {
		r, err := ParseRole(s)
		if err == nil || r != "" {
			t.Errorf("ParseRole(%q) = %q, %v; want an error", s, r, err)
			continue
		}
		if ErrorCode(err) != EINVALID || ErrorFields(err)["role"] == "" {
			t.Errorf("ParseRole(%q) error %v, want EINVALID naming field role", s, err)
		}
		for _, valid := range []string{"admin", "responder", "viewer"} {
			if !strings.Contains(ErrorMessage(err), valid) {
				t.Errorf("ParseRole(%q) message %q should list %s", s, ErrorMessage(err), valid)
			}
		}
	}
}

func TestValidLanguageTag(t *testing.T) {
	tests := []struct {
		tag string
		ok  bool
	}{
		{"en", true},
		{"ja", true},
		{"de", true},
		{"EN", true},
		{"fil", true},
		{"pt-BR", true},
		{"zh-Hant", true},
		{"zh-Hant-TW", true},
		{"es-419", true},
		{"de-1996", true},
		{"en-abcdefgh", true},
		{"", false},
		{"e", false},
		{"engl", false},
		{"e1", false},
		{"12", false},
		{"en-", false},
		{"-en", false},
		{"en--US", false},
		{"en-x", false},
		{"en-abcdefghi", false},
		{"en_US", false},
		{"en US", false},
		{"日本", false},
		{"en-ÜS", false},
	}
	for _, tc := range tests {
		if got := ValidLanguageTag(tc.tag); got != tc.ok {
			t.Errorf("ValidLanguageTag(%q) = %v, want %v", tc.tag, got, tc.ok)
		}
	}
}
