package hansei

import (
	"strings"
	"testing"
	"time"
)

// rmtNow is the clock of every remediation decision in these tests.
var rmtNow = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func rmtEnv(actor string) RemediationEnv {
	u, ok := incUsers[actor]
	if !ok {
		panic("rmtEnv: unknown test user " + actor)
	}
	return RemediationEnv{Now: rmtNow, Actor: u, Scales: DefaultScales(), Users: incLookupUser}
}

func rmtStr(s string) *string { return &s }

// rmtInput is a valid creation input.
func rmtInput() RemediationInput {
	return RemediationInput{Title: rmtStr("Alert on disk usage"), Owner: rmtStr("bob"),
		Priority: rmtStr("P1"), Due: rmtStr("2026-12-01")}
}

func rmtNew(t *testing.T) Remediation {
	t.Helper()
	r, err := NewRemediation(7, rmtInput(), rmtEnv("alice"))
	if err != nil {
		t.Fatalf("NewRemediation: %v", err)
	}
	return r
}

// rmtWantField fails unless err is EINVALID naming field, with a message
// containing every part.
func rmtWantField(t *testing.T, err error, field string, parts ...string) {
	t.Helper()
	if ErrorCode(err) != EINVALID {
		t.Fatalf("error %v (code %q), want %s", err, ErrorCode(err), EINVALID)
	}
	msg, ok := ErrorFields(err)[field]
	if !ok {
		t.Fatalf("error fields %v do not name %q", ErrorFields(err), field)
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("field %s message %q does not mention %q", field, msg, p)
		}
	}
}

