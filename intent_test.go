package hansei

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// ---------------------------------------------------------------------------
// Intent fixtures
// ---------------------------------------------------------------------------

// intentCrew returns INC-7, declared by alice (commander), with bob, carol
// and dave joined, built from events.
func intentCrew(t *testing.T) Incident {
	t.Helper()
	inc, _ := declared(t)
	for _, u := range []string{"bob", "carol", "dave"} {
		inc, _ = decideWith(t, inc, envAs(u), Join{})
	}
	return inc
}

// intentPair returns INC-7 with only alice (commander) and bob active.
func intentPair(t *testing.T) Incident {
	t.Helper()
	inc, _ := declared(t)
	inc, _ = decideWith(t, inc, envAs("bob"), Join{})
	return inc
}

// standDownDirect marks user stood down in the projection, without events.
func standDownDirect(inc Incident, user string) Incident {
	rs := slices.Clone(inc.Responders)
	for i := range rs {
		if rs[i].User == user {
			rs[i].State, rs[i].StoodDownAt = ResponderStoodDown, ptr(t0)
		}
	}
	inc.Responders = rs
	return inc
}

// stateAs has author state cmd at t0 and returns the incident and the intent.
func stateAs(t *testing.T, inc Incident, author string, cmd StateIntent) (Incident, Intent) {
	t.Helper()
	after, evs := decideWith(t, inc, envAs(author), cmd)
	wantTypes(t, evs, EventIntentStated)
	in, ok := after.Intent(cmd.ID)
	if !ok {
		t.Fatalf("intent %d missing after stating", cmd.ID)
	}
	return after, in
}

// intentOf returns the intent id of inc or fails.
func intentOf(t *testing.T, inc Incident, id int64) Intent {
	t.Helper()
	in, ok := inc.Intent(id)
	if !ok {
		t.Fatalf("intent %d missing", id)
	}
	return in
}

// systemEnv is the scheduler's Env at now.
func systemEnv(now time.Time) Env {
	return Env{Now: now, Actor: User{Name: SystemActor, Role: RoleAdmin}, Scales: DefaultScales(), Users: incLookupUser}
}

func wantMessage(t *testing.T, e *Error, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(e.Message, p) {
			t.Errorf("message %q does not contain %q", e.Message, p)
		}
	}
}

func act(id int64) StateIntent {
	return StateIntent{ID: id, Text: "roll back checkout to v41", Kind: IntentAction}
}

// ---------------------------------------------------------------------------
// StateIntent
// ---------------------------------------------------------------------------

func TestStateIntentDefaults(t *testing.T) {
	inc := intentCrew(t)
	later := t0.Add(3 * time.Minute)
	after, evs := decideWith(t, inc, envAt("bob", later), StateIntent{ID: 1, Text: "  restart the primary \n", Kind: IntentAction})
	wantTypes(t, evs, EventIntentStated)
	p := payload[IntentStatedData](t, evs[0])
	want := IntentStatedData{ID: 1, Text: "restart the primary", Kind: IntentAction, AckFrom: AckCommander, ExpiresAt: later.Add(DefaultIntentWindow)}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("payload = %+v, want %+v", p, want)
	}
	in := intentOf(t, after, 1)
	if in.Author != "bob" || in.State != IntentOpen || !in.StatedAt.Equal(later) || !in.ExpiresAt.Equal(later.Add(5*time.Minute)) ||
		in.AckFrom != AckCommander || in.Required != nil || in.ClosedAt != nil || in.Incident != 7 {
		t.Errorf("intent = %+v", in)
	}
	if in.AcknowledgedBy == nil || in.Acks == nil || in.Objections == nil {
		t.Errorf("intent lists must be empty, not nil: %+v", in)
	}
	if got := after.PendingAcks(in); !reflect.DeepEqual(got, []string{"alice"}) {
		t.Errorf("PendingAcks = %v, want [alice]", got)
	}
}

func TestStateIntentWindow(t *testing.T) {
	inc := intentCrew(t)
	tests := []struct {
		name   string
		envWin time.Duration
		window time.Duration
		want   time.Duration
	}{
		{"both zero: default 5m", 0, 0, 5 * time.Minute},
		{"env default", 2 * time.Minute, 0, 2 * time.Minute},
		{"explicit beats env", 2 * time.Minute, 90 * time.Second, 90 * time.Second},
		{"explicit without env", 0, 10 * time.Minute, 10 * time.Minute},
		{"minimum", 0, time.Second, time.Second},
		{"maximum", 0, 24 * time.Hour, 24 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := envAs("bob")
			env.IntentWindow = tc.envWin
			cmd := act(1)
			cmd.Window = tc.window
			after, evs := decideWith(t, inc, env, cmd)
			if got := payload[IntentStatedData](t, evs[0]).ExpiresAt; !got.Equal(t0.Add(tc.want)) {
				t.Errorf("payload expires_at = %v, want %v", got, t0.Add(tc.want))
			}
			if got := intentOf(t, after, 1).ExpiresAt; !got.Equal(t0.Add(tc.want)) {
				t.Errorf("projected expires_at = %v, want %v", got, t0.Add(tc.want))
			}
		})
	}
	// A bad configured default is refused like a bad explicit window.
	env := envAs("bob")
	env.IntentWindow = 500 * time.Millisecond
	refuseField(t, inc, env, act(1), "window_seconds")
}

