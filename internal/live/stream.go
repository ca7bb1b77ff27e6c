package live

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// HeartbeatInterval is how often an idle stream sends a comment, so that
// proxies keep it open and a client that went away is noticed.
const HeartbeatInterval = 15 * time.Second

// sse writes Server-Sent Events.
type sse struct {
	w  http.ResponseWriter
	rc *http.ResponseController
	// conn is the connection, when the stream took it over from net/http:
	// a stream lives long and only writes, and net/http keeps a read and a
	// write buffer for every connection (about 10 KiB) that a stream does
	// not need. Frames wait in pending and go out in one write per flush.
	conn    net.Conn
	pending net.Buffers
}

// streamWriteTimeout bounds how long one flush may block: a client that
// stops reading is cut off, and resumes by Last-Event-ID.
const streamWriteTimeout = 10 * time.Second

// streamHead is the response head of a stream that took over its connection.
const streamHead = "HTTP/1.1 200 OK\r\n" +
	"Content-Type: text/event-stream; charset=utf-8\r\n" +
	"Cache-Control: no-cache, no-transform\r\n" +
	"X-Accel-Buffering: no\r\n" + // nginx: do not buffer the stream
	"Connection: close\r\n\r\n"

// startSSE begins an event stream. Where net/http lets it, the stream takes
// the connection over (the body then runs until the connection closes, so
// it needs no chunking); otherwise, as behind HTTP/2, it writes through the
// ResponseWriter. Either way the client is told to reconnect after two
// seconds, sending Last-Event-ID.
func startSSE(w http.ResponseWriter) (*sse, error) {
	s := &sse{w: w, rc: http.NewResponseController(w)}
	if conn, _, err := s.rc.Hijack(); err == nil {
		// Nothing is left to read: a stream is a GET without a body. The
		// connection keeps the http.Server's read and write deadlines,
		// which net/http leaves to the hijacker to clear: a stream
		// outlives WriteTimeout, and each flush sets a deadline of its own.
		conn.SetDeadline(time.Time{})
		s.conn = conn
		s.pending = append(s.pending, []byte(streamHead+"retry: 2000\n\n"))
		return s, s.flush()
	}
	// Written through net/http (HTTP/2): the server's WriteTimeout would
	// end the stream, so only each flush has a deadline.
	s.rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	h.Set("Connection", "keep-alive")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	return s, s.flush()
}

// close ends a stream that took its connection over.
func (s *sse) close() {
	if s.conn != nil {
		s.conn.Close()
	}
}

// sseFrame is one event in the text/event-stream format.
func sseFrame(id int64, typ string, data []byte) []byte {
	b := make([]byte, 0, len(data)+len(typ)+40)
	b = append(b, "id: "...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, "\nevent: "...)
	b = append(b, typ...)
	b = append(b, "\ndata: "...)
	b = append(b, data...)
	return append(b, "\n\n"...)
}

// frame writes an encoded event, unflushed.
func (s *sse) frame(b []byte) error {
	if s.conn != nil {
		s.pending = append(s.pending, b)
		return nil
	}
	_, err := s.w.Write(b)
	return err
}

func (s *sse) flush() error {
	if s.conn == nil {
		// HTTP/2 enforces a write deadline with a timer that resets the
		// stream even while it idles between events: bound the flush only.
		s.rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
		err := s.rc.Flush()
		s.rc.SetWriteDeadline(time.Time{})
		return err
	}
	s.conn.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	out := s.pending
	_, err := out.WriteTo(s.conn)
	s.pending = s.pending[:0]
	return err
}

// frames writes encoded events and flushes them.
func (s *sse) frames(frames [][]byte) error {
	for _, f := range frames {
		if err := s.frame(f); err != nil {
			return err
		}
	}
	return s.flush()
}

// encodeFrames encodes events read from the table (catching up), each with
// the id that id gives.
func encodeFrames(events []hansei.Event, id func(hansei.Event) int64) ([][]byte, error) {
	out := make([][]byte, len(events))
	for i, e := range events {
		data, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		out[i] = sseFrame(id(e), e.Type, data)
	}
	return out, nil
}

// refuse tells the client, in a comment, why the stream ends, and sends
// it with whatever is queued. A comment is not an event: EventSource and
// the Go client skip it, and on reconnecting the client is refused in the
// JSON error contract, as any request would be.
func (s *sse) refuse(err error) {
	msg := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, hansei.ErrorMessage(err))
	s.frame([]byte(": closed: " + msg + "\n\n"))
	s.flush()
}

func (s *sse) heartbeat() error {
	s.frame([]byte(": heartbeat\n\n"))
	return s.flush()
}

// lastEventID reads where a client resumes: the Last-Event-ID header that
// browsers send on reconnecting, or ?after= for a first connection.
func lastEventID(r *http.Request) (int64, error) {
	raw := strings.TrimSpace(r.Header.Get("Last-Event-ID"))
	field := "Last-Event-ID"
	if raw == "" {
		raw, field = r.URL.Query().Get("after"), "after"
	}
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, hansei.FieldError(field, "%s must be the id of an event received before (a non-negative number), not %q", field, raw)
	}
	return n, nil
}

// catchUpPage is how many missed events a stream reads at a time.
const catchUpPage = 500

// sendMissed sends the events a stream missed, a page at a time, until a
// page comes back short. page reads the next page (on a goroutine of its
// own, see shallow) and says how many events it read and their frames.
func sendMissed(out *sse, page func() (read int, frames [][]byte, err error)) error {
	for {
		var (
			read   int
			frames [][]byte
			err    error
		)
		shallow(func() { read, frames, err = page() })
		if err != nil {
			return err
		}
		if err := out.frames(frames); err != nil {
			return err
		}
		if read < catchUpPage {
			return nil
		}
	}
}

// shallow runs fn on a goroutine of its own and waits for it. A stream's
// handler goroutine lives as long as the stream, and a goroutine's stack
// stays as deep as it once grew: the deep calls into the database
// (authenticating, catching up) run on goroutines that end, which keeps a
// thousand idle streams small.
func shallow(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
}
