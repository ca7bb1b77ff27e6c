package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
)

// Env is the process the server runs in: its context (which ends on
// SIGINT/SIGTERM), its environment variables and its output. It is passed
// in rather than read from os, so tests run the real server in-process.
type Env struct {
	ctx            context.Context
	getenv         func(string) string
	stdout, stderr io.Writer
}

// NewEnv returns the process environment for the server and the commands
// that work on its database directly.
func NewEnv(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) *Env {
	return &Env{ctx: ctx, getenv: getenv, stdout: stdout, stderr: stderr}
}

// SignInURL is the page that redeems a sign-in token.
func SignInURL(base, token string) string {
	return base + "/signin/link?token=" + url.QueryEscape(token)
}

// WebBase is the address browsers use to reach the web UI: the explicit
// one if given, else the configured url (which HANSEI_URL sets), else
// derived from the listen address, where a wildcard host (":8080",
// "0.0.0.0:8080") becomes 127.0.0.1 since a browser cannot open a
// wildcard.
func (env *Env) WebBase(explicit, configured, addr string) (string, error) {
	base := explicit
	if base == "" && configured != "" {
		return configured, nil
	}
	if base == "" {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return "", fmt.Errorf("cannot make a URL from the listen address %q (%v); give one with --url https://hansei.example.com", addr, err)
		}
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			host = "127.0.0.1"
		}
		return "http://" + net.JoinHostPort(host, port), nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("--url %q is not the web UI's address; give one such as https://hansei.example.com", base)
	}
	return strings.TrimRight(base, "/"), nil
}