func TestStateIntentAckFromAllRequired(t *testing.T) {
	inc := standDownDirect(intentCrew(t), "dave")
	cmd := act(1)
	cmd.AckFrom = AckAll
	after, evs := decideWith(t, inc, envAs("bob"), cmd)
	if got := payload[IntentStatedData](t, evs[0]).Required; !reflect.DeepEqual(got, []string{"alice", "carol"}) {
		t.Errorf("payload required = %v, want [alice carol] (not bob, not stood-down dave)", got)
	}
	in := intentOf(t, after, 1)
	if !reflect.DeepEqual(in.Required, []string{"alice", "carol"}) {
		t.Errorf("required = %v", in.Required)
	}
	// Required is fixed when stated: dave rejoining does not add him.
	after, _ = decideWith(t, after, envAs("dave"), Join{})
	if in := intentOf(t, after, 1); !reflect.DeepEqual(in.Required, []string{"alice", "carol"}) {
		t.Errorf("required after dave rejoined = %v", in.Required)
	}
	// Other modes record no Required list.
	for _, a := range []AckFrom{AckCommander, AckAny} {
		cmd := act(2)
		cmd.AckFrom = a
		_, evs := decideWith(t, inc, envAs("bob"), cmd)
		if p := payload[IntentStatedData](t, evs[0]); p.Required != nil || p.AckFrom != a {
			t.Errorf("ack_from %s: payload %+v", a, p)
		}
	}
}

func TestStateIntentInvalid(t *testing.T) {
	inc := intentCrew(t)
	long := strings.Repeat("é", MaxReason+1)
	tests := []struct {
		name  string
		cmd   StateIntent
		field string
	}{
		{"empty text", StateIntent{ID: 1, Text: "", Kind: IntentAction}, "text"},
		{"blank text", StateIntent{ID: 1, Text: " \n\t ", Kind: IntentAction}, "text"},
		{"text too long", StateIntent{ID: 1, Text: long, Kind: IntentAction}, "text"},
		{"empty kind", StateIntent{ID: 1, Text: "x"}, "kind"},
		{"unknown kind", StateIntent{ID: 1, Text: "x", Kind: "leave"}, "kind"},
		{"kind case", StateIntent{ID: 1, Text: "x", Kind: "Action"}, "kind"},
		{"unknown ack_from", StateIntent{ID: 1, Text: "x", Kind: IntentAction, AckFrom: "everyone"}, "ack_from"},
		{"window too short", StateIntent{ID: 1, Text: "x", Kind: IntentAction, Window: 999 * time.Millisecond}, "window_seconds"},
		{"window negative", StateIntent{ID: 1, Text: "x", Kind: IntentAction, Window: -time.Minute}, "window_seconds"},
		{"window too long", StateIntent{ID: 1, Text: "x", Kind: IntentAction, Window: 24*time.Hour + time.Second}, "window_seconds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			refuseField(t, inc, envAs("bob"), tc.cmd, tc.field)
		})
	}
	// Exactly MaxReason characters is fine.
	decideWith(t, inc, envAs("bob"), StateIntent{ID: 1, Text: strings.Repeat("é", MaxReason), Kind: IntentInformation})
}

func TestStateIntentKinds(t *testing.T) {
	inc := intentCrew(t)
	for _, k := range []IntentKind{IntentAction, IntentStandDown, IntentInformation} {
		_, in := stateAs(t, inc, "bob", StateIntent{ID: 1, Text: "x", Kind: k})
		if in.Kind != k {
			t.Errorf("kind = %s, want %s", in.Kind, k)
		}
	}
}

func TestStateIntentOnlyActiveResponders(t *testing.T) {
	inc := intentPair(t) // dave is not a member
	e := refuse(t, inc, envAs("dave"), act(1), ECONFLICT)
	wantMessage(t, e, "join first", "hansei incident join 7")

	down := standDownDirect(intentCrew(t), "bob")
	e = refuse(t, down, envAs("bob"), act(1), ECONFLICT)
	wantMessage(t, e, "join first")
}

func TestStateIntentAuthorAlone(t *testing.T) {
	inc, _ := declared(t) // only alice
	refuse(t, inc, envAs("alice"), act(1), ECONFLICT)
	// A stood-down responder does not count as someone to acknowledge.
	pair := standDownDirect(intentPair(t), "bob")
	e := refuse(t, pair, envAs("alice"), act(1), ECONFLICT)
	wantMessage(t, e, "nobody else")
}

