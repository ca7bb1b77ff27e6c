package sqldb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

func rmtStr(s string) *string { return &s }

func rmtInput(title, owner, due string) hansei.RemediationInput {
	// Backdate: these tests place due dates around the fixture's clock,
	// past ones included, to test the filters; the rule is the domain's.
	return hansei.RemediationInput{Title: rmtStr(title), Owner: rmtStr(owner), Priority: rmtStr("P2"), Due: rmtStr(due), Backdate: true}
}

func rmtCreate(t *testing.T, f *fixture, actor hansei.User, incident int64, in hansei.RemediationInput) hansei.Remediation {
	t.Helper()
	r, err := f.db.CreateRemediation(context.Background(), actor, incident, in)
	if err != nil {
		t.Fatalf("CreateRemediation: %v", err)
	}
	return r
}

func rmtWantField(t *testing.T, err error, field string) {
	t.Helper()
	wantCode(t, err, hansei.EINVALID)
	if _, ok := hansei.ErrorFields(err)[field]; !ok {
		t.Fatalf("error %v names fields %v, want %q", err, hansei.ErrorFields(err), field)
	}
}

// rmtIDs lists the ids of the remediations viewer sees through filter.
func rmtIDs(t *testing.T, f *fixture, viewer hansei.User, filter hansei.RemediationFilter) string {
	t.Helper()
	rs, err := f.db.Remediations(context.Background(), viewer, filter)
	if err != nil {
		t.Fatalf("Remediations(%+v): %v", filter, err)
	}
	ids := []int64{}
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return fmt.Sprint(ids)
}

// rmtPostmortemWithWhys resolves a new incident, drafts its postmortem and
// adds two root whys, returning the incident number and the why ids.
func rmtPostmortemWithWhys(t *testing.T, f *fixture) (int64, int64, int64) {
	t.Helper()
	ctx := context.Background()
	inc := f.declare(t, "Disk filled up", "SEV2")
	if _, _, err := f.db.Execute(ctx, f.alice, inc.Number, hansei.ChangeStatus{Status: hansei.StatusResolved}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreatePostmortem(ctx, f.alice, inc.Number); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, q := range []string{"Why did the disk fill?", "Why was nobody paged?"} {
		pm, err := f.db.ChangePostmortem(ctx, f.alice, inc.Number, hansei.AddWhy{Why: hansei.WhyInput{Question: q, Answer: "because " + q}}, hansei.PostmortemEnv{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, pm.Whys[len(pm.Whys)-1].ID)
	}
	if len(ids) != 2 || ids[0] == ids[1] || ids[0] == 0 {
		t.Fatalf("why ids %v", ids)
	}
	return inc.Number, ids[0], ids[1]
}

// rmtLinks returns each why node's linked remediations.
func rmtLinks(t *testing.T, f *fixture, number int64) map[int64][]int64 {
	t.Helper()
	pm, err := f.db.Postmortem(context.Background(), f.alice, number)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64][]int64{}
	for _, n := range pm.Whys {
		out[n.ID] = n.Remediations
	}
	return out
}

func TestRemediationCreateAndRead(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		inc := f.declare(t, "Checkout failing", "SEV2")
		in := rmtInput("Add a checkout canary", "bob", "2026-12-10")
		in.Link = rmtStr("https://tracker.example.com/OPS-1")
		in.Description = rmtStr("catch broken deploys before customers do")
		r := rmtCreate(t, f, f.alice, inc.Number, in)
		if r.ID <= 0 || r.Incident != inc.Number || r.Owner != "bob" || r.Status != hansei.RemediationOpen ||
			r.CreatedBy != "alice" || !r.CreatedAt.Equal(f.now) || len(r.Progress) != 1 || r.Progress[0].Note != "created" {
			t.Fatalf("created %+v", r)
		}
		second := rmtCreate(t, f, f.alice, inc.Number, rmtInput("Second", "alice", "2026-12-11"))
		if second.ID == r.ID || second.ID <= 0 {
			t.Fatalf("second id %d, first %d", second.ID, r.ID)
		}
		got, err := f.db.Remediation(ctx, f.viewer, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(r)
		b, _ := json.Marshal(got)
		if string(a) != string(b) {
			t.Fatalf("read back differs:\n%s\n%s", a, b)
		}
		_, err = f.db.Remediation(ctx, f.alice, 9999)
		wantCode(t, err, hansei.ENOTFOUND)

		// The change is stored, with its progress entry.
		f.now = f.now.Add(time.Hour)
		changed, err := f.db.ChangeRemediation(ctx, f.bob, r.ID, hansei.RemediationInput{Owner: rmtStr("alice")}, "")
		if err != nil {
			t.Fatal(err)
		}
		got, err = f.db.Remediation(ctx, f.alice, r.ID)
		if err != nil || got.Owner != "alice" || len(got.Progress) != 2 || got.Progress[1].Note != "handed over from bob to alice" ||
			!got.UpdatedAt.Equal(f.now) || !got.Progress[1].At.Equal(changed.UpdatedAt) {
			t.Fatalf("after handover %+v, %v", got, err)
		}
		_, err = f.db.ChangeRemediation(ctx, f.bob, 9999, hansei.RemediationInput{Owner: rmtStr("alice")}, "")
		wantCode(t, err, hansei.ENOTFOUND)
	})
}

func TestRemediationCreateRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		inc := f.declare(t, "Checkout failing", "SEV2")
		_, err := f.db.CreateRemediation(ctx, f.alice, 42, rmtInput("x", "bob", "2026-12-01"))
		rmtWantField(t, err, "incident")
		_, err = f.db.CreateRemediation(ctx, f.alice, inc.Number, rmtInput("x", "nobody", "2026-12-01"))
		rmtWantField(t, err, "owner")
		_, err = f.db.CreateRemediation(ctx, f.viewer, inc.Number, rmtInput("x", "bob", "2026-12-01"))
		wantCode(t, err, hansei.EFORBIDDEN)
		// The incident has no postmortem, so there is no why to answer.
		in := rmtInput("x", "bob", "2026-12-01")
		in.WhyNode = new(int64)
		*in.WhyNode = 1
		_, err = f.db.CreateRemediation(ctx, f.alice, inc.Number, in)
		rmtWantField(t, err, "why_node")
		// Nothing refused was stored.
		if got := rmtIDs(t, f, f.adminFigure, hansei.RemediationFilter{}); got != "[]" {
			t.Fatalf("refused creations stored %s", got)
		}
	})
}

func TestRemediationWhyLinks(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		number, why1, why2 := rmtPostmortemWithWhys(t, f)
		in := rmtInput("Alert at 80% disk", "bob", "2026-12-01")
		in.WhyNode = &why1
		r := rmtCreate(t, f, f.alice, number, in)
		if r.WhyNode != why1 {
			t.Fatalf("why node %d, want %d", r.WhyNode, why1)
		}
		links := rmtLinks(t, f, number)
		if !slices.Equal(links[why1], []int64{r.ID}) || len(links[why2]) != 0 {
			t.Fatalf("links after create %v", links)
		}
		unlinked := rmtCreate(t, f, f.alice, number, rmtInput("Unlinked", "bob", "2026-12-02"))
		if links := rmtLinks(t, f, number); !slices.Equal(links[why1], []int64{r.ID}) || len(links[why2]) != 0 {
			t.Fatalf("unlinked remediation %d changed links %v", unlinked.ID, links)
		}

		// Moving the remediation moves the link.
		r, err := f.db.ChangeRemediation(ctx, f.alice, r.ID, hansei.RemediationInput{WhyNode: &why2}, "answers the paging why")
		if err != nil || r.WhyNode != why2 {
			t.Fatalf("move: %+v, %v", r, err)
		}
		links = rmtLinks(t, f, number)
		if len(links[why1]) != 0 || !slices.Equal(links[why2], []int64{r.ID}) {
			t.Fatalf("links after move %v", links)
		}
		// A second remediation on the same why joins the first.
		in2 := rmtInput("Page the owner", "alice", "2026-12-03")
		in2.WhyNode = &why2
		r2 := rmtCreate(t, f, f.alice, number, in2)
		links = rmtLinks(t, f, number)
		if !slices.Equal(links[why2], []int64{r.ID, r2.ID}) {
			t.Fatalf("links with two remediations %v", links)
		}

		// A why that does not exist is refused, and nothing moves.
		missing := int64(999)
		_, err = f.db.ChangeRemediation(ctx, f.alice, r.ID, hansei.RemediationInput{WhyNode: &missing}, "")
		rmtWantField(t, err, "why_node")
		in3 := rmtInput("Nowhere", "bob", "2026-12-04")
		in3.WhyNode = &missing
		_, err = f.db.CreateRemediation(ctx, f.alice, number, in3)
		rmtWantField(t, err, "why_node")
		got, err := f.db.Remediation(ctx, f.alice, r.ID)
		if err != nil || got.WhyNode != why2 || len(got.Progress) != 2 {
			t.Fatalf("refused move changed the remediation: %+v, %v", got, err)
		}
		if after := rmtLinks(t, f, number); !slices.Equal(after[why2], []int64{r.ID, r2.ID}) || len(after[why1]) != 0 {
			t.Fatalf("refused move changed links %v", after)
		}
		if all := rmtIDs(t, f, f.alice, hansei.RemediationFilter{Incident: number}); all != fmt.Sprint([]int64{r.ID, unlinked.ID, r2.ID}) {
			t.Fatalf("refused create stored a remediation: %s", all)
		}

		// Unlinking (why_node 0) removes the link.
		zero := int64(0)
		if _, err := f.db.ChangeRemediation(ctx, f.alice, r.ID, hansei.RemediationInput{WhyNode: &zero}, ""); err != nil {
			t.Fatal(err)
		}
		if links := rmtLinks(t, f, number); !slices.Equal(links[why2], []int64{r2.ID}) {
			t.Fatalf("links after unlink %v", links)
		}
	})
}

