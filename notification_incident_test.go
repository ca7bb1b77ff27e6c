package hansei

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestIncidentNotificationsWhoIsTold: each change to an incident tells
// the people it concerns, never the one who made it, once (the key is its
// event's).
func TestIncidentNotificationsWhoIsTold(t *testing.T) {
	inc := Incident{Number: 7}
	scales := DefaultScales()
	for _, step := range incidentStory(VisibilityInternal) {
		t.Run(step.name, func(t *testing.T) {
			after, evs := decideWith(t, inc, step.env, step.cmd)
			var got []want
			for _, n := range IncidentNotifications(scales, inc, evs) {
				got = append(got, want{n.Kind, n.To})
				if !strings.HasPrefix(n.Key, "incident:7:") || n.Data["incident"] != int64(7) {
					t.Errorf("%s: key %q, data %v", n.Kind, n.Key, n.Data)
				}
				if n.SubjectMessage.ID == "" || len(n.TextMessages) != 2 {
					t.Errorf("%s: words %+v %+v", n.Kind, n.SubjectMessage, n.TextMessages)
				}
			}
			if !reflect.DeepEqual(got, step.wants) {
				t.Errorf("notifications = %+v, want %+v", got, step.wants)
			}
			inc = after
		})
	}
}

// TestIncidentNotificationsFollowTheVisibilityRule: every kind about a
// restricted incident reaches a shared channel and a person who may not
// read it as the notice that names nothing; a member and an admin get it
// whole. About an internal incident, everyone gets it whole.
func TestIncidentNotificationsFollowTheVisibilityRule(t *testing.T) {
	outsider, admin := User{Name: "victor", Role: RoleViewer}, User{Name: "zed", Role: RoleAdmin}
	member := User{Name: "bob", Role: RoleResponder}
	for _, vis := range []Visibility{VisibilityInternal, VisibilityRestricted} {
		inc := Incident{Number: 7}
		seen := map[string]bool{}
		for _, step := range incidentStory(vis) {
			after, evs := decideWith(t, inc, step.env, step.cmd)
			for _, n := range IncidentNotifications(DefaultScales(), inc, evs) {
				seen[n.Kind] = true
				read := func(int64) (Incident, error) { return after, nil }
				for _, reader := range []*User{nil, &outsider, &member, &admin} {
					got, err := n.For(reader, read, "https://hansei.example.com/incidents")
					if err != nil {
						t.Fatal(err)
					}
					who := "a shared channel"
					if reader != nil {
						who = reader.Name
					}
					// bob is a member once he has joined.
					whole := vis == VisibilityInternal || reader != nil && after.CanRead(*reader)
					if whole != (got.Key == n.Key) {
						t.Errorf("%s %s to %s: whole = %v, want %v", vis, n.Kind, who, got.Key == n.Key, whole)
					}
					if !whole && (got.Data["restricted"] != true || len(got.Data) > 2 || got.SubjectMessage.ID != "notify.restricted.subject" || got.Kind != n.Kind) {
						t.Errorf("%s to %s: the notice says more than it may: %+v", n.Kind, who, got)
					}
				}
			}
			inc = after
		}
		draft := Postmortem{Incident: 7, Status: PostmortemDraft, Authors: []string{"alice", "bob"}}
		review := draft
		review.Status, review.Version, review.Reviewers = PostmortemInReview, 2, []Reviewer{{User: "carol"}, {User: "victor"}}
		published := review
		published.Status, published.Revision = PostmortemPublished, 1
		for _, n := range slices.Concat(PostmortemNotifications(DefaultScales(), draft, review, inc, "alice"),
			PostmortemNotifications(DefaultScales(), review, published, inc, "alice")) {
			seen[n.Kind] = true
			for _, reader := range []*User{nil, &outsider, &member, &admin} {
				got, err := n.For(reader, func(int64) (Incident, error) { return inc, nil }, "")
				if err != nil {
					t.Fatal(err)
				}
				if whole := vis == VisibilityInternal || reader != nil && inc.CanRead(*reader); whole != (got.Key == n.Key) {
					t.Errorf("%s %s to %v: whole = %v, want %v", vis, n.Kind, reader, got.Key == n.Key, whole)
				}
			}
		}
		for _, kind := range IncidentNotifyKinds() {
			if !seen[kind] {
				t.Errorf("%s: no notification of kind %s was checked", vis, kind)
			}
		}
	}
}