func TestStateIntentStandDownRefusals(t *testing.T) {
	inc := intentCrew(t)
	sd := StateIntent{ID: 1, Text: "going off shift", Kind: IntentStandDown}

	t.Run("commander", func(t *testing.T) {
		e := refuse(t, inc, envAs("alice"), sd, ECONFLICT)
		wantMessage(t, e, "commander", "hansei incident role 7 commander USER")
	})
	t.Run("two roles", func(t *testing.T) {
		inc, _ := decide(t, inc, AssignRole{Role: RoleScribe, User: "bob"})
		inc, _ = decide(t, inc, AssignRole{Role: RoleCommunications, User: "bob"})
		e := refuse(t, inc, envAs("bob"), sd, ECONFLICT)
		wantMessage(t, e, "communications and scribe", "hansei incident role 7 communications USER")
		// Other kinds are fine for role holders.
		decideWith(t, inc, envAs("bob"), act(1))
	})
	t.Run("second live stand_down", func(t *testing.T) {
		inc, _ := stateAs(t, inc, "bob", sd)
		second := sd
		second.ID = 2
		e := refuse(t, inc, envAs("bob"), second, ECONFLICT)
		wantMessage(t, e, "intent 1")
		// Another author may; and bob may state other kinds.
		decideWith(t, inc, envAs("carol"), second)
		decideWith(t, inc, envAs("bob"), act(2))
		// Once withdrawn, bob may state a new one.
		inc, _ = decideWith(t, inc, envAs("bob"), WithdrawIntent{ID: 1})
		decideWith(t, inc, envAs("bob"), second)
	})
}

// ---------------------------------------------------------------------------
// AcknowledgeIntent
// ---------------------------------------------------------------------------

func TestAcknowledgeCommander(t *testing.T) {
	inc := intentCrew(t)
	inc, _ = stateAs(t, inc, "bob", act(1))

	e := refuse(t, inc, envAs("bob"), AcknowledgeIntent{ID: 1}, EFORBIDDEN)
	wantMessage(t, e, "own intent")
	for _, u := range []string{"carol", "dave"} {
		e := refuse(t, inc, envAs(u), AcknowledgeIntent{ID: 1}, EFORBIDDEN)
		wantMessage(t, e, "commander, alice")
	}
	later := t0.Add(time.Minute)
	after, evs := decideWith(t, inc, envAt("alice", later), AcknowledgeIntent{ID: 1})
	wantTypes(t, evs, EventIntentAcked)
	if p := payload[IntentAckedData](t, evs[0]); p != (IntentAckedData{ID: 1, Complete: true}) {
		t.Errorf("payload = %+v", p)
	}
	in := intentOf(t, after, 1)
	if in.State != IntentAcknowledged || !reflect.DeepEqual(in.AcknowledgedBy, []string{"alice"}) {
		t.Errorf("intent = %+v", in)
	}
	wantTime(t, "closed_at", in.ClosedAt, &later)
	if len(in.Acks) != 1 || in.Acks[0].User != "alice" || !in.Acks[0].At.Equal(later) {
		t.Errorf("acks = %+v", in.Acks)
	}
	// The earlier value is untouched.
	if old := intentOf(t, inc, 1); old.State != IntentOpen || len(old.AcknowledgedBy) != 0 {
		t.Errorf("Apply changed the earlier incident's intent: %+v", old)
	}

	// A new commander acknowledges in place of the old one.
	handed, _ := decide(t, inc, AssignRole{Role: RoleCommander, User: "carol"})
	e = refuse(t, handed, envAs("alice"), AcknowledgeIntent{ID: 1}, EFORBIDDEN)
	wantMessage(t, e, "commander, carol")
	decideWith(t, handed, envAs("carol"), AcknowledgeIntent{ID: 1})
}

func TestAcknowledgeCommanderIsAuthor(t *testing.T) {
	inc := intentCrew(t)
	inc, in := stateAs(t, inc, "alice", act(1)) // alice is commander
	if got := inc.PendingAcks(in); !reflect.DeepEqual(got, []string{"any active responder but alice"}) {
		t.Errorf("PendingAcks = %v", got)
	}
	refuse(t, inc, envAs("alice"), AcknowledgeIntent{ID: 1}, EFORBIDDEN)
	for _, u := range []string{"bob", "carol", "dave"} {
		after, evs := decideWith(t, inc, envAs(u), AcknowledgeIntent{ID: 1})
		if !payload[IntentAckedData](t, evs[0]).Complete || intentOf(t, after, 1).State != IntentAcknowledged {
			t.Errorf("%s's ack did not complete the intent", u)
		}
	}
	// Not a stood-down responder.
	down := standDownDirect(inc, "dave")
	e := refuse(t, down, envAs("dave"), AcknowledgeIntent{ID: 1}, ECONFLICT)
	wantMessage(t, e, "join first")
}

