// Package yamldoc reads a file that must hold exactly one YAML document:
// the config file and the message catalogs. Each caller words its own
// errors; this package only finds them.
package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// ExtraDocumentError says the file holds a second document (after ---),
// starting at Line.
type ExtraDocumentError struct{ Line int }

func (e *ExtraDocumentError) Error() string {
	return fmt.Sprintf("line %d: a second YAML document", e.Line)
}

// Parse parses exactly one YAML document; an empty file is a nil node. The
// parser's own panics, which would be bugs in it, become errors: a file
// someone wrote must never crash hansei.
func Parse(data []byte) (doc *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("yaml: the YAML parser failed: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var n yaml.Node
	if err := dec.Decode(&n); errors.Is(err, io.EOF) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, &ExtraDocumentError{Line: next.Line}
	}
	return &n, nil
}
