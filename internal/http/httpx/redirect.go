package httpx

import (
	"net/url"
	"path"
	"strings"
)

// maxRedirectTarget bounds a target taken from a request; a page's own
// address is far shorter.
const maxRedirectTarget = 4096

// LocalRedirect is the one check of a redirect target that comes from a
// request (a sign-in form's next, a form's back, a Referer): it returns
// target, normalised, when it is a path on this host, and ok false
// otherwise, so that the caller sends the browser somewhere of its own.
//
// A browser does not read a Location as net/url does. It drops tabs and
// newlines wherever they are, reads a backslash as a slash, and takes a
// URL that starts with two slashes as another host: "/\t/evil.example",
// "/\evil.example" and "//evil.example" all leave the site. So a target is
// refused when it holds a control character, a space or a backslash, or
// any decoding of its percent-escapes holds a control character or a
// backslash (an escaped space, as in a search, is fine), when it or a
// decoding does not start with exactly one slash, and when net/url finds a
// scheme or a host in it.
func LocalRedirect(target string) (string, bool) {
	if target == "" || len(target) > maxRedirectTarget {
		return "", false
	}
	// Every form the target takes when decoded again (a proxy, a browser
	// or a later redirect may decode it once more) must be safe too.
	for s, i := target, 0; ; i++ {
		if !safeText(s, i > 0) || !singleSlash(s) {
			return "", false
		}
		d, err := url.PathUnescape(s)
		if err != nil && i == 0 {
			return "", false
		}
		if err != nil {
			// A literal % once decoded ("?q=100%25"): nothing more to
			// decode.
			break
		}
		if d == s {
			break
		}
		if i == 3 {
			// Four layers of escapes are not a page address.
			return "", false
		}
		s = d
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !singleSlash(u.Path) {
		return "", false
	}
	// Written again from its parts, so what the browser gets is what was
	// checked, and without dot segments, which a browser resolves
	// ("/.//evil.example" is the path "//evil.example" to it).
	p := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && p != "/" {
		p += "/"
	}
	out := (&url.URL{Path: p}).EscapedPath()
	if u.RawQuery != "" || u.ForceQuery {
		out += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	// Escaping lengthens it; what comes out must pass again.
	if len(out) > maxRedirectTarget || !safeText(out, false) || !singleSlash(out) {
		return "", false
	}
	return out, true
}

// safeText refuses what a browser drops or reads as a slash: control
// characters (tab, newline, NUL …) and backslashes; and spaces, unless
// space says they may be there.
func safeText(s string, space bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f || c == '\\' || c == ' ' && !space {
			return false
		}
	}
	return true
}

// singleSlash: a path that starts with one slash and not two.
func singleSlash(s string) bool {
	return strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//")
}
