package live

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// EventSource is where the hub reads committed events from, in commit order.
type EventSource interface {
	EventsAfter(ctx context.Context, pos int64, limit int) ([]hansei.Event, error)
	LastEventPos(ctx context.Context) (int64, error)
}

// Hub fans committed events out to live subscribers. It follows the events
// table by position rather than trusting in-process hand-offs, so events
// written by another instance (woken by PostgreSQL NOTIFY) and events whose
// notification was lost (caught up by the periodic poll) reach subscribers
// the same way, in order.
type Hub struct {
	source EventSource
	log    *slog.Logger
	wake   chan struct{}

	done chan struct{} // closed when following ends

	mu     sync.Mutex
	subs   map[*Subscription]struct{}
	closed bool
}

// LiveEvent is a committed event with its JSON, encoded once by the hub
// for every subscriber.
type LiveEvent struct {
	hansei.Event
	// BySeq and ByPos are the whole SSE frame, with id = seq (an
	// incident's stream) or id = pos (the stream of all incidents): every
	// subscriber writes the same bytes.
	BySeq, ByPos []byte
	// batch holds what the streams asked before delivering the events
	// published with this one (check.go).
	batch *batch
}

func newLiveEvent(e hansei.Event, b *batch) (*LiveEvent, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	return &LiveEvent{Event: e, BySeq: sseFrame(e.Seq, e.Type, data), ByPos: sseFrame(e.Pos, e.Type, data), batch: b}, nil
}

// Subscription receives the events of one incident, or of all when
// Incident is zero. If it falls behind by more than its buffer it is cut
// off: C is closed and Dropped reports true, and the client resumes from
// its last event id.
type Subscription struct {
	Incident int64
	C        chan *LiveEvent
	hub      *Hub
	dropped  bool
}

// Dropped reports whether the hub cut this subscription off for being slow.
func (s *Subscription) Dropped() bool {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.dropped
}

// Close ends the subscription.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if _, ok := s.hub.subs[s]; ok {
		delete(s.hub.subs, s)
		close(s.C)
	}
}

// SubscriberBuffer is how many events a subscriber may fall behind before it
// is cut off. A slot is a pointer, so a generous buffer costs little.
const SubscriberBuffer = 128

// NewHub returns a hub that reads from source; Run makes it follow.
func NewHub(source EventSource, log *slog.Logger) *Hub {
	return &Hub{source: source, log: log, wake: make(chan struct{}, 1), subs: map[*Subscription]struct{}{}}
}

// Wake tells the hub that new events may have been committed. It never
// blocks, so writers are never held up by readers.
func (h *Hub) Wake() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Subscribe starts a subscription to one incident (or all, with 0).
func (h *Hub) Subscribe(incident int64) *Subscription {
	s := &Subscription{Incident: incident, C: make(chan *LiveEvent, SubscriberBuffer), hub: h}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(s.C)
		return s
	}
	h.subs[s] = struct{}{}
	return s
}

// Subscribers counts live subscriptions.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Start reads where the event source stands, so that every event committed
// from now on is published, and then follows it in the background until
// ctx ends, publishing new events when woken and at least every poll
// interval. Call it before serving.
func (h *Hub) Start(ctx context.Context, poll time.Duration) error {
	pos, err := h.source.LastEventPos(ctx)
	if err != nil {
		return fmt.Errorf("live events: reading the last position: %w", err)
	}
	h.done = make(chan struct{})
	go h.follow(ctx, poll, pos)
	return nil
}

// Wait returns once the hub stopped following, after Start.
func (h *Hub) Wait() { <-h.done }

func (h *Hub) follow(ctx context.Context, poll time.Duration, pos int64) {
	defer close(h.done)
	t := time.NewTicker(poll)
	defer t.Stop()
	defer h.shutdown()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.wake:
		case <-t.C:
		}
		for {
			events, err := h.source.EventsAfter(ctx, pos, 500)
			if err != nil {
				if ctx.Err() == nil {
					h.log.Warn("live events: reading new events", "err", err)
				}
				break
			}
			if len(events) == 0 {
				break
			}
			h.publish(events)
			pos = events[len(events)-1].Pos
		}
	}
}

func (h *Hub) publish(events []hansei.Event) {
	live := make([]*LiveEvent, len(events))
	b := &batch{}
	for i, e := range events {
		le, err := newLiveEvent(e, b)
		if err != nil {
			h.log.Error("live events: encoding", "err", err)
			return
		}
		live[i] = le
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range live {
		for s := range h.subs {
			if s.Incident != 0 && s.Incident != e.Incident {
				continue
			}
			select {
			case s.C <- e:
			default:
				// Too slow: cut it off rather than hold up everyone else.
				s.dropped = true
				delete(h.subs, s)
				close(s.C)
			}
		}
	}
}

func (h *Hub) shutdown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		delete(h.subs, s)
		close(s.C)
	}
}
