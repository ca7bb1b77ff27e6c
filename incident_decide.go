package hansei

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Decide checks cmd against the incident's current state and returns the
// events that record it, numbered after inc.LastSeq. It changes nothing.
func Decide(inc Incident, env Env, cmd Command) ([]Event, error) {
	if err := env.Actor.RequireActor(); err != nil {
		return nil, err
	}
	d := decider{inc: inc, env: env}
	if _, ok := cmd.(Declare); !ok && inc.LastSeq == 0 {
		return nil, Errorf(ENOTFOUND, "%s has not been declared", inc.Ref()).Says("error.incident_not_declared", "Incident", inc.Ref())
	}
	_, expiry := cmd.(ExpireIntent) // silence is not consent, even after closing
	_, redaction := cmd.(Redact)    // a secret is taken out of a closed record too
	if _, ok := cmd.(Declare); !ok && !expiry && !redaction && inc.Status == StatusClosed {
		return nil, Errorf(ECONFLICT, "%s is closed: its postmortem is published and it no longer changes", inc.Ref())
	}
	var err error
	switch c := cmd.(type) {
	case Declare:
		err = d.declare(c)
	case ChangeSeverity:
		err = d.changeSeverity(c)
	case ChangeStatus:
		err = d.changeStatus(c)
	case AssignRole:
		err = d.assignRole(c)
	case Join:
		err = d.join(c)
	case AddNote:
		err = d.addNote(c)
	case Correct:
		err = d.correct(c)
	case VacateRole:
		err = d.vacateRole(c)
	case StateIntent:
		err = d.stateIntent(c)
	case AcknowledgeIntent:
		err = d.acknowledgeIntent(c)
	case ObjectIntent:
		err = d.objectIntent(c)
	case LiftObjection:
		err = d.liftObjection(c)
	case WithdrawIntent:
		err = d.withdrawIntent(c)
	case ExpireIntent:
		err = d.expireIntent(c)
	case PublishUpdate:
		err = d.publishUpdate(c)
	case LinkComponents:
		err = d.linkComponents(c)
	case Redact:
		err = d.redact(c)
	case CloseIncident:
		if d.inc.Status != StatusResolved {
			return nil, Errorf(ECONFLICT, "%s is %s; only a resolved incident is closed by its postmortem", d.inc.Ref(), d.inc.Status)
		}
		msg := fmt.Sprintf("postmortem published (revision %d)", c.Revision)
		if o := c.Override; o != nil {
			msg += "; " + o.Summary() + ": " + o.Reason
		}
		d.emit(EventStatusChanged, StatusChangedData{From: d.inc.Status, To: StatusClosed, Message: msg})
	default:
		err = Errorf(EINTERNAL, "unknown command %T", cmd)
	}
	if err != nil {
		return nil, err
	}
	return d.events, nil
}

type decider struct {
	inc    Incident
	env    Env
	events []Event
}

func (d *decider) emit(typ string, data any) {
	raw, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("hansei: event payload %T does not marshal: %v", data, err))
	}
	d.events = append(d.events, Event{
		Incident: d.inc.Number,
		Seq:      d.inc.LastSeq + int64(len(d.events)) + 1,
		Type:     typ,
		Actor:    d.env.Actor.Name,
		At:       d.env.Now.UTC(),
		Data:     raw,
	})
}

func (d *decider) declare(c Declare) error {
	if d.inc.LastSeq != 0 {
		return Errorf(ECONFLICT, "%s is already declared", d.inc.Ref())
	}
	title, err := Line("title", MaxTitle).Require().Clean(c.Title)
	if err != nil {
		return err
	}
	summary, err := Lines("summary", MaxText).Clean(c.Summary)
	if err != nil {
		return err
	}
	level, err := d.env.Scales.Severity.Level(c.Severity)
	if err != nil {
		return err
	}
	c.Severity = level.Key // the canonical spelling, whatever case was typed
	services, err := cleanServices(c.Services)
	if err != nil {
		return err
	}
	vis := c.Visibility
	switch vis {
	case "":
		vis = VisibilityInternal
	case VisibilityInternal, VisibilityRestricted:
	default:
		return FieldError("visibility", "unknown visibility %q; use internal (every user reads it) or restricted (only its members and admins)", vis)
	}
	now := d.env.Now.UTC()
	started, detected := now, now
	if c.StartedAt != nil {
		started = c.StartedAt.UTC()
	}
	if c.DetectedAt != nil {
		detected = c.DetectedAt.UTC()
		if c.StartedAt == nil {
			started = detected // impact began no later than it was seen
		}
	}
	// detected_at first: given alone, it is started_at too.
	if err := CheckTime("detected_at", detected); err != nil {
		return err
	}
	if err := CheckTime("started_at", started); err != nil {
		return err
	}
	if started.After(now) {
		return FieldError("started_at", "started_at %s is in the future; give the time the impact began", started.Format(time.RFC3339))
	}
	if detected.Before(started) || detected.After(now) {
		return FieldError("detected_at", "detected_at must lie between started_at and now")
	}
	commander := d.env.Actor
	if c.Commander != "" && c.Commander != commander.Name {
		if commander, err = d.lookupActor("commander", c.Commander); err != nil {
			return err
		}
	}
	d.emit(EventDeclared, DeclaredData{
		Title: title, Summary: summary, Severity: c.Severity,
		Services: services, Visibility: vis, StartedAt: started, DetectedAt: detected,
	})
	d.emit(EventResponderJoined, ResponderJoinedData{User: d.env.Actor.Name})
	if commander.Name != d.env.Actor.Name {
		d.emit(EventResponderJoined, ResponderJoinedData{User: commander.Name})
	}
	d.emit(EventRoleAssigned, RoleAssignedData{Role: RoleCommander, User: commander.Name})
	return nil
}

