package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/http/httpx"
	"github.com/hansei-dev/hansei/internal/i18n"
)

// Handler serves the JSON API (../shared/DESIGN.md §4): every handler
// decodes its input, calls app and encodes the answer.
type Handler struct {
	app     *app.App
	scales  hansei.Scales
	log     *slog.Logger
	now     func() time.Time
	streams Streams
	// cats print what the API writes as prose (the Markdown export) in
	// the caller's language.
	cats *i18n.Catalogs
}

// Streams serves the live event streams (internal/live) to the caller
// whose credential auth reads; a refusal carries challenge as
// WWW-Authenticate.
type Streams interface {
	Incident(auth func(*http.Request) (app.Credential, error), challenge string) http.Handler
	All(auth func(*http.Request) (app.Credential, error), challenge string) http.Handler
}

// New returns the API's handlers.
func New(a *app.App, scales hansei.Scales, log *slog.Logger, now func() time.Time, streams Streams) *Handler {
	return &Handler{app: a, scales: scales, log: log, now: now, streams: streams, cats: i18n.MustBuiltin()}
}

// SetCatalogs gives the API the deployment's languages. Call it before
// serving.
func (s *Handler) SetCatalogs(c *i18n.Catalogs) { s.cats = c }

// printer prints in the language of a request: ?lang= where a catalog
// speaks it, else the token user's setting, else English.
func (s *Handler) printer(r *http.Request, u hansei.User) *i18n.Printer {
	if lang, ok := s.cats.Lookup(r.URL.Query().Get("lang")); ok {
		return s.cats.Printer(lang)
	}
	return s.cats.Printer(s.cats.Match(u.Language))
}

// apiHandler handles an authenticated API request and returns an error
// instead of writing one; the adapter turns the error into the JSON error
// contract.
type apiHandler func(w http.ResponseWriter, r *http.Request, u hansei.User) error

// bearer is the challenge of a refused request.
const bearer = `Bearer realm="hansei"`

// api adapts an apiHandler: it authenticates the caller, honours
// Idempotency-Key on mutating requests and writes errors as JSON.
func (s *Handler) api(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.authenticate(r)
		if err != nil {
			if hansei.ErrorCode(err) == hansei.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", bearer)
			}
			httpx.WriteError(s.log, w, r, err)
			return
		}
		key := r.Header.Get("Idempotency-Key")
		if key == "" || r.Method == http.MethodGet || r.Method == http.MethodHead {
			if err := h(w, r, u); err != nil {
				httpx.WriteError(s.log, w, r, err)
			}
			return
		}
		if err := s.idempotent(w, r, u, key, h); err != nil {
			httpx.WriteError(s.log, w, r, err)
		}
	})
}

// idempotent runs h once per (user, key), recording its response in the
// same transaction as the change it makes.
func (s *Handler) idempotent(w http.ResponseWriter, r *http.Request, u hansei.User, key string, h apiHandler) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpx.MaxBody))
	if err != nil {
		return httpx.BodyError(err)
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

// authenticate reads the caller's API token; the limits on guessing
// count failures by the client address.
func (s *Handler) authenticate(r *http.Request) (hansei.User, error) {
	c, err := bearerToken(r)
	if err != nil {
		return hansei.User{}, err
	}
	return s.app.Users.Authenticate(r.Context(), c)
}

// bearerToken reads the API token a request presents, unchecked: the
// streams keep it and have app check it before each delivery.
func bearerToken(r *http.Request) (app.Credential, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if h == "" || !ok || strings.TrimSpace(token) == "" {
		return app.Credential{}, hansei.Errorf(hansei.EUNAUTHORIZED, "send an API token as \"Authorization: Bearer <token>\"; `hansei users add NAME --role responder` prints one")
	}
	return app.Credential{Token: strings.TrimSpace(token), From: httpx.ClientAddr(r)}, nil
}

func (s *Handler) apiNotFound(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	return hansei.Errorf(hansei.ENOTFOUND, "no API route %s %s; see docs/api.md for the routes", r.Method, r.URL.Path)
}
