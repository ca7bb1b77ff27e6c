package app

import (
	"context"
	"slices"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

type postmortemStore interface {
	CreatePostmortem(ctx context.Context, actor hansei.User, number int64) (hansei.Postmortem, error)
	Postmortem(ctx context.Context, viewer hansei.User, number int64) (hansei.Postmortem, error)
	PostmortemHistory(ctx context.Context, viewer hansei.User, number int64) ([]hansei.PostmortemChangeRecord, error)
	// ChangePostmortem decides cmd in the store's transaction, in rules
	// (the lint, self-review) completed with what the store reads there.
	ChangePostmortem(ctx context.Context, actor hansei.User, number int64, cmd hansei.PostmortemCommand, rules hansei.PostmortemEnv) (hansei.Postmortem, error)
	Remediations(ctx context.Context, viewer hansei.User, f hansei.RemediationFilter) ([]hansei.Remediation, error)
	Timeline(ctx context.Context, viewer hansei.User, number int64, after int64, limit int) ([]hansei.Event, error)
	PublishedPostmortems(ctx context.Context, viewer hansei.User, since time.Time) ([]hansei.Postmortem, error)
}

// Postmortems drafts, edits, reviews and publishes postmortems. Every
// change is a hansei.PostmortemCommand decided against the postmortem in
// the store's transaction; publishing first lints the postmortem, so no
// adapter can publish past a blocking finding without a recorded reason.
type Postmortems struct {
	store postmortemStore
	users *Users
	rules hansei.LintRules
	// AllowSelfReview lets a postmortem's authors review it (the setting
	// postmortems.allow_self_review; off by default): a review is a second
	// pair of eyes, so reviewers are others than the authors unless the
	// organisation says otherwise.
	AllowSelfReview bool
}

// Create starts the draft of an incident's postmortem, prefilled from its
// timeline.
func (s *Postmortems) Create(ctx context.Context, actor hansei.User, number int64) (hansei.Postmortem, error) {
	if err := actor.RequireActor(); err != nil {
		return hansei.Postmortem{}, err
	}
	return s.store.CreatePostmortem(ctx, actor, number)
}

// Get reads the postmortem of an incident the viewer may read.
func (s *Postmortems) Get(ctx context.Context, viewer hansei.User, number int64) (hansei.Postmortem, error) {
	return s.store.Postmortem(ctx, viewer, number)
}

// History lists every change, oldest first.
func (s *Postmortems) History(ctx context.Context, viewer hansei.User, number int64) ([]hansei.PostmortemChangeRecord, error) {
	return s.store.PostmortemHistory(ctx, viewer, number)
}

// Change decides cmd against the postmortem and saves the result.
func (s *Postmortems) Change(ctx context.Context, actor hansei.User, number int64, cmd hansei.PostmortemCommand) (hansei.Postmortem, error) {
	return s.store.ChangePostmortem(ctx, actor, number, cmd, hansei.PostmortemEnv{
		Lint:            func(pm hansei.Postmortem) ([]hansei.Finding, error) { return s.Lint(ctx, actor, pm) },
		AllowSelfReview: s.AllowSelfReview,
	})
}

// Merge tells how a save of sections based on version would merge into
// the postmortem now, without saving: the page shows it after a conflict,
// with the viewer's text where they changed a section and the saved text
// where they did not.
func (s *Postmortems) Merge(ctx context.Context, viewer hansei.User, number, version int64, sections map[string]string) (hansei.Postmortem, hansei.SectionMerge, error) {
	pm, err := s.store.Postmortem(ctx, viewer, number)
	if err != nil {
		return pm, hansei.SectionMerge{}, err
	}
	history, err := s.store.PostmortemHistory(ctx, viewer, number)
	if err != nil {
		return pm, hansei.SectionMerge{}, err
	}
	cleaned := make(map[string]string, len(sections))
	for k, v := range sections {
		if c, err := hansei.Lines(k, hansei.MaxText*5).Clean(v); err == nil {
			v = c // as a save stores it; a text the save refuses stays as typed
		}
		cleaned[k] = v
	}
	return pm, hansei.MergeSections(hansei.BaseOf(history, version, pm), pm.Sections, cleaned), nil
}

// Lint runs the blameless and precise-words rules over a postmortem the
// viewer has read, with every user's name as a person the blame rules look
// for.
func (s *Postmortems) Lint(ctx context.Context, viewer hansei.User, pm hansei.Postmortem) ([]hansei.Finding, error) {
	users, err := s.users.All(ctx)
	if err != nil {
		return nil, err
	}
	var people []string
	for _, u := range users {
		people = append(people, u.Name)
		if u.DisplayName != "" && u.DisplayName != u.Name {
			people = append(people, u.DisplayName)
		}
	}
	rems, err := s.store.Remediations(ctx, viewer, hansei.RemediationFilter{Incident: pm.Incident})
	if err != nil {
		return nil, err
	}
	doc := pm.LintDoc(people, withoutCancelled(rems))
	// A factor answered only by a cancelled remediation has none: the
	// lint says so, as the export no longer lists it.
	for i, w := range doc.Whys {
		doc.Whys[i].Remediations = slices.DeleteFunc(slices.Clone(w.Remediations), func(id int64) bool {
			return slices.ContainsFunc(rems, func(r hansei.Remediation) bool { return r.ID == id && r.Status == hansei.RemediationCancelled })
		})
	}
	return hansei.Lint(doc, s.rules), nil
}

// withoutCancelled leaves out the cancelled remediations: mistakes, not
// work the postmortem asks for. They stay on their own pages.
func withoutCancelled(rems []hansei.Remediation) []hansei.Remediation {
	return slices.DeleteFunc(slices.Clone(rems), func(r hansei.Remediation) bool { return r.Status == hansei.RemediationCancelled })
}

// Export renders the postmortem of an incident as Markdown, with its
// highlighted timeline events and its remediations, in the language w
// prints.
func (s *Postmortems) Export(ctx context.Context, viewer hansei.User, number int64, w hansei.Words) (hansei.Postmortem, string, error) {
	pm, err := s.store.Postmortem(ctx, viewer, number)
	if err != nil {
		return pm, "", err
	}
	var highlights []hansei.Event
	for _, seq := range pm.Highlights {
		events, err := s.store.Timeline(ctx, viewer, pm.Incident, seq-1, 1)
		if err != nil {
			return pm, "", err
		}
		highlights = append(highlights, events...)
	}
	rems, err := s.store.Remediations(ctx, viewer, hansei.RemediationFilter{Incident: pm.Incident})
	if err != nil {
		return pm, "", err
	}
	return pm, pm.Markdown(w, highlights, withoutCancelled(rems)), nil
}

// Published lists the postmortems published since a time that the viewer
// may read, for the learning views (factors, the postmortem list).
func (s *Postmortems) Published(ctx context.Context, viewer hansei.User, since time.Time) ([]hansei.Postmortem, error) {
	return s.store.PublishedPostmortems(ctx, viewer, since)
}