func TestRemediationFilters(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		one := f.declare(t, "One", "SEV2")
		two := f.declare(t, "Two", "SEV3")
		// Created out of due order; a and d share a due date.
		a := rmtCreate(t, f, f.alice, one.Number, rmtInput("a", "bob", "2026-11-30"))
		b := rmtCreate(t, f, f.alice, one.Number, rmtInput("b", "alice", "2026-11-20"))
		c := rmtCreate(t, f, f.alice, two.Number, rmtInput("c", "bob", "2026-11-25"))
		d := rmtCreate(t, f, f.alice, two.Number, rmtInput("d", "alice", "2026-11-30"))
		e := rmtCreate(t, f, f.alice, two.Number, rmtInput("e", "bob", "2026-11-10"))
		done := hansei.RemediationDone
		if _, err := f.db.ChangeRemediation(ctx, f.bob, e.ID, hansei.RemediationInput{Status: &done}, "shipped"); err != nil {
			t.Fatal(err)
		}
		blocked := hansei.RemediationBlocked
		if _, err := f.db.ChangeRemediation(ctx, f.alice, b.ID, hansei.RemediationInput{Status: &blocked, Reason: rmtStr("vendor")}, ""); err != nil {
			t.Fatal(err)
		}
		ids := func(rs ...hansei.Remediation) string {
			out := []int64{}
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return fmt.Sprint(out)
		}
		// f.now is 2026-11-25 09:00 UTC: c is due today, not overdue.
		cases := []struct {
			name   string
			filter hansei.RemediationFilter
			want   string
		}{
			{"all by due then id", hansei.RemediationFilter{}, ids(e, b, c, a, d)},
			{"owner", hansei.RemediationFilter{Owner: "bob"}, ids(e, c, a)},
			{"owner alice", hansei.RemediationFilter{Owner: "alice"}, ids(b, d)},
			{"unknown owner", hansei.RemediationFilter{Owner: "nobody"}, "[]"},
			{"status done", hansei.RemediationFilter{Status: hansei.RemediationDone}, ids(e)},
			{"status open", hansei.RemediationFilter{Status: hansei.RemediationOpen}, ids(c, a, d)},
			{"status blocked", hansei.RemediationFilter{Status: hansei.RemediationBlocked}, ids(b)},
			{"incident", hansei.RemediationFilter{Incident: one.Number}, ids(b, a)},
			{"incident two", hansei.RemediationFilter{Incident: two.Number}, ids(e, c, d)},
			{"overdue", hansei.RemediationFilter{Overdue: true}, ids(b)},
			{"combined", hansei.RemediationFilter{Owner: "bob", Incident: two.Number, Status: hansei.RemediationOpen}, ids(c)},
		}
		for _, tc := range cases {
			if got := rmtIDs(t, f, f.viewer, tc.filter); got != tc.want {
				t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
			}
		}
		// The clock moves on: c and then a and d fall overdue; e stays done.
		f.now = time.Date(2026, 11, 26, 0, 30, 0, 0, time.UTC)
		if got := rmtIDs(t, f, f.viewer, hansei.RemediationFilter{Overdue: true}); got != ids(b, c) {
			t.Errorf("overdue on 11-26: got %s, want %s", got, ids(b, c))
		}
		f.now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		if got := rmtIDs(t, f, f.viewer, hansei.RemediationFilter{Overdue: true}); got != ids(b, c, a, d) {
			t.Errorf("overdue on 12-01: got %s, want %s", got, ids(b, c, a, d))
		}
		if got := rmtIDs(t, f, f.viewer, hansei.RemediationFilter{Overdue: true, Owner: "bob"}); got != ids(c, a) {
			t.Errorf("overdue for bob: got %s, want %s", got, ids(c, a))
		}
		// Listed documents are whole.
		rs, err := f.db.Remediations(ctx, f.viewer, hansei.RemediationFilter{Status: hansei.RemediationDone})
		if err != nil || len(rs) != 1 || rs[0].Title != "e" || len(rs[0].Progress) != 2 || rs[0].Progress[1].Note != "shipped" {
			t.Fatalf("listed %+v, %v", rs, err)
		}
	})
}

