package hansei

import "time"

// Role is what a user may do: viewers read, responders act, admins manage.
type Role string

const (
	RoleAdmin     Role = "admin"
	RoleResponder Role = "responder"
	RoleViewer    Role = "viewer"
)

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleAdmin, RoleResponder, RoleViewer:
		return r, nil
	}
	return "", FieldError("role", "unknown role %q; choose admin (manages users and settings), responder (acts on incidents) or viewer (reads only)", s)
}

// User is a person (or a script) that uses hansei.
type User struct {
	ID          int64  `json:"-"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Role        Role   `json:"role"`
	Language    string `json:"language"`
	TimeZone    string `json:"time_zone"`
	// Email is where notifications go when Channel is "email".
	Email string `json:"email,omitempty"`
	// Channel is how the user hears from hansei: "email" or "none".
	Channel   string    `json:"channel"`
	CreatedAt time.Time `json:"created_at"`
}

// CanAct reports whether the user may change incidents.
func (u User) CanAct() bool { return u.Role == RoleAdmin || u.Role == RoleResponder }

// RequireActor returns EFORBIDDEN unless the user may change incidents.
func (u User) RequireActor() error {
	if !u.CanAct() {
		return Errorf(EFORBIDDEN, "user %q is a viewer and may only read; ask an admin to make them a responder", u.Name)
	}
	return nil
}

// RequireAdmin returns EFORBIDDEN unless the user is an admin.
func (u User) RequireAdmin() error {
	if u.Role != RoleAdmin {
		return Errorf(EFORBIDDEN, "only admins may do this; %q is a %s", u.Name, u.Role)
	}
	return nil
}

// ValidateUserName checks a user name: 1 to 32 characters, lower-case
// letters, digits, '.', '_' or '-', starting with a letter. Names appear in
// commands and API bodies ("owner": "bob"), so they stay simple to type.
func ValidateUserName(name string) error {
	if name == "" {
		return FieldError("name", "a user name is required, such as \"alice\"")
	}
	ok := len(name) <= 32 && name[0] >= 'a' && name[0] <= 'z'
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			ok = false
		}
	}
	if name == SystemActor {
		return FieldError("name", "the name %q is reserved for hansei's own events; choose another", name)
	}
	if !ok {
		return FieldError("name", "user name %q is not valid: use 1 to 32 lower-case letters, digits, '.', '_' or '-', starting with a letter", name)
	}
	return nil
}