func TestAcknowledgeAny(t *testing.T) {
	inc := intentCrew(t)
	cmd := act(1)
	cmd.AckFrom = AckAny
	inc, in := stateAs(t, inc, "bob", cmd)
	if got := inc.PendingAcks(in); !reflect.DeepEqual(got, []string{"any active responder but bob"}) {
		t.Errorf("PendingAcks = %v", got)
	}
	refuse(t, inc, envAs("bob"), AcknowledgeIntent{ID: 1}, EFORBIDDEN)
	for _, u := range []string{"alice", "carol", "dave"} {
		after, _ := decideWith(t, inc, envAs(u), AcknowledgeIntent{ID: 1})
		if in := intentOf(t, after, 1); in.State != IntentAcknowledged || !reflect.DeepEqual(in.AcknowledgedBy, []string{u}) {
			t.Errorf("after %s: %+v", u, in)
		}
	}
	// Non-active responders may not.
	refuse(t, standDownDirect(inc, "dave"), envAs("dave"), AcknowledgeIntent{ID: 1}, ECONFLICT)
	pair := intentPair(t)
	pair, _ = stateAs(t, pair, "bob", cmd)
	refuse(t, pair, envAs("dave"), AcknowledgeIntent{ID: 1}, ECONFLICT) // never joined
	// Someone who joined after the intent was stated may.
	pair, _ = decideWith(t, pair, envAs("dave"), Join{})
	decideWith(t, pair, envAs("dave"), AcknowledgeIntent{ID: 1})
}

func TestAcknowledgeAll(t *testing.T) {
	inc := intentPair(t)
	inc, _ = decideWith(t, inc, envAs("carol"), Join{})
	cmd := act(1)
	cmd.AckFrom = AckAll
	inc, in := stateAs(t, inc, "bob", cmd) // required: alice, carol
	if !reflect.DeepEqual(in.Required, []string{"alice", "carol"}) {
		t.Fatalf("required = %v", in.Required)
	}
	if got := inc.PendingAcks(in); !reflect.DeepEqual(got, []string{"alice", "carol"}) {
		t.Errorf("PendingAcks = %v", got)
	}
	// dave joins afterwards: not required, may not ack.
	inc, _ = decideWith(t, inc, envAs("dave"), Join{})
	e := refuse(t, inc, envAs("dave"), AcknowledgeIntent{ID: 1}, EFORBIDDEN)
	wantMessage(t, e, "alice, carol")
	refuse(t, inc, envAs("bob"), AcknowledgeIntent{ID: 1}, EFORBIDDEN)

	t1 := t0.Add(time.Minute)
	mid, evs := decideWith(t, inc, envAt("carol", t1), AcknowledgeIntent{ID: 1})
	if p := payload[IntentAckedData](t, evs[0]); p.Complete {
		t.Errorf("first of two acks complete: %+v", p)
	}
	in = intentOf(t, mid, 1)
	if in.State != IntentOpen || in.ClosedAt != nil || !reflect.DeepEqual(in.AcknowledgedBy, []string{"carol"}) {
		t.Errorf("after carol: %+v", in)
	}
	if got := mid.PendingAcks(in); !reflect.DeepEqual(got, []string{"alice"}) {
		t.Errorf("PendingAcks after carol = %v, want [alice]", got)
	}
	e = refuse(t, mid, envAt("carol", t1), AcknowledgeIntent{ID: 1}, ECONFLICT)
	wantMessage(t, e, "already acknowledged")

	t2 := t0.Add(2 * time.Minute)
	done, evs := decideWith(t, mid, envAt("alice", t2), AcknowledgeIntent{ID: 1})
	if p := payload[IntentAckedData](t, evs[0]); !p.Complete {
		t.Errorf("last ack not complete: %+v", p)
	}
	in = intentOf(t, done, 1)
	if in.State != IntentAcknowledged || !reflect.DeepEqual(in.AcknowledgedBy, []string{"carol", "alice"}) {
		t.Errorf("after alice: %+v", in)
	}
	wantTime(t, "closed_at", in.ClosedAt, &t2)
	want := []Acknowledgement{{User: "carol", At: t1}, {User: "alice", At: t2}}
	if !reflect.DeepEqual(in.Acks, want) {
		t.Errorf("acks = %+v, want %+v", in.Acks, want)
	}
	if got := done.PendingAcks(in); len(got) != 0 {
		t.Errorf("PendingAcks after acknowledged = %v", got)
	}
}

func TestAcknowledgeBlockedByObjection(t *testing.T) {
	inc := intentCrew(t)
	inc, _ = stateAs(t, inc, "bob", act(1))
	objected, _ := decideWith(t, inc, envAs("carol"), ObjectIntent{ID: 1, Reason: " primary is mid-failover "})
	in := intentOf(t, objected, 1)
	if in.State != IntentObjected || len(in.Objections) != 1 || in.Objections[0] != (Objection{By: "carol", Reason: "primary is mid-failover", At: t0}) {
		t.Errorf("intent = %+v", in)
	}
	e := refuse(t, objected, envAs("alice"), AcknowledgeIntent{ID: 1}, ECONFLICT)
	wantMessage(t, e, "carol", "primary is mid-failover")

	lifted, evs := decideWith(t, objected, envAt("carol", t0.Add(time.Minute)), LiftObjection{ID: 1})
	wantTypes(t, evs, EventObjectionLifted)
	in = intentOf(t, lifted, 1)
	if in.State != IntentOpen || in.Objections[0].LiftedAt == nil || !in.Objections[0].LiftedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("after lift: %+v", in)
	}
	done, _ := decideWith(t, lifted, envAs("alice"), AcknowledgeIntent{ID: 1})
	if intentOf(t, done, 1).State != IntentAcknowledged {
		t.Errorf("ack after lift did not acknowledge")
	}
}

