package client

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	hansei "github.com/hansei-dev/hansei"
)

// Intent is a statement of intent as the API returns it.
type Intent struct {
	hansei.Intent
	// Pending says who still has to acknowledge.
	Pending []string `json:"pending"`
}

// IntentRequest is the body of POST /api/v1/incidents/{n}/intents.
type IntentRequest struct {
	Text          string `json:"text"`
	Kind          string `json:"kind"`
	AckFrom       string `json:"ack_from,omitempty"`
	WindowSeconds int64  `json:"window_seconds,omitempty"`
}

// StateIntent states an intent in incident n.
func (c *Client) StateIntent(ctx context.Context, n int64, req IntentRequest) (Intent, error) {
	var in Intent
	err := c.call(ctx, http.MethodPost, incidentPath(n, "/intents"), req, &in)
	return in, err
}

// Intents lists an incident's intents, newest first.
func (c *Client) Intents(ctx context.Context, n int64) (List[Intent], error) {
	var l List[Intent]
	err := c.call(ctx, http.MethodGet, incidentPath(n, "/intents"), nil, &l)
	return l, err
}

func (c *Client) intentAction(ctx context.Context, id int64, action string, body any) (Intent, error) {
	var in Intent
	if body == nil {
		body = struct{}{}
	}
	err := c.call(ctx, http.MethodPost, "/api/v1/intents/"+strconv.FormatInt(id, 10)+"/"+action, body, &in)
	return in, err
}

// Acknowledge acknowledges intent id.
func (c *Client) Acknowledge(ctx context.Context, id int64) (Intent, error) {
	return c.intentAction(ctx, id, "acknowledge", nil)
}

// Object objects to intent id, for a reason.
func (c *Client) Object(ctx context.Context, id int64, reason string) (Intent, error) {
	return c.intentAction(ctx, id, "object", map[string]string{"reason": reason})
}

// LiftObjection lifts the caller's objection to intent id.
func (c *Client) LiftObjection(ctx context.Context, id int64) (Intent, error) {
	return c.intentAction(ctx, id, "lift-objection", nil)
}

// Withdraw withdraws the caller's intent id.
func (c *Client) Withdraw(ctx context.Context, id int64) (Intent, error) {
	return c.intentAction(ctx, id, "withdraw", nil)
}

// Stream follows incident n's live timeline (n = 0: every incident) from
// after the event id last, calling fn for each event until ctx ends, fn
// returns an error or the server closes the stream. It returns the id of
// the last event seen, to resume from.
func (c *Client) Stream(ctx context.Context, n, last int64, fn func(id int64, e hansei.Event) error) (int64, error) {
	path := "/api/v1/stream"
	if n != 0 {
		path = incidentPath(n, "/stream")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL+path, nil)
	if err != nil {
		return last, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "text/event-stream")
	if last > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(last, 10))
	}
	hc := *c.HTTP
	hc.Timeout = 0 // a stream lasts
	resp, err := hc.Do(req)
	if err != nil {
		return last, fmt.Errorf("cannot reach hansei at %s: %w", c.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var eb struct {
			Error *Error `json:"error"`
		}
		if json.NewDecoder(resp.Body).Decode(&eb) == nil && eb.Error != nil {
			eb.Error.Status = resp.StatusCode
			return last, eb.Error
		}
		return last, fmt.Errorf("stream: HTTP %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var id int64
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if data.Len() > 0 {
				var e hansei.Event
				if err := json.Unmarshal([]byte(data.String()), &e); err != nil {
					return last, fmt.Errorf("stream: bad event: %w", err)
				}
				last = id
				if err := fn(id, e); err != nil {
					return last, err
				}
			}
			data.Reset()
		case strings.HasPrefix(line, "id: "):
			id, _ = strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
		case strings.HasPrefix(line, "data: "):
			data.WriteString(strings.TrimPrefix(line, "data: "))
		}
	}
	if ctx.Err() != nil {
		return last, ctx.Err()
	}
	return last, sc.Err()
}
