package config

import (
	"slices"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// The reviews section:
//
//	reviews:
//	  time_zone: Europe/Berlin        # the organisation's dates
//	  working_days: [mon, tue, wed, thu, fri]
//	  stale_days: 7                   # bring up remediations untouched this long
func reviewsField() field[Config] {
	return field[Config]{key: "reviews", doc: "When follow-up reviews are held, and in which time zone dates are counted.",
		value: sectionValue[Config, hansei.ReviewPolicy]{at: func(c *Config) *hansei.ReviewPolicy { return &c.Reviews },
			fields: reviewFields()}}
}

func reviewFields() []field[hansei.ReviewPolicy] {
	def := hansei.DefaultReviewPolicy()
	return []field[hansei.ReviewPolicy]{
		{key: "time_zone", doc: "The organisation's time zone, an IANA name such as `Europe/Berlin`: due dates and agendas are its dates.",
			value: scalar(func(p *hansei.ReviewPolicy) **time.Location { return &p.Location }, timeZone(), def.Location)},
		{key: "working_days", doc: "The days reviews are held on.",
			value: listValue[hansei.ReviewPolicy, time.Weekday]{at: func(p *hansei.ReviewPolicy) *[]time.Weekday { return &p.WorkingDays },
				kind: weekday(), plural: "days", def: def.WorkingDays, finish: workingDays}},
		{key: "stale_days", doc: "Bring a remediation to the agenda when nobody reviewed or progressed it for this many days.",
			value: scalar(func(p *hansei.ReviewPolicy) *int { return &p.StaleDays }, days(), def.StaleDays)},
	}
}

// workingDays drops repeated days; a week needs one working day at least.
func workingDays(days []time.Weekday) ([]time.Weekday, string) {
	var week []time.Weekday
	for _, d := range days {
		if !slices.Contains(week, d) {
			week = append(week, d)
		}
	}
	if len(week) == 0 {
		return nil, "name at least one working day"
	}
	return week, ""
}
