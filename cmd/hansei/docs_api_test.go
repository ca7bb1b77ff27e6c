package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hansei-dev/hansei/client"
)

// apiExample is one example response of docs/api.md and the request the
// marker line before it names.
type apiExample struct {
	line         int
	method, path string
	body         string // the request body, if any
	item         int    // ≥ 0: the example is items[item] of a list
	example      any
}

var exampleMarker = regexp.MustCompile(`^<!-- example: (GET|POST|PATCH|PUT|DELETE) (\S+)(?: (\{.*?\}))?(?: \| items\.(\d+))? -->$`)

// apiExamples reads the examples of docs/api.md: each ```json block right
// after a marker line.
func apiExamples(t *testing.T) []apiExample {
	t.Helper()
	f, err := os.Open("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		out  []apiExample
		cur  *apiExample
		text strings.Builder
		in   bool
		n    int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case in && line == "```":
			if err := json.Unmarshal([]byte(text.String()), &cur.example); err != nil {
				t.Fatalf("docs/api.md:%d: the example after the marker is not JSON: %v", cur.line, err)
			}
			out, cur, in = append(out, *cur), nil, false
			text.Reset()
		case in:
			text.WriteString(line + "\n")
		case cur != nil && line == "```json":
			in = true
		case cur != nil:
			t.Fatalf("docs/api.md:%d: the example marker is not followed by a ```json block", cur.line)
		default:
			if m := exampleMarker.FindStringSubmatch(line); m != nil {
				cur = &apiExample{line: n, method: m[1], path: m[2], body: m[3], item: -1}
				if m[4] != "" {
					cur.item, _ = strconv.Atoi(m[4])
				}
			} else if strings.HasPrefix(line, "<!-- example") {
				t.Fatalf("docs/api.md:%d: %q is not an example marker (<!-- example: METHOD PATH [BODY] [| items.N] -->)", n, line)
			}
		}
	}
	return out
}

// TestAPIDocsExamples: every example response in docs/api.md is what the
// running server answers to the request its marker names: each field the
// example shows is in the answer (at every depth the example goes to),
// and the answer has no top-level field that the example leaves out.
func TestAPIDocsExamples(t *testing.T) {
	examples := apiExamples(t)
	if len(examples) < 3 {
		t.Fatalf("docs/api.md has %d example markers; the incident, component and error examples have one each", len(examples))
	}
	eachDB(t, func(t *testing.T, dsn string) { checkAPIDocsExamples(t, dsn, examples) })
}

func checkAPIDocsExamples(t *testing.T, dsn string, examples []apiExample) {
	srv := startServer(t, dsn)
	srv.addUser(t, "bob", "responder")
	srv.addUser(t, "dave", "responder")
	ctx := context.Background()
	admin := srv.client(srv.AdminToken)
	// What the examples show: incident 1, identified, with a commander, a
	// scribe and a component.
	if _, err := admin.Declare(ctx, client.DeclareRequest{Title: "Checkout failing", Severity: "SEV1", Services: []string{"checkout"}}); err != nil {
		t.Fatal(err)
	}
	for _, req := range []client.Request{
		{Method: "POST", Path: "/api/v1/incidents/1/roles", Body: []byte(`{"role": "scribe", "user": "dave"}`)},
		{Method: "POST", Path: "/api/v1/incidents/1/status", Body: []byte(`{"status": "identified"}`)},
		{Method: "POST", Path: "/api/v1/components", Body: []byte(`{"key": "checkout-api", "name": "Checkout", "group": "Shop", "services": ["checkout", "payments"]}`)},
		{Method: "POST", Path: "/api/v1/incidents/1/components", Body: []byte(`{"components": ["checkout-api"]}`)},
	} {
		if _, err := admin.Do(ctx, req); err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.Path, err)
		}
	}
	for _, ex := range examples {
		req := client.Request{Method: ex.method, Path: ex.path}
		if ex.body != "" {
			req.Body = []byte(ex.body)
		}
		resp, err := admin.Do(ctx, req)
		var raw []byte
		switch e := err.(type) {
		case nil:
			raw = resp.Body
		case *client.Error: // an example of the error contract
			raw, _ = json.Marshal(map[string]any{"error": e})
		default:
			t.Fatalf("docs/api.md:%d: %s %s: %v", ex.line, ex.method, ex.path, err)
		}
		var got any
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("docs/api.md:%d: %s %s answers no JSON: %v", ex.line, ex.method, ex.path, err)
		}
		if ex.item >= 0 {
			items, _ := got.(map[string]any)["items"].([]any)
			if len(items) <= ex.item {
				t.Fatalf("docs/api.md:%d: %s %s has no items.%d: %s", ex.line, ex.method, ex.path, ex.item, raw)
			}
			got = items[ex.item]
		}
		where := "docs/api.md:" + strconv.Itoa(ex.line) + " (" + ex.method + " " + ex.path + ")"
		for _, f := range missingFields(ex.example, got, "") {
			t.Errorf("%s: the example shows %s, which the API does not return", where, f)
		}
		if want, ok := ex.example.(map[string]any); ok {
			for k := range got.(map[string]any) {
				if _, ok := want[k]; !ok {
					t.Errorf("%s: the API returns %q, which the example leaves out", where, k)
				}
			}
		}
	}
}

// missingFields lists the fields of want, by path, that got lacks: in
// objects at every depth, and in the first element of lists.
func missingFields(want, got any, path string) []string {
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			if got == nil {
				return nil // an optional object absent here (null)
			}
			return []string{path + " as an object"}
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				out = append(out, path+"."+k)
				continue
			}
			out = append(out, missingFields(w[k], gv, path+"."+k)...)
		}
	case []any:
		if g, ok := got.([]any); ok && len(w) > 0 && len(g) > 0 {
			out = append(out, missingFields(w[0], g[0], path+"[0]")...)
		}
	}
	return out
}