func TestAcknowledgeWindow(t *testing.T) {
	inc := intentCrew(t)
	cmd := act(1)
	cmd.Window = time.Minute
	inc, in := stateAs(t, inc, "bob", cmd)
	decideWith(t, inc, envAt("alice", in.ExpiresAt.Add(-time.Nanosecond)), AcknowledgeIntent{ID: 1})
	for _, at := range []time.Time{in.ExpiresAt, in.ExpiresAt.Add(time.Hour)} {
		e := refuse(t, inc, envAt("alice", at), AcknowledgeIntent{ID: 1}, ECONFLICT)
		wantMessage(t, e, "window ended")
	}
}

func TestClosedIntentRefusesEverything(t *testing.T) {
	base := intentCrew(t)
	base, in := stateAs(t, base, "bob", act(1))
	acked, _ := decideWith(t, base, envAs("alice"), AcknowledgeIntent{ID: 1})
	withdrawn, _ := decideWith(t, base, envAs("bob"), WithdrawIntent{ID: 1})
	expired, _ := decideWith(t, base, systemEnv(in.ExpiresAt), ExpireIntent{ID: 1})
	cases := map[IntentState]Incident{IntentAcknowledged: acked, IntentWithdrawn: withdrawn, IntentExpired: expired}
	for state, inc := range cases {
		if got := intentOf(t, inc, 1).State; got != state {
			t.Fatalf("setup: state %s, want %s", got, state)
		}
		if got := inc.PendingAcks(intentOf(t, inc, 1)); got != nil {
			t.Errorf("%s: PendingAcks = %v, want none", state, got)
		}
		cmds := []struct {
			actor string
			now   time.Time
			cmd   Command
		}{
			{"alice", t0, AcknowledgeIntent{ID: 1}},
			{"carol", t0, AcknowledgeIntent{ID: 1}},
			{"carol", t0, ObjectIntent{ID: 1, Reason: "no"}},
			{"carol", t0, LiftObjection{ID: 1}},
			{"bob", t0, WithdrawIntent{ID: 1}},
			{"alice", in.ExpiresAt.Add(time.Minute), ExpireIntent{ID: 1}},
		}
		for _, c := range cmds {
			e := refuse(t, inc, envAt(c.actor, c.now), c.cmd, ECONFLICT)
			wantMessage(t, e, "already "+string(state))
		}
	}
}

func TestIntentNotFound(t *testing.T) {
	inc := intentCrew(t)
	inc, _ = stateAs(t, inc, "bob", act(1))
	for _, cmd := range []Command{AcknowledgeIntent{ID: 2}, ObjectIntent{ID: 2, Reason: "x"}, LiftObjection{ID: 2}, WithdrawIntent{ID: 2}, ExpireIntent{ID: 2}} {
		refuse(t, inc, envAt("alice", t0.Add(48*time.Hour)), cmd, ENOTFOUND)
	}
}

// ---------------------------------------------------------------------------
// Stand-down
// ---------------------------------------------------------------------------

func TestStandDownAcknowledged(t *testing.T) {
	inc := intentCrew(t)
	inc, _ = stateAs(t, inc, "bob", StateIntent{ID: 1, Text: "going off shift", Kind: IntentStandDown})
	at := t0.Add(2 * time.Minute)
	after, evs := decideWith(t, inc, envAt("alice", at), AcknowledgeIntent{ID: 1})
	wantTypes(t, evs, EventIntentAcked, EventResponderStoodDown)
	if p := payload[StoodDownData](t, evs[1]); p != (StoodDownData{User: "bob", Intent: 1}) {
		t.Errorf("stood_down payload = %+v", p)
	}
	r, _ := after.Responder("bob")
	if r.State != ResponderStoodDown {
		t.Errorf("bob = %+v, want stood down", r)
	}
	wantTime(t, "stood_down_at", r.StoodDownAt, &at)
	if after.activeResponder("bob") {
		t.Errorf("bob still active")
	}
	// Bob can no longer state intents, but can join again.
	refuse(t, after, envAs("bob"), act(2), ECONFLICT)
	back, evs := decideWith(t, after, envAt("bob", t0.Add(time.Hour)), Join{})
	if p := payload[ResponderJoinedData](t, evs[0]); p != (ResponderJoinedData{User: "bob", Rejoined: true}) {
		t.Errorf("join payload = %+v", p)
	}
	r, _ = back.Responder("bob")
	if r.State != ResponderActive || r.StoodDownAt != nil {
		t.Errorf("bob after rejoining = %+v", r)
	}
	decideWith(t, back, envAs("bob"), act(2))
}

