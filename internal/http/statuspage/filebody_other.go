//go:build !linux

package statuspage

import (
	"errors"
	"net"
)

// newFileBody: only Linux sends bodies from in-memory files; elsewhere
// the listener writes them from memory.
func newFileBody([]byte) (*fileBody, error) {
	return nil, errors.New("file bodies need Linux")
}

// corkTCP: only Linux corks; elsewhere the head goes out on its own.
func corkTCP(*net.TCPConn, bool) error { return errors.ErrUnsupported }
