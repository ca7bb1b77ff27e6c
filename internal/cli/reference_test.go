package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestReferenceIsCurrent fails while docs/cli.md differs from what the
// command tree says, so the reference never drifts from the program.
func TestReferenceIsCurrent(t *testing.T) {
	var want bytes.Buffer
	if err := WriteReference(&want); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "docs", "cli.md"))
	if err != nil {
		t.Fatalf("docs/cli.md: %v; make it with: %s", err, RegenerateReference)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("docs/cli.md is not current; regenerate it with: %s", RegenerateReference)
	}
}
