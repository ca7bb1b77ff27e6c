package live

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// Streams serves the live event streams to the API (by token) and the
// pages (by session cookie): each reads its own credential, the stream is
// the same. Events come from the hub, which follows the events table.
type Streams struct {
	app *app.App
	hub *Hub
	log *slog.Logger
	// Heartbeat is how often an idle stream sends a comment
	// (HeartbeatInterval unless a test shortens it).
	Heartbeat time.Duration
	// MaxPerUser bounds the streams one user has open at once, on this
	// instance (DefaultMaxPerUser; 0: no limit). Set it before serving.
	MaxPerUser int

	mu   sync.Mutex
	open map[int64]int // user ID → open streams
}

// DefaultMaxPerUser is how many streams one user may have open at once:
// a page's stream per browser tab and a few clients following events,
// and not the thousand a script can open.
const DefaultMaxPerUser = 20

// New returns the streams of a's incidents, fed by hub.
func New(a *app.App, hub *Hub, log *slog.Logger) *Streams {
	return &Streams{app: a, hub: hub, log: log, Heartbeat: HeartbeatInterval, MaxPerUser: DefaultMaxPerUser, open: map[int64]int{}}
}

// Incident streams one incident's timeline.
func (s *Streams) Incident(auth func(*http.Request) (app.Credential, error), challenge string) http.Handler {
	return s.serve(auth, challenge, s.streamIncident)
}

// All streams every incident the caller may read.
func (s *Streams) All(auth func(*http.Request) (app.Credential, error), challenge string) http.Handler {
	return s.serve(auth, challenge, s.streamAll)
}

// serve authenticates on a goroutine of its own (see shallow), holds one
// of the user's streams for as long as h runs, and writes a refusal in the
// JSON error contract.
func (s *Streams) serve(auth func(*http.Request) (app.Credential, error), challenge string,
	h func(w http.ResponseWriter, r *http.Request, rd *reader) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rd := &reader{ctx: context.WithoutCancel(r.Context())}
		var err error
		if rd.cred, err = auth(r); err == nil {
			shallow(func() { rd.user, err = s.app.Users.Authenticate(r.Context(), rd.cred) })
		}
		if err != nil {
			if challenge != "" {
				w.Header().Set("WWW-Authenticate", challenge)
			}
			httpx.WriteError(s.log, w, r, err)
			return
		}
		if err := s.hold(rd.user); err != nil {
			httpx.WriteError(s.log, w, r, err)
			return
		}
		defer s.release(rd.user)
		if err := h(w, r, rd); err != nil {
			httpx.WriteError(s.log, w, r, err)
			return
		}
		// A stream ends when its client leaves (a closed tab), is cut off
		// as slow, or the server stops: all ordinary, so DEBUG only.
		s.log.Debug("live stream ended", "path", r.URL.Path, "user", rd.user.Name)
	})
}

// hold counts a stream of u's, or refuses it past MaxPerUser: a thousand
// streams of one viewer cost the server a thousand connections' memory.
func (s *Streams) hold(u hansei.User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.open[u.ID]; s.MaxPerUser > 0 && n >= s.MaxPerUser {
		return httpx.TooManyRequests("%s has %d live streams open, the most one user may have; close one (a browser tab or a client following events) and try again", u.Name, n)
	}
	s.open[u.ID]++
	return nil
}

func (s *Streams) release(u hansei.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[u.ID]--; s.open[u.ID] <= 0 {
		delete(s.open, u.ID)
	}
}

