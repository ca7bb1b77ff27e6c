package config

import (
	"slices"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"go.yaml.in/yaml/v3"
)

// The reviews section:
//
//	reviews:
//	  time_zone: Europe/Berlin        # the organisation's dates
//	  working_days: [mon, tue, wed, thu, fri]
//	  stale_days: 7                   # bring up remediations untouched this long
func (d *decoder) reviews(n *yaml.Node, path string, p *hansei.ReviewPolicy) {
	r := d.resolve(n)
	if r == nil || d.broken || isNull(r) {
		return
	}
	if r.Kind != yaml.MappingNode {
		d.typeError(n, path, "expected a mapping with time_zone, working_days and stale_days, found %s", describe(r))
		return
	}
	days := map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
		"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}
	d.fields(r, path, fieldSet{
		"time_zone": func(_, v *yaml.Node, at string) {
			var name string
			d.text(v, at, &name)
			loc, err := time.LoadLocation(name)
			if err != nil || name == "" {
				d.errorf(v, at, "unknown time zone %q; use an IANA name such as Europe/Berlin or Asia/Tokyo", name)
				return
			}
			p.Location = loc
		},
		"working_days": func(_, v *yaml.Node, at string) {
			var week []time.Weekday
			for i, s := range d.texts(v, at, "days") {
				day, ok := days[strings.ToLower(s)]
				if !ok {
					d.errorf(v, at+"["+strconv.Itoa(i)+"]", "unknown day %q; use mon, tue, wed, thu, fri, sat or sun", s)
					continue
				}
				if !slices.Contains(week, day) {
					week = append(week, day)
				}
			}
			if len(week) == 0 {
				d.errorf(v, at, "name at least one working day")
				return
			}
			p.WorkingDays = week
		},
		"stale_days": func(_, v *yaml.Node, at string) { d.days(v, at, &p.StaleDays) },
	}, []string{"time_zone", "working_days", "stale_days"})
}
