package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hansei-dev/hansei/internal/yamldoc"
	"go.yaml.in/yaml/v3"
)

// This file is the YAML side of decoding: parsing a document, walking
// mappings with their merge keys and aliases under a budget, and naming
// nodes in messages. What the fields mean is declared elsewhere.

// maxNodes bounds the YAML nodes visited, counting every expansion of an
// alias, so that a small file of nested aliases cannot take unbounded time
// and memory.
const maxNodes = 200_000

// maxMergeDepth bounds merge keys (<<) that merge mappings that merge
// mappings, which also stops a mapping that merges itself.
const maxMergeDepth = 16

// parseYAML parses exactly one YAML document (internal/yamldoc).
func parseYAML(data []byte) (*yaml.Node, error) { return yamldoc.Parse(data) }

// syntaxError turns the YAML parser's error into an Error with a line.
func syntaxError(file string, err error) *Error {
	var de *yamldoc.ExtraDocumentError
	if errors.As(err, &de) {
		return &Error{File: file, Line: de.Line, Message: "the file holds more than one YAML document (---); put every setting in one"}
	}
	msg := err.Error()
	if m := regexp.MustCompile(`^yaml: line (\d+): (.*)$`).FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: file, Line: line, Message: "YAML syntax: " + m[2]}
	}
	return &Error{File: file, Message: "YAML syntax: " + strings.TrimPrefix(msg, "yaml: ")}
}

// visit counts a node against maxNodes and reports whether decoding may go on.
func (d *decoder) visit(n *yaml.Node) bool {
	if d.broken {
		return false
	}
	d.visited++
	if d.visited > maxNodes {
		d.broken = true
		d.errorf(n, "", "the file expands to more than %d values (through aliases); write it out more simply", maxNodes)
		return false
	}
	return true
}

// resolve follows aliases to the node they name.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && d.visit(n) {
		n = n.Alias
	}
	return n
}

type pair struct{ key, val *yaml.Node }

// pairs returns the key-value pairs of the mapping n, with merge keys (<<)
// expanded: a field written in the mapping wins over a merged one, and an
// earlier merged mapping wins over a later one, as YAML specifies.
func (d *decoder) pairs(n *yaml.Node, path string, depth int) []pair {
	var own, merged []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !d.visit(n.Content[i]) {
			return nil
		}
		k, v := d.resolve(n.Content[i]), n.Content[i+1]
		if k == nil || d.broken {
			return nil
		}
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, path, "a key must be a plain name, not %s", describe(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			merged = append(merged, d.merge(k, v, path, depth)...)
			continue
		}
		if first, ok := seen[k.Value]; ok {
			d.errorf(k, path, "field %q is given twice (first on line %d); keep one", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		own = append(own, pair{k, v})
	}
	for _, p := range merged {
		if _, ok := seen[p.key.Value]; !ok {
			seen[p.key.Value] = p.key
			own = append(own, p)
		}
	}
	return own
}

// merge returns the pairs that a merge key brings in: from one mapping or a
// list of mappings.
func (d *decoder) merge(k, v *yaml.Node, path string, depth int) []pair {
	if depth >= maxMergeDepth {
		d.errorf(k, path, "merge keys (<<) nest more than %d deep; does a mapping merge itself?", maxMergeDepth)
		d.broken = true
		return nil
	}
	r := d.resolve(v)
	if r == nil || d.broken {
		return nil
	}
	var maps []*yaml.Node
	switch r.Kind {
	case yaml.MappingNode:
		maps = []*yaml.Node{r}
	case yaml.SequenceNode:
		for _, item := range r.Content {
			m := d.resolve(item)
			if m == nil || d.broken {
				return nil
			}
			if m.Kind != yaml.MappingNode {
				d.errorf(item, path, "a merge key (<<) takes mappings, not %s", describe(m))
				return nil
			}
			maps = append(maps, m)
		}
	default:
		d.errorf(k, path, "a merge key (<<) takes a mapping or a list of mappings, not %s", describe(r))
		return nil
	}
	var out []pair
	for _, m := range maps {
		out = append(out, d.pairs(m, path, depth+1)...)
	}
	return out
}

// scalarText returns the text of a resolved scalar, trimmed; null is "".
func scalarText(r *yaml.Node) string {
	if isNull(r) {
		return ""
	}
	return strings.TrimSpace(r.Value)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// describe names a node's type for messages: "a list", "text "x"", …
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing (null)"
		case "!!bool":
			return "the boolean " + n.Value
		case "!!int", "!!float":
			return "the number " + n.Value
		}
		v := n.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		return fmt.Sprintf("text %q", v)
	}
	return "an alias"
}