func (d *decider) changeSeverity(c ChangeSeverity) error {
	level, err := d.env.Scales.Severity.Level(c.Severity)
	if err != nil {
		return err
	}
	c.Severity = level.Key // the canonical spelling, whatever case was typed
	reason, err := Line("reason", MaxReason).Require().Clean(c.Reason)
	if err != nil {
		return err
	}
	if c.Severity == d.inc.Severity {
		return Errorf(ECONFLICT, "%s is already %s", d.inc.Ref(), c.Severity)
	}
	d.emit(EventSeverityChanged, SeverityChangedData{From: d.inc.Severity, To: c.Severity, Reason: reason})
	return nil
}

func (d *decider) changeStatus(c ChangeStatus) error {
	if _, err := ParseStatus("status", string(c.Status)); err != nil {
		return err
	}
	message, err := Lines("message", MaxText).Clean(c.Message)
	if err != nil {
		return err
	}
	allowed := NextStatuses(d.inc.Status)
	for _, s := range allowed {
		if s == c.Status {
			d.emit(EventStatusChanged, StatusChangedData{From: d.inc.Status, To: c.Status, Message: message})
			return nil
		}
	}
	names := make([]string, len(allowed))
	for i, s := range allowed {
		names[i] = string(s)
	}
	if c.Status == StatusClosed {
		return Errorf(ECONFLICT, "an incident is closed by publishing its postmortem; from %s it may move to %s", d.inc.Status, strings.Join(names, ", "))
	}
	return Errorf(ECONFLICT, "%s cannot move from %s to %s; from %s it may move to %s", d.inc.Ref(), d.inc.Status, c.Status, d.inc.Status, strings.Join(names, ", "))
}

func (d *decider) assignRole(c AssignRole) error {
	role, err := d.env.Scales.Role(c.Role)
	if err != nil {
		return err
	}
	c.Role = role
	user, err := d.lookupActor("user", c.User)
	if err != nil {
		return err
	}
	previous := d.inc.Roles[c.Role]
	if previous == user.Name {
		return Errorf(ECONFLICT, "%s already holds %s in %s", user.Name, c.Role, d.inc.Ref())
	}
	if r, ok := d.inc.Responder(user.Name); !ok || r.State != ResponderActive {
		d.emit(EventResponderJoined, ResponderJoinedData{User: user.Name, Rejoined: ok})
	}
	d.emit(EventRoleAssigned, RoleAssignedData{Role: c.Role, User: user.Name, Previous: previous})
	return nil
}

func (d *decider) join(c Join) error {
	user := d.env.Actor
	if c.User != "" && c.User != user.Name {
		var err error
		if user, err = d.lookupActor("user", c.User); err != nil {
			return err
		}
	}
	r, ok := d.inc.Responder(user.Name)
	if ok && r.State == ResponderActive {
		return Errorf(ECONFLICT, "%s is already an active responder in %s", user.Name, d.inc.Ref())
	}
	d.emit(EventResponderJoined, ResponderJoinedData{User: user.Name, Rejoined: ok})
	return nil
}

func (d *decider) addNote(c AddNote) error {
	text, err := Lines("text", MaxText).Require().Clean(c.Text)
	if err != nil {
		return err
	}
	d.emit(EventNoteAdded, NoteAddedData{Text: text})
	return nil
}

// lookupActor finds a user who is to take part in the incident: they must
// exist and be allowed to act.
func (d *decider) lookupActor(field, name string) (User, error) {
	if name == "" {
		return User{}, FieldError(field, "%s is required: give a user name", field)
	}
	if d.env.Users == nil {
		return User{}, Errorf(EINTERNAL, "no user directory")
	}
	u, err := d.env.Users(name)
	if ErrorCode(err) == ENOTFOUND {
		return User{}, FieldError(field, "there is no user named %q; `hansei users add` creates one", name)
	} else if err != nil {
		return User{}, err
	}
	if !u.CanAct() {
		return User{}, FieldError(field, "%q is a viewer and cannot take part in a response; an admin can make them a responder", name)
	}
	return u, nil
}

func cleanServices(in []string) ([]string, error) {
	if len(in) > 50 {
		return nil, FieldError("services", "an incident may name at most 50 services, not %d", len(in))
	}
	out := []string{}
	seen := map[string]bool{}
	for i, s := range in {
		field := fmt.Sprintf("services[%d]", i)
		s, err := Line(field, MaxService).Require().Clean(s)
		if err != nil {
			return nil, err
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, nil
}
