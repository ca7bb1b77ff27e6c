package hansei

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. The web layer maps each to an HTTP status; the CLI prints the
// message. They are part of the API contract.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EFORBIDDEN    = "forbidden"
	EUNAUTHORIZED = "unauthorized"
	EINTERNAL     = "internal"
	// EUNPROCESSABLE: well-formed but not to be honoured as sent, such as an
	// Idempotency-Key reused for a different request (HTTP 422).
	EUNPROCESSABLE = "unprocessable"
	// ELIMITED: refused for now, without looking, because of too many
	// attempts (wrong passwords, unknown tokens); Error.RetryAfter says
	// when to try again (HTTP 429 with Retry-After).
	ELIMITED = "rate_limited"
)

// Error is a domain error whose message is safe to show to the user. Fields
// names the request fields at fault, with what was wrong about each.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	// RetryAfter, for ELIMITED, is how long until trying again can work.
	RetryAfter time.Duration
	// ID and Args say Message as a message by ID (error.field_required)
	// for a reader in another language; Message stays the English for
	// the API and logs. An error without an ID is shown as Message.
	ID   string
	Args map[string]any
	// Conflicts, for an ECONFLICT on a postmortem save, are the sections
	// changed on both sides, with both texts.
	Conflicts []SectionConflict
}

// MessageID is the error's message ID, or "" when it has none.
func (e *Error) MessageID() string { return e.ID }

// MessageArgs are the error's message arguments by name.
func (e *Error) MessageArgs() map[string]any { return e.Args }

// Says gives e a message ID and arguments (name and value pairs) that
// say its Message in any language, and returns e.
func (e *Error) Says(id string, args ...any) *Error {
	m := says(id, args...)
	e.ID, e.Args = m.ID, m.Args
	return e
}

// field is a request field's name in words: word.field.NAME, or the name.
func field(name string) Word { return Word{"field", name} }

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error that names the field at fault.
func FieldError(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}

// Limited returns an ELIMITED error: try again after after.
func Limited(after time.Duration, format string, args ...any) *Error {
	return &Error{Code: ELIMITED, Message: fmt.Sprintf(format, args...), RetryAfter: after}
}

// RetryAfter is how long err says to wait before trying again; 0 if it
// says nothing.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// ErrorCode returns the code of err, or EINTERNAL for errors that are not
// domain errors (they are bugs or infrastructure failures).
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err. Non-domain errors get a
// generic message: their cause belongs in the log, not in a response.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error: the server logged the cause; try again, and tell an admin if it persists."
}

// ErrorFields returns the per-field details of err, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// ErrorConflicts returns the sections a save conflicts on, if any.
func ErrorConflicts(err error) []SectionConflict {
	var e *Error
	if errors.As(err, &e) {
		return e.Conflicts
	}
	return nil
}
