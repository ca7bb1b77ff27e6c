package ui

import (
	"bytes"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/http/assets"
	"github.com/hansei-dev/hansei/internal/http/httpx"
	"github.com/hansei-dev/hansei/internal/i18n"
)

// The web UI: server-rendered pages (html/template), one stylesheet and a
// little plain JavaScript, all embedded. Every page reads without
// JavaScript, and every form posts and redirects.

//go:embed templates/*.html
var templateFiles embed.FS

const (
	sessionCookie = "hansei_session"
	flashCookie   = "hansei_flash"
	// maxFormBody bounds a form post; a postmortem section is the largest.
	maxFormBody = 1 << 20
)

// Handler serves the pages: sessions, CSRF, templates. Every page handler
// reads its form, calls app and renders a template.
type Handler struct {
	app         *app.App
	scales      hansei.Scales
	log         *slog.Logger
	now         func() time.Time
	cats        *i18n.Catalogs
	pages       pages
	crossOrigin *http.CrossOriginProtection
	streams     Streams
}

// Streams serves the live event streams (internal/live) to the caller
// whose credential auth reads.
type Streams interface {
	Incident(auth func(*http.Request) (app.Credential, error), challenge string) http.Handler
}

// New returns the pages' handlers, speaking the built-in languages until
// SetCatalogs gives them the deployment's.
func New(a *app.App, scales hansei.Scales, log *slog.Logger, now func() time.Time, streams Streams) (*Handler, error) {
	pg, err := parsePages(assets.Versions())
	if err != nil {
		return nil, err
	}
	cats, err := i18n.Builtin()
	if err != nil {
		return nil, err
	}
	return &Handler{app: a, scales: scales, log: log, now: now, cats: cats, pages: pg,
		crossOrigin: http.NewCrossOriginProtection(), streams: streams}, nil
}

// SetCatalogs gives the pages the deployment's languages (the built-in
// ones and those the config adds). Call it before serving.
func (s *Handler) SetCatalogs(c *i18n.Catalogs) { s.cats = c }

// uiHandler serves a page for a signed-in viewer and returns an error
// instead of writing one; the ui adapter turns it into a page or, after a
// form post, a message on the page the form came from.
type uiHandler func(w http.ResponseWriter, r *http.Request, v *viewer) error

// pages holds one template set per page: the layout, the shared partials
// and the page's own "content".
type pages map[string]*template.Template

func parsePages(versions map[string]string) (pages, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	var shared []string
	for _, n := range names {
		if strings.HasPrefix(n, "templates/_") {
			shared = append(shared, n)
		}
	}
	out := pages{}
	for _, n := range names {
		if strings.HasPrefix(n, "templates/_") {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		t, err := template.New(name).Funcs(assets.Funcs(versions)).ParseFS(templateFiles, append(shared, n)...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// view is what every page template gets: the viewer, the page's title and
// flash message, and the page's own data in D.
type view struct {
	V     *viewer
	Title string
	Flash *flash
	Nav   string
	D     any
}

type flash struct {
	Error bool   `json:"e,omitempty"`
	Text  string `json:"t"`
}

// render writes a page. It renders into a buffer first so that a template
// error becomes an error page, not half a page.
func (s *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, vw view) error {
	t := s.pages[name]
	if t == nil {
		return fmt.Errorf("no page template %q", name)
	}
	if vw.Flash == nil {
		vw.Flash = takeFlash(w, r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", vw); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
	w.WriteHeader(status)
	return httpx.Sent(w.Write(buf.Bytes()))
}

// ui adapts a page handler: it needs a session (a GET without one is sent
// to sign in), checks the CSRF token of every form post and renders errors.
func (s *Handler) ui(h uiHandler) http.Handler {
	return s.crossOrigin.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := s.sessionViewer(r)
		if err != nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.uiError(w, r, s.anonymousViewer(r), err)
			return
		}
		v.Path = r.URL.RequestURI()
		// ?lang= shows a page in another language without changing the
		// user's setting, as on the public page.
		if lang, ok := s.cats.Lookup(r.URL.Query().Get("lang")); ok {
			v.setLang(lang)
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
			if err := r.ParseForm(); err != nil {
				s.uiError(w, r, v, httpx.BodyError(err))
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(v.CSRF)) != 1 {
				s.uiError(w, r, v, s.pageErr(hansei.EFORBIDDEN, "", "error.form_expired"))
				return
			}
		}
		if err := h(w, r, v); err != nil {
			s.uiError(w, r, v, err)
		}
	}))
}

// public adapts a page that needs no session (sign-in).
func (s *Handler) public(h uiHandler) http.Handler {
	return s.crossOrigin.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.anonymousViewer(r)
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
			if err := r.ParseForm(); err != nil {
				s.uiError(w, r, v, httpx.BodyError(err))
				return
			}
		}
		if err := h(w, r, v); err != nil {
			s.uiError(w, r, v, err)
		}
	}))
}