func TestNewRemediationAccepts(t *testing.T) {
	in := rmtInput()
	in.Description = rmtStr("  page before the disk fills  ")
	in.Link = rmtStr("https://tracker.example.com/OPS-12")
	r, err := NewRemediation(7, in, rmtEnv("alice"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Incident != 7 || r.Title != "Alert on disk usage" || r.Owner != "bob" || r.Priority != "P1" ||
		r.Due != "2026-12-01" || r.Status != RemediationOpen || r.Reason != "" || r.Link != "https://tracker.example.com/OPS-12" ||
		r.Description != "page before the disk fills" || r.CreatedBy != "alice" || !r.CreatedAt.Equal(rmtNow) || !r.UpdatedAt.Equal(rmtNow) {
		t.Fatalf("created %+v", r)
	}
	if len(r.Progress) != 1 {
		t.Fatalf("progress %+v, want one entry", r.Progress)
	}
	p := r.Progress[0]
	if p.Note != "created" || p.Actor != "alice" || !p.At.Equal(rmtNow) || p.Status != RemediationOpen || p.Owner != "bob" {
		t.Fatalf("first progress entry %+v", p)
	}
	// Plain http is a link too.
	in.Link = rmtStr("http://tracker.example.com/1")
	if _, err := NewRemediation(7, in, rmtEnv("alice")); err != nil {
		t.Fatalf("http link refused: %v", err)
	}
	// An empty link is no link.
	in.Link = rmtStr("")
	if r, err := NewRemediation(7, in, rmtEnv("alice")); err != nil || r.Link != "" {
		t.Fatalf("empty link: %+v, %v", r, err)
	}
}

func TestNewRemediationRefuses(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(in *RemediationInput)
		field string
		parts []string
	}{
		{"no title", func(in *RemediationInput) { in.Title = nil }, "title", []string{"title is required"}},
		{"blank title", func(in *RemediationInput) { in.Title = rmtStr("   ") }, "title", nil},
		{"no owner", func(in *RemediationInput) { in.Owner = nil }, "owner", []string{"accountable owner"}},
		{"empty owner", func(in *RemediationInput) { in.Owner = rmtStr("") }, "owner", []string{"accountable owner"}},
		{"unknown owner", func(in *RemediationInput) { in.Owner = rmtStr("nobody") }, "owner", []string{`"nobody"`, "existing user"}},
		{"no priority", func(in *RemediationInput) { in.Priority = nil }, "priority", []string{"required", "P0", "P1", "P2", "P3"}},
		{"empty priority", func(in *RemediationInput) { in.Priority = rmtStr("") }, "priority", []string{"required", "P0", "P3"}},
		{"unknown priority", func(in *RemediationInput) { in.Priority = rmtStr("urgent") }, "priority", []string{`"urgent"`, "P0", "P1", "P2", "P3"}},
		{"no due", func(in *RemediationInput) { in.Due = nil }, "due", []string{"required"}},
		{"due tomorrow", func(in *RemediationInput) { in.Due = rmtStr("tomorrow") }, "due", []string{`"tomorrow"`}},
		{"due not a date", func(in *RemediationInput) { in.Due = rmtStr("2026-13-01") }, "due", nil},
		{"due with time", func(in *RemediationInput) { in.Due = rmtStr("2026-12-01T10:00:00Z") }, "due", nil},
		{"link ftp", func(in *RemediationInput) { in.Link = rmtStr("ftp://tracker.example.com/1") }, "link", []string{"http(s)"}},
		{"link no scheme", func(in *RemediationInput) { in.Link = rmtStr("tracker.example.com/1") }, "link", nil},
		{"link no host", func(in *RemediationInput) { in.Link = rmtStr("https:///OPS-12") }, "link", nil},
		{"link javascript", func(in *RemediationInput) { in.Link = rmtStr("javascript:alert(1)") }, "link", nil},
		{"blocked without reason", func(in *RemediationInput) { s := RemediationBlocked; in.Status = &s }, "reason", []string{"blocked"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := rmtInput()
			c.edit(&in)
			_, err := NewRemediation(7, in, rmtEnv("alice"))
			rmtWantField(t, err, c.field, c.parts...)
		})
	}
}

func TestNewRemediationViewerForbidden(t *testing.T) {
	_, err := NewRemediation(7, rmtInput(), rmtEnv("victor"))
	if ErrorCode(err) != EFORBIDDEN {
		t.Fatalf("viewer created a remediation: %v", err)
	}
	r := rmtNew(t)
	_, err = r.Change(RemediationInput{Title: rmtStr("x")}, "", rmtEnv("victor"))
	if ErrorCode(err) != EFORBIDDEN {
		t.Fatalf("viewer changed a remediation: %v", err)
	}
}

func TestRemediationChangeStatus(t *testing.T) {
	st := func(s RemediationStatus) *RemediationStatus { return &s }
	cases := []struct {
		name       string
		in         RemediationInput
		field      string // refused with this field
		wantStatus RemediationStatus
		wantReason string
	}{
		{"blocked without reason", RemediationInput{Status: st(RemediationBlocked)}, "reason", "", ""},
		{"blocked blank reason", RemediationInput{Status: st(RemediationBlocked), Reason: rmtStr("  ")}, "reason", "", ""},
		{"wont_do without reason", RemediationInput{Status: st(RemediationWontDo)}, "reason", "", ""},
		{"blocked with reason", RemediationInput{Status: st(RemediationBlocked), Reason: rmtStr(" waiting on vendor ")}, "", RemediationBlocked, "waiting on vendor"},
		{"wont_do with reason", RemediationInput{Status: st(RemediationWontDo), Reason: rmtStr("service retired")}, "", RemediationWontDo, "service retired"},
		{"in progress", RemediationInput{Status: st(RemediationInProgress)}, "", RemediationInProgress, ""},
		{"done", RemediationInput{Status: st(RemediationDone)}, "", RemediationDone, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rmtNew(t)
			got, err := r.Change(c.in, "", rmtEnv("bob"))
			if c.field != "" {
				rmtWantField(t, err, c.field)
				if got.Status != RemediationOpen || len(got.Progress) != 1 {
					t.Fatalf("refused change returned a changed remediation %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != c.wantStatus || got.Reason != c.wantReason {
				t.Fatalf("status %s reason %q, want %s %q", got.Status, got.Reason, c.wantStatus, c.wantReason)
			}
			last := got.Progress[len(got.Progress)-1]
			if len(got.Progress) != 2 || last.Status != c.wantStatus || last.Actor != "bob" || last.Note != "edited" || last.Owner != "" {
				t.Fatalf("progress %+v", got.Progress)
			}
		})
	}
}

func TestRemediationBackInProgressClearsReason(t *testing.T) {
	r := rmtNew(t)
	blocked := RemediationBlocked
	r, err := r.Change(RemediationInput{Status: &blocked, Reason: rmtStr("waiting on vendor")}, "", rmtEnv("bob"))
	if err != nil || r.Reason != "waiting on vendor" {
		t.Fatalf("blocked: %+v, %v", r, err)
	}
	ip := RemediationInProgress
	r, err = r.Change(RemediationInput{Status: &ip}, "vendor answered", rmtEnv("bob"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != RemediationInProgress || r.Reason != "" {
		t.Fatalf("back in progress: status %s reason %q, want reason cleared", r.Status, r.Reason)
	}
	last := r.Progress[len(r.Progress)-1]
	if len(r.Progress) != 3 || last.Note != "vendor answered" || last.Status != RemediationInProgress {
		t.Fatalf("progress %+v", r.Progress)
	}
}

func TestRemediationHandover(t *testing.T) {
	r := rmtNew(t)
	later := rmtNow.Add(time.Hour)
	env := rmtEnv("alice")
	env.Now = later
	got, err := r.Change(RemediationInput{Owner: rmtStr("dave")}, "", env)
	if err != nil {
		t.Fatal(err)
	}
	if got.Owner != "dave" || !got.UpdatedAt.Equal(later) || !got.CreatedAt.Equal(rmtNow) {
		t.Fatalf("after handover %+v", got)
	}
	last := got.Progress[len(got.Progress)-1]
	if len(got.Progress) != 2 || last.Owner != "dave" || last.Note != "handed over from bob to dave" ||
		last.Actor != "alice" || !last.At.Equal(later) || last.Status != "" {
		t.Fatalf("handover entry %+v", got.Progress)
	}
	// A note given is kept instead of the default.
	got2, err := r.Change(RemediationInput{Owner: rmtStr("dave")}, "  bob moved teams ", env)
	if err != nil {
		t.Fatal(err)
	}
	if last := got2.Progress[len(got2.Progress)-1]; last.Note != "bob moved teams" || last.Owner != "dave" {
		t.Fatalf("handover with note %+v", last)
	}
	// Naming the same owner is no handover.
	same, err := r.Change(RemediationInput{Owner: rmtStr("bob")}, "", env)
	if err != nil {
		t.Fatal(err)
	}
	if last := same.Progress[len(same.Progress)-1]; last.Owner != "" || last.Note != "edited" {
		t.Fatalf("same owner recorded as a handover: %+v", last)
	}
	// Handing over to nobody that exists is refused.
	_, err = r.Change(RemediationInput{Owner: rmtStr("nobody")}, "", env)
	rmtWantField(t, err, "owner", "nobody")
}

func TestRemediationChangeStatusAndOwnerInOneEntry(t *testing.T) {
	r := rmtNew(t)
	done := RemediationDone
	got, err := r.Change(RemediationInput{Status: &done, Owner: rmtStr("dave")}, "shipped", rmtEnv("bob"))
	if err != nil {
		t.Fatal(err)
	}
	last := got.Progress[len(got.Progress)-1]
	if len(got.Progress) != 2 || last.Status != RemediationDone || last.Owner != "dave" || last.Note != "shipped" {
		t.Fatalf("entry %+v", last)
	}
}

func TestRemediationChangeDoesNotMutateOriginal(t *testing.T) {
	r := rmtNew(t)
	// Leave spare capacity so an append without cloning would share it.
	r.Progress = append(make([]ProgressEntry, 0, 8), r.Progress...)
	ip := RemediationInProgress
	a, err := r.Change(RemediationInput{Status: &ip, Title: rmtStr("New title")}, "first", rmtEnv("bob"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Change(RemediationInput{Owner: rmtStr("dave")}, "second", rmtEnv("bob"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != RemediationOpen || r.Title != "Alert on disk usage" || r.Owner != "bob" || len(r.Progress) != 1 {
		t.Fatalf("original changed: %+v", r)
	}
	if a.Progress[1].Note != "first" || b.Progress[1].Note != "second" {
		t.Fatalf("changes share a progress log: %+v / %+v", a.Progress, b.Progress)
	}
	// A refused change leaves everything as it was.
	bad, err := r.Change(RemediationInput{Title: rmtStr("Changed"), Due: rmtStr("soon")}, "", rmtEnv("bob"))
	rmtWantField(t, err, "due", "soon")
	if r.Title != "Alert on disk usage" || bad.Title != "Alert on disk usage" || bad.Due != "2026-12-01" {
		t.Fatalf("refused change leaked: original %+v returned %+v", r, bad)
	}
}

func TestRemediationEditedNote(t *testing.T) {
	r := rmtNew(t)
	got, err := r.Change(RemediationInput{Due: rmtStr("2027-01-15"), Link: rmtStr("https://t.example.com/2")}, "", rmtEnv("bob"))
	if err != nil {
		t.Fatal(err)
	}
	last := got.Progress[len(got.Progress)-1]
	if got.Due != "2027-01-15" || got.Link != "https://t.example.com/2" || last.Note != "edited" || last.Status != "" || last.Owner != "" {
		t.Fatalf("edit: %+v, entry %+v", got, last)
	}
}

func TestParseRemediationStatus(t *testing.T) {
	cases := []struct {
		in   string
		want RemediationStatus
		ok   bool
	}{
		{"open", RemediationOpen, true},
		{"in_progress", RemediationInProgress, true},
		{"blocked", RemediationBlocked, true},
		{"done", RemediationDone, true},
		{"wont_do", RemediationWontDo, true},
		{"", "", false},
		{"Done", "", false},
		{"in progress", "", false},
		{"closed", "", false},
	}
	for _, c := range cases {
		got, err := ParseRemediationStatus(c.in)
		if c.ok {
			if err != nil || got != c.want {
				t.Errorf("ParseRemediationStatus(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		if got != "" {
			t.Errorf("ParseRemediationStatus(%q) = %q, want empty", c.in, got)
		}
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorFields(err)["status"], "wont_do") {
			t.Errorf("ParseRemediationStatus(%q) error %v, want EINVALID on status listing the statuses", c.in, err)
		}
	}
}

func TestRemediationStatusClosed(t *testing.T) {
	for s, want := range map[RemediationStatus]bool{RemediationOpen: false, RemediationInProgress: false,
		RemediationBlocked: false, RemediationDone: true, RemediationWontDo: true} {
		if s.Closed() != want {
			t.Errorf("%s.Closed() = %v, want %v", s, s.Closed(), want)
		}
	}
}

func TestRemediationOverdue(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	late := time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC) // 2026-11-26 08:30 in Tokyo
	cases := []struct {
		name   string
		status RemediationStatus
		due    string
		now    time.Time
		loc    *time.Location
		want   bool
	}{
		{"open past due", RemediationOpen, "2026-11-24", rmtNow, time.UTC, true},
		{"in progress past due", RemediationInProgress, "2026-11-24", rmtNow, time.UTC, true},
		{"blocked past due", RemediationBlocked, "2026-11-24", rmtNow, time.UTC, true},
		{"done past due", RemediationDone, "2026-11-24", rmtNow, time.UTC, false},
		{"wont_do past due", RemediationWontDo, "2020-01-01", rmtNow, time.UTC, false},
		{"due today", RemediationOpen, "2026-11-25", rmtNow, time.UTC, false},
		{"due tomorrow", RemediationOpen, "2026-11-26", rmtNow, time.UTC, false},
		{"no due date", RemediationOpen, "", rmtNow, time.UTC, false},
		{"late UTC still today", RemediationOpen, "2026-11-25", late, time.UTC, false},
		{"late UTC is tomorrow in Tokyo", RemediationOpen, "2026-11-25", late, tokyo, true},
		{"Tokyo due that next day", RemediationOpen, "2026-11-26", late, tokyo, false},
	}
	for _, c := range cases {
		r := Remediation{Status: c.status, Due: c.due}
		if got := r.Overdue(c.now, c.loc); got != c.want {
			t.Errorf("%s: Overdue = %v, want %v", c.name, got, c.want)
		}
	}
}