type want struct {
	kind string
	to   []string
}

type storyStep struct {
	name  string
	env   Env
	cmd   Command
	wants []want
}

// incidentStory is an incident's life, each step with what it tells whom.
func incidentStory(vis Visibility) []storyStep {
	scales := DefaultScales()
	return []storyStep{
		{"declared: the level's paging and the rules add recipients", envAs("alice"),
			Declare{Title: "Checkout fails", Severity: "SEV2", Services: []string{"payments"}, Visibility: vis}, []want{{NotifyDeclared, []string{}}}},
		{"joining tells nobody", envAs("bob"), Join{}, nil},
		{"joining tells nobody", envAs("carol"), Join{}, nil},
		{"joining tells nobody", envAs("dave"), Join{}, nil},
		{"a role given to someone else", envAs("alice"), AssignRole{Role: RoleCommunications, User: "bob"}, []want{{NotifyRoleAssigned, []string{"bob"}}}},
		{"a role taken oneself", envAs("dave"), AssignRole{Role: RoleScribe, User: "dave"}, nil},
		{"severity: the other active responders", envAs("bob"), ChangeSeverity{Severity: "SEV1", Reason: "all regions"},
			[]want{{NotifySeverityChanged, []string{"alice", "carol", "dave"}}}},
		{"status", envAs("alice"), ChangeStatus{Status: StatusIdentified}, []want{{NotifyStatusChanged, []string{"bob", "carol", "dave"}}}},
		{"an intent for all: each who must acknowledge", envAs("alice"), StateIntent{ID: 1, Text: "restart the pool", Kind: IntentAction, AckFrom: AckAll},
			[]want{{NotifyIntentAwaitingAck, []string{"bob", "carol", "dave"}}}},
		{"an objection: its author", envAs("bob"), ObjectIntent{ID: 1, Reason: "the pool holds the queue"}, []want{{NotifyIntentObjected, []string{"alice"}}}},
		{"an objection lifted: its author", envAs("bob"), LiftObjection{ID: 1}, []want{{NotifyObjectionLifted, []string{"alice"}}}},
		{"one acknowledgement of three", envAs("bob"), AcknowledgeIntent{ID: 1}, nil},
		{"two of three", envAs("carol"), AcknowledgeIntent{ID: 1}, nil},
		{"all acknowledged: its author may act", envAs("dave"), AcknowledgeIntent{ID: 1}, []want{{NotifyIntentAcked, []string{"alice"}}}},
		{"an intent for the commander", envAs("bob"), StateIntent{ID: 2, Text: "fail over", Kind: IntentAction, AckFrom: AckCommander},
			[]want{{NotifyIntentAwaitingAck, []string{"alice"}}}},
		{"expired: its author and the commander", Env{Now: t0.Add(time.Hour), Actor: User{Name: SystemActor, Role: RoleAdmin}, Scales: scales, Users: incLookupUser},
			ExpireIntent{ID: 2}, []want{{NotifyIntentExpired, []string{"bob", "alice"}}}},
		{"resolved: the other active responders", envAs("alice"), ChangeStatus{Status: StatusResolved}, []want{{NotifyResolved, []string{"bob", "carol", "dave"}}}},
	}
}

// TestIncidentNotificationNamesTheSeverity: the severity is named with its
// definition, in the reader's language.
func TestIncidentNotificationNamesTheSeverity(t *testing.T) {
	_, evs := declared(t)
	n := IncidentNotifications(DefaultScales(), Incident{}, evs)[0]
	sev := n.TextMessages[1].Args["Severity"].(interface{ InLanguage(string) string })
	level, _ := DefaultScales().Severity.Level("SEV2")
	for _, lang := range []string{"en", "ja", "de"} {
		name, def := level.Localized(lang)
		if got := sev.InLanguage(lang); got != "SEV2 ("+name+"): "+def {
			t.Errorf("%s: %q", lang, got)
		}
	}
}

