package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// ErrorBody is the JSON error contract.
type ErrorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
		// Conflicts: a postmortem save refused for sections someone
		// else changed since its base version, with both texts.
		Conflicts []hansei.SectionConflict `json:"conflicts,omitempty"`
	} `json:"error"`
}

// StatusError carries an HTTP status that no domain code maps to, such as
// 413 for a body over the limit.
type StatusError struct {
	status int
	err    *hansei.Error
}

func (e *StatusError) Error() string { return e.err.Error() }
func (e *StatusError) Unwrap() error { return e.err }

// CodeTooManyRequests is the error code of a 429: the caller is over a
// limit of theirs, such as the live streams one user may hold open.
const CodeTooManyRequests = "too_many_requests"

// TooManyRequests refuses a caller over a limit of theirs with 429 and a
// message that says which limit and what to do.
func TooManyRequests(format string, args ...any) error {
	return &StatusError{status: http.StatusTooManyRequests, err: hansei.Errorf(CodeTooManyRequests, format, args...)}
}

// StatusOf is the HTTP status of an error: its domain code's, or the
// status a StatusError carries; anything else is a 500.
func StatusOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.status
	}
	switch hansei.ErrorCode(err) {
	case hansei.EINVALID:
		return http.StatusBadRequest
	case hansei.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case hansei.EFORBIDDEN:
		return http.StatusForbidden
	case hansei.ENOTFOUND:
		return http.StatusNotFound
	case hansei.ECONFLICT:
		return http.StatusConflict
	case hansei.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	case hansei.ELIMITED:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// clientGone is a failure to send a response whose head was already
// written: the client went away (closed the tab, aborted a fetch, ended a
// stream). It is not the server's fault, and nothing more can be sent: a
// second head would be net/http's "superfluous WriteHeader".
type clientGone struct{ err error }

func (e *clientGone) Error() string { return "client went away: " + e.err.Error() }
func (e *clientGone) Unwrap() error { return e.err }

// Sent returns a write's error, if any, as a ClientGone error; a
// ResponseWriter's Write after the head fails only when the client left.
func Sent(_ int, err error) error {
	if err == nil {
		return nil
	}
	return &clientGone{err}
}

// ClientGone tells whether err is a response that could not be sent
// because the client went away, or work given up because the request was
// (net/http cancels a request's context when its client closes the
// connection); such an error is logged at DEBUG only, and answered with
// nothing.
func ClientGone(r *http.Request, err error) bool {
	var e *clientGone
	return errors.As(err, &e) || (r.Context().Err() != nil && errors.Is(err, context.Canceled))
}

// WriteError answers with the JSON error contract; only internal errors
// are logged, with their cause. A response that failed because the client
// went away is logged at DEBUG, and nothing is written.
func WriteError(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	if ClientGone(r, err) {
		log.Debug("client went away", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	status := StatusOf(err)
	if status >= 500 {
		log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	SetRetryAfter(w, err)
	var body ErrorBody
	body.Error.Code = hansei.ErrorCode(err)
	body.Error.Message = hansei.ErrorMessage(err)
	body.Error.Fields = hansei.ErrorFields(err)
	body.Error.Conflicts = hansei.ErrorConflicts(err)
	WriteJSON(w, status, body)
}

// SetRetryAfter sends Retry-After, in whole seconds rounded up, when err
// says how long to wait (a 429).
func SetRetryAfter(w http.ResponseWriter, err error) {
	if d := hansei.RetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10))
	}
}
