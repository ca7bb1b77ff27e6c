package i18n

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hansei-dev/hansei/internal/yamldoc"
	"go.yaml.in/yaml/v3"
)

// The YAML side of reading a catalog: one document, no aliases, and
// messages about a file's mistakes that point at the right line.

// nodeText shows a node's value in a message, shortened.
func nodeText(n *yaml.Node) string {
	s := n.Value
	if n.Kind != yaml.ScalarNode {
		s = "(a " + kindName(n.Kind) + ")"
	}
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strconv.Quote(s)
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	}
	return "value"
}

// parseDocument parses exactly one YAML document (internal/yamldoc).
// Aliases are refused: a catalog has no use for them, and they are how a
// small file expands into a huge one.
func parseDocument(data []byte) (*yaml.Node, error) {
	n, err := yamldoc.Parse(data)
	var extra *yamldoc.ExtraDocumentError
	if errors.As(err, &extra) {
		return nil, &docError{extra.Line, "the file holds more than one YAML document (---); put every message in one"}
	}
	if err != nil || n == nil {
		return nil, err
	}
	if line := findAlias(n, 0); line != 0 {
		return nil, &docError{line, "anchors and aliases (&, *) are not allowed in a catalog; write each message out"}
	}
	return n, nil
}

// docError is valid YAML that a catalog may not be.
type docError struct {
	line int
	msg  string
}

func (e *docError) Error() string { return e.msg }

// findAlias returns the line of the first anchor or alias under n, or 0.
// Depth is bounded: a catalog is two levels deep.
func findAlias(n *yaml.Node, depth int) int {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return max(n.Line, 1)
	}
	if depth > 8 {
		return 0
	}
	for _, c := range n.Content {
		if l := findAlias(c, depth+1); l != 0 {
			return l
		}
	}
	return 0
}

// yamlError turns the parser's error into an Error with its line.
func yamlError(file string, err error) *Error {
	msg := err.Error()
	if m := regexp.MustCompile(`^yaml: line (\d+): (.*)$`).FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: file, Line: line, Message: "not valid YAML: " + m[2] + " (a message that starts with {{ or holds \": \" needs quotes)"}
	}
	return &Error{File: file, Message: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// unquotedLine finds, from the line before from on, the first message
// that YAML reads as something other than text because it is not in
// quotes, which is the mistake a translator makes most. The YAML parser
// reports such a problem where the enclosing mapping starts, a line or
// more too early.
func unquotedLine(data []byte, from int) (int, string) {
	indicator := regexp.MustCompile(`^\s*[^\s#][^:]*:\s+(.*)$`)
	for i, line := range strings.Split(string(data), "\n") {
		if i+1 < from-1 {
			continue
		}
		m := indicator.FindStringSubmatch(line)
		if m == nil || m[1] == "" {
			continue
		}
		v := m[1]
		switch {
		case strings.ContainsAny(v[:1], "{[&*!|>%@`"):
			return i + 1, fmt.Sprintf("the message starts with %s, which YAML reads as markup, not text; put the message in quotes", v[:1])
		case v[0] != '"' && v[0] != '\'' && strings.Contains(v, ": "):
			return i + 1, "the message holds \": \", which YAML reads as a key; put the message in quotes"
		}
	}
	return 0, ""
}
