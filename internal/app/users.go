package app

import (
	"context"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

type userStore interface {
	Users(ctx context.Context) ([]hansei.User, error)
	UserByToken(ctx context.Context, token string) (hansei.User, error)
	CreateUser(ctx context.Context, u hansei.User) (hansei.User, string, error)
	UpdateUser(ctx context.Context, name string, c hansei.UserChange) (hansei.User, error)
	UsersWithPassword(ctx context.Context) (map[string]bool, error)
	CreateSignInLink(ctx context.Context, name string, ttl time.Duration) (string, time.Time, error)
	CreateToken(ctx context.Context, name, label string) (string, error)
	Tokens(ctx context.Context) ([]hansei.TokenInfo, error)
	RevokeToken(ctx context.Context, id int64) error
	CheckPassword(ctx context.Context, name, password string) (hansei.User, error)
	RedeemSignInLink(ctx context.Context, token string) (hansei.User, error)
	CreateSession(ctx context.Context, userID int64) (hansei.Session, error)
	SessionUser(ctx context.Context, token string) (hansei.User, hansei.Session, error)
	DeleteSession(ctx context.Context, token string) error
}

// Users manages people, their API tokens and their web sign-in. Admins
// manage everyone; a user changes only their own settings, never their
// own role.
type Users struct {
	store userStore
	now   func() time.Time
}

// All lists every user by name: the names that forms offer and that the
// blame rules look for. Any signed-in user may read them.
func (s *Users) All(ctx context.Context) ([]hansei.User, error) {
	return s.store.Users(ctx)
}

// ByToken authenticates an API token.
func (s *Users) ByToken(ctx context.Context, token string) (hansei.User, error) {
	return s.store.UserByToken(ctx, token)
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
// this once.
func (s *Users) Create(ctx context.Context, actor hansei.User, u hansei.User) (hansei.User, string, error) {
	if err := actor.RequireAdmin(); err != nil {
		return hansei.User{}, "", err
	}
	return s.store.CreateUser(ctx, u)
}

// Update changes the settings of the user called name. Users change their
// own settings; anything else, and every role, is an admin's change.
func (s *Users) Update(ctx context.Context, actor hansei.User, name string, c hansei.UserChange) (hansei.User, error) {
	if actor.Name != name || c.Role != nil {
		if err := actor.RequireAdmin(); err != nil {
			return hansei.User{}, err
		}
	}
	return s.store.UpdateUser(ctx, name, c)
}

// SignInLink makes a one-time sign-in link for the user called name.
func (s *Users) SignInLink(ctx context.Context, actor hansei.User, name string) (string, time.Time, error) {
	if err := actor.RequireAdmin(); err != nil {
		return "", time.Time{}, err
	}
	return s.store.CreateSignInLink(ctx, name, 0)
}

// Tokens lists every API token, without secrets.
func (s *Users) Tokens(ctx context.Context, actor hansei.User) ([]hansei.TokenInfo, error) {
	if err := actor.RequireAdmin(); err != nil {
		return nil, err
	}
	return s.store.Tokens(ctx)
}

// CreateToken makes an API token for the user called name, shown once.
func (s *Users) CreateToken(ctx context.Context, actor hansei.User, name, label string) (string, error) {
	if err := actor.RequireAdmin(); err != nil {
		return "", err
	}
	return s.store.CreateToken(ctx, name, label)
}

// RevokeToken refuses a token from now on.
func (s *Users) RevokeToken(ctx context.Context, actor hansei.User, id int64) error {
	if err := actor.RequireAdmin(); err != nil {
		return err
	}
	return s.store.RevokeToken(ctx, id)
}

// SignIn checks a password and starts a browser session.
func (s *Users) SignIn(ctx context.Context, name, password string) (hansei.User, hansei.Session, error) {
	u, err := s.store.CheckPassword(ctx, name, password)
	if err != nil {
		return u, hansei.Session{}, err
	}
	sess, err := s.store.CreateSession(ctx, u.ID)
	return u, sess, err
}

// SignInWithLink uses up a one-time link and starts a browser session.
func (s *Users) SignInWithLink(ctx context.Context, token string) (hansei.User, hansei.Session, error) {
	u, err := s.store.RedeemSignInLink(ctx, token)
	if err != nil {
		return u, hansei.Session{}, err
	}
	sess, err := s.store.CreateSession(ctx, u.ID)
	return u, sess, err
}

// Session authenticates a session cookie.
func (s *Users) Session(ctx context.Context, token string) (hansei.User, hansei.Session, error) {
	return s.store.SessionUser(ctx, token)
}

// SignOut ends a browser session.
func (s *Users) SignOut(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, token)
}
