//go:build !linux

package statuspage

import "errors"

// newFileBody: only Linux sends bodies from in-memory files; elsewhere
// the listener writes them from memory.
func newFileBody([]byte) (*fileBody, error) {
	return nil, errors.New("file bodies need Linux")
}
