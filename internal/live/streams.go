package live

import (
	"log/slog"
	"net/http"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// Streams serves the live event streams to the API (by token) and the
// pages (by session cookie): each authenticates its own way, the stream
// is the same. Events come from the hub, which follows the events table.
type Streams struct {
	app *app.App
	hub *Hub
	log *slog.Logger
	// Heartbeat is how often an idle stream sends a comment
	// (HeartbeatInterval unless a test shortens it).
	Heartbeat time.Duration
}

// New returns the streams of a's incidents, fed by hub.
func New(a *app.App, hub *Hub, log *slog.Logger) *Streams {
	return &Streams{app: a, hub: hub, log: log, Heartbeat: HeartbeatInterval}
}

// Incident streams one incident's timeline.
func (s *Streams) Incident(auth func(*http.Request) (hansei.User, error), challenge string) http.Handler {
	return s.serve(auth, challenge, s.streamIncident)
}

// All streams every incident the caller may read.
func (s *Streams) All(auth func(*http.Request) (hansei.User, error), challenge string) http.Handler {
	return s.serve(auth, challenge, s.streamAll)
}

// serve authenticates on a goroutine of its own (see shallow) and writes
// a refusal in the JSON error contract.
func (s *Streams) serve(auth func(*http.Request) (hansei.User, error), challenge string,
	h func(w http.ResponseWriter, r *http.Request, u hansei.User) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var (
			u   hansei.User
			err error
		)
		shallow(func() { u, err = auth(r) })
		if err == nil {
			err = h(w, r, u)
		} else if challenge != "" {
			w.Header().Set("WWW-Authenticate", challenge)
		}
		if err != nil {
			httpx.WriteError(s.log, w, r, err)
		}
	})
}
