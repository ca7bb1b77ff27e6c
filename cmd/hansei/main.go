// Command hansei is the incident response and learning server and its
// command line. Everything happens in run, so tests drive the real program.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/hansei-dev/hansei/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		printError(os.Stderr, err)
		stop()
		os.Exit(cli.ExitCode(err))
	}
}
