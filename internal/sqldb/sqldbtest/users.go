package sqldbtest

import (
	"context"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
)

// CreateUser creates a user and returns it with its first API token, as
// `hansei users add` does: through the use case, since only internal/app
// makes tokens (the store keeps their hashes). store is a database opened
// and migrated by the test.
func CreateUser(ctx context.Context, store app.Store, u hansei.User) (hansei.User, string, error) {
	return app.New(app.Config{Store: store}).Users.Create(ctx, app.Console(), u)
}
