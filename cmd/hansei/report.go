package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/hansei-dev/hansei/internal/config"
)

// printError shows on w why hansei stopped. A configuration's problems
// come one a line, each starting with file:line: as docs/configuration.md
// shows them (editors jump to them); anything else is the one line of
// errorLine.
func printError(w io.Writer, err error) {
	var problems config.Errors
	if errors.As(err, &problems) {
		fmt.Fprintln(w, "hansei: the configuration has problems:")
		fmt.Fprintln(w, problems.Error())
		return
	}
	fmt.Fprintln(w, "hansei:", errorLine(err))
}
