package main

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/client"
)

// TestRestrictedLooksMissingOnEveryRoute walks the route table
// (internal/server/routes.go) and calls every route that names an
// incident, or something that belongs to one, as a responder who is not a
// member of a restricted incident: each must answer exactly as it answers
// for an incident (intent, remediation, why) that does not exist, so that
// an outsider cannot even learn that it exists. The routes that name no
// incident must not show its title. A route added later is covered without
// editing this test; one whose path parameter this test cannot fill fails
// it, so that whoever adds it says how it is reached.
func TestRestrictedLooksMissingOnEveryRoute(t *testing.T) {
	patterns := mountedPatterns(t)
	eachDB(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		srv := startServer(t, dsn)
		admin := srv.client(srv.AdminToken)
		outsiderToken := srv.addUser(t, "olga", "responder")

		const secret = "CONFIDENTIAL acquisition of Umbrella"
		_, err := admin.Declare(ctx, client.DeclareRequest{Title: "Checkout slow", Severity: "SEV3"})
		check(t, err)
		inc, err := admin.Declare(ctx, client.DeclareRequest{Title: secret, Severity: "SEV2", Visibility: "restricted"})
		check(t, err)
		_, err = admin.AddNote(ctx, inc.Number, secret+": a note")
		check(t, err)
		srv.addUser(t, "mira", "responder")
		_, err = admin.Join(ctx, inc.Number, "mira")
		check(t, err)
		intent, err := admin.StateIntent(ctx, inc.Number, client.IntentRequest{Kind: "action",
			Text: secret + ": stepping away", WindowSeconds: 15 * 60})
		check(t, err)
		_, err = admin.ChangeStatus(ctx, inc.Number, "resolved", "")
		check(t, err)
		_, err = admin.CreatePostmortem(ctx, inc.Number)
		check(t, err)
		pm, err := admin.AddWhy(ctx, inc.Number, client.WhyRequest{Question: "Why did " + secret + " leak?", Answer: "A shared drive."})
		check(t, err)
		title, owner, prio, due := secret+": rotate keys", "admin", "P2", dayFromToday(3)
		rem, err := admin.CreateRemediation(ctx, client.RemediationRequest{Incident: inc.Number, Title: &title,
			Owner: &owner, Priority: &prio, Due: &due})
		check(t, err)
		if len(pm.Whys) == 0 {
			t.Fatal("the postmortem has no why after AddWhy")
		}

		// Each parameter: the restricted thing's value, and one of the
		// same kind that does not exist.
		restricted := map[string]string{
			"n": itoa(inc.Number), "intent": itoa(intent.ID), "remediation": itoa(rem.ID),
			"why": itoa(pm.Whys[0].ID), "action": "acknowledge",
		}
		missing := map[string]string{
			"n": "987654", "intent": "987654", "remediation": "987654", "why": "987654", "action": "acknowledge",
		}

		b := newBrowser(t, srv)
		b.signIn("olga")
		b.get("/incidents", http.StatusOK) // a page, for its CSRF token

		covered := 0
		for _, p := range patterns {
			method, path, ok := strings.Cut(p, " ")
			if !ok || method == "" {
				continue // "/api/" and "GET /assets/" catch-alls: no incident in them
			}
			params := pathParams(path)
			kinds, ok := paramKinds(path, params)
			if !ok {
				t.Errorf("%s: this test does not know what the parameters %v name; teach paramKinds", p, params)
				continue
			}
			if len(kinds) == 0 || !hasIncidentKind(kinds) {
				continue // names no incident: checked below by what lists show
			}
			covered++
			call := func(values map[string]string) (int, string, string) {
				target := fill(path, params, kinds, values)
				code, body := outsiderCall(t, srv, b, outsiderToken, method, target)
				return code, normalise(body, restricted, missing), target
			}
			rc, rb, rt := call(restricted)
			mc, mb, mt := call(missing)
			if rc != mc || rb != mb {
				t.Errorf("%s answers an outsider %d for restricted %s and %d for missing %s; %s",
					p, rc, rt, mc, mt, firstDifference(mb, rb))
			}
			if strings.Contains(rb, secret) {
				t.Errorf("%s shows an outsider the restricted title:\n%s", p, clip(rb, 0))
			}
		}
		if covered < 40 {
			t.Errorf("only %d routes name an incident; the route table was not read as expected", covered)
		}

		// Routes that list: the restricted incident is not in them.
		for _, path := range []string{"/api/v1/incidents", "/api/v1/remediations", "/api/v1/postmortems",
			"/api/v1/factors", "/api/v1/reviews/" + due, "/incidents", "/remediations", "/reviews/" + due, "/"} {
			_, body := outsiderCall(t, srv, b, outsiderToken, http.MethodGet, path)
			if strings.Contains(body, secret) || regexp.MustCompile(`INC-`+itoa(inc.Number)+`\b`).MatchString(body) {
				t.Errorf("GET %s shows an outsider the restricted incident:\n%s", path, clip(body, 0))
			}
		}
	})
}

