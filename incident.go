package hansei

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Status is where an incident stands in its response.
type Status string

const (
	StatusInvestigating Status = "investigating"
	StatusIdentified    Status = "identified"
	StatusMonitoring    Status = "monitoring"
	StatusResolved      Status = "resolved"
	// StatusClosed is reached only by publishing the incident's postmortem.
	StatusClosed Status = "closed"
)

// NextStatuses lists the statuses an incident may move to from s. Responders
// may go back (the suspected cause was wrong, the fix did not hold) and a
// resolved incident may be reopened; closed is reached only by publishing
// the postmortem, and nothing leaves it.
func NextStatuses(s Status) []Status {
	switch s {
	case StatusInvestigating:
		return []Status{StatusIdentified, StatusMonitoring, StatusResolved}
	case StatusIdentified:
		return []Status{StatusInvestigating, StatusMonitoring, StatusResolved}
	case StatusMonitoring:
		return []Status{StatusInvestigating, StatusIdentified, StatusResolved}
	case StatusResolved:
		return []Status{StatusInvestigating}
	}
	return nil
}

// ParseStatus validates a status name given by a user.
func ParseStatus(field, s string) (Status, error) {
	switch st := Status(s); st {
	case StatusInvestigating, StatusIdentified, StatusMonitoring, StatusResolved, StatusClosed:
		return st, nil
	}
	return "", FieldError(field, "unknown status %q; use investigating, identified, monitoring or resolved", s)
}

// Visibility says who may read an incident.
type Visibility string

const (
	// VisibilityInternal incidents are readable by every signed-in user.
	VisibilityInternal Visibility = "internal"
	// VisibilityRestricted incidents are readable only by admins and the
	// incident's own members (declarer, responders, role holders).
	VisibilityRestricted Visibility = "restricted"
)

// Responder states.
const (
	ResponderActive    = "active"
	ResponderStoodDown = "stood_down"
)

// Built-in roles; any other lower-case name is a free-form role.
const (
	RoleCommander      = "commander"
	RoleCommunications = "communications"
	RoleScribe         = "scribe"
)

// Responder is a person taking part in an incident.
type Responder struct {
	User        string     `json:"user"`
	State       string     `json:"state"`
	JoinedAt    time.Time  `json:"joined_at"`
	StoodDownAt *time.Time `json:"stood_down_at,omitempty"`
}

