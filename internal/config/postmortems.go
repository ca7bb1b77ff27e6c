package config

// Postmortems is how postmortems are reviewed.
type Postmortems struct {
	// AllowSelfReview lets a postmortem's authors name themselves as its
	// reviewers and approve it. Off (the default), reviewers are others
	// than its authors. On, a postmortem approved by its authors alone is
	// published only with an override reason, which is recorded and shown.
	AllowSelfReview bool
}

// The postmortems section:
//
//	postmortems:
//	  allow_self_review: false     # true: authors may review their own postmortem
func postmortemsField() field[Config] {
	return field[Config]{key: "postmortems", doc: "How postmortems are reviewed (see [postmortems.md](postmortems.md)).",
		value: sectionValue[Config, Postmortems]{at: func(c *Config) *Postmortems { return &c.Postmortems }, fields: postmortemsFields()}}
}

func postmortemsFields() []field[Postmortems] {
	return []field[Postmortems]{
		{key: "allow_self_review", doc: "Let a postmortem's authors (everyone who wrote part of it) review and approve it. Off, reviewers must be others; on, a postmortem approved by its authors alone needs an override reason to publish, recorded and shown on it.",
			value: scalar(func(p *Postmortems) *bool { return &p.AllowSelfReview }, boolean(), false)},
	}
}