// mountedPatterns reads every pattern mounted in internal/server/routes.go.
func mountedPatterns(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../../internal/server/routes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Mount" {
			return true
		}
		for _, arg := range call.Args[min(2, len(call.Args)):] {
			if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				patterns = append(patterns, s)
			}
		}
		return true
	})
	if len(patterns) < 100 {
		t.Fatalf("found only %d patterns in routes.go; has httpx.Mount changed?", len(patterns))
	}
	return patterns
}

var pathParam = regexp.MustCompile(`\{([a-z]+)\$?\}`)

func pathParams(path string) []string {
	var names []string
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		if m[1] != "" {
			names = append(names, m[1])
		}
	}
	return names
}

// paramKinds says what each path parameter names, from where it stands.
// Parameters that name nothing of an incident get the kind "other".
func paramKinds(path string, params []string) ([]string, bool) {
	var kinds []string
	for _, p := range params {
		var kind string
		switch {
		case p == "n" && strings.Contains(path, "incidents/{n}"):
			kind = "n"
		case p == "id" && strings.Contains(path, "/whys/{id}"):
			kind = "why"
		case p == "id" && strings.Contains(path, "/intents/{id}"):
			kind = "intent"
		case p == "id" && strings.Contains(path, "/remediations/{id}"):
			kind = "remediation"
		case p == "action" && strings.Contains(path, "/intents/{id}/{action}"):
			kind = "action"
		case p == "id" && (strings.Contains(path, "/outbox/{id}") || strings.Contains(path, "/tokens/{id}") || strings.Contains(path, "/webhooks/{id}") ||
			strings.Contains(path, "/maintenance/{id}")),
			p == "key" && strings.Contains(path, "/components/{key}"),
			p == "name" && strings.Contains(path, "/users/{name}"),
			p == "date" && strings.Contains(path, "/reviews/{date}"),
			p == "role" && strings.Contains(path, "/roles/{role}"):
			kind = "other"
		default:
			return nil, false
		}
		kinds = append(kinds, kind)
	}
	return kinds, true
}

func hasIncidentKind(kinds []string) bool {
	for _, k := range kinds {
		if k != "other" && k != "action" {
			return true
		}
	}
	return false
}

func fill(path string, params, kinds []string, values map[string]string) string {
	for i, p := range params {
		path = strings.Replace(path, "{"+p+"}", values[kinds[i]], 1)
	}
	return path
}

// outsiderCall calls target as the outsider: with the API token under
// /api/, with the signed-in session (and its CSRF token) elsewhere. A
// stream is not read past its headers.
func outsiderCall(t *testing.T, srv *server, b *browser, apiToken, method, target string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	api := strings.HasPrefix(target, "/api/")
	var body string
	switch {
	case method == http.MethodGet || method == http.MethodDelete:
	case api: // a body that most of the API's writes would accept
		body = `{"text":"x","severity":"SEV1","status":"mitigated","kind":"stand_down","question":"q","answer":"a"}`
	default:
		body = url.Values{"csrf": {b.csrf}, "text": {"x"}, "severity": {"SEV1"}, "status": {"mitigated"}}.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, srv.URL+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hc := *b.http
	if api {
		hc = http.Client{}
		req.Header.Set("Authorization", "Bearer "+apiToken)
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", srv.URL)
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return resp.StatusCode, "(an event stream)"
	}
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location") + "\n" + string(data)
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// normalise replaces the values that differ between the two calls, so that
// "there is no incident INC-2" and "there is no incident INC-987654"
// compare equal; everything else must be identical.
func normalise(body string, values ...map[string]string) string {
	for _, vs := range values {
		for kind, v := range vs {
			if kind == "action" {
				continue
			}
			body = regexp.MustCompile(`\b`+regexp.QuoteMeta(v)+`\b`).ReplaceAllString(body, "#")
		}
	}
	return body
}
