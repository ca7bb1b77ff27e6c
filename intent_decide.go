package hansei

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

func (d *decider) intentFor(id int64) (Intent, error) {
	in, ok := d.inc.Intent(id)
	if !ok {
		return in, Errorf(ENOTFOUND, "there is no intent %d in %s", id, d.inc.Ref()).Says("error.no_intent_in", "ID", id, "Incident", d.inc.Ref())
	}
	return in, nil
}

func (d *decider) requireActive(what string) error {
	if !d.inc.activeResponder(d.env.Actor.Name) {
		return Errorf(ECONFLICT, "only active responders of %s may %s; join first: hansei incident join %d", d.inc.Ref(), what, d.inc.Number)
	}
	return nil
}

// requireLive refuses changes to an intent that has an outcome.
func requireLive(in Intent) error {
	if !in.Live() {
		return Errorf(ECONFLICT, "intent %d is already %s", in.ID, in.State)
	}
	return nil
}

func (d *decider) stateIntent(c StateIntent) error {
	text, err := Lines("text", MaxReason).Require().Clean(c.Text)
	if err != nil {
		return err
	}
	if _, err := ParseIntentKind(string(c.Kind)); err != nil {
		return err
	}
	ackFrom, err := ParseAckFrom(string(c.AckFrom))
	if err != nil {
		return err
	}
	window := c.Window
	if window == 0 {
		window = d.env.IntentWindow
	}
	if window == 0 {
		window = DefaultIntentWindow
	}
	if window < MinIntentWindow || window > MaxIntentWindow {
		return FieldError("window_seconds", "the objection window must be 1 to 86400 seconds, not %v", window.Seconds())
	}
	me := d.env.Actor.Name
	if err := d.requireActive("state intents"); err != nil {
		return err
	}
	if c.Kind == IntentStandDown {
		for _, in := range d.inc.Intents {
			if in.Live() && in.Author == me && in.Kind == IntentStandDown {
				return Errorf(ECONFLICT, "your stand-down intent %d is still open; withdraw it before stating another", in.ID)
			}
		}
		if roles := d.inc.rolesOf(me); len(roles) > 0 {
			return Errorf(ECONFLICT, "you hold %s in %s; hand it over before standing down: hansei incident role %d %s USER",
				strings.Join(roles, " and "), d.inc.Ref(), d.inc.Number, roles[0])
		}
	}
	var others []string
	for _, r := range d.inc.Responders {
		if r.State == ResponderActive && r.User != me {
			others = append(others, r.User)
		}
	}
	if len(others) == 0 {
		return Errorf(ECONFLICT, "nobody else is an active responder in %s to acknowledge; ask someone to join first", d.inc.Ref())
	}
	data := IntentStatedData{ID: c.ID, Text: text, Kind: c.Kind, AckFrom: ackFrom,
		ExpiresAt: d.env.Now.UTC().Add(window)}
	if ackFrom == AckAll {
		data.Required = others
	}
	d.emit(EventIntentStated, data)
	return nil
}

func (d *decider) acknowledgeIntent(c AcknowledgeIntent) error {
	in, err := d.intentFor(c.ID)
	if err != nil {
		return err
	}
	me := d.env.Actor.Name
	if err := requireLive(in); err != nil {
		return err
	}
	if !d.env.Now.Before(in.ExpiresAt) {
		return Errorf(ECONFLICT, "intent %d's window ended at %s: it expires unacknowledged, and its author must state it again", in.ID, in.ExpiresAt.Format(time.RFC3339))
	}
	if me == in.Author {
		return Errorf(EFORBIDDEN, "nobody acknowledges their own intent; another responder must")
	}
	if o, ok := in.openObjection(); ok {
		return Errorf(ECONFLICT, "%s objected to intent %d (%q); it cannot be acknowledged until they lift the objection or the author withdraws it", o.By, in.ID, o.Reason)
	}
	if err := d.requireActive("acknowledge intents"); err != nil {
		return err
	}
	if slices.Contains(in.AcknowledgedBy, me) {
		return Errorf(ECONFLICT, "you have already acknowledged intent %d", in.ID)
	}
	complete := true
	switch in.AckFrom {
	case AckCommander:
		if c := d.inc.Roles[RoleCommander]; c != in.Author && c != me {
			return Errorf(EFORBIDDEN, "intent %d waits for the incident commander, %s, to acknowledge it", in.ID, c)
		}
	case AckAll:
		if !slices.Contains(in.Required, me) {
			return Errorf(EFORBIDDEN, "intent %d waits for %s; you were not an active responder when it was stated", in.ID, strings.Join(d.inc.PendingAcks(in), ", "))
		}
		complete = len(d.inc.PendingAcks(in)) == 1
	}
	if complete && in.Kind == IntentStandDown {
		if roles := d.inc.rolesOf(in.Author); len(roles) > 0 {
			return Errorf(ECONFLICT, "%s holds %s again; they must hand it over before they can stand down", in.Author, strings.Join(roles, " and "))
		}
	}
	d.emit(EventIntentAcked, IntentAckedData{ID: in.ID, Complete: complete})
	if complete && in.Kind == IntentStandDown && d.inc.activeResponder(in.Author) {
		d.emit(EventResponderStoodDown, StoodDownData{User: in.Author, Intent: in.ID})
	}
	return nil
}