// Incident is the current state of an incident: a projection of its
// timeline, rebuilt by applying its events in order.
type Incident struct {
	Number         int64             `json:"number"`
	Title          string            `json:"title"`
	Summary        string            `json:"summary"`
	Severity       string            `json:"severity"`
	Status         Status            `json:"status"`
	Visibility     Visibility        `json:"visibility"`
	Services       []string          `json:"services"`
	Roles          map[string]string `json:"roles"`
	Responders     []Responder       `json:"responders"`
	DeclaredBy     string            `json:"declared_by"`
	StartedAt      time.Time         `json:"started_at"`
	DetectedAt     time.Time         `json:"detected_at"`
	DeclaredAt     time.Time         `json:"declared_at"`
	AcknowledgedAt *time.Time        `json:"acknowledged_at"`
	MitigatedAt    *time.Time        `json:"mitigated_at"`
	ResolvedAt     *time.Time        `json:"resolved_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
	LastSeq        int64             `json:"last_seq"`
	// Intents holds every statement of intent, live or decided.
	Intents []Intent `json:"intents"`
	// Components are the status page's components the incident affects.
	Components []string `json:"components,omitempty"`
}

// Ref is the incident's name in text: INC-42.
func (inc Incident) Ref() string { return fmt.Sprintf("INC-%d", inc.Number) }

// Responder returns the responder record of user, if any.
func (inc Incident) Responder(user string) (Responder, bool) {
	for _, r := range inc.Responders {
		if r.User == user {
			return r, true
		}
	}
	return Responder{}, false
}

// IsMember reports whether user takes or took part in the incident.
func (inc Incident) IsMember(user string) bool {
	if inc.DeclaredBy == user {
		return true
	}
	_, ok := inc.Responder(user)
	return ok
}

// CanRead reports whether u may read the incident.
func (inc Incident) CanRead(u User) bool {
	return inc.Visibility != VisibilityRestricted || u.Role == RoleAdmin || inc.IsMember(u.Name)
}

// Event is one entry of an incident's append-only timeline.
type Event struct {
	Incident int64           `json:"incident"`
	Seq      int64           `json:"seq"`
	Type     string          `json:"type"`
	Actor    string          `json:"actor"`
	At       time.Time       `json:"at"`
	Data     json.RawMessage `json:"data"`
	// Pos is the event's place among the events of all incidents, in
	// commit order; the stream of all incidents resumes from it.
	Pos int64 `json:"pos,omitempty"`
}

// Event types.
const (
	EventDeclared        = "incident.declared"
	EventSeverityChanged = "severity.changed"
	EventStatusChanged   = "status.changed"
	EventRoleAssigned    = "role.assigned"
	EventResponderJoined = "responder.joined"
	EventNoteAdded       = "note.added"
)

// Event payloads.
type (
	DeclaredData struct {
		Title      string     `json:"title"`
		Summary    string     `json:"summary"`
		Severity   string     `json:"severity"`
		Services   []string   `json:"services"`
		Visibility Visibility `json:"visibility"`
		StartedAt  time.Time  `json:"started_at"`
		DetectedAt time.Time  `json:"detected_at"`
	}
	SeverityChangedData struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
	}
	StatusChangedData struct {
		From    Status `json:"from"`
		To      Status `json:"to"`
		Message string `json:"message,omitempty"`
	}
	// RoleAssignedData records a role given to a user. A non-empty Previous
	// makes it a handover from that user.
	RoleAssignedData struct {
		Role     string `json:"role"`
		User     string `json:"user"`
		Previous string `json:"previous,omitempty"`
	}
	ResponderJoinedData struct {
		User     string `json:"user"`
		Rejoined bool   `json:"rejoined,omitempty"`
	}
	NoteAddedData struct {
		Text string `json:"text"`
	}
)

// Command is a request to change an incident. Decide turns a command into
// events or refuses it.
type Command interface{ command() }

// Declare opens a new incident.
type Declare struct {
	Title    string
	Summary  string
	Severity string
	Services []string
	// Commander defaults to the declarer.
	Commander  string
	Visibility Visibility
	// StartedAt and DetectedAt default to the time of declaring; an
	// incident often starts before anyone declares it.
	StartedAt  *time.Time
	DetectedAt *time.Time
}

type ChangeSeverity struct{ Severity, Reason string }
type ChangeStatus struct {
	Status  Status
	Message string
}
type AssignRole struct{ Role, User string }

// Join adds a responder; an empty User joins the actor.
type Join struct{ User string }
type AddNote struct{ Text string }

func (Declare) command()        {}
func (ChangeSeverity) command() {}
func (ChangeStatus) command()   {}
func (AssignRole) command()     {}
func (Join) command()           {}
func (AddNote) command()        {}

// Env is what deciding needs besides the incident and the command: the time,
// who acts, the configured scales and a way to look users up.
type Env struct {
	Now    time.Time
	Actor  User
	Scales Scales
	// Users finds a user by name; it returns ENOTFOUND for unknown names.
	Users func(name string) (User, error)
	// IntentWindow is the default objection window (DefaultIntentWindow
	// when zero).
	IntentWindow time.Duration
}

// Limits on free text, in characters.
const (
	MaxTitle   = 200
	MaxText    = 20000
	MaxReason  = 2000
	MaxService = 100
	MaxRole    = 40
)

// Decide checks cmd against the incident's current state and returns the
// events that record it, numbered after inc.LastSeq. It changes nothing.
func Decide(inc Incident, env Env, cmd Command) ([]Event, error) {
	if err := env.Actor.RequireActor(); err != nil {
		return nil, err
	}
	d := decider{inc: inc, env: env}
	if _, ok := cmd.(Declare); !ok && inc.LastSeq == 0 {
		return nil, Errorf(ENOTFOUND, "%s has not been declared", inc.Ref())
	}
	_, expiry := cmd.(ExpireIntent) // silence is not consent, even after closing
	if _, ok := cmd.(Declare); !ok && !expiry && inc.Status == StatusClosed {
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
	case CloseIncident:
		if d.inc.Status != StatusResolved {
			return nil, Errorf(ECONFLICT, "%s is %s; only a resolved incident is closed by its postmortem", d.inc.Ref(), d.inc.Status)
		}
		d.emit(EventStatusChanged, StatusChangedData{From: d.inc.Status, To: StatusClosed,
			Message: fmt.Sprintf("postmortem published (revision %d)", c.Revision)})
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
	if err := requireText("title", c.Title, MaxTitle); err != nil {
		return err
	}
	if err := limitText("summary", c.Summary, MaxText); err != nil {
		return err
	}
	if _, err := d.env.Scales.Severity.Level(c.Severity); err != nil {
		return err
	}
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
		Title: strings.TrimSpace(c.Title), Summary: strings.TrimSpace(c.Summary), Severity: c.Severity,
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
	if _, err := d.env.Scales.Severity.Level(c.Severity); err != nil {
		return err
	}
	if err := requireText("reason", c.Reason, MaxReason); err != nil {
		return err
	}
	if c.Severity == d.inc.Severity {
		return Errorf(ECONFLICT, "%s is already %s", d.inc.Ref(), c.Severity)
	}
	d.emit(EventSeverityChanged, SeverityChangedData{From: d.inc.Severity, To: c.Severity, Reason: strings.TrimSpace(c.Reason)})
	return nil
}

func (d *decider) changeStatus(c ChangeStatus) error {
	if _, err := ParseStatus("status", string(c.Status)); err != nil {
		return err
	}
	if err := limitText("message", c.Message, MaxText); err != nil {
		return err
	}
	allowed := NextStatuses(d.inc.Status)
	for _, s := range allowed {
		if s == c.Status {
			d.emit(EventStatusChanged, StatusChangedData{From: d.inc.Status, To: c.Status, Message: strings.TrimSpace(c.Message)})
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
	if err := ValidateRoleName(c.Role); err != nil {
		return err
	}
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
	if err := requireText("text", c.Text, MaxText); err != nil {
		return err
	}
	d.emit(EventNoteAdded, NoteAddedData{Text: strings.TrimSpace(c.Text)})
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

// ValidateRoleName accepts the built-in roles and free-form ones of
// lower-case letters, digits, '-' and '_'.
func ValidateRoleName(role string) error {
	ok := role != "" && len(role) <= MaxRole && role[0] >= 'a' && role[0] <= 'z'
	for _, r := range role {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			ok = false
		}
	}
	if !ok {
		return FieldError("role", "role %q is not valid: use commander, communications, scribe, or a name of up to %d lower-case letters, digits, '-' or '_'", role, MaxRole)
	}
	return nil
}

func requireText(field, s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return FieldError(field, "%s is required and must not be blank", field)
	}
	return limitText(field, s, max)
}

func limitText(field, s string, max int) error {
	if n := len([]rune(s)); n > max {
		return FieldError(field, "%s is %d characters long; the limit is %d", field, n, max)
	}
	return nil
}

func cleanServices(in []string) ([]string, error) {
	if len(in) > 50 {
		return nil, FieldError("services", "an incident may name at most 50 services, not %d", len(in))
	}
	out := []string{}
	seen := map[string]bool{}
	for i, s := range in {
		s = strings.TrimSpace(s)
		field := fmt.Sprintf("services[%d]", i)
		if s == "" {
			return nil, FieldError(field, "service names must not be blank")
		}
		if err := limitText(field, s, MaxService); err != nil {
			return nil, err
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, nil
}

// Apply returns the incident with event e applied. Events must come in
// sequence order.
func Apply(inc Incident, e Event) (Incident, error) {
	if e.Seq != inc.LastSeq+1 {
		return inc, Errorf(EINTERNAL, "event %d applied to %s at seq %d", e.Seq, inc.Ref(), inc.LastSeq)
	}
	var err error
	switch e.Type {
	case EventDeclared:
		var p DeclaredData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Number = e.Incident
			inc.Title, inc.Summary, inc.Severity = p.Title, p.Summary, p.Severity
			inc.Services, inc.Visibility = p.Services, p.Visibility
			inc.Status = StatusInvestigating
			inc.StartedAt, inc.DetectedAt, inc.DeclaredAt = p.StartedAt, p.DetectedAt, e.At
			inc.DeclaredBy = e.Actor
			inc.Roles = map[string]string{}
			inc.Responders = []Responder{}
			inc.Intents = []Intent{}
		}
	case EventSeverityChanged:
		var p SeverityChangedData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Severity = p.To
		}
	case EventStatusChanged:
		var p StatusChangedData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Status = p.To
			at := e.At
			switch p.To {
			case StatusMonitoring, StatusResolved:
				if inc.MitigatedAt == nil {
					inc.MitigatedAt = &at
				}
			}
			if p.To == StatusResolved {
				inc.ResolvedAt = &at
			}
			if p.To == StatusInvestigating {
				inc.ResolvedAt = nil
			}
		}
	case EventRoleAssigned:
		var p RoleAssignedData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Roles = cloneRoles(inc.Roles)
			inc.Roles[p.Role] = p.User
			if p.Role == RoleCommander && inc.AcknowledgedAt == nil {
				at := e.At
				inc.AcknowledgedAt = &at
			}
		}
	case EventResponderJoined:
		var p ResponderJoinedData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Responders = upsertResponder(inc.Responders, Responder{User: p.User, State: ResponderActive, JoinedAt: e.At})
		}
	case EventResponderStoodDown:
		var p StoodDownData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			if r, ok := inc.Responder(p.User); ok {
				at := e.At
				r.State, r.StoodDownAt = ResponderStoodDown, &at
				inc.Responders = upsertResponder(inc.Responders, r)
			}
		}
	case EventIntentStated, EventIntentAcked, EventIntentObjected, EventObjectionLifted, EventIntentWithdrawn, EventIntentExpired:
		inc, err = applyIntent(inc, e, func(v any) error { return json.Unmarshal(e.Data, v) })
	case EventComponentsLinked:
		var p ComponentsLinkedData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			inc.Components = p.Components
		}
	case EventPublicUpdate:
		var p PublicUpdateData
		if err = json.Unmarshal(e.Data, &p); err == nil {
			for k := range p.Components {
				if !slices.Contains(inc.Components, k) {
					inc.Components = append(slices.Clone(inc.Components), k)
				}
			}
			slices.Sort(inc.Components)
		}
	case EventNoteAdded:
		// Notes live only on the timeline.
	default:
		// Unknown types come from newer versions; they do not change the
		// projection that this version knows.
	}
	if err != nil {
		return inc, fmt.Errorf("apply %s event %d: %w", e.Type, e.Seq, err)
	}
	inc.LastSeq = e.Seq
	inc.UpdatedAt = e.At
	return inc, nil
}

// Project folds a timeline into the incident state.
func Project(events []Event) (Incident, error) {
	var inc Incident
	for _, e := range events {
		var err error
		if inc, err = Apply(inc, e); err != nil {
			return inc, err
		}
	}
	return inc, nil
}

func cloneRoles(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func upsertResponder(rs []Responder, r Responder) []Responder {
	out := make([]Responder, 0, len(rs)+1)
	replaced := false
	for _, x := range rs {
		if x.User == r.User {
			x = r
			replaced = true
		}
		out = append(out, x)
	}
	if !replaced {
		out = append(out, r)
	}
	return out
}

// IncidentFilter selects incidents to list.
type IncidentFilter struct {
	Status   Status
	Severity string
	// Q matches incidents whose title or summary contain every word of Q
	// as the start of a word.
	Q      string
	Limit  int
	Cursor string
}

// IncidentService stores incidents and their timelines. Every change runs
// Decide and Apply inside one transaction that appends the events and
// updates the projection together.
type IncidentService interface {
	Declare(ctx context.Context, actor User, cmd Declare) (Incident, error)
	// Execute applies a command to an existing incident and returns the new
	// state and the events it appended.
	Execute(ctx context.Context, actor User, number int64, cmd Command) (Incident, []Event, error)
	Incident(ctx context.Context, viewer User, number int64) (Incident, error)
	// Incidents lists incidents, newest first, and the cursor of the next page.
	Incidents(ctx context.Context, viewer User, f IncidentFilter) ([]Incident, string, error)
	// Timeline returns up to limit events with seq > after, in order.
	Timeline(ctx context.Context, viewer User, number int64, after int64, limit int) ([]Event, error)
	// OpenBySeverity counts incidents that are not resolved or closed.
	OpenBySeverity(ctx context.Context) (map[string]int, error)
}
