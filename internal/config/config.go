// Package config reads hansei's configuration: built-in defaults, then an
// optional YAML file, then HANSEI_* environment variables. Command-line flags
// are applied by the caller last, so the precedence is
// flags > environment > file > defaults.
//
// Every setting is declared once, as a field of its section: its key in
// the file, the environment variable that overrides it (if any), its
// default, what it means and how its value is checked. The sections are
// declared one a file: server.go (addr, db, url, log_level,
// intent_window), scales.go (severity, priority, glossary), lint.go,
// notify.go, reviews.go, status.go and postmortems.go, languages.go. Decoding, the environment, the
// defaults and the table in docs/configuration.md all follow those
// declarations; field.go and values.go walk them, yaml.go reads the YAML.
//
// This package is the only one that reads the server's environment: Load
// is given getenv, and HANSEI_CONFIG, HANSEI_ADDR, HANSEI_DB, HANSEI_URL,
// HANSEI_LOG_LEVEL, HANSEI_PUBLIC_ADDR and HANSEI_SMTP_PASSWORD all go
// through it, checked like the file.
//
// Unknown fields, wrong types and invalid values are errors that name the
// file, the line and the field, or the environment variable, for example
//
//	hansei.yaml:14: severity[1].definition: every level needs a definition: …
//	HANSEI_LOG_LEVEL: "verbose" is not a log level; use debug, info, warn or error
//
// and every problem is reported at once. See docs/configuration.md for the
// whole format.
package config

import (
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Config is hansei's configuration.
type Config struct {
	// Addr is the listen address, host:port.
	Addr string
	// DB names the database: a file path or sqlite:PATH for SQLite,
	// postgres://… or postgresql://… for PostgreSQL.
	DB string
	// URL is the web UI's address as browsers reach it, such as
	// https://hansei.example.com; empty: made from the listen address.
	URL string
	// LogLevel is the least severe level the server logs.
	LogLevel slog.Level
	// Scales are the severity and priority scales and the glossary.
	Scales hansei.Scales
	// Path is the config file that was read, if any.
	Path string
	// Reviews says when follow-up reviews are held, in which time zone.
	Reviews hansei.ReviewPolicy
	// Notify says where notifications go and when reminders are sent.
	Notify Notify
	// Lint holds the postmortem lint's rules: the built-in ones, with the
	// file's additions and disabled rules.
	Lint hansei.LintRules
	// IntentWindow is the objection window of a statement of intent when
	// its author gives none (1s to 24h; default 5m).
	IntentWindow time.Duration
	// Status is the public status page: its name, address and limits.
	Status Status
	// Database says whether serve may create the database, and SQLite's
	// durability.
	Database Database
	// DBSet reports whether DB was configured (the file, HANSEI_DB or a
	// flag) rather than left to its default: a configured database that
	// does not exist is not created unless Database.Create says so.
	DBSet bool
	// Postmortems says how postmortems are reviewed.
	Postmortems Postmortems
	// SignIn bounds password and API-token guessing.
	SignIn hansei.SignInLimits
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client; empty: the client is the TCP peer.
	TrustedProxies []netip.Prefix
	// HTTP is the main address's timeouts and limits.
	HTTP HTTP
	// Languages are the languages the deployment adds from catalog files
	// (languages.go), each read and checked.
	Languages []Language
}

// Defaults, used when neither the file, the environment nor a flag sets a
// value.
const (
	DefaultAddr = "127.0.0.1:8080"
	DefaultDB   = "hansei.db"
)

// EnvConfig names the config file when the caller gives none.
const EnvConfig = "HANSEI_CONFIG"

// configFields are the top-level settings, in the order the docs and the
// messages list them.
func configFields() []field[Config] {
	return slices.Concat(serverFields(), scaleFields(), []field[Config]{
		{key: "intent_window", doc: "The objection window of a statement of intent when its author gives none, from 1s to 24h.",
			value: scalar(func(c *Config) *time.Duration { return &c.IntentWindow },
				duration(hansei.MinIntentWindow, hansei.MaxIntentWindow), hansei.DefaultIntentWindow)},
		lintField(), notifyField(), reviewsField(), statusField(), databaseField(),
		postmortemsField(), signinField(), trustedProxiesField(), httpField(), languagesField(),
	})
}

// configChecks are the rules across sections, checked once the file and
// the environment are applied.
func configChecks() []func(d *decoder, c *Config) {
	return []func(d *decoder, c *Config){checkPublicAddr, checkStatusLanguage, checkPaging, checkNotifyRoutes}
}

// Settings lists every setting: its path in the file, its environment
// variable, its default and what it is. docs/configuration.md shows it as
// a table, and a test keeps that table current.
func Settings() []Setting {
	return describeFields(configFields(), "", map[string]bool{})
}

// Default returns the built-in configuration.
func Default() Config {
	var c Config
	resetFields(configFields(), &c)
	return c
}

// Load reads the YAML file at path over the defaults, then applies the
// HANSEI_* variables from getenv, then checks the result. An empty path
// means the file HANSEI_CONFIG names, or none; a nil getenv reads no
// environment. Problems in the file or the environment are returned as
// Errors, all of them, with a zero Config; a file that cannot be read is
// reported as such. Command-line flags are the caller's: it applies them
// to the Config it gets back.
func Load(path string, getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if path == "" {
		path = getenv(EnvConfig)
	}
	var data []byte
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return Config{}, fmt.Errorf("read config file: %w", err)
		}
	}
	c, err := load(path, data, getenv)
	if err != nil {
		return Config{}, err
	}
	c.Path = path
	return c, nil
}

// Parse parses YAML bytes over the defaults and checks the result, without
// reading the environment. name names the data in error messages, usually
// the file name; Path is left empty. Problems are returned as Errors, with
// a zero Config.
func Parse(name string, data []byte) (Config, error) {
	return load(name, data, func(string) string { return "" })
}

// load is the defaults, then the file's data (none is the empty file),
// then the environment, then the checks across sections.
func load(name string, data []byte, getenv func(string) string) (Config, error) {
	fields := configFields()
	var c Config
	resetFields(fields, &c)
	d := newDecoder(name)
	d.decode(data, fields, &c)
	applyEnvFields(d, getenv, fields, &c, "")
	c.DBSet = d.lines["db"] > 0 || d.env["db"] != ""
	if err := d.finish(&c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Error is one problem in the configuration, located by file, line and field.
type Error struct {
	// File is the file name given to Load or Parse; empty for problems that
	// come from the environment.
	File string
	// Line is the 1-based line in File, or 0 when the problem has no line.
	Line int
	// Field is the path of the field at fault, such as severity[1].definition
	// or HANSEI_ADDR; empty for problems with the file as a whole.
	Field string
	// Message says what is wrong and what would be right.
	Message string
}

// Error returns "file:line: field: message", leaving out what is unknown.
func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors is every problem found, ordered by line (problems without a line
// last). Its message has one line per problem, the first problem first;
// errors.As with a *Error finds the first problem.
type Errors []*Error

// maxReported bounds the lines of Errors.Error.
const maxReported = 10

func (es Errors) Error() string {
	lines := make([]string, 0, len(es))
	for i, e := range es {
		if i == maxReported {
			lines = append(lines, fmt.Sprintf("… and %d more problems", len(es)-maxReported))
			break
		}
		lines = append(lines, e.Error())
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems as errors, for errors.As and errors.Is.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
