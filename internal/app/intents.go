package app

import (
	"context"

	hansei "github.com/hansei-dev/hansei"
)

type intentStore interface {
	IntentIncident(ctx context.Context, id int64) (int64, error)
	Execute(ctx context.Context, actor hansei.User, number int64, cmd hansei.Command) (hansei.Incident, []hansei.Event, error)
}

// Intents runs the statement-of-intent protocol. An intent lives in its
// incident: stating, acknowledging, objecting, lifting and withdrawing are
// incident commands, so they are recorded on the timeline and decided by
// the same rules live and on replay.
type Intents struct{ store intentStore }

// Act runs one of the protocol's commands on the intent's incident.
func (s *Intents) Act(ctx context.Context, actor hansei.User, id int64, cmd hansei.Command) (hansei.Incident, []hansei.Event, error) {
	n, err := s.store.IntentIncident(ctx, id)
	if err != nil {
		return hansei.Incident{}, nil, err
	}
	return s.store.Execute(ctx, actor, n, cmd)
}
