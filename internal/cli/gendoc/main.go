// Command gendoc writes the command reference, docs/cli.md, from the
// command tree: go run ./internal/cli/gendoc docs/cli.md (from the
// repository's root). A test fails while the file is not current.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/hansei-dev/hansei/internal/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage:", cli.RegenerateReference)
		os.Exit(2)
	}
	var b bytes.Buffer
	if err := cli.WriteReference(&b); err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[1], b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
}