// uiError shows an error. After a form post it goes back to the page the
// form was on with the message on top, so the viewer keeps their place;
// otherwise it renders an error page with the right status.
func (s *Handler) uiError(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	if httpx.ClientGone(r, err) {
		// The page was sent in part and the browser left (a closed tab,
		// an aborted fetch of the live parts): nothing to answer.
		s.log.Debug("client went away", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	status := httpx.StatusOf(err)
	if status >= 500 {
		s.log.Error("page failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	msg := v.errorText(err)
	httpx.SetRetryAfter(w, err)
	if r.Method == http.MethodPost && status < 500 && status != http.StatusForbidden {
		if back := backURL(r); back != "" {
			setFlash(w, flash{Error: true, Text: msg})
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
	}
	vw := view{V: v, Title: v.T("page.error.title"), D: errorPage{Status: status, Message: msg, SignIn: status == http.StatusUnauthorized}}
	if rerr := s.render(w, r, status, "error", vw); httpx.ClientGone(r, rerr) {
		s.log.Debug("client went away", "method", r.Method, "path", r.URL.Path, "err", rerr)
	} else if rerr != nil { // the template failed: nothing was written yet
		s.log.Error("error page failed", "err", rerr)
		http.Error(w, msg, status)
	}
}

type errorPage struct {
	Status  int
	Message string
	SignIn  bool
}

// backURL is where a form post returns to: the form's "back" field or the
// page it was posted from, and only ever a path on this server
// (httpx.LocalRedirect).
func backURL(r *http.Request) string {
	if b, ok := httpx.LocalRedirect(r.PostForm.Get("back")); ok {
		return b
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
		if b, ok := httpx.LocalRedirect(ref.RequestURI()); ok {
			return b
		}
	}
	return ""
}

// redirect ends a successful form post (post, redirect, get), with an
// optional message for the next page.
func redirect(w http.ResponseWriter, r *http.Request, to, message string) error {
	if message != "" {
		setFlash(w, flash{Text: message})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func setFlash(w http.ResponseWriter, f flash) {
	b, _ := json.Marshal(f)
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b),
		Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	var f flash
	if err != nil || json.Unmarshal(b, &f) != nil || f.Text == "" {
		return nil
	}
	return &f
}

// sessionViewer reads the session cookie.
func (s *Handler) sessionViewer(r *http.Request) (*viewer, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, s.pageErr(hansei.EUNAUTHORIZED, "", "error.not_signed_in")
	}
	u, sess, err := s.app.Users.Session(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	return s.newViewer(u, sess.CSRF), nil
}

func (s *Handler) newViewer(u hansei.User, csrf string) *viewer {
	loc, err := time.LoadLocation(u.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	v := &viewer{User: u, Loc: loc, CSRF: csrf, s: s, Now: s.now()}
	v.setLang(s.cats.Match(u.Language))
	return v
}

// anonymousViewer is a visitor who is not signed in: the language comes
// from ?lang=, else the browser's Accept-Language (by quality), else
// English; times are in UTC.
func (s *Handler) anonymousViewer(r *http.Request) *viewer {
	v := &viewer{Loc: time.UTC, s: s, Now: s.now()}
	v.setLang(s.cats.Negotiate(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"), "en"))
	return v
}

// setSessionCookie gives the browser its new session.
func setSessionCookie(w http.ResponseWriter, r *http.Request, sess hansei.Session) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.Token, Path: "/",
		Expires: sess.ExpiresAt, HttpOnly: true, Secure: secureRequest(r), SameSite: http.SameSiteLaxMode})
}

func (s *Handler) endSession(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.app.Users.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: secureRequest(r), SameSite: http.SameSiteLaxMode})
	return nil
}

// secureRequest tells whether the browser reached us over HTTPS, directly
// or through a proxy that says so; only then may a cookie be Secure.
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// assets serves the embedded stylesheet and script. Their URLs carry a
// hash of the content, so they can be cached for a year.

// sessionCredential is the session cookie an event stream presents
// (EventSource cannot send an Authorization header), unchecked: the
// stream has app check it before each delivery.
func sessionCredential(r *http.Request) (app.Credential, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return app.Credential{}, hansei.Errorf(hansei.EUNAUTHORIZED, "you are not signed in; sign in and try again")
	}
	return app.Credential{Session: c.Value}, nil
}
