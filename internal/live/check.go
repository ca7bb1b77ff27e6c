package live

import (
	"context"
	"sync"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
)

// A stream delivers events for as long as it is open, and what let it
// open may end meanwhile: the token is revoked, the session signed out,
// the user made a viewer, an admin no longer an admin. So before a stream
// delivers events it asks app again whether its reader's credential still
// stands and whether the user may read the incident now, and it ends when
// the answer is no. It asks before each batch of events the hub publishes
// and at each heartbeat, so that an idle stream ends too.
//
// A thousand streams of one incident get every event at once: asking app
// a thousand times per event would cost more than delivering it. The
// answers are kept with the batch, so that each question (this credential;
// this user and this incident) is asked once per batch, by the first
// stream that needs it, while the others wait for its answer.

// batch is what the streams asked about the events of one publish.
type batch struct {
	mu    sync.Mutex
	users map[app.Credential]*answer[hansei.User]
	reads map[readKey]*answer[bool]
}

// readKey is a question "may this user, with this role, read incident n".
type readKey struct {
	user int64
	role hansei.Role
	n    int64
}

// answer is asked once; everyone who asks gets the same reply. done is
// closed when it is known: closing wakes every waiting stream at once,
// where a sync.Once would hand its lock from one waiter to the next.
type answer[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// ask returns the answer kept in m under k, asking f (on a goroutine of
// its own, see shallow) if no stream asked before.
func ask[K comparable, V any](mu *sync.Mutex, m *map[K]*answer[V], k K, f func() (V, error)) (V, error) {
	mu.Lock()
	if *m == nil {
		*m = map[K]*answer[V]{}
	}
	a, asked := (*m)[k]
	if !asked {
		a = &answer[V]{done: make(chan struct{})}
		(*m)[k] = a
	}
	mu.Unlock()
	if asked {
		<-a.done
	} else {
		shallow(func() { a.v, a.err = f() })
		close(a.done)
	}
	return a.v, a.err
}

// checkTimeout bounds one question to app. The question is shared by
// every stream of the batch, so it does not run under the context of the
// stream that happened to ask first: that client leaving must not fail
// the others' checks.
const checkTimeout = 10 * time.Second

// reader is who reads a stream: the credential they presented and their
// user as the last check found them.
type reader struct {
	cred app.Credential
	user hansei.User
	ctx  context.Context // the request's, without its cancellation
}

// authenticate checks the reader's credential as of batch b and takes
// their user as it is now (their role may have changed).
func (s *Streams) authenticate(rd *reader, b *batch) error {
	u, err := ask(&b.mu, &b.users, rd.cred, func() (hansei.User, error) {
		ctx, cancel := context.WithTimeout(rd.ctx, checkTimeout)
		defer cancel()
		return s.app.Users.Authenticate(ctx, rd.cred)
	})
	if err != nil {
		return err
	}
	rd.user = u
	return nil
}

// canRead tells whether the reader may read incident n, as of batch b.
// An error other than "not found" (the database did not answer) is
// returned: the stream ends rather than deliver what it could not check.
func (s *Streams) canRead(rd *reader, b *batch, n int64) (bool, error) {
	u := rd.user
	return ask(&b.mu, &b.reads, readKey{u.ID, u.Role, n}, func() (bool, error) {
		ctx, cancel := context.WithTimeout(rd.ctx, checkTimeout)
		defer cancel()
		_, err := s.app.Incidents.Get(ctx, u, n)
		if hansei.ErrorCode(err) == hansei.ENOTFOUND {
			return false, nil
		}
		return err == nil, err
	})
}

// noLongerReadable is why a stream of one incident ends when its reader
// may no longer read it: to them the incident is now as one that does not
// exist, and the words are those of every other read.
func noLongerReadable(n int64) error {
	return hansei.Errorf(hansei.ENOTFOUND, "there is no incident INC-%d, or you may not read it", n)
}
