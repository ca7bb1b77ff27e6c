package api

import (
	"net/http"
	"strconv"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// intentResponse is an intent as the API returns it, with who still has
// to acknowledge it.
type intentResponse struct {
	hansei.Intent
	Pending []string `json:"pending"`
}

func intentJSON(inc hansei.Incident, in hansei.Intent) intentResponse {
	pending := inc.PendingAcks(in)
	if pending == nil {
		pending = []string{}
	}
	return intentResponse{Intent: in, Pending: pending}
}

func (s *Handler) stateIntent(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	var in struct {
		Text          string `json:"text"`
		Kind          string `json:"kind"`
		AckFrom       string `json:"ack_from"`
		WindowSeconds *int64 `json:"window_seconds"`
	}
	if err := httpx.DecodeJSON(w, r, &in, false); err != nil {
		return err
	}
	kind, err := hansei.ParseIntentKind(in.Kind)
	if err != nil {
		return err
	}
	cmd := hansei.StateIntent{Text: in.Text, Kind: kind, AckFrom: hansei.AckFrom(in.AckFrom)}
	if in.WindowSeconds != nil {
		if *in.WindowSeconds < 1 || *in.WindowSeconds > 86400 {
			return hansei.FieldError("window_seconds", "window_seconds must be between 1 and 86400, not %d", *in.WindowSeconds)
		}
		cmd.Window = time.Duration(*in.WindowSeconds) * time.Second
	}
	inc, events, err := s.app.Incidents.Execute(r.Context(), u, n, cmd)
	if err != nil {
		return err
	}
	var stated hansei.IntentStatedData
	for _, e := range events {
		if e.Type == hansei.EventIntentStated {
			decodeData(e, &stated)
		}
	}
	intent, _ := inc.Intent(stated.ID)
	return httpx.WriteJSON(w, http.StatusCreated, intentJSON(inc, intent))
}

func (s *Handler) listIntents(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	inc, err := s.incident(r, u)
	if err != nil {
		return err
	}
	items := make([]intentResponse, 0, len(inc.Intents))
	for i := len(inc.Intents) - 1; i >= 0; i-- { // newest first
		items = append(items, intentJSON(inc, inc.Intents[i]))
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.ListResponse[intentResponse]{Items: items})
}

// intentAction runs one of acknowledge, object, lift-objection and
// withdraw on the intent named in the path.
func (s *Handler) intentAction(build func(w http.ResponseWriter, r *http.Request, id int64) (hansei.Command, error)) apiHandler {
	return func(w http.ResponseWriter, r *http.Request, u hansei.User) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			return hansei.FieldError("id", "intent id %q is not valid; use the number shown with the intent, such as 7", r.PathValue("id"))
		}
		cmd, err := build(w, r, id)
		if err != nil {
			return err
		}
		inc, _, err := s.app.Intents.Act(r.Context(), u, id, cmd)
		if err != nil {
			return err
		}
		intent, _ := inc.Intent(id)
		return httpx.WriteJSON(w, http.StatusOK, intentJSON(inc, intent))
	}
}

func (s *Handler) acknowledgeIntent(w http.ResponseWriter, r *http.Request, id int64) (hansei.Command, error) {
	return hansei.AcknowledgeIntent{ID: id}, httpx.DecodeJSON(w, r, &struct{}{}, true)
}

func (s *Handler) objectIntent(w http.ResponseWriter, r *http.Request, id int64) (hansei.Command, error) {
	var in struct {
		Reason string `json:"reason"`
	}
	err := httpx.DecodeJSON(w, r, &in, false)
	return hansei.ObjectIntent{ID: id, Reason: in.Reason}, err
}

func (s *Handler) liftObjection(w http.ResponseWriter, r *http.Request, id int64) (hansei.Command, error) {
	return hansei.LiftObjection{ID: id}, httpx.DecodeJSON(w, r, &struct{}{}, true)
}

func (s *Handler) withdrawIntent(w http.ResponseWriter, r *http.Request, id int64) (hansei.Command, error) {
	return hansei.WithdrawIntent{ID: id}, httpx.DecodeJSON(w, r, &struct{}{}, true)
}
