package httpx

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Routes is a package's whole HTTP surface: ServeMux patterns and their
// handlers. Each package lists its own in its routes.go; the composition
// root lists every pattern once more, on one screen, and Mount checks
// that the two agree.
type Routes map[string]http.Handler

// Mount registers the patterns listed, each from routes, and fails if a
// listed pattern has no handler or a handler is not listed: a route can
// neither vanish nor appear without the route list saying so.
func Mount(mux interface{ Handle(string, http.Handler) }, routes Routes, patterns ...string) error {
	var missing []string
	for _, p := range patterns {
		h, ok := routes[p]
		if !ok {
			missing = append(missing, p)
			continue
		}
		mux.Handle(p, h)
	}
	var unlisted []string
	for p := range routes {
		if !slices.Contains(patterns, p) {
			unlisted = append(unlisted, p)
		}
	}
	slices.Sort(unlisted)
	switch {
	case len(missing) > 0:
		return fmt.Errorf("routes listed but not served: %s", strings.Join(missing, ", "))
	case len(unlisted) > 0:
		return fmt.Errorf("routes served but not listed in the route list: %s", strings.Join(unlisted, ", "))
	}
	return nil
}
