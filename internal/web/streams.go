package web

import (
	"net/http"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// streams serves the live event streams to the API (by token) and the
// pages (by session cookie): each authenticates its own way, the stream
// is the same.
type streams struct{ s *Server }

func (st streams) Incident(auth func(*http.Request) (hansei.User, error), challenge string) http.Handler {
	return st.serve(auth, challenge, st.s.streamIncident)
}

func (st streams) All(auth func(*http.Request) (hansei.User, error), challenge string) http.Handler {
	return st.serve(auth, challenge, st.s.streamAll)
}

// serve authenticates on a goroutine of its own (see shallow) and writes
// a refusal in the JSON error contract.
func (st streams) serve(auth func(*http.Request) (hansei.User, error), challenge string,
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
			httpx.WriteError(st.s.log, w, r, err)
		}
	})
}
