package server

import (
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/hansei-dev/hansei/internal/config"
)

// Timeouts bound how long the main address's http.Server waits on a
// client, so that a client that sends or reads slowly (or never) holds a
// connection and its goroutine for a bounded time. The live streams take
// their connections over and clear these (stream.go): they bound each
// write instead.
type Timeouts struct {
	// ReadHeader bounds reading a request's head.
	ReadHeader time.Duration
	// Read bounds reading the whole request, head and body: a body
	// trickled in slower is cut off, whatever the handler.
	Read time.Duration
	// Write bounds the time from the end of the request head to the end
	// of the response: the handler's work and sending its answer.
	Write time.Duration
	// Idle bounds how long a kept-alive connection waits for its next
	// request.
	Idle time.Duration
}

// DefaultTimeouts are the main address's timeouts when the config sets
// none; internal/config/http.go says why they are what they are.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: config.DefaultReadHeaderTimeout, Read: config.DefaultReadTimeout,
		Write: config.DefaultWriteTimeout, Idle: config.DefaultIdleTimeout}
}

// TimeoutsOf are the timeouts the http section sets.
func TimeoutsOf(c config.HTTP) Timeouts {
	return Timeouts{ReadHeader: c.ReadHeaderTimeout, Read: c.ReadTimeout, Write: c.WriteTimeout, Idle: c.IdleTimeout}
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

// LimitConnections has srv serve at most max connections of ln at once
// (no limit if max <= 0): Accept waits while max are open, so that the
// excess queues in the kernel's backlog instead of costing memory and
// goroutines here. A connection frees its slot when it closes, or when a
// live stream takes it over: streams are bounded per user
// (live.Streams.MaxPerUser), and counting them here would let a few users'
// open pages lock everyone out of the API. The listener hands out the
// accepted connection itself, not a wrapper, so that a stream's writes
// stay one writev on a *net.TCPConn.
func LimitConnections(srv *http.Server, ln net.Listener, max int) net.Listener {
	if max <= 0 {
		return ln
	}
	l := &limitListener{Listener: ln, sem: make(chan struct{}, max), done: make(chan struct{})}
	next := srv.ConnState
	srv.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateClosed || s == http.StateHijacked {
			<-l.sem
		}
		if next != nil {
			next(c, s)
		}
	}
	return l
}

type limitListener struct {
	net.Listener
	sem       chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return c, nil
}

func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}