// streamIncident sends the incident's timeline events as they are
// committed, with id = seq. A client that reconnects with Last-Event-ID
// gets exactly the events after it: first from the table, then live. The
// stream ends when its reader may no longer read the incident.
func (s *Streams) streamIncident(w http.ResponseWriter, r *http.Request, rd *reader) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	shallow(func() { _, err = s.app.Incidents.Get(r.Context(), rd.user, n) })
	if err != nil {
		return err
	}
	last, err := lastEventID(r)
	if err != nil {
		return err
	}
	sub := s.hub.Subscribe(n)
	defer sub.Close()
	out, err := startSSE(w)
	defer out.close()
	if err != nil {
		return nil
	}
	catchUp := func() error {
		return sendMissed(out, func() (int, [][]byte, error) {
			events, err := s.app.Incidents.Timeline(r.Context(), rd.user, n, last, catchUpPage)
			if err != nil {
				return 0, nil, err
			}
			frames, err := encodeFrames(events, func(e hansei.Event) int64 { return e.Seq })
			if len(events) > 0 {
				last = events[len(events)-1].Seq
			}
			return len(events), frames, err
		})
	}
	if err := catchUp(); err != nil {
		return nil
	}
	admit := func(b *batch) error {
		if err := s.authenticate(rd, b); err != nil {
			return err
		}
		ok, err := s.canRead(rd, b, n)
		if err == nil && !ok {
			err = noLongerReadable(n)
		}
		return err
	}
	s.pump(r, out, sub, admit, func(e *LiveEvent) error {
		switch {
		case e.Seq <= last:
			return nil
		case e.Seq == last+1:
			last = e.Seq
			return out.frame(e.BySeq)
		default:
			return catchUp()
		}
	})
	return nil
}

// streamAll sends the events of every incident the user may read, with
// id = the event's global position.
func (s *Streams) streamAll(w http.ResponseWriter, r *http.Request, rd *reader) error {
	last, err := lastEventID(r)
	if err != nil {
		return err
	}
	sub := s.hub.Subscribe(0)
	defer sub.Close()
	out, err := startSSE(w)
	defer out.close()
	if err != nil {
		return nil
	}
	// What the reader may read is asked again for every batch: cur holds
	// the answers of the batch being delivered.
	cur := &batch{}
	visible := func(e hansei.Event) (bool, error) {
		last = e.Pos
		return s.canRead(rd, cur, e.Incident)
	}
	catchUp := func() error {
		return sendMissed(out, func() (int, [][]byte, error) {
			events, err := s.app.Incidents.EventsAfter(r.Context(), last, catchUpPage)
			if err != nil {
				return 0, nil, err
			}
			shown := make([]hansei.Event, 0, len(events))
			for _, e := range events {
				ok, err := visible(e)
				if err != nil {
					return 0, nil, err
				}
				if ok {
					shown = append(shown, e)
				}
			}
			frames, err := encodeFrames(shown, func(e hansei.Event) int64 { return e.Pos })
			return len(events), frames, err
		})
	}
	if catchUp() != nil {
		return nil
	}
	admit := func(b *batch) error {
		cur = b
		return s.authenticate(rd, b)
	}
	s.pump(r, out, sub, admit, func(e *LiveEvent) error {
		if e.Pos <= last {
			return nil
		}
		if ok, err := visible(e.Event); err != nil || !ok {
			return err
		}
		return out.frame(e.ByPos)
	})
	return nil
}

// pump hands the subscription's events to handle and keeps the stream
// alive with heartbeats, until the client leaves, handle fails, or the
// hub ends the subscription (cut off as slow, or shutting down: the client
// resumes with Last-Event-ID). Before the events of each batch, and at
// each heartbeat, admit checks the reader again; when it refuses, the
// stream says why in a comment and ends.
func (s *Streams) pump(r *http.Request, out *sse, sub *Subscription, admit func(*batch) error, handle func(*LiveEvent) error) {
	beat := time.NewTicker(s.Heartbeat)
	defer beat.Stop()
	var checked *batch
	deliver := func(e *LiveEvent) error {
		if e.batch != checked {
			if err := admit(e.batch); err != nil {
				out.refuse(err)
				return err
			}
			checked = e.batch
		}
		return handle(e)
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-beat.C:
			if err := admit(&batch{}); err != nil {
				out.refuse(err)
				return
			}
			if out.heartbeat() != nil {
				return
			}
		case e, ok := <-sub.C:
			if !ok || deliver(e) != nil {
				return
			}
			// Write whatever else is queued before flushing: under load
			// one write carries many events.
		drain:
			for {
				select {
				case e, ok := <-sub.C:
					if !ok || deliver(e) != nil {
						return
					}
				default:
					break drain
				}
			}
			if out.flush() != nil {
				return
			}
		}
	}
}
