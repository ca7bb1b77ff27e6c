package web

import (
	"context"

	hansei "github.com/hansei-dev/hansei"
)

// lint runs the blameless and precise-words rules over a postmortem, with
// every user's name as a person the blame rules look for.
func (s *Server) lint(ctx context.Context, pm hansei.Postmortem) ([]hansei.Finding, error) {
	users, err := s.store.Users(ctx)
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
	rems, err := s.incidentRemediations(ctx, pm.Incident)
	if err != nil {
		return nil, err
	}
	return hansei.Lint(pm.LintDoc(people, rems), s.LintRules), nil
}

// incidentRemediations lists an incident's remediations; the caller has
// already checked that the user may read the incident.
func (s *Server) incidentRemediations(ctx context.Context, incident int64) ([]hansei.Remediation, error) {
	return s.store.Remediations(ctx, hansei.User{Name: hansei.SystemActor, Role: hansei.RoleAdmin}, hansei.RemediationFilter{Incident: incident})
}
