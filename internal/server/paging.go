package server

import (
	"cmp"
	"net/url"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/app"
	"github.com/hansei-dev/hansei/internal/config"
	"github.com/hansei-dev/hansei/internal/notify"
)

// paging wires the paging hand-off (notify.paging): the rule the store
// runs in every change of an incident, the fan-out's paging targets (one
// per rule, by name) and the deliverer's services with their secrets.
// base is the web UI's address: the pages link to it, and its host names
// this deployment in the pages' dedup keys and PagerDuty's source.
func paging(rules []config.PageRule, scale hansei.Scale, base string, fan *app.FanOut, deliverer *notify.Deliverer) app.Paging {
	instance := base
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		instance = u.Host
	}
	p := app.Paging{Base: base, Instance: instance}
	deliverer.Pagers = map[string]notify.Pager{}
	for _, r := range rules {
		p.Rules = append(p.Rules, hansei.PageRule{Name: r.Name, Kind: r.Kind, Severities: r.Severities})
		fan.Pagers = append(fan.Pagers, hansei.Target{Channel: r.Kind, Address: r.Name})
		severities := map[string]string{}
		for _, level := range scale.Keys() {
			severities[level] = r.PagerDutySeverity(scale, level)
		}
		endpoint := r.URL
		if r.Kind == hansei.PagerPagerDuty {
			endpoint = cmp.Or(endpoint, notify.PagerDutyEnqueue)
		}
		deliverer.Pagers[r.Name] = notify.Pager{Kind: r.Kind, URL: endpoint, Secret: r.Secret(), Severities: severities, Source: instance}
	}
	return p
}
