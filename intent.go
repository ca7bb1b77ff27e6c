package hansei

import (
	"slices"
	"time"
)

// IntentKind says what a statement of intent is about.
type IntentKind string

const (
	// IntentAction: the author is about to do something others should know
	// about, such as a rollback or a restart of a primary.
	IntentAction IntentKind = "action"
	// IntentStandDown: the author wishes to leave the incident. Once
	// acknowledged, the author is stood down.
	IntentStandDown IntentKind = "stand_down"
	// IntentInformation: safety-critical information that those named
	// must confirm they have heard.
	IntentInformation IntentKind = "information"
)

// AckFrom names who must acknowledge an intent.
type AckFrom string

const (
	// AckCommander: the incident commander. When the commander is the
	// author, any other active responder acknowledges instead.
	AckCommander AckFrom = "commander"
	// AckAny: any active responder other than the author.
	AckAny AckFrom = "any"
	// AckAll: every responder who was active when the intent was stated,
	// other than the author.
	AckAll AckFrom = "all"
)

// IntentState is where an intent stands. Silence is not consent: an intent
// that nobody acknowledged within its window is expired, never approved.
type IntentState string

const (
	IntentOpen         IntentState = "open"
	IntentAcknowledged IntentState = "acknowledged"
	// IntentObjected: at least one objection is open; it blocks
	// acknowledgement until lifted or the intent is withdrawn.
	IntentObjected  IntentState = "objected"
	IntentWithdrawn IntentState = "withdrawn"
	IntentExpired   IntentState = "expired"
)

// Limits of an intent's objection window.
const (
	MinIntentWindow     = time.Second
	MaxIntentWindow     = 24 * time.Hour
	DefaultIntentWindow = 5 * time.Minute
)

// SystemActor is the name under which hansei itself records events, such as
// an intent's expiry. No user may take it.
const SystemActor = "hansei"

// Intent is a statement of intent in an incident.
type Intent struct {
	ID       int64      `json:"id"`
	Incident int64      `json:"incident"`
	Author   string     `json:"author"`
	Text     string     `json:"text"`
	Kind     IntentKind `json:"kind"`
	AckFrom  AckFrom    `json:"ack_from"`
	// Required lists, for ack_from "all", who must acknowledge.
	Required       []string          `json:"required,omitempty"`
	State          IntentState       `json:"state"`
	StatedAt       time.Time         `json:"stated_at"`
	ExpiresAt      time.Time         `json:"expires_at"`
	AcknowledgedBy []string          `json:"acknowledged_by"`
	Acks           []Acknowledgement `json:"acknowledgements"`
	Objections     []Objection       `json:"objections"`
	ClosedAt       *time.Time        `json:"closed_at,omitempty"`
}

// Acknowledgement records who acknowledged and when.
type Acknowledgement struct {
	User string    `json:"user"`
	At   time.Time `json:"at"`
}

// Objection is a reasoned "no" that blocks an intent until its author lifts it.
type Objection struct {
	By       string     `json:"by"`
	Reason   string     `json:"reason"`
	At       time.Time  `json:"at"`
	LiftedAt *time.Time `json:"lifted_at,omitempty"`
}

// Live reports whether the intent still waits for an outcome.
func (in Intent) Live() bool { return in.State == IntentOpen || in.State == IntentObjected }

// openObjection returns the first objection not yet lifted.
func (in Intent) openObjection() (Objection, bool) {
	for _, o := range in.Objections {
		if o.LiftedAt == nil {
			return o, true
		}
	}
	return Objection{}, false
}

// Intent returns the incident's intent with the given id.
func (inc Incident) Intent(id int64) (Intent, bool) {
	for _, in := range inc.Intents {
		if in.ID == id {
			return in, true
		}
	}
	return Intent{}, false
}

// activeResponder reports whether user takes part in the incident now.
func (inc Incident) activeResponder(user string) bool {
	r, ok := inc.Responder(user)
	return ok && r.State == ResponderActive
}

