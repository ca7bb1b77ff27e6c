package server

import (
	"log/slog"
	"net/http"
	"time"
)

// Timeouts bound how long the main address's http.Server waits on a
// client, so that a client that sends or reads slowly (or never) holds a
// connection and its goroutine for a bounded time. The live streams take
// their connections over and clear these (stream.go): they bound each
// write instead.
type Timeouts struct {
	// ReadHeader bounds reading a request's head.
	ReadHeader time.Duration
	// Read bounds reading the whole request, head and body.
	Read time.Duration
	// Write bounds the time from the end of the request head to the end
	// of the response: the handler's work and sending its answer.
	Write time.Duration
	// Idle bounds how long a kept-alive connection waits for its next
	// request.
	Idle time.Duration
}

// DefaultTimeouts are the main address's timeouts. A request body is at
// most 1 MiB (MaxBody), which 30 seconds carry at 35 KB/s. Handlers work
// for milliseconds (docs/performance.md), so 60 seconds to answer leaves
// room for a slow database and a slow link, and still frees a connection
// whose client stopped reading. Two minutes of idle keep-alive outlast a
// browser's pause between clicks.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Write: 60 * time.Second, Idle: 2 * time.Minute}
}

// HTTPServer returns the http.Server for the main address: every route,
// the timeouts, and net/http's own errors (a TLS handshake, a panic)
// logged as warnings.
func (s *Web) HTTPServer(t Timeouts) *http.Server {
	return &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}
