// Package app holds hansei's use cases: one type per area (incidents,
// intents, postmortems, remediations, reviews, the status page, users and
// sign-in, notifications). Every adapter — the JSON API, the pages, the
// command line, and the chat and alert adapters to come — decodes its
// input, calls app and encodes the answer; it decides nothing itself.
//
// app owns authorization (who may do what, every admin check), the
// orchestration of a use case (lint before publishing, what a change
// records) and the policies around storage (passwords, sessions, sign-in
// links, where notifications go and which reminders are due). Storage (internal/sqldb) keeps the rows; it enforces only the
// visibility of restricted incidents, because a list must be filtered
// where it is read to page correctly (docs/architecture.md).
package app

import (
	"log/slog"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Config is what the use cases are built from.
type Config struct {
	Store  Store
	Scales hansei.Scales
	// LintRules check postmortems; New gives them the scales' level keys.
	LintRules hansei.LintRules
	Log       *slog.Logger
	Now       func() time.Time
}

// App is every use case, by area.
type App struct {
	Incidents     *Incidents
	Intents       *Intents
	Postmortems   *Postmortems
	Remediations  *Remediations
	Reviews       *Reviews
	StatusPage    *StatusPage
	Users         *Users
	Notifications *Notifications
	Webhooks      *Webhooks
	// Requests runs mutating requests at most once per idempotency key.
	Requests *Requests

	scales hansei.Scales
}

// New builds the use cases on cfg.
func New(cfg Config) *App {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	cfg.LintRules = cfg.LintRules.WithScales(cfg.Scales)
	users := &Users{store: cfg.Store, now: cfg.Now}
	users.SetSignInLimits(hansei.DefaultSignInLimits())
	pms := &Postmortems{store: cfg.Store, users: users, rules: cfg.LintRules}
	reviews := &Reviews{store: cfg.Store, now: cfg.Now, Policy: hansei.DefaultReviewPolicy()}
	return &App{
		Incidents:     &Incidents{store: cfg.Store, scales: cfg.Scales},
		Intents:       &Intents{store: cfg.Store},
		Postmortems:   pms,
		Remediations:  &Remediations{store: cfg.Store, scales: cfg.Scales, reviews: reviews},
		Reviews:       reviews,
		StatusPage:    &StatusPage{store: cfg.Store, now: cfg.Now},
		Users:         users,
		Notifications: &Notifications{store: cfg.Store},
		Webhooks:      &Webhooks{store: cfg.Store, scales: cfg.Scales},
		Requests:      &Requests{store: cfg.Store},
		scales:        cfg.Scales,
	}
}

// SetLintRules sets the postmortem lint's rules, taking the level keys that
// make a priority word precise from the scales.
func (a *App) SetLintRules(rules hansei.LintRules) {
	a.Postmortems.rules = rules.WithScales(a.scales)
}

// Store is everything the use cases need from storage; internal/sqldb
// implements it, and each area's part of it is declared beside the area.
type Store interface {
	incidentStore
	intentStore
	postmortemStore
	remediationStore
	reviewStore
	statusStore
	userStore
	outboxStore
	webhookStore
	requestStore
}
