package hansei

import (
	"slices"
	"strings"
)

// Paging is who a severity level pages, as the fan-out reads it: users by
// name (each by their own channel: email) and channels by the name of a
// configured webhook. The level's Pages stays the words people read.
// hansei has no groups: a group is written as its users, or as the
// channel its members read.
type Paging struct {
	Users    []string `json:"users,omitempty"`
	Channels []string `json:"channels,omitempty"`
}

// NotifyRule is an organisation's rule (notify.rules): notifications of
// Event (incident.declared when empty) about an incident of one of
// Severities and one of Services (any when empty) go also to Users and
// Channels.
type NotifyRule struct {
	Event      string   `json:"event,omitempty"`
	Severities []string `json:"severities,omitempty"`
	Services   []string `json:"services,omitempty"`
	Users      []string `json:"users,omitempty"`
	Channels   []string `json:"channels,omitempty"`
}

// Matches reports whether the rule applies to a notification of kind
// about an incident of severity and services.
func (r NotifyRule) Matches(kind, severity string, services []string) bool {
	if event := r.Event; event != kind && (event != "" || kind != NotifyDeclared) {
		return false
	}
	if len(r.Severities) > 0 && !slices.ContainsFunc(r.Severities, func(s string) bool { return strings.EqualFold(s, severity) }) {
		return false
	}
	if len(r.Services) > 0 && !slices.ContainsFunc(r.Services, func(s string) bool { return slices.Contains(services, s) }) {
		return false
	}
	return true
}

// Route is everyone a notification goes to: its own recipients (To), and
// for an incident's declaration or severity change the new level's
// paging, and the users and channels of every rule that matches. Users
// come in that order, each once; channels are webhook names, each once.
func Route(n Notification, scales Scales, rules []NotifyRule) (users, channels []string) {
	users = slices.Clone(n.To)
	add := func(names []string, to *[]string) {
		for _, name := range names {
			if !slices.Contains(*to, name) {
				*to = append(*to, name)
			}
		}
	}
	severity, _ := n.Data["severity"].(string)
	if n.Kind == NotifyDeclared || n.Kind == NotifySeverityChanged {
		for _, l := range scales.Severity.Levels {
			if l.Key == severity {
				add(l.Paging.Users, &users)
				add(l.Paging.Channels, &channels)
			}
		}
	}
	services, _ := n.Data["services"].([]string)
	for _, r := range rules {
		if r.Matches(n.Kind, severity, services) {
			add(r.Users, &users)
			add(r.Channels, &channels)
		}
	}
	return users, channels
}
