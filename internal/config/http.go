package config

import "time"

// HTTP is the main address's limits: how long its server waits on a
// client, how many connections it serves at once, and how many live
// streams one user may hold open.
type HTTP struct {
	// ReadHeaderTimeout bounds reading a request's head.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, head and body: a client
	// that trickles a body is cut off after it.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of a request's head to
	// the end of its answer; live streams bound each write instead.
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a kept-alive connection waits for its
	// next request.
	IdleTimeout time.Duration
	// MaxConnections bounds the connections served at once; 0 turns it
	// off. Live streams are bounded by MaxStreamsPerUser instead.
	MaxConnections int
	// MaxStreamsPerUser bounds the live streams one user has open at
	// once on this instance; 0 turns it off.
	MaxStreamsPerUser int
}

// Defaults of the http section. A request body is at most 1 MiB, which 30
// seconds carry at 35 KB/s. Handlers work for milliseconds
// (docs/performance.md), so 60 seconds to answer leaves room for a slow
// database and a slow link, and still frees a connection whose client
// stopped reading. Two minutes of idle keep-alive outlast a browser's
// pause between clicks. 2048 connections are a few hundred browsers (six
// each) and the API's clients, at some 30 KiB each.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultHTTPConnections   = 2048
	DefaultStreamsPerUser    = 20
)

// The http section:
//
//	http:
//	  read_header_timeout: 10s    # a request's head
//	  read_timeout: 30s           # a whole request, head and body
//	  write_timeout: 60s          # from the head read to the answer sent
//	  idle_timeout: 2m            # a kept-alive connection between requests
//	  max_connections: 2048       # served at once; 0: no limit
//	  max_streams_per_user: 20    # live streams one user holds open; 0: no limit
func httpField() field[Config] {
	return field[Config]{key: "http", doc: "The main address's timeouts and limits: how long it waits on a client, how many connections it serves, how many live streams one user may hold open.",
		value: sectionValue[Config, HTTP]{at: func(c *Config) *HTTP { return &c.HTTP }, fields: httpFields()}}
}

func httpFields() []field[HTTP] {
	// A tenth of a second at least: shorter is no use to anyone but a test
	// that must see a deadline pass without waiting for it.
	timeout := duration(100*time.Millisecond, time.Hour)
	return []field[HTTP]{
		{key: "read_header_timeout",
			doc:   "How long a client may take to send a request's head; then the connection is closed.",
			value: scalar(func(h *HTTP) *time.Duration { return &h.ReadHeaderTimeout }, timeout, DefaultReadHeaderTimeout)},
		{key: "read_timeout",
			doc:   "How long a client may take to send a whole request, head and body; a body sent slower is cut off and the connection closed.",
			value: scalar(func(h *HTTP) *time.Duration { return &h.ReadTimeout }, timeout, DefaultReadTimeout)},
		{key: "write_timeout",
			doc:   "How long a request may take from its head read to its answer sent; live streams bound each write to 10 s instead.",
			value: scalar(func(h *HTTP) *time.Duration { return &h.WriteTimeout }, timeout, DefaultWriteTimeout)},
		{key: "idle_timeout",
			doc:   "How long a kept-alive connection waits for its next request.",
			value: scalar(func(h *HTTP) *time.Duration { return &h.IdleTimeout }, timeout, DefaultIdleTimeout)},
		{key: "max_connections",
			doc:   "Connections served at once on `addr`; beyond it new ones wait in the kernel's backlog. Live streams do not count (see `max_streams_per_user`). `0`: no limit.",
			value: scalar(func(h *HTTP) *int { return &h.MaxConnections }, count(1_000_000), DefaultHTTPConnections)},
		{key: "max_streams_per_user",
			doc:   "Live event streams (API and pages) one user may hold open at once on one instance; beyond it 429. `0`: no limit.",
			value: scalar(func(h *HTTP) *int { return &h.MaxStreamsPerUser }, count(100_000), DefaultStreamsPerUser)},
	}
}
