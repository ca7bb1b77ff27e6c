package web

import (
	"net/http"
	"strconv"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb"
)

// listOutbox shows deliveries to admins: ?state=pending|delivered|parked.
func (s *Server) listOutbox(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	if err := u.RequireAdmin(); err != nil {
		return err
	}
	state := r.URL.Query().Get("state")
	switch state {
	case "", "pending", "delivered", "parked":
	default:
		return hansei.FieldError("state", "state must be pending, delivered or parked, not %q", state)
	}
	items, err := s.store.Outbox(r.Context(), state, 200)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listResponse[sqldb.Delivery]{Items: items})
}

// retryDelivery puts a parked delivery back in the queue.
func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	if err := u.RequireAdmin(); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return hansei.FieldError("id", "delivery id %q is not valid", r.PathValue("id"))
	}
	if err := s.store.RetryDelivery(r.Context(), id); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"retried": id})
}
