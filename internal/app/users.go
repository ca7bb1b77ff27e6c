package app

import (
	"context"
	"fmt"
	"net/mail"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	hansei "github.com/hansei-dev/hansei"
)

type userStore interface {
	signInStore
	Users(ctx context.Context) ([]hansei.User, error)
	// CreateUser stores the user with a first API token's hash.
	CreateUser(ctx context.Context, u hansei.User, tokenHash string) (hansei.User, error)
	UpdateUser(ctx context.Context, name string, decide func(before hansei.User, admins func() (int, error)) (hansei.User, error)) (hansei.User, error)
	UsersWithPassword(ctx context.Context) (map[string]bool, error)
	CreateToken(ctx context.Context, name, label, tokenHash string) error
	// UserByTokenHash returns the token's user and the token (ID and last
	// use); ENOTFOUND if there is none.
	UserByTokenHash(ctx context.Context, tokenHash string) (hansei.User, hansei.TokenInfo, error)
	TouchToken(ctx context.Context, id int64, at time.Time) error
	Tokens(ctx context.Context) ([]hansei.TokenInfo, error)
	RevokeToken(ctx context.Context, id int64) error
}

// Console is the actor of the commands that work on the database directly
// (`hansei users …`, and the first start of `hansei serve`): whoever can
// open the database can do anything, so it acts as an admin. Its name is
// the one no user may take.
func Console() hansei.User {
	return hansei.User{Name: hansei.SystemActor, DisplayName: "hansei", Role: hansei.RoleAdmin}
}

// Users manages people, their API tokens and their web sign-in. Admins
// manage everyone; a user changes only their own settings, never their
// own role.
type Users struct {
	store userStore
	now   func() time.Time
	// guard applies the limits on guessing passwords and tokens.
	guard *guard
}

// SetSignInLimits replaces the limits on guessing (by default
// hansei.DefaultSignInLimits), forgetting what this instance counted in
// memory. Call it before serving.
func (s *Users) SetSignInLimits(l hansei.SignInLimits) {
	s.guard = newGuard(l, s.store, s.now)
}

// ForgetSignInFailures deletes the failures that no longer count against
// anyone; the scheduler runs it.
func (s *Users) ForgetSignInFailures(ctx context.Context) error {
	return s.guard.forget(ctx)
}

// All lists every user by name: the names that forms offer and that the
// blame rules look for. Any signed-in user may read them.
func (s *Users) All(ctx context.Context) ([]hansei.User, error) {
	return s.store.Users(ctx)
}

// ByToken authenticates an API token sent from the client address from.
// It notes when the token was last used, but at most once per
// touchInterval: it runs on every API request, and a write each time
// would queue every request behind SQLite's one writer. An address with
// too many unknown tokens lately is refused before its token is looked
// up (limits.go).
func (s *Users) ByToken(ctx context.Context, from netip.Addr, token string) (hansei.User, error) {
	addr := addressKey(from)
	if err := s.guard.admit(addr); err != nil {
		return hansei.User{}, err
	}
	if !strings.HasPrefix(token, tokenPrefix) {
		if err := s.guard.failed(ctx, addr, ""); err != nil {
			return hansei.User{}, err
		}
		return hansei.User{}, hansei.Errorf(hansei.EUNAUTHORIZED, "the API token is not valid; tokens start with %q and come from `hansei users add`", tokenPrefix)
	}
	u, ti, err := s.store.UserByTokenHash(ctx, hashSecret(token))
	if hansei.ErrorCode(err) == hansei.ENOTFOUND {
		if err := s.guard.failed(ctx, addr, ""); err != nil {
			return hansei.User{}, err
		}
		return hansei.User{}, hansei.Errorf(hansei.EUNAUTHORIZED, "the API token is not known; ask an admin for a new one")
	} else if err != nil {
		return hansei.User{}, err
	}
	if now := s.now().UTC(); ti.LastUsedAt == nil || now.Sub(*ti.LastUsedAt) >= touchInterval {
		if err := s.store.TouchToken(ctx, ti.ID, now); err != nil {
			return hansei.User{}, fmt.Errorf("note the use of API token %d: %w", ti.ID, err)
		}
	}
	return u, nil
}

// Directory is what an admin sees of the users: each, and whether they
// have a password.
type Directory struct {
	Users        []hansei.User
	WithPassword map[string]bool
}

// Directory lists the users for an admin.
func (s *Users) Directory(ctx context.Context, actor hansei.User) (Directory, error) {
	if err := actor.RequireAdmin(); err != nil {
		return Directory{}, err
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		return Directory{}, err
	}
	withPassword, err := s.store.UsersWithPassword(ctx)
	return Directory{Users: users, WithPassword: withPassword}, err
}

