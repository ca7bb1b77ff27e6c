package main

import (
	"context"
	"io"

	"github.com/hansei-dev/hansei/internal/cli"
	hserver "github.com/hansei-dev/hansei/internal/server"
)

// run is the whole program: main only wires it to the process, and tests
// drive it as a user would.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return cli.Run(ctx, args, getenv, stdin, stdout, stderr)
}

// errorLine is the one line main prints for an error run returned.
func errorLine(err error) string { return cli.ErrorLine(err) }

// clockKey is where tests put the server's replacement clock. The import
// is named hserver since the tests call their running server "server".
type clockKey = hserver.ClockKey