// TestRoute: the level's paging for a declaration or a severity change,
// and every matching rule, add users and channels, each once.
func TestRoute(t *testing.T) {
	scales := DefaultScales()
	scales.Severity.Levels = slices.Clone(scales.Severity.Levels)
	scales.Severity.Levels[0].Paging = Paging{Users: []string{"oncall"}, Channels: []string{"pager"}}
	rules := []NotifyRule{
		{Severities: []string{"sev1", "SEV2"}, Users: []string{"erin", "oncall"}, Channels: []string{"incidents"}},
		{Services: []string{"payments"}, Channels: []string{"payments-team"}},
		{Event: NotifyIntentExpired, Users: []string{"lead"}},
	}
	n := func(kind, severity string, services ...string) Notification {
		return Notification{Kind: kind, To: []string{"bob"}, Data: map[string]any{"severity": severity, "services": services}}
	}
	for _, tc := range []struct {
		name            string
		n               Notification
		users, channels []string
	}{
		{"SEV1 declared", n(NotifyDeclared, "SEV1"), []string{"bob", "oncall", "erin"}, []string{"pager", "incidents"}},
		{"SEV1 with payments", n(NotifyDeclared, "SEV1", "payments"), []string{"bob", "oncall", "erin"}, []string{"pager", "incidents", "payments-team"}},
		{"moved to SEV1: paging, not the declaration's rules", n(NotifySeverityChanged, "SEV1"), []string{"bob", "oncall"}, []string{"pager"}},
		{"SEV3 declared", n(NotifyDeclared, "SEV3"), []string{"bob"}, nil},
		{"a rule for another event", n(NotifyIntentExpired, "SEV3"), []string{"bob", "lead"}, nil},
		{"a status change", n(NotifyStatusChanged, "SEV1", "payments"), []string{"bob"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			users, channels := Route(tc.n, scales, rules)
			if !slices.Equal(users, tc.users) || !slices.Equal(channels, tc.channels) {
				t.Errorf("Route = %q, %q; want %q, %q", users, channels, tc.users, tc.channels)
			}
		})
	}
}

// TestPostmortemNotificationsWhoIsTold: reviewers hear once that a review
// is asked of them (when it is submitted, or they are added), not again
// after an edit; the publication reaches its authors and the active
// responders; never the one who acted.
func TestPostmortemNotificationsWhoIsTold(t *testing.T) {
	inc := intentCrew(t) // alice (commander), bob, carol, dave
	draft := Postmortem{Incident: 7, Status: PostmortemDraft, Version: 1, Authors: []string{"erin", "alice"}}
	submitted := draft
	submitted.Status, submitted.Version, submitted.Reviewers = PostmortemInReview, 2, []Reviewer{{User: "bob"}, {User: "alice"}}
	edited := submitted
	edited.Version = 3
	added := edited
	added.Version, added.Reviewers = 4, append(slices.Clone(edited.Reviewers), Reviewer{User: "dave"})
	published := added
	published.Status, published.Revision = PostmortemPublished, 1
	for _, tc := range []struct {
		name          string
		before, after Postmortem
		want          []want
	}{
		{"submitted", draft, submitted, []want{{NotifyReviewRequested, []string{"bob"}}}},
		{"edited in review", submitted, edited, nil},
		{"a reviewer added", edited, added, []want{{NotifyReviewRequested, []string{"dave"}}}},
		{"published", added, published, []want{{NotifyPublished, []string{"erin", "bob", "carol", "dave"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []want
			for _, n := range PostmortemNotifications(DefaultScales(), tc.before, tc.after, inc, "alice") {
				got = append(got, want{n.Kind, n.To})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("notifications = %+v, want %+v", got, tc.want)
			}
		})
	}
}
