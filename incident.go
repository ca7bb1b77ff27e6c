package hansei

import (
	"encoding/json"
	"fmt"
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

// Built-in roles; a config adds others (RoleDef), and only the roles of
// Scales.RoleList may be assigned.
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
