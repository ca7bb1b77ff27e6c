package app

import (
	"cmp"

	hansei "github.com/hansei-dev/hansei"
)

// Paging is the paging hand-off's rule (hansei.PageNotifications) with
// this deployment's rules and address. internal/server hands Pages to the
// store, which runs it in the transaction of every change of an incident
// and writes what it returns to the outbox.
type Paging struct {
	Rules []hansei.PageRule
	// Base is the web UI's address, for the page's link to the incident;
	// Instance names this deployment in the pages' dedup keys.
	Base, Instance string
}

// Pages are the pages a change of an incident calls for.
func (p Paging) Pages(before, after hansei.Incident) []hansei.Notification {
	return hansei.PageNotifications(before, after, p.Rules, p.Base, p.Instance)
}

// pageOutgoing is the one outbox row of a page: to the paging service its
// rule names, and to no other target (a page is not a message for the
// webhooks, Slack or anyone's email). A paging service is a shared
// channel, so the copy passes through the visibility rule as one: a page
// for a restricted incident names no title or number. It is printed in
// the shared channels' language.
func (f FanOut) pageOutgoing(n hansei.Notification, look hansei.Lookup) ([]hansei.Outgoing, error) {
	rule, _ := n.Data["rule"].(string)
	for _, t := range f.Pagers {
		if t.Address != rule {
			continue
		}
		shared, err := n.For(nil, memoIncidents(look.Incident), f.Link)
		if err != nil {
			return nil, err
		}
		cats := f.catalogs()
		printed := printNotification(shared, cats.Printer(cats.Match(cmp.Or(t.Language, f.Language, "en"))))
		return []hansei.Outgoing{{Target: t, Notification: printed}}, nil
	}
	return nil, nil // the rule is gone from the configuration: nobody to page
}