func TestStandDownAckFromAllStandsDownOnlyAtTheEnd(t *testing.T) {
	inc := intentPair(t)
	inc, _ = decideWith(t, inc, envAs("carol"), Join{})
	inc, _ = stateAs(t, inc, "bob", StateIntent{ID: 1, Text: "off shift", Kind: IntentStandDown, AckFrom: AckAll})
	mid, evs := decideWith(t, inc, envAs("alice"), AcknowledgeIntent{ID: 1})
	wantTypes(t, evs, EventIntentAcked)
	if !mid.activeResponder("bob") {
		t.Errorf("bob stood down before everyone acknowledged")
	}
	done, evs := decideWith(t, mid, envAs("carol"), AcknowledgeIntent{ID: 1})
	wantTypes(t, evs, EventIntentAcked, EventResponderStoodDown)
	if done.activeResponder("bob") {
		t.Errorf("bob still active after all acknowledged")
	}
}

func TestStandDownAuthorWithRoleAgain(t *testing.T) {
	inc := intentCrew(t)
	inc, _ = stateAs(t, inc, "bob", StateIntent{ID: 1, Text: "off shift", Kind: IntentStandDown})
	inc, _ = decide(t, inc, AssignRole{Role: RoleScribe, User: "bob"})
	e := refuse(t, inc, envAs("alice"), AcknowledgeIntent{ID: 1}, ECONFLICT)
	wantMessage(t, e, "bob", "scribe")
	// Once handed over, the ack goes through.
	inc, _ = decide(t, inc, AssignRole{Role: RoleScribe, User: "dave"})
	_, evs := decideWith(t, inc, envAs("alice"), AcknowledgeIntent{ID: 1})
	wantTypes(t, evs, EventIntentAcked, EventResponderStoodDown)
}

// ---------------------------------------------------------------------------
// ObjectIntent and LiftObjection
// ---------------------------------------------------------------------------

func TestObjectIntent(t *testing.T) {
	inc := intentCrew(t)
	inc, _ = stateAs(t, inc, "bob", act(1))

	refuseField(t, inc, envAs("carol"), ObjectIntent{ID: 1, Reason: "  "}, "reason")
	refuseField(t, inc, envAs("carol"), ObjectIntent{ID: 1, Reason: strings.Repeat("x", MaxReason+1)}, "reason")
	e := refuse(t, inc, envAs("bob"), ObjectIntent{ID: 1, Reason: "changed my mind"}, EFORBIDDEN)
	wantMessage(t, e, "withdraw")
	refuse(t, standDownDirect(inc, "dave"), envAs("dave"), ObjectIntent{ID: 1, Reason: "no"}, ECONFLICT)

	one, evs := decideWith(t, inc, envAs("carol"), ObjectIntent{ID: 1, Reason: "wait for the backup"})
	wantTypes(t, evs, EventIntentObjected)
	if p := payload[IntentObjectedData](t, evs[0]); p != (IntentObjectedData{ID: 1, Reason: "wait for the backup"}) {
		t.Errorf("payload = %+v", p)
	}
	e = refuse(t, one, envAs("carol"), ObjectIntent{ID: 1, Reason: "again"}, ECONFLICT)
	wantMessage(t, e, "still open")

	two, _ := decideWith(t, one, envAs("dave"), ObjectIntent{ID: 1, Reason: "peak traffic"})
	if in := intentOf(t, two, 1); in.State != IntentObjected || len(in.Objections) != 2 {
		t.Fatalf("after two objections: %+v", in)
	}
	// Only an objector lifts their own objection.
	e = refuse(t, two, envAs("alice"), LiftObjection{ID: 1}, EFORBIDDEN)
	wantMessage(t, e, "carol")
	e = refuse(t, two, envAs("bob"), LiftObjection{ID: 1}, EFORBIDDEN)
	wantMessage(t, e, "carol")

	onelift, _ := decideWith(t, two, envAs("carol"), LiftObjection{ID: 1})
	in := intentOf(t, onelift, 1)
	if in.State != IntentObjected {
		t.Errorf("state after one of two lifts = %s, want objected", in.State)
	}
	e = refuse(t, onelift, envAs("alice"), AcknowledgeIntent{ID: 1}, ECONFLICT)
	wantMessage(t, e, "dave", "peak traffic")
	e = refuse(t, onelift, envAs("carol"), LiftObjection{ID: 1}, EFORBIDDEN)
	wantMessage(t, e, "dave")
	// carol may object anew after lifting.
	decideWith(t, onelift, envAs("carol"), ObjectIntent{ID: 1, Reason: "second thoughts"})

	bothlift, _ := decideWith(t, onelift, envAs("dave"), LiftObjection{ID: 1})
	in = intentOf(t, bothlift, 1)
	if in.State != IntentOpen {
		t.Errorf("state after both lifted = %s, want open", in.State)
	}
	for _, o := range in.Objections {
		if o.LiftedAt == nil {
			t.Errorf("objection %+v not lifted", o)
		}
	}
	e = refuse(t, bothlift, envAs("carol"), LiftObjection{ID: 1}, ECONFLICT)
	wantMessage(t, e, "no open objection")
	refuse(t, inc, envAs("carol"), LiftObjection{ID: 1}, ECONFLICT)
	decideWith(t, bothlift, envAs("alice"), AcknowledgeIntent{ID: 1})
}