func TestRemediationsOfRestrictedIncidents(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		secret, err := f.db.Declare(ctx, f.alice, hansei.Declare{Title: "Credential leak", Severity: "SEV1", Visibility: hansei.VisibilityRestricted})
		if err != nil {
			t.Fatal(err)
		}
		public := f.declare(t, "Public one", "SEV3")
		hidden := rmtCreate(t, f, f.alice, secret.Number, rmtInput("Rotate keys", "alice", "2026-11-26"))
		open := rmtCreate(t, f, f.alice, public.Number, rmtInput("Add alert", "alice", "2026-11-27"))
		both := fmt.Sprint([]int64{hidden.ID, open.ID})
		onlyPublic := fmt.Sprint([]int64{open.ID})

		for _, u := range []hansei.User{f.bob, f.viewer} {
			if got := rmtIDs(t, f, u, hansei.RemediationFilter{}); got != onlyPublic {
				t.Errorf("non-member %s lists %s, want %s", u.Name, got, onlyPublic)
			}
			if got := rmtIDs(t, f, u, hansei.RemediationFilter{Incident: secret.Number}); got != "[]" {
				t.Errorf("non-member %s lists %s of the restricted incident", u.Name, got)
			}
			if got := rmtIDs(t, f, u, hansei.RemediationFilter{Owner: "alice"}); got != onlyPublic {
				t.Errorf("non-member %s lists %s by owner", u.Name, got)
			}
			_, err := f.db.Remediation(ctx, u, hidden.ID)
			wantCode(t, err, hansei.ENOTFOUND)
		}
		_, err = f.db.ChangeRemediation(ctx, f.bob, hidden.ID, hansei.RemediationInput{Title: rmtStr("peek")}, "")
		wantCode(t, err, hansei.ENOTFOUND)
		_, err = f.db.CreateRemediation(ctx, f.bob, secret.Number, rmtInput("peek", "bob", "2026-12-01"))
		rmtWantField(t, err, "incident")
		if got, err := f.db.Remediation(ctx, f.alice, hidden.ID); err != nil || got.Title != "Rotate keys" {
			t.Fatalf("refused change by a non-member changed it: %+v, %v", got, err)
		}

		if got := rmtIDs(t, f, f.alice, hansei.RemediationFilter{}); got != both {
			t.Errorf("member lists %s, want %s", got, both)
		}
		if got := rmtIDs(t, f, f.adminFigure, hansei.RemediationFilter{}); got != both {
			t.Errorf("admin lists %s, want %s", got, both)
		}
		if _, _, err := f.db.Execute(ctx, f.alice, secret.Number, hansei.Join{User: "bob"}); err != nil {
			t.Fatal(err)
		}
		if got := rmtIDs(t, f, f.bob, hansei.RemediationFilter{}); got != both {
			t.Errorf("new member lists %s, want %s", got, both)
		}
		if _, err := f.db.Remediation(ctx, f.bob, hidden.ID); err != nil {
			t.Errorf("new member cannot read: %v", err)
		}
	})
}

