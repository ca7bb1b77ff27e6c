package httpx

import "net/http"

// StatusWriter remembers the status code written through it, for the
// metrics of whatever listener serves the request.
type StatusWriter struct {
	http.ResponseWriter
	Status int
}

// WriteHeader notes the first status written.
func (sw *StatusWriter) WriteHeader(code int) {
	if sw.Status == 0 {
		sw.Status = code
	}
	sw.ResponseWriter.WriteHeader(code)
}

// Write notes an implicit 200.
func (sw *StatusWriter) Write(b []byte) (int, error) {
	if sw.Status == 0 {
		sw.Status = http.StatusOK
	}
	return sw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush for streams.
func (sw *StatusWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

// Outcome is what the metrics record of a served request: the route
// pattern that matched it ("unmatched" if none did) and its status (200
// if the handler wrote nothing).
func (sw *StatusWriter) Outcome(r *http.Request) (route string, status int) {
	route, status = r.Pattern, sw.Status
	if route == "" {
		route = "unmatched"
	}
	if status == 0 {
		status = http.StatusOK
	}
	return route, status
}