// ---------------------------------------------------------------------------
// WithdrawIntent
// ---------------------------------------------------------------------------

func TestWithdrawIntent(t *testing.T) {
	inc := intentCrew(t)
	inc, _ = stateAs(t, inc, "bob", act(1))
	for _, u := range []string{"alice", "carol"} {
		e := refuse(t, inc, envAs(u), WithdrawIntent{ID: 1}, EFORBIDDEN)
		wantMessage(t, e, "only bob")
	}
	objected, _ := decideWith(t, inc, envAs("carol"), ObjectIntent{ID: 1, Reason: "no"})
	at := t0.Add(time.Minute)
	after, evs := decideWith(t, objected, envAt("bob", at), WithdrawIntent{ID: 1})
	wantTypes(t, evs, EventIntentWithdrawn)
	in := intentOf(t, after, 1)
	if in.State != IntentWithdrawn {
		t.Errorf("state = %s", in.State)
	}
	wantTime(t, "closed_at", in.ClosedAt, &at)
}

// ---------------------------------------------------------------------------
// ExpireIntent
// ---------------------------------------------------------------------------

func TestExpireIntent(t *testing.T) {
	inc := intentCrew(t)
	cmd := act(1)
	cmd.AckFrom = AckAll
	inc, in := stateAs(t, inc, "bob", cmd)
	// One of three acknowledged: still not consent.
	inc, _ = decideWith(t, inc, envAs("carol"), AcknowledgeIntent{ID: 1})

	e := refuse(t, inc, systemEnv(in.ExpiresAt.Add(-time.Nanosecond)), ExpireIntent{ID: 1}, ECONFLICT)
	wantMessage(t, e, "window ends")

	for _, at := range []time.Time{in.ExpiresAt, in.ExpiresAt.Add(time.Hour)} {
		after, evs := decideWith(t, inc, systemEnv(at), ExpireIntent{ID: 1})
		wantTypes(t, evs, EventIntentExpired)
		if evs[0].Actor != SystemActor {
			t.Errorf("actor = %q", evs[0].Actor)
		}
		got := intentOf(t, after, 1)
		if got.State != IntentExpired || got.State == IntentAcknowledged {
			t.Errorf("state = %s, want expired", got.State)
		}
		wantTime(t, "closed_at", got.ClosedAt, &at)
		if !reflect.DeepEqual(got.AcknowledgedBy, []string{"carol"}) {
			t.Errorf("acknowledged_by = %v", got.AcknowledgedBy)
		}
		// Exactly once.
		e := refuse(t, after, systemEnv(at.Add(time.Minute)), ExpireIntent{ID: 1}, ECONFLICT)
		wantMessage(t, e, "already expired")
		// Nobody can acknowledge it afterwards.
		refuse(t, after, envAt("alice", at), AcknowledgeIntent{ID: 1}, ECONFLICT)
	}
}

func TestExpireObjectedIntent(t *testing.T) {
	inc := intentCrew(t)
	inc, in := stateAs(t, inc, "bob", act(1))
	inc, _ = decideWith(t, inc, envAs("carol"), ObjectIntent{ID: 1, Reason: "no"})
	after, _ := decideWith(t, inc, systemEnv(in.ExpiresAt), ExpireIntent{ID: 1})
	if got := intentOf(t, after, 1).State; got != IntentExpired {
		t.Errorf("state = %s, want expired", got)
	}
}

// Silence is not consent: whatever happens short of the needed acks, an
// intent left alone past its window ends expired.
func TestSilenceIsNotConsent(t *testing.T) {
	for _, a := range []AckFrom{AckCommander, AckAny, AckAll} {
		inc := intentCrew(t)
		cmd := act(1)
		cmd.AckFrom = a
		inc, in := stateAs(t, inc, "bob", cmd)
		after, _ := decideWith(t, inc, systemEnv(in.ExpiresAt.Add(time.Second)), ExpireIntent{ID: 1})
		got := intentOf(t, after, 1)
		if got.State != IntentExpired || len(got.AcknowledgedBy) != 0 {
			t.Errorf("ack_from %s: %+v", a, got)
		}
	}
}

// ---------------------------------------------------------------------------
// PendingAcks
// ---------------------------------------------------------------------------

