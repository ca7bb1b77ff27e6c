package api

import (
	"net/http"
	"strconv"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// webhookResponse is an endpoint with its recent attempts (newest first).
type webhookResponse struct {
	hansei.WebhookEndpoint
	Deliveries []hansei.WebhookDelivery `json:"deliveries"`
}

// listWebhooks shows admins every event webhook with its recent
// deliveries and failures; secrets are never shown again.
func (s *Handler) listWebhooks(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	ws, err := s.app.Webhooks.List(r.Context(), u)
	if err != nil {
		return err
	}
	items := make([]webhookResponse, 0, len(ws))
	for _, e := range ws {
		ds, err := s.app.Webhooks.Deliveries(r.Context(), u, e.ID)
		if err != nil {
			return err
		}
		if ds == nil {
			ds = []hansei.WebhookDelivery{}
		}
		items = append(items, webhookResponse{e, ds})
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.ListResponse[webhookResponse]{Items: items})
}

// createWebhook registers an endpoint; the answer carries its secret, the
// only time it is shown.
func (s *Handler) createWebhook(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	var in struct {
		URL        string   `json:"url"`
		Secret     string   `json:"secret"`
		Events     []string `json:"events"`
		Severities []string `json:"severities"`
	}
	if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
		return err
	}
	created, err := s.app.Webhooks.Create(r.Context(), u, in.URL, in.Secret, in.Events, in.Severities)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, created)
}

// deleteWebhook removes an endpoint.
func (s *Handler) deleteWebhook(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return hansei.FieldError("id", "webhook id %q is not valid", r.PathValue("id"))
	}
	if err := s.app.Webhooks.Delete(r.Context(), u, id); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"deleted": id})
}

// eventSchema is the JSON Schema of every timeline event type.
func (s *Handler) eventSchema(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	return httpx.WriteJSON(w, http.StatusOK, hansei.EventSchemas())
}
