package api

import (
	"net/http"
	"strconv"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// listOutbox shows deliveries to admins: ?state=pending|delivered|parked.
func (s *Handler) listOutbox(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	items, err := s.app.Notifications.Outbox(r.Context(), u, r.URL.Query().Get("state"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.ListResponse[hansei.Delivery]{Items: items})
}

// retryDelivery puts a parked delivery back in the queue.
func (s *Handler) retryDelivery(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return hansei.FieldError("id", "delivery id %q is not valid", r.PathValue("id"))
	}
	if err := s.app.Notifications.Retry(r.Context(), u, id); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"retried": id})
}
