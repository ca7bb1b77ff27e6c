package ui

import (
	"net/http"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// Sign-in: a password, or a one-time link printed by `hansei users link`.
// Either starts a session (ui.go); sign-out ends it.

type signinPage struct {
	Next, Name string
}

func (s *Handler) signinForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if sv, err := s.sessionViewer(r); err == nil && sv.SignedIn() {
		return redirect(w, r, nextURL(r.URL.Query().Get("next")), "")
	}
	// The form carries next on only if it is a path here: the post
	// checks it again, but a page should not hold a link away.
	next, _ := httpx.LocalRedirect(r.URL.Query().Get("next"))
	return s.render(w, r, http.StatusOK, "signin", view{V: v, Title: v.T("common.sign_in"),
		D: signinPage{Next: next}})
}

func (s *Handler) signin(w http.ResponseWriter, r *http.Request, v *viewer) error {
	name := r.PostForm.Get("name")
	next, _ := httpx.LocalRedirect(r.PostForm.Get("next"))
	_, sess, err := s.app.Users.SignIn(r.Context(), httpx.ClientAddr(r), name, r.PostForm.Get("password"))
	if err != nil {
		text := ""
		switch hansei.ErrorCode(err) {
		case hansei.EUNAUTHORIZED:
			text = v.T("flash.signin_refused")
		case hansei.ELIMITED:
			httpx.SetRetryAfter(w, err)
			text = v.T("flash.signin_limited", "At", tryAgainAt(v.Now, hansei.RetryAfter(err)))
		default:
			return err
		}
		return s.render(w, r, httpx.StatusOf(err), "signin", view{V: v, Title: v.T("common.sign_in"),
			Flash: &flash{Error: true, Text: text}, D: signinPage{Next: next, Name: name}})
	}
	setSessionCookie(w, r, sess)
	return redirect(w, r, nextURL(next), "")
}

// signinLinkForm shows a button instead of signing in on GET, so that a
// chat app's link preview cannot use up the one-time link.
func (s *Handler) signinLinkForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.render(w, r, http.StatusOK, "signin_link", view{V: v, Title: v.T("common.sign_in"),
		D: struct{ Token string }{r.URL.Query().Get("token")}})
}

func (s *Handler) signinLink(w http.ResponseWriter, r *http.Request, v *viewer) error {
	u, sess, err := s.app.Users.SignInWithLink(r.Context(), httpx.ClientAddr(r), r.PostForm.Get("token"))
	if err != nil {
		httpx.SetRetryAfter(w, err)
		return s.render(w, r, httpx.StatusOf(err), "error", view{V: v, Title: v.T("common.sign_in"),
			D: errorPage{Status: httpx.StatusOf(err), Message: v.errorText(err), SignIn: true}})
	}
	setSessionCookie(w, r, sess)
	return redirect(w, r, "/incidents", v.T("flash.signed_in_set_password", "User", u.Name))
}

func (s *Handler) signout(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if err := s.endSession(w, r); err != nil {
		return err
	}
	return redirect(w, r, "/signin", v.T("flash.signed_out"))
}

// nextURL is where to go after signing in: a path on this server
// (httpx.LocalRedirect), or the incidents.
func nextURL(next string) string {
	if to, ok := httpx.LocalRedirect(next); ok {
		return to
	}
	return "/incidents"
}

// tryAgainAt is when a refused sign-in can work again, as a time of day in
// UTC (the sign-in page knows no time zone), rounded up to the minute.
func tryAgainAt(now time.Time, after time.Duration) string {
	return now.Add(after).UTC().Add(time.Minute - time.Nanosecond).Truncate(time.Minute).Format("15:04")
}