func TestRemediationCancelLeavesOpenLists(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		inc := f.declare(t, "One", "SEV2")
		keep := rmtCreate(t, f, f.alice, inc.Number, rmtInput("keep", "bob", "2026-11-20"))
		drop := rmtCreate(t, f, f.alice, inc.Number, rmtInput("drop", "bob", "2026-11-20"))
		if _, err := f.db.CancelRemediation(ctx, f.viewer, drop.ID, "filed twice"); hansei.ErrorCode(err) != hansei.EFORBIDDEN {
			t.Fatalf("a viewer cancels: %v", err)
		}
		if _, err := f.db.CancelRemediation(ctx, f.bob, 999, "x"); hansei.ErrorCode(err) != hansei.ENOTFOUND {
			t.Fatalf("cancel of a missing remediation: %v", err)
		}
		got, err := f.db.CancelRemediation(ctx, f.bob, drop.ID, "filed twice")
		if err != nil || got.Status != hansei.RemediationCancelled {
			t.Fatalf("owner cancels: %+v, %v", got, err)
		}
		stored, err := f.db.Remediation(ctx, f.viewer, drop.ID)
		if err != nil || stored.Status != hansei.RemediationCancelled || stored.Reason != "filed twice" || len(stored.Progress) != 2 {
			t.Fatalf("stored %+v, %v", stored, err)
		}
		if got := rmtIDs(t, f, f.viewer, hansei.RemediationFilter{Overdue: true}); got != fmt.Sprint([]int64{keep.ID}) {
			t.Errorf("overdue: %s, want only %d", got, keep.ID)
		}
		if got := rmtIDs(t, f, f.viewer, hansei.RemediationFilter{Status: hansei.RemediationCancelled}); got != fmt.Sprint([]int64{drop.ID}) {
			t.Errorf("status cancelled: %s, want %d", got, drop.ID)
		}
		due, err := f.db.RemediationsDue(ctx, "2026-12-31")
		if err != nil || len(due) != 1 || due[0].Remediation.ID != keep.ID {
			t.Errorf("due for reminders: %+v, %v", due, err)
		}
		open, err := f.db.OpenRemediations(ctx)
		if err != nil || len(open) != 1 || open[0].ID != keep.ID {
			t.Errorf("open for digests: %+v, %v", open, err)
		}
	})
}

func TestReviewOutcomeReplacedInStore(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		inc := f.declare(t, "One", "SEV2")
		r := rmtCreate(t, f, f.alice, inc.Number, rmtInput("r", "bob", "2026-12-01"))
		const day = "2026-11-25"
		if _, err := f.db.RecordOutcome(ctx, f.alice, day, r.ID, hansei.OutcomeBlocked, "vendor", ""); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.RecordOutcome(ctx, f.bob, day, r.ID, hansei.OutcomeOnTrack, "vendor answered", "")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != hansei.RemediationOpen {
			t.Errorf("status %s after blocked was replaced by on track, want open", got.Status)
		}
		d, err := f.db.ReviewDay(ctx, f.viewer, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Outcomes) != 2 || d.Outcomes[0].Outcome != hansei.OutcomeBlocked || d.Outcomes[0].ReplacedAt == nil ||
			d.Outcomes[0].ReplacedBy != "bob" || d.Outcomes[1].Outcome != hansei.OutcomeOnTrack || d.Outcomes[1].ReplacedAt != nil {
			t.Errorf("review history %+v", d.Outcomes)
		}
		if d, _ := f.db.ReviewDay(ctx, f.viewer, "2026-11-26"); len(d.Outcomes) != 0 {
			t.Errorf("another day's history %+v", d.Outcomes)
		}
	})
}
