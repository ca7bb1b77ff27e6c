package app

import (
	"context"

	hansei "github.com/hansei-dev/hansei"
)

type requestStore interface {
	Idempotent(ctx context.Context, user hansei.User, key, requestHash string, fn func(context.Context) (hansei.StoredResponse, error)) (hansei.StoredResponse, bool, error)
}

// Requests makes a mutating request safe to repeat: with an
// Idempotency-Key, fn runs at most once per user and key, in the same
// transaction as the key's record, and a repeat gets the first response.
type Requests struct{ store requestStore }

// Idempotent runs fn once per (user, key); replayed tells a repeat.
func (s *Requests) Idempotent(ctx context.Context, user hansei.User, key, requestHash string, fn func(context.Context) (hansei.StoredResponse, error)) (hansei.StoredResponse, bool, error) {
	return s.store.Idempotent(ctx, user, key, requestHash, fn)
}
