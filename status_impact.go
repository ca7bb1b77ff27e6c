package hansei

import (
	"slices"
	"time"
)

// Public impact: what the public is told an incident does to it, in
// Statuspage's words. It is set by whoever publishes, apart from the
// internal severity: a SEV1 inside may be a minor slowdown outside, and
// the public page must say what customers see, not how hard responders
// work. Nothing on the public side reads the severity.

// Impact is an incident's impact on the public.
type Impact string

const (
	ImpactNone     Impact = "none"
	ImpactMinor    Impact = "minor"
	ImpactMajor    Impact = "major"
	ImpactCritical Impact = "critical"
)

// Impacts are the four impacts in order of how bad they are.
func Impacts() []Impact { return []Impact{ImpactNone, ImpactMinor, ImpactMajor, ImpactCritical} }

// ParseImpact reads an impact, naming field and the four values in the
// error.
func ParseImpact(field, s string) (Impact, error) {
	if slices.Contains(Impacts(), Impact(s)) {
		return Impact(s), nil
	}
	return "", FieldError(field, "unknown impact %q; use none, minor, major or critical", s)
}

// Rank orders impacts from none (0) to critical (3).
func (i Impact) Rank() int { return slices.Index(Impacts(), i) }

// ComponentState is the state a component linked to an incident takes
// from its impact while no update names it: none leaves it operational,
// minor is degraded, major a partial outage, critical a major outage.
func (i Impact) ComponentState() ComponentState {
	switch i {
	case ImpactMinor:
		return ComponentDegraded
	case ImpactMajor:
		return ComponentPartialOutage
	case ImpactCritical:
		return ComponentMajorOutage
	}
	return ComponentOperational
}

// ImpactOfState is the impact a component state stands for: degraded is
// minor, a partial outage major, a major outage critical; operational and
// maintenance are none (maintenance is not an incident).
func ImpactOfState(s ComponentState) Impact {
	switch s {
	case ComponentDegraded:
		return ImpactMinor
	case ComponentPartialOutage:
		return ImpactMajor
	case ComponentMajorOutage:
		return ImpactCritical
	}
	return ImpactNone
}

// updateImpact is the impact an update stands for when it gives none:
// the worst of the component states it names; an update that names none,
// or that resolves, keeps the incident's impact so far (prev), and the
// first update that says nothing of either is minor — publishing at all
// says something is wrong.
func updateImpact(d PublicUpdateData, prev Impact) Impact {
	if d.Impact != "" {
		return d.Impact
	}
	if len(d.Components) > 0 && d.Status != StatusResolved {
		worst := ComponentOperational
		for _, st := range d.Components {
			worst = worst.Worse(st)
		}
		return ImpactOfState(worst)
	}
	if prev != "" {
		return prev
	}
	return ImpactMinor
}

// PublicIndicator is the page's overall state in Statuspage's words
// (none, minor, major, critical, maintenance): the worst of the
// components' states (as ComponentStates works them out) and the public
// impact of every unresolved public incident — an incident that names no
// component still means something is wrong — and maintenance when a
// window is in progress and nothing is worse. Internal severity plays no
// part.
func PublicIndicator(states map[string]ComponentState, incidents []PublicIncident, maintenance bool) string {
	worst := ImpactNone
	for _, st := range states {
		if ImpactOfState(st).Rank() > worst.Rank() {
			worst = ImpactOfState(st)
		}
	}
	inMaintenance := maintenance
	for _, st := range states {
		inMaintenance = inMaintenance || st == ComponentMaintenance
	}
	for _, inc := range incidents {
		if inc.ResolvedAt == nil && inc.Impact.Rank() > worst.Rank() {
			worst = inc.Impact
		}
	}
	if worst == ImpactNone && inMaintenance {
		return "maintenance"
	}
	return string(worst)
}

// IndicatorDescription is Statuspage's sentence for an indicator, in
// English, as Statuspage's machine-read JSON gives it; the page says it
// in the visitor's language from the catalogs.
func IndicatorDescription(indicator string) string {
	switch indicator {
	case "critical":
		return "Major System Outage"
	case "major":
		return "Partial System Outage"
	case "minor":
		return "Minor Service Outage"
	case "maintenance":
		return "Service Under Maintenance"
	}
	return "All Systems Operational"
}

// Duration is how long the public incident lasted, from its public start
// to its resolution; zero while it is unresolved.
func (p PublicIncident) Duration() time.Duration {
	if p.ResolvedAt == nil || p.ResolvedAt.Before(p.StartedAt) {
		return 0
	}
	return p.ResolvedAt.Sub(p.StartedAt)
}
