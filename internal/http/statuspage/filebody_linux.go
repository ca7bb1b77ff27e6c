package statuspage

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// newFileBody writes body into a sealed in-memory file (memfd): nothing
// reaches the disk, and the seals make the bytes unchangeable for as long
// as any read of them is open.
func newFileBody(body []byte) (*fileBody, error) {
	fd, err := unix.MemfdCreate("hansei-status", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("memfd: %w", err)
	}
	f := os.NewFile(uintptr(fd), "hansei-status")
	if _, err := f.Write(body); err != nil {
		f.Close()
		return nil, fmt.Errorf("memfd: %w", err)
	}
	seals := unix.F_SEAL_WRITE | unix.F_SEAL_GROW | unix.F_SEAL_SHRINK | unix.F_SEAL_SEAL
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, seals); err != nil {
		f.Close()
		return nil, fmt.Errorf("memfd seals: %w", err)
	}
	// Opening the descriptor's /proc entry gives a new open file with an
	// offset of its own, on the same bytes.
	path := fmt.Sprintf("/proc/self/fd/%d", fd)
	return &fileBody{
		size:   int64(len(body)),
		master: f,
		reopen: func() (*os.File, error) { return os.Open(path) },
	}, nil
}

// corkTCP sets TCP_CORK on c: while on, the kernel sends only full
// segments; turning it off sends what is left.
func corkTCP(c *net.TCPConn, on bool) error {
	raw, err := c.SyscallConn()
	if err != nil {
		return err
	}
	v := 0
	if on {
		v = 1
	}
	var serr error
	if err := raw.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_CORK, v)
	}); err != nil {
		return err
	}
	return serr
}