func (d *decider) objectIntent(c ObjectIntent) error {
	in, err := d.intentFor(c.ID)
	if err != nil {
		return err
	}
	if err := requireLive(in); err != nil {
		return err
	}
	reason, err := Line("reason", MaxReason).Require().Clean(c.Reason)
	if err != nil {
		return err
	}
	me := d.env.Actor.Name
	if me == in.Author {
		return Errorf(EFORBIDDEN, "you cannot object to your own intent; withdraw it instead")
	}
	if err := d.requireActive("object to intents"); err != nil {
		return err
	}
	for _, o := range in.Objections {
		if o.By == me && o.LiftedAt == nil {
			return Errorf(ECONFLICT, "your objection to intent %d is still open", in.ID)
		}
	}
	d.emit(EventIntentObjected, IntentObjectedData{ID: in.ID, Reason: reason})
	return nil
}

func (d *decider) liftObjection(c LiftObjection) error {
	in, err := d.intentFor(c.ID)
	if err != nil {
		return err
	}
	if err := requireLive(in); err != nil {
		return err
	}
	for _, o := range in.Objections {
		if o.By == d.env.Actor.Name && o.LiftedAt == nil {
			d.emit(EventObjectionLifted, IntentRefData{ID: in.ID})
			return nil
		}
	}
	if o, ok := in.openObjection(); ok {
		return Errorf(EFORBIDDEN, "only %s, who objected, can lift their objection to intent %d", o.By, in.ID)
	}
	return Errorf(ECONFLICT, "intent %d has no open objection", in.ID)
}

func (d *decider) withdrawIntent(c WithdrawIntent) error {
	in, err := d.intentFor(c.ID)
	if err != nil {
		return err
	}
	if err := requireLive(in); err != nil {
		return err
	}
	if d.env.Actor.Name != in.Author {
		return Errorf(EFORBIDDEN, "only %s, who stated intent %d, can withdraw it", in.Author, in.ID)
	}
	d.emit(EventIntentWithdrawn, IntentRefData{ID: in.ID})
	return nil
}

func (d *decider) expireIntent(c ExpireIntent) error {
	in, err := d.intentFor(c.ID)
	if err != nil {
		return err
	}
	if err := requireLive(in); err != nil {
		return err
	}
	if d.env.Now.Before(in.ExpiresAt) {
		return Errorf(ECONFLICT, "intent %d's window ends at %s", in.ID, in.ExpiresAt.Format(time.RFC3339))
	}
	d.emit(EventIntentExpired, IntentRefData{ID: in.ID})
	return nil
}

// applyIntent folds an intent event into the incident.
func applyIntent(inc Incident, e Event, decode func(any) error) (Incident, error) {
	if e.Type == EventIntentStated {
		var p IntentStatedData
		if err := decode(&p); err != nil {
			return inc, err
		}
		inc.Intents = append(slices.Clone(inc.Intents), Intent{
			ID: p.ID, Incident: e.Incident, Author: e.Actor, Text: p.Text, Kind: p.Kind, AckFrom: p.AckFrom,
			Required: p.Required, State: IntentOpen, StatedAt: e.At, ExpiresAt: p.ExpiresAt,
			AcknowledgedBy: []string{}, Acks: []Acknowledgement{}, Objections: []Objection{},
		})
		return inc, nil
	}
	var ref IntentRefData
	if err := decode(&ref); err != nil {
		return inc, err
	}
	i := slices.IndexFunc(inc.Intents, func(in Intent) bool { return in.ID == ref.ID })
	if i < 0 {
		return inc, fmt.Errorf("%s refers to unknown intent %d", e.Type, ref.ID)
	}
	inc.Intents = slices.Clone(inc.Intents)
	in := inc.Intents[i]
	at := e.At
	switch e.Type {
	case EventIntentAcked:
		var p IntentAckedData
		if err := decode(&p); err != nil {
			return inc, err
		}
		in.AcknowledgedBy = append(slices.Clone(in.AcknowledgedBy), e.Actor)
		in.Acks = append(slices.Clone(in.Acks), Acknowledgement{User: e.Actor, At: at})
		if p.Complete {
			in.State, in.ClosedAt = IntentAcknowledged, &at
		}
	case EventIntentObjected:
		var p IntentObjectedData
		if err := decode(&p); err != nil {
			return inc, err
		}
		in.Objections = append(slices.Clone(in.Objections), Objection{By: e.Actor, Reason: p.Reason, At: at})
		in.State = IntentObjected
	case EventObjectionLifted:
		in.Objections = slices.Clone(in.Objections)
		for j, o := range in.Objections {
			if o.By == e.Actor && o.LiftedAt == nil {
				in.Objections[j].LiftedAt = &at
			}
		}
		if _, open := in.openObjection(); !open {
			in.State = IntentOpen
		}
	case EventIntentWithdrawn:
		in.State, in.ClosedAt = IntentWithdrawn, &at
	case EventIntentExpired:
		in.State, in.ClosedAt = IntentExpired, &at
	}
	inc.Intents[i] = in
	return inc, nil
}

// IntentRef locates an intent.
type IntentRef struct {
	ID       int64 `json:"id"`
	Incident int64 `json:"incident"`
}
