package hansei

import "strings"

// RoleDef is a role an incident may have: the built-in commander,
// communications and scribe, and those an organisation's config adds
// (roles:). Only these may be assigned, so that a role means the same
// thing to everyone and carries the rights the code gives it: a mistyped
// "comms" would otherwise hold no publishing right and be shown nowhere.
type RoleDef struct {
	// Name is what is typed and stored: lower-case, such as scribe.
	Name string `json:"name"`
	// Description says what the holder does.
	Description string `json:"description"`
	// Builtin roles are always present; config cannot remove them.
	Builtin bool `json:"builtin,omitempty"`
	// Translations give the role's name and description in a language.
	Translations map[string]Translation `json:"translations,omitempty"`
}

// Localized returns the role's name and description in lang, as
// configured where no translation gives them.
func (r RoleDef) Localized(lang string) (name, description string) {
	name, description = r.Name, r.Description
	if t, ok := r.Translations[lang]; ok {
		if t.Name != "" {
			name = t.Name
		}
		if t.Definition != "" {
			description = t.Definition
		}
	}
	return name, description
}

// BuiltinRoles are the roles every deployment has, in the order pages list
// them; the config may add more but never removes these.
func BuiltinRoles() []RoleDef {
	return []RoleDef{
		{Name: RoleCommander, Builtin: true,
			Description: "Leads the response: decides, delegates, acknowledges intents and hands the role over rather than leave it empty.",
			Translations: map[string]Translation{
				"ja": {Name: "コマンダー", Definition: "対応を指揮する。判断し、任せ、意図を承認する。役割は空けずに引き継ぐ。"},
				"de": {Name: "Incident Commander", Definition: "Leitet die Reaktion: entscheidet, delegiert, bestätigt Absichten und übergibt die Rolle, statt sie leer zu lassen."},
			}},
		{Name: RoleCommunications, Builtin: true,
			Description: "Speaks for the incident: writes the public status page's updates and keeps stakeholders informed.",
			Translations: map[string]Translation{
				"ja": {Name: "コミュニケーション担当", Definition: "インシデントについて発信する。公開ステータスページの更新を書き、関係者に伝える。"},
				"de": {Name: "Kommunikationsleitung", Definition: "Spricht für den Vorfall: schreibt die Meldungen der öffentlichen Statusseite und hält Beteiligte auf dem Laufenden."},
			}},
		{Name: RoleScribe, Builtin: true,
			Description: "Keeps the record: notes what is seen, decided and done, so that the postmortem starts from facts.",
			Translations: map[string]Translation{
				"ja": {Name: "記録担当", Definition: "記録を残す。見たこと、決めたこと、行ったことを書き留め、ポストモーテムが事実から始まるようにする。"},
				"de": {Name: "Protokollführung", Definition: "Führt das Protokoll: notiert, was beobachtet, entschieden und getan wird, damit die Nachbetrachtung von Fakten ausgeht."},
			}},
	}
}

// RoleList is every role that may be assigned: the configured list, or the
// built-ins when none is configured (a Scales built by hand).
func (s Scales) RoleList() []RoleDef {
	if len(s.Roles) == 0 {
		return BuiltinRoles()
	}
	return s.Roles
}

// RoleNames are the names of RoleList, in order.
func (s Scales) RoleNames() []string {
	roles := s.RoleList()
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = r.Name
	}
	return names
}

// Role returns the canonical name of a configured role, matching name
// without regard to case and surrounding space. An unknown name is an
// EINVALID error on field role that lists the roles there are.
func (s Scales) Role(name string) (string, error) {
	want := strings.ToLower(strings.TrimSpace(name))
	for _, r := range s.RoleList() {
		if strings.ToLower(r.Name) == want {
			return r.Name, nil
		}
	}
	allowed := strings.Join(s.RoleNames(), ", ")
	if want == "" {
		return "", FieldError("role", "role is required; use one of: %s", allowed).
			Says("error.role_required", "Roles", allowed)
	}
	return "", FieldError("role", "unknown role %q; use one of: %s (the roles are configured under roles: in the server's config)", name, allowed).
		Says("error.role_unknown", "Role", name, "Roles", allowed)
}

// ValidateRoleName checks the form of a role name a config file adds:
// lower-case letters, digits, '-' and '_', starting with a letter.
func ValidateRoleName(role string) error {
	ok := role != "" && len(role) <= MaxRole && role[0] >= 'a' && role[0] <= 'z'
	for _, r := range role {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			ok = false
		}
	}
	if !ok {
		return FieldError("role", "role %q is not valid: use a name of up to %d lower-case letters, digits, '-' or '_', starting with a letter", role, MaxRole)
	}
	return nil
}

// EventRoleVacated records that a role was left empty.
const EventRoleVacated = "role.vacated"

// RoleVacatedData names the role left empty and who held it.
type RoleVacatedData struct {
	Role string `json:"role"`
	User string `json:"user"`
}

// VacateRole leaves a role empty. The commander's is never vacated: an
// incident always has someone leading it, so it is handed over instead.
type VacateRole struct{ Role string }

func (VacateRole) command() {}

func (d *decider) vacateRole(c VacateRole) error {
	role, err := d.env.Scales.Role(c.Role)
	if err != nil {
		// A role given before roles were checked may still be held; it
		// can be vacated by its exact name.
		if _, held := d.inc.Roles[c.Role]; !held {
			return err
		}
		role = c.Role
	}
	if role == RoleCommander {
		return FieldError("role", "the commander's role is never left empty; hand it over instead: hansei incident role %d commander USER", d.inc.Number).
			Says("error.role_commander_vacate", "Number", d.inc.Number)
	}
	holder, held := d.inc.Roles[role]
	if !held || holder == "" {
		return Errorf(ECONFLICT, "nobody holds %s in %s", role, d.inc.Ref())
	}
	d.emit(EventRoleVacated, RoleVacatedData{Role: role, User: holder})
	return nil
}
