package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	hansei "github.com/hansei-dev/hansei"
)

// MaxBody is the largest request body the API accepts.
const MaxBody = 1 << 20

// WriteJSON answers with v as JSON, never cached. v is encoded before
// anything is sent, so an encoding failure can still be answered with an
// error; a failure to send (the client went away) is a ClientGone error.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return Sent(w.Write(buf.Bytes()))
}

// DecodeJSON reads a JSON object into v, strictly: unknown fields, wrong
// types, trailing data and bodies over MaxBody are refused with the field
// named. An empty body is an empty object when allowEmpty is set.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any, allowEmpty bool) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		if allowEmpty {
			return nil
		}
		return hansei.FieldError("body", "the request body is empty; send a JSON object with the fields %s", FieldList(v))
	}
	if err == nil && dec.More() {
		return hansei.FieldError("body", "the request body has data after the JSON object; send exactly one object")
	}
	if err == nil {
		return nil
	}
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		maxErr    *http.MaxBytesError
		unmarshal *json.InvalidUnmarshalError
	)
	switch {
	case errors.As(err, &maxErr):
		return BodyError(err)
	case errors.As(err, &syntax):
		return hansei.FieldError("body", "the request body is not valid JSON (at byte %d: %s)", syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return hansei.FieldError("body", "the request body is cut short: the JSON object is not complete")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return hansei.FieldError("body", "the request body must be a JSON object with the fields %s, not a %s", FieldList(v), typeErr.Value)
		}
		return hansei.FieldError(field, "%s must be %s, not %s", field, describeType(typeErr.Type), typeErr.Value)
	case errors.As(err, &unmarshal):
		return err
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return hansei.FieldError(name, "unknown field %q; the fields are %s", name, FieldList(v))
	}
	return hansei.FieldError("body", "the request body could not be read: %v", err)
}

func BodyError(err error) error {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return &StatusError{status: http.StatusRequestEntityTooLarge,
			err: hansei.FieldError("body", "the request body is over the limit of %d bytes", MaxBody)}
	}
	return hansei.FieldError("body", "the request body could not be read: %v", err)
}

// FieldList names the JSON fields of the struct v points to.
func FieldList(v any) string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return "(none)"
	}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(describeType(t.Elem()), "a ") + "s"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.String()
}

// NonNil is list, or an empty list for nil, which JSON writes as [].
func NonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