// Create adds a user and returns it with its first API token, shown only
// this once: it is stored hashed.
func (s *Users) Create(ctx context.Context, actor hansei.User, u hansei.User) (hansei.User, string, error) {
	if err := actor.RequireAdmin(); err != nil {
		return hansei.User{}, "", err
	}
	if err := hansei.ValidateUserName(u.Name); err != nil {
		return hansei.User{}, "", err
	}
	if err := cleanUser(&u); err != nil {
		return hansei.User{}, "", err
	}
	token := randomToken(tokenPrefix)
	u, err := s.store.CreateUser(ctx, u, hashSecret(token))
	if err != nil {
		return hansei.User{}, "", err
	}
	return u, token, nil
}

// Update changes the settings of the user called name. Users change their
// own settings; anything else, and every role, is an admin's change.
func (s *Users) Update(ctx context.Context, actor hansei.User, name string, c hansei.UserChange) (hansei.User, error) {
	if actor.Name != name || c.Role != nil {
		if err := actor.RequireAdmin(); err != nil {
			return hansei.User{}, err
		}
	}
	return s.store.UpdateUser(ctx, name, func(before hansei.User, admins func() (int, error)) (hansei.User, error) {
		u := before
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = strings.TrimSpace(*src)
			}
		}
		set(&u.DisplayName, c.DisplayName)
		role := string(u.Role)
		set(&role, c.Role)
		u.Role = hansei.Role(role)
		set(&u.Language, c.Language)
		set(&u.TimeZone, c.TimeZone)
		set(&u.Email, c.Email)
		set(&u.Channel, c.Channel)
		if err := cleanUser(&u); err != nil {
			return u, err
		}
		// The last admin keeps the role: nobody would be left to give it
		// back.
		if before.Role == hansei.RoleAdmin && u.Role != hansei.RoleAdmin {
			n, err := admins()
			if err != nil {
				return u, err
			}
			if n <= 1 {
				return u, hansei.FieldError("role", "%q is the only admin; make another user an admin before changing this one's role", name)
			}
		}
		return u, nil
	})
}

// Bounds of a user's display name and email address, in characters (an
// address has at most 254).
const (
	maxDisplayName = 100
	maxEmail       = 254
)

// cleanUser fills in the defaults of a user's settings and checks them.
// Create and Update share it, so a setting refused at creation is
// refused as a change too.
func cleanUser(u *hansei.User) error {
	if _, err := hansei.ParseRole(string(u.Role)); err != nil {
		return err
	}
	if u.Language == "" {
		u.Language = "en"
	}
	if !hansei.ValidLanguageTag(u.Language) {
		return hansei.FieldError("language", "%q is not a language code; use one such as en, ja or de", u.Language)
	}
	if u.TimeZone == "" {
		u.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(u.TimeZone); err != nil {
		return hansei.FieldError("time_zone", "unknown time zone %q; use an IANA name such as Europe/Berlin or Asia/Tokyo", u.TimeZone)
	}
	var err error
	if u.DisplayName, err = hansei.Line("display_name", maxDisplayName).Clean(u.DisplayName); err != nil {
		return err
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Name
	}
	if u.Channel == "" {
		u.Channel = "email"
	}
	if u.Channel != "email" && u.Channel != "none" {
		return hansei.FieldError("channel", "channel must be email or none, not %q", u.Channel)
	}
	if u.Email, err = hansei.Line("email", maxEmail).Clean(u.Email); err != nil {
		return err
	}
	if u.Email != "" {
		if _, err := mail.ParseAddress(u.Email); err != nil || strings.ContainsAny(u.Email, "<> ") {
			return hansei.FieldError("email", "%q is not an email address such as bob@example.com", u.Email)
		}
	}
	return nil
}

// Tokens lists every API token, without secrets.
func (s *Users) Tokens(ctx context.Context, actor hansei.User) ([]hansei.TokenInfo, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return s.store.Tokens(ctx)
}

// maxLabelLen bounds token labels, which are notes such as "deploy bot".
const maxLabelLen = 100

// CreateToken makes an API token for the user called name, shown only
// this once: it is stored hashed.
func (s *Users) CreateToken(ctx context.Context, actor hansei.User, name, label string) (string, error) {
	if err := actor.RequireAdmin(); err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(label)); n > maxLabelLen {
		return "", hansei.FieldError("label", "the label has %d characters; use at most %d, such as \"deploy bot\"", n, maxLabelLen)
	}
	label, err := hansei.Line("label", maxLabelLen).Clean(label)
	if err != nil {
		return "", err
	}
	token := randomToken(tokenPrefix)
	if err := s.store.CreateToken(ctx, name, label, hashSecret(token)); err != nil {
		return "", err
	}
	return token, nil
}

// RevokeToken refuses a token from now on.
func (s *Users) RevokeToken(ctx context.Context, actor hansei.User, id int64) error {
	if err := actor.RequireAdmin(); err != nil {
		return err
	}
	return s.store.RevokeToken(ctx, id)
}