// rolesOf lists the roles user holds, sorted.
func (inc Incident) rolesOf(user string) []string {
	var roles []string
	for role, holder := range inc.Roles {
		if holder == user {
			roles = append(roles, role)
		}
	}
	slices.Sort(roles)
	return roles
}

// PendingAcks describes who still has to acknowledge a live intent: names,
// or a phrase such as "any active responder but alice".
func (inc Incident) PendingAcks(in Intent) []string {
	if !in.Live() {
		return nil
	}
	switch in.AckFrom {
	case AckCommander:
		if c := inc.Roles[RoleCommander]; c != "" && c != in.Author {
			return []string{c}
		}
		return []string{"any active responder but " + in.Author}
	case AckAny:
		return []string{"any active responder but " + in.Author}
	case AckAll:
		var out []string
		for _, u := range in.Required {
			if !slices.Contains(in.AcknowledgedBy, u) {
				out = append(out, u)
			}
		}
		return out
	}
	return nil
}

// Intent commands.
type (
	// StateIntent states an intent. ID is assigned by the store.
	StateIntent struct {
		ID      int64
		Text    string
		Kind    IntentKind
		AckFrom AckFrom
		// Window is the objection window; zero takes Env.IntentWindow.
		Window time.Duration
	}
	AcknowledgeIntent struct{ ID int64 }
	ObjectIntent      struct {
		ID     int64
		Reason string
	}
	LiftObjection  struct{ ID int64 }
	WithdrawIntent struct{ ID int64 }
	// ExpireIntent is issued by the scheduler once the window has ended.
	ExpireIntent struct{ ID int64 }
)

func (StateIntent) command()       {}
func (AcknowledgeIntent) command() {}
func (ObjectIntent) command()      {}
func (LiftObjection) command()     {}
func (WithdrawIntent) command()    {}
func (ExpireIntent) command()      {}

// Intent event types.
const (
	EventIntentStated       = "intent.stated"
	EventIntentAcked        = "intent.acknowledged"
	EventIntentObjected     = "intent.objected"
	EventObjectionLifted    = "intent.objection_lifted"
	EventIntentWithdrawn    = "intent.withdrawn"
	EventIntentExpired      = "intent.expired"
	EventResponderStoodDown = "responder.stood_down"
)

// Intent event payloads.
type (
	IntentStatedData struct {
		ID        int64      `json:"id"`
		Text      string     `json:"text"`
		Kind      IntentKind `json:"kind"`
		AckFrom   AckFrom    `json:"ack_from"`
		Required  []string   `json:"required,omitempty"`
		ExpiresAt time.Time  `json:"expires_at"`
	}
	// IntentAckedData records one acknowledgement; Complete is set when it
	// was the last one needed and the intent is acknowledged.
	IntentAckedData struct {
		ID       int64 `json:"id"`
		Complete bool  `json:"complete"`
	}
	IntentObjectedData struct {
		ID     int64  `json:"id"`
		Reason string `json:"reason"`
	}
	IntentRefData struct {
		ID int64 `json:"id"`
	}
	StoodDownData struct {
		User   string `json:"user"`
		Intent int64  `json:"intent,omitempty"`
	}
)

// ParseIntentKind validates an intent kind.
func ParseIntentKind(s string) (IntentKind, error) {
	switch k := IntentKind(s); k {
	case IntentAction, IntentStandDown, IntentInformation:
		return k, nil
	}
	return "", FieldError("kind", "unknown kind %q; use action (you are about to do something), stand_down (you wish to leave the incident) or information (others must confirm they heard it)", s)
}

// ParseAckFrom validates who must acknowledge; empty means the commander.
func ParseAckFrom(s string) (AckFrom, error) {
	switch a := AckFrom(s); a {
	case "":
		return AckCommander, nil
	case AckCommander, AckAny, AckAll:
		return a, nil
	}
	return "", FieldError("ack_from", "unknown ack_from %q; use commander (the default), any (any other active responder) or all (every active responder)", s)
}
