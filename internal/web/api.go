package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	hansei "github.com/hansei-dev/hansei"
)

// MaxBody is the largest request body the API accepts.
const MaxBody = 1 << 20

// apiHandler handles an authenticated API request and returns an error
// instead of writing one; the adapter turns the error into the JSON error
// contract.
type apiHandler func(w http.ResponseWriter, r *http.Request, u hansei.User) error

// stream adapts a streaming apiHandler: as api, but it authenticates on a
// goroutine of its own (see shallow), and streams take no Idempotency-Key.
func (s *Server) stream(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var (
			u   hansei.User
			err error
		)
		shallow(func() { u, err = s.authenticate(r) })
		if err == nil {
			err = h(w, r, u)
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer realm="hansei"`)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

// api adapts an apiHandler: it authenticates the caller, honours
// Idempotency-Key on mutating requests and writes errors as JSON.
func (s *Server) api(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.authenticate(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="hansei"`)
			s.writeError(w, r, err)
			return
		}
		key := r.Header.Get("Idempotency-Key")
		if key == "" || r.Method == http.MethodGet || r.Method == http.MethodHead {
			if err := h(w, r, u); err != nil {
				s.writeError(w, r, err)
			}
			return
		}
		if err := s.idempotent(w, r, u, key, h); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// idempotent runs h once per (user, key), recording its response in the
// same transaction as the change it makes.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, u hansei.User, key string, h apiHandler) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		return bodyError(err)
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "%s %s\n", r.Method, r.URL.RequestURI())
	sum.Write(body)
	hash := hex.EncodeToString(sum.Sum(nil))
	resp, replayed, err := s.app.Requests.Idempotent(r.Context(), u, key, hash, func(ctx context.Context) (hansei.StoredResponse, error) {
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		req := r.WithContext(ctx)
		req.Body = io.NopCloser(bytes.NewReader(body))
		if err := h(rec, req, u); err != nil {
			return hansei.StoredResponse{}, err
		}
		return hansei.StoredResponse{Status: rec.status, ContentType: rec.header.Get("Content-Type"), Body: rec.body.Bytes()}, nil
	})
	if err != nil {
		return err
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	if resp.ContentType != "" {
		w.Header().Set("Content-Type", resp.ContentType)
	}
	w.WriteHeader(resp.Status)
	w.Write(resp.Body)
	return nil
}

// recorder buffers a response so that it can be stored before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header         { return rec.header }
func (rec *recorder) Write(b []byte) (int, error) { return rec.body.Write(b) }
func (rec *recorder) WriteHeader(status int)      { rec.status = status }

func (s *Server) authenticate(r *http.Request) (hansei.User, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if h == "" || !ok || strings.TrimSpace(token) == "" {
		return hansei.User{}, hansei.Errorf(hansei.EUNAUTHORIZED, "send an API token as \"Authorization: Bearer <token>\"; `hansei users add NAME --role responder` prints one")
	}
	return s.app.Users.ByToken(r.Context(), strings.TrimSpace(token))
}

// errorBody is the JSON error contract.
type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// statusError carries an HTTP status that no domain code maps to, such as
// 413 for a body over the limit.
type statusError struct {
	status int
	err    *hansei.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

func statusOf(err error) int {
	var se *statusError
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
	}
	return http.StatusInternalServerError
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var body errorBody
	body.Error.Code = hansei.ErrorCode(err)
	body.Error.Message = hansei.ErrorMessage(err)
	body.Error.Fields = hansei.ErrorFields(err)
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// decodeJSON reads a JSON object into v, strictly: unknown fields, wrong
// types, trailing data and bodies over MaxBody are refused with the field
// named. An empty body is an empty object when allowEmpty is set.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any, allowEmpty bool) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		if allowEmpty {
			return nil
		}
		return hansei.FieldError("body", "the request body is empty; send a JSON object with the fields %s", fieldList(v))
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
		return bodyError(err)
	case errors.As(err, &syntax):
		return hansei.FieldError("body", "the request body is not valid JSON (at byte %d: %s)", syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return hansei.FieldError("body", "the request body is cut short: the JSON object is not complete")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return hansei.FieldError("body", "the request body must be a JSON object with the fields %s, not a %s", fieldList(v), typeErr.Value)
		}
		return hansei.FieldError(field, "%s must be %s, not %s", field, describeType(typeErr.Type), typeErr.Value)
	case errors.As(err, &unmarshal):
		return err
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return hansei.FieldError(name, "unknown field %q; the fields are %s", name, fieldList(v))
	}
	return hansei.FieldError("body", "the request body could not be read: %v", err)
}

func bodyError(err error) error {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return &statusError{status: http.StatusRequestEntityTooLarge,
			err: hansei.FieldError("body", "the request body is over the limit of %d bytes", MaxBody)}
	}
	return hansei.FieldError("body", "the request body could not be read: %v", err)
}

// fieldList names the JSON fields of the struct v points to.
func fieldList(v any) string {
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

// incidentNumber reads {n} from the path. "INC-42" is taken as 42.
func incidentNumber(r *http.Request) (int64, error) {
	raw := strings.TrimPrefix(strings.ToUpper(r.PathValue("n")), "INC-")
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		return 0, hansei.FieldError("n", "incident number %q is not valid; use a positive number such as 42 (for INC-42)", r.PathValue("n"))
	}
	return n, nil
}

// queryInt reads an optional non-negative integer query parameter.
func queryInt(r *http.Request, name string, def int64) (int64, error) {
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

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	return hansei.Errorf(hansei.ENOTFOUND, "no API route %s %s; see docs/api.md for the routes", r.Method, r.URL.Path)
}
