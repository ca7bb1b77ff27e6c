package httpx

import (
	"net/http"
	"strconv"
	"strings"

	hansei "github.com/hansei-dev/hansei"
)

// ListResponse is a page of a list, as every list endpoint answers.
type ListResponse[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// IncidentNumber reads {n} from the path. "INC-42" is taken as 42.
func IncidentNumber(r *http.Request) (int64, error) {
	raw := strings.TrimPrefix(strings.ToUpper(r.PathValue("n")), "INC-")
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		return 0, hansei.FieldError("n", "incident number %q is not valid; use a positive number such as 42 (for INC-42)", r.PathValue("n"))
	}
	return n, nil
}

// QueryInt reads an optional non-negative integer query parameter.
func QueryInt(r *http.Request, name string, def int64) (int64, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, hansei.FieldError(name, "%s must be a non-negative whole number, not %q", name, raw)
	}
	return n, nil
}

// PathID reads a positive id from the path wildcard name; refusal is the
// message for anything else, with one %q for what was sent.
func PathID(r *http.Request, name, refusal string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, hansei.FieldError(name, refusal, r.PathValue(name))
	}
	return id, nil
}

// WhyID reads a why-tree node's id from the path.
func WhyID(r *http.Request) (int64, error) {
	return PathID(r, "id", "why id %q is not valid; use the number shown with the why")
}

// RemediationID reads a remediation's id from the path.
func RemediationID(r *http.Request) (int64, error) {
	return PathID(r, "id", "remediation id %q is not valid; use the number shown with it")
}
