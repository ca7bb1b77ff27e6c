package statuspage

import (
	"io"
	"net"
	"os"
	"sync"
)

// A large body on the --public-addr listener is sent from a file with
// sendfile, as nginx sends its static files, instead of being copied from
// the heap into the socket on every request. Measured on /status (112 KiB
// identity), the copy was a third of the listener's CPU
// (docs/performance.md); with sendfile the kernel hands the socket the
// file's pages instead.
//
// The file is an in-memory file (memfd on Linux) written once when the
// listener first serves the body, never on disk. sendfile reads from a
// file's own offset, so each request in flight needs its own open file:
// a fileBody keeps a few open files ready, each reset to the start when
// its request ends.

// fileBodyMin is the smallest body sent from a file: below it the copy
// costs less than the file's extra system calls.
const fileBodyMin = 32 << 10

// fileBodyMaxIdle is the most open files a body keeps ready between
// requests; a flood of more connections at once opens the rest per request.
const fileBodyMaxIdle = 512

// fileBody is one body's in-memory file and the open files on it.
type fileBody struct {
	size int64
	mu   sync.Mutex
	// master holds the body; nil once released, after which no file is
	// opened on it (its descriptor number may belong to another file).
	master *os.File
	reopen func() (*os.File, error)
	idle   []*bodyStream
}

// bodyStream is one request's read of a fileBody. fasthttp calls WriteTo
// with its writer, and Close when the response is written.
type bodyStream struct {
	f     *os.File
	owner *fileBody
	// conn is the connection the body goes to, when it is TCP: the
	// response's head and body are corked together (corkTCP).
	conn *net.TCPConn
}

// Read is the plain copy, for a writer that cannot take a file.
func (s *bodyStream) Read(p []byte) (int, error) { return s.f.Read(p) }

// WriteTo hands the file itself to w: fasthttp's writer then reaches the
// connection's ReadFrom, which sends the file with sendfile.
func (s *bodyStream) WriteTo(w io.Writer) (int64, error) {
	if rf, ok := w.(io.ReaderFrom); ok {
		// fasthttp writes the response's head before the file: corked,
		// the kernel sends head and body in full segments, as nginx's
		// tcp_nopush does, instead of the head in a packet of its own,
		// which costs the client a read and a parse more per answer.
		if s.conn != nil && corkTCP(s.conn, true) == nil {
			defer corkTCP(s.conn, false)
		}
		return rf.ReadFrom(s.f)
	}
	return io.Copy(w, struct{ io.Reader }{s.f})
}

// Close returns the open file to its body, at the start again.
func (s *bodyStream) Close() error {
	s.conn = nil
	s.owner.put(s)
	return nil
}

// stream opens a read of the body, or returns nil once the body is
// released (the caller then sends the bytes).
func (b *fileBody) stream() *bodyStream {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.master == nil {
		return nil
	}
	if n := len(b.idle); n > 0 {
		s := b.idle[n-1]
		b.idle = b.idle[:n-1]
		return s
	}
	f, err := b.reopen()
	if err != nil {
		return nil
	}
	return &bodyStream{f: f, owner: b}
}

func (b *fileBody) put(s *bodyStream) {
	if _, err := s.f.Seek(0, io.SeekStart); err == nil {
		b.mu.Lock()
		keep := b.master != nil && len(b.idle) < fileBodyMaxIdle
		if keep {
			b.idle = append(b.idle, s)
		}
		b.mu.Unlock()
		if keep {
			return
		}
	}
	s.f.Close()
}

// release closes the body's file and its idle reads; reads in flight
// close theirs when they end.
func (b *fileBody) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.master == nil {
		return
	}
	b.master.Close()
	b.master = nil
	for _, s := range b.idle {
		s.f.Close()
	}
	b.idle = nil
}

// setFiles are the file bodies made for one status set, released together
// when a newer set replaces it.
type setFiles struct {
	mu       sync.Mutex
	bodies   []*fileBody
	released bool
}

// fileFor returns rep's file body, making it on first use. A body that
// has none (the system could not make one, or the set is released) gets
// an empty one, whose stream is nil, so that it is not tried again.
func (sf *setFiles) fileFor(rep *statusRep) *fileBody {
	if fb := rep.file.Load(); fb != nil {
		return fb
	}
	sf.mu.Lock()
	defer sf.mu.Unlock()
	if fb := rep.file.Load(); fb != nil {
		return fb
	}
	fb := &fileBody{}
	if !sf.released {
		if made, err := newFileBody(rep.body); err == nil {
			fb = made
			sf.bodies = append(sf.bodies, made)
		}
	}
	rep.file.Store(fb)
	return fb
}

// release closes every file body of the set.
func (sf *setFiles) release() {
	sf.mu.Lock()
	defer sf.mu.Unlock()
	sf.released = true
	for _, fb := range sf.bodies {
		fb.release()
	}
	sf.bodies = nil
}
