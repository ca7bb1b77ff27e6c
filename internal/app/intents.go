package app

import (
	"context"

	hansei "github.com/hansei-dev/hansei"
)

type intentStore interface {
	IntentIncident(ctx context.Context, viewer hansei.User, id int64) (int64, error)
	Execute(ctx context.Context, actor hansei.User, number int64, cmd hansei.Command) (hansei.Incident, []hansei.Event, error)
}

// Intents runs the statement-of-intent protocol. An intent lives in its
// incident: stating, acknowledging, objecting, lifting and withdrawing are
// incident commands, so they are recorded on the timeline and decided by
// the same rules live and on replay.
type Intents struct{ store intentStore }

// Act runs one of the protocol's commands on the intent's incident. An
// intent is addressed by its own id, so whoever may not read its incident
// is told exactly what they would be told of an id never given out:
// "there is no intent N", never the incident's number.
func (s *Intents) Act(ctx context.Context, actor hansei.User, id int64, cmd hansei.Command) (hansei.Incident, []hansei.Event, error) {
	missing := hansei.Errorf(hansei.ENOTFOUND, "there is no intent %d", id)
	n, err := s.store.IntentIncident(ctx, actor, id)
	if hansei.ErrorCode(err) == hansei.ENOTFOUND {
		return hansei.Incident{}, nil, missing
	} else if err != nil {
		return hansei.Incident{}, nil, err
	}
	inc, events, err := s.store.Execute(ctx, actor, n, cmd)
	if hansei.ErrorCode(err) == hansei.ENOTFOUND {
		// The incident became unreadable in between, or the intent is not
		// in it: the same answer, naming no incident.
		return hansei.Incident{}, nil, missing
	}
	return inc, events, err
}
