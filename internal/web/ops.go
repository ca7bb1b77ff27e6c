package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// page adapts a handler that returns an error for the non-API endpoints:
// errors become a short plain-text answer.
func (s *Server) page(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			status := statusOf(err)
			if status >= 500 {
				s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			http.Error(w, hansei.ErrorMessage(err), status)
		}
	})
}

// healthz says the process is alive; it touches nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// readyz says the server can serve: its database answers.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		http.Error(w, "not ready: the database does not answer", http.StatusServiceUnavailable)
		return nil
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ready")
	return nil
}

// index is the landing page until the web UI lands: it says what is here.
func (s *Server) index(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return s.indexTmpl.Execute(w, s.scales)
}

// indexHTML is parsed once per server in New.
const indexHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hansei</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2126}
code{background:#eef1f4;padding:0 .25em}dt{font-weight:600;margin-top:.6rem}</style></head>
<body><h1>hansei</h1>
<p>Incident response and learning. The JSON API is at <code>/api/v1</code>; the command line speaks to it:</p>
<pre><code>export HANSEI_URL=http://127.0.0.1:8080 HANSEI_TOKEN=…
hansei incident declare --severity SEV2 "Checkout failing"</code></pre>
<h2>Severity</h2><dl>{{range .Severity.Levels}}<dt>{{.Key}} — {{.Name}}</dt><dd>{{.Definition}}<br><small>{{.Response}}</small></dd>{{end}}</dl>
<h2>Priority</h2><dl>{{range .Priority.Levels}}<dt>{{.Key}} — {{.Name}}</dt><dd>{{.Definition}}</dd>{{end}}</dl>
</body></html>`