func TestPendingAcks(t *testing.T) {
	inc := intentCrew(t) // commander alice
	tests := []struct {
		name string
		in   Intent
		want []string
	}{
		{"commander", Intent{Author: "bob", AckFrom: AckCommander, State: IntentOpen}, []string{"alice"}},
		{"commander, objected", Intent{Author: "bob", AckFrom: AckCommander, State: IntentObjected}, []string{"alice"}},
		{"commander is author", Intent{Author: "alice", AckFrom: AckCommander, State: IntentOpen}, []string{"any active responder but alice"}},
		{"any", Intent{Author: "bob", AckFrom: AckAny, State: IntentOpen}, []string{"any active responder but bob"}},
		{"all, none yet", Intent{Author: "bob", AckFrom: AckAll, State: IntentOpen, Required: []string{"alice", "carol", "dave"}, AcknowledgedBy: []string{}}, []string{"alice", "carol", "dave"}},
		{"all, some", Intent{Author: "bob", AckFrom: AckAll, State: IntentOpen, Required: []string{"alice", "carol", "dave"}, AcknowledgedBy: []string{"carol"}}, []string{"alice", "dave"}},
		{"acknowledged", Intent{Author: "bob", AckFrom: AckCommander, State: IntentAcknowledged}, nil},
		{"withdrawn", Intent{Author: "bob", AckFrom: AckAny, State: IntentWithdrawn}, nil},
		{"expired", Intent{Author: "bob", AckFrom: AckAll, State: IntentExpired, Required: []string{"alice"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := inc.PendingAcks(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("PendingAcks = %v, want %v", got, tc.want)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Apply
// ---------------------------------------------------------------------------

func TestApplyIntentUnknownID(t *testing.T) {
	inc := intentCrew(t)
	inc, _ = stateAs(t, inc, "bob", act(1))
	next := inc.LastSeq + 1
	events := []Event{
		ev(t, next, EventIntentAcked, t0, "alice", IntentAckedData{ID: 9, Complete: true}),
		ev(t, next, EventIntentObjected, t0, "carol", IntentObjectedData{ID: 9, Reason: "no"}),
		ev(t, next, EventObjectionLifted, t0, "carol", IntentRefData{ID: 9}),
		ev(t, next, EventIntentWithdrawn, t0, "bob", IntentRefData{ID: 9}),
		ev(t, next, EventIntentExpired, t0, SystemActor, IntentRefData{ID: 9}),
	}
	for _, e := range events {
		got, err := Apply(inc, e)
		if err == nil || !strings.Contains(err.Error(), "unknown intent 9") {
			t.Errorf("Apply(%s for intent 9) error = %v, want unknown intent", e.Type, err)
		}
		if got.LastSeq != inc.LastSeq {
			t.Errorf("Apply(%s) advanced last_seq on error", e.Type)
		}
		if in := intentOf(t, got, 1); in.State != IntentOpen {
			t.Errorf("Apply(%s) changed intent 1: %+v", e.Type, in)
		}
	}
}

func TestApplyIntentOrdering(t *testing.T) {
	inc := intentCrew(t)
	seq := inc.LastSeq
	next := func() int64 { seq++; return seq }
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	events := []Event{
		ev(t, next(), EventIntentStated, at(0), "bob", IntentStatedData{ID: 3, Text: "x", Kind: IntentInformation, AckFrom: AckAll, Required: []string{"alice", "carol", "dave"}, ExpiresAt: at(10)}),
		ev(t, next(), EventIntentAcked, at(1), "dave", IntentAckedData{ID: 3}),
		ev(t, next(), EventIntentObjected, at(2), "carol", IntentObjectedData{ID: 3, Reason: "r1"}),
		ev(t, next(), EventObjectionLifted, at(3), "carol", IntentRefData{ID: 3}),
		ev(t, next(), EventIntentAcked, at(4), "alice", IntentAckedData{ID: 3}),
		ev(t, next(), EventIntentAcked, at(5), "carol", IntentAckedData{ID: 3, Complete: true}),
	}
	var err error
	for _, e := range events {
		if inc, err = Apply(inc, e); err != nil {
			t.Fatalf("Apply(%s): %v", e.Type, err)
		}
	}
	in := intentOf(t, inc, 3)
	if !reflect.DeepEqual(in.AcknowledgedBy, []string{"dave", "alice", "carol"}) {
		t.Errorf("acknowledged_by = %v", in.AcknowledgedBy)
	}
	want := []Acknowledgement{{"dave", at(1)}, {"alice", at(4)}, {"carol", at(5)}}
	if !reflect.DeepEqual(in.Acks, want) {
		t.Errorf("acks = %+v, want %+v", in.Acks, want)
	}
	if in.State != IntentAcknowledged || in.Author != "bob" || !in.StatedAt.Equal(at(0)) {
		t.Errorf("intent = %+v", in)
	}
	wantTime(t, "closed_at", in.ClosedAt, ptr(at(5)))
	if len(in.Objections) != 1 || in.Objections[0].LiftedAt == nil || !in.Objections[0].LiftedAt.Equal(at(3)) {
		t.Errorf("objections = %+v", in.Objections)
	}
}
