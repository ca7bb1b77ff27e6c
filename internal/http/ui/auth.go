package ui

import (
	"net/http"

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
	return s.render(w, r, http.StatusOK, "signin", view{V: v, Title: v.T("common.sign_in"),
		D: signinPage{Next: r.URL.Query().Get("next")}})
}

func (s *Handler) signin(w http.ResponseWriter, r *http.Request, v *viewer) error {
	name, next := r.PostForm.Get("name"), r.PostForm.Get("next")
	_, sess, err := s.app.Users.SignIn(r.Context(), name, r.PostForm.Get("password"))
	if err != nil {
		if hansei.ErrorCode(err) != hansei.EUNAUTHORIZED {
			return err
		}
		return s.render(w, r, http.StatusUnauthorized, "signin", view{V: v, Title: v.T("common.sign_in"),
			Flash: &flash{Error: true, Text: v.T("flash.signin_refused")},
			D:     signinPage{Next: next, Name: name}})
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
	u, sess, err := s.app.Users.SignInWithLink(r.Context(), r.PostForm.Get("token"))
	if err != nil {
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

// nextURL is where to go after signing in: a local path, or the incidents.
func nextURL(next string) string {
	if localPath(next) {
		return next
	}
	return "/incidents"
}
