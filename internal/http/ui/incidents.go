package ui

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// The incident pages: the list, the declare form and the incident itself,
// whose timeline and intents follow live (app.js re-fetches /live when the
// event stream says something happened).

// timelineWindow is how many events the incident page shows at once; older
// ones are a link away, so a long incident renders as fast as a short one.
const timelineWindow = 100

func (s *Handler) home(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return redirect(w, r, "/incidents", "")
}

type incidentsList struct {
	Items                       []hansei.Incident
	Status, Severity, Q, Cursor string
	Next                        string
	Statuses                    []hansei.Status
	Severities                  []string
}

func (s *Handler) incidentsPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	q := r.URL.Query()
	d := incidentsList{Status: q.Get("status"), Severity: q.Get("severity"), Q: q.Get("q"), Cursor: q.Get("cursor"),
		Statuses:   []hansei.Status{hansei.StatusInvestigating, hansei.StatusIdentified, hansei.StatusMonitoring, hansei.StatusResolved, hansei.StatusClosed},
		Severities: s.scales.Severity.Keys()}
	f := hansei.IncidentFilter{Severity: d.Severity, Q: d.Q, Cursor: d.Cursor, Limit: 50}
	if d.Status != "" {
		st, err := hansei.ParseStatus("status", d.Status)
		if err != nil {
			return err
		}
		f.Status = st
	}
	if d.Severity != "" {
		level, err := s.scales.Severity.Level(d.Severity)
		if err != nil {
			return err
		}
		d.Severity, f.Severity = level.Key, level.Key // sev1 finds SEV1
	}
	var err error
	if d.Items, d.Next, err = s.app.Incidents.List(r.Context(), v.User, f); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "incidents", view{V: v, Title: v.T("common.incidents"), Nav: "incidents", D: d})
}

type declareView struct {
	Levels   []hansei.Level
	Title    string
	Summary  string
	Severity string
	Services string
	Private  bool
}

func (s *Handler) declarePage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.render(w, r, http.StatusOK, "declare", view{V: v, Title: v.T("common.declare_an_incident"), Nav: "incidents",
		D: declareView{Levels: s.scales.Severity.Levels}})
}

func (s *Handler) declareForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := r.PostForm
	d := declareView{Levels: s.scales.Severity.Levels, Title: f.Get("title"), Summary: f.Get("summary"),
		Severity: f.Get("severity"), Services: f.Get("services"), Private: f.Get("visibility") == "restricted"}
	cmd := hansei.Declare{Title: d.Title, Summary: d.Summary, Severity: d.Severity, Services: splitList(d.Services)}
	if d.Private {
		cmd.Visibility = hansei.VisibilityRestricted
	}
	inc, err := s.app.Incidents.Declare(r.Context(), v.User, cmd)
	if err != nil {
		if httpx.StatusOf(err) >= 500 {
			return err
		}
		// Show the form again with what was typed, and the reason on top.
		return s.render(w, r, httpx.StatusOf(err), "declare", view{V: v, Title: v.T("common.declare_an_incident"), Nav: "incidents",
			Flash: &flash{Error: true, Text: v.errorText(err)}, D: d})
	}
	return redirect(w, r, incidentURL(inc.Number), v.T("flash.declared", "Incident", inc.Ref()))
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func incidentURL(n int64) string { return "/incidents/" + strconv.FormatInt(n, 10) }

// incidentView is the incident page.
type incidentView struct {
	Inc        hansei.Incident
	Events     []hansei.Event // newest first
	Before     int64          // the oldest shown seq, when older events exist
	Live       bool           // the window ends at the newest event
	Intents    []intentView   // live intents, oldest first
	Decided    []intentView   // the latest decided intents, newest first
	Next       []hansei.Status
	Forward    hansei.Status // the next status forward, preselected
	Users      []string
	Me         hansei.Responder
	IsMember   bool
	Severities []hansei.Level
	Roles      []string
	RoleLabels map[string]string
	// Correct is the form that corrects the record (nil: not for this
	// viewer).
	Correct    *correctionView
	KeyTimes   []keyTime
	EventTypes []string // the stream's frame names, for app.js
	// The public status page: whether the viewer may publish, and the
	// components to name.
	CanPublish      bool
	Components      []hansei.Component
	ComponentStates []hansei.ComponentState
	PublicStatuses  []hansei.Status
	Impacts         []hansei.Impact
}

// liveEventTypes names every event type the incident stream sends.
func liveEventTypes() []string {
	return []string{hansei.EventDeclared, hansei.EventSeverityChanged, hansei.EventStatusChanged,
		hansei.EventRoleAssigned, hansei.EventResponderJoined, hansei.EventNoteAdded,
		hansei.EventIntentStated, hansei.EventIntentAcked, hansei.EventIntentObjected,
		hansei.EventObjectionLifted, hansei.EventIntentWithdrawn, hansei.EventIntentExpired,
		hansei.EventResponderStoodDown, hansei.EventPublicUpdate, hansei.EventComponentsLinked,
		hansei.EventCorrected, hansei.EventRoleVacated, hansei.EventRedacted}
}

type intentView struct {
	hansei.Intent
	Pending                            []string
	CanAck, CanObject, CanLift, CanWdr bool
	OpenObjections                     []hansei.Objection
}

type keyTime struct {
	Label string
	At    *time.Time
	Since string // the duration from the start
}

func (s *Handler) loadIncidentView(r *http.Request, v *viewer, before int64) (incidentView, error) {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return incidentView{}, err
	}
	inc, err := s.app.Incidents.Get(r.Context(), v.User, n)
	if err != nil {
		return incidentView{}, err
	}
	d := incidentView{Inc: inc, Next: hansei.NextStatuses(inc.Status), Severities: s.scales.Severity.Levels,
		EventTypes: liveEventTypes()}
	d.Roles, d.RoleLabels = s.roleLabels(inc, v)
	d.Correct = s.correctionView(inc, v)
	end := inc.LastSeq
	if before > 0 && before <= inc.LastSeq {
		end = before - 1
	}
	d.Live = end == inc.LastSeq
	after := max(end-timelineWindow, 0)
	events, err := s.app.Incidents.Timeline(r.Context(), v.User, n, after, int(end-after))
	if err != nil {
		return d, err
	}
	if after > 0 {
		d.Before = after + 1
	}
	d.Events = make([]hansei.Event, len(events))
	for i, e := range events {
		d.Events[len(events)-1-i] = e
	}
	d.Forward = forwardStatus(inc.Status, d.Next)
	d.Me, d.IsMember = inc.Responder(v.User.Name)
	d.Intents, d.Decided = s.intentViews(inc, v)
	d.KeyTimes = keyTimes(inc, v)
	env := hansei.Env{Now: v.Now, Actor: v.User, Scales: s.scales}
	if _, err := hansei.Decide(inc, env, hansei.PublishUpdate{Text: "?"}); err == nil && v.CanAct() {
		d.CanPublish = true
		if d.Components, err = s.app.StatusPage.Components(r.Context()); err != nil {
			return d, err
		}
		d.ComponentStates = componentStateList()
		d.PublicStatuses = []hansei.Status{hansei.StatusInvestigating, hansei.StatusIdentified, hansei.StatusMonitoring, hansei.StatusResolved}
		d.Impacts = hansei.Impacts()
	}
	if v.CanAct() {
		users, err := s.app.Users.All(r.Context())
		if err != nil {
			return d, err
		}
		for _, u := range users {
			if u.Role != hansei.RoleViewer {
				d.Users = append(d.Users, u.Name)
			}
		}
	}
	return d, nil
}

// forwardStatus is the first of next that moves the incident on
// (investigating → identified → monitoring → resolved), so that the form
// does not offer a step back by default.
func forwardStatus(current hansei.Status, next []hansei.Status) hansei.Status {
	order := []hansei.Status{hansei.StatusInvestigating, hansei.StatusIdentified, hansei.StatusMonitoring, hansei.StatusResolved}
	for _, st := range next {
		if slices.Index(order, st) > slices.Index(order, current) {
			return st
		}
	}
	if len(next) > 0 {
		return next[0]
	}
	return ""
}

func keyTimes(inc hansei.Incident, v *viewer) []keyTime {
	at := func(t time.Time) *time.Time { return &t }
	since := func(t *time.Time) string {
		if t == nil || t.Before(inc.StartedAt) {
			return ""
		}
		return v.Duration(t.Sub(inc.StartedAt))
	}
	return []keyTime{
		{v.T("word.key_time.started"), at(inc.StartedAt), ""},
		{v.T("word.key_time.detected"), at(inc.DetectedAt), since(at(inc.DetectedAt))},
		{v.T("word.key_time.declared"), at(inc.DeclaredAt), since(at(inc.DeclaredAt))},
		{v.T("word.key_time.acknowledged"), inc.AcknowledgedAt, since(inc.AcknowledgedAt)},
		{v.T("word.key_time.mitigated"), inc.MitigatedAt, since(inc.MitigatedAt)},
		{v.T("word.key_time.resolved"), inc.ResolvedAt, since(inc.ResolvedAt)},
	}
}

// intentViews splits the intents into live and recently decided ones and
// works out which buttons the viewer may use, by asking the domain's
// Decide whether the command would be accepted.
func (s *Handler) intentViews(inc hansei.Incident, v *viewer) (live, decided []intentView) {
	env := hansei.Env{Now: v.Now, Actor: v.User, Scales: s.scales,
		Users: func(name string) (hansei.User, error) { return hansei.User{Name: name}, nil }}
	allowed := func(cmd hansei.Command) bool {
		if !v.CanAct() {
			return false
		}
		_, err := hansei.Decide(inc, env, cmd)
		return err == nil
	}
	for _, in := range inc.Intents {
		iv := intentView{Intent: in, Pending: inc.PendingAcks(in)}
		for _, o := range in.Objections {
			if o.LiftedAt == nil {
				iv.OpenObjections = append(iv.OpenObjections, o)
			}
		}
		if in.Live() {
			iv.CanAck = allowed(hansei.AcknowledgeIntent{ID: in.ID})
			iv.CanObject = allowed(hansei.ObjectIntent{ID: in.ID, Reason: "?"})
			iv.CanLift = allowed(hansei.LiftObjection{ID: in.ID})
			iv.CanWdr = allowed(hansei.WithdrawIntent{ID: in.ID})
			live = append(live, iv)
		} else {
			decided = append([]intentView{iv}, decided...)
		}
	}
	if len(decided) > 5 {
		decided = decided[:5]
	}
	return live, decided
}

func (s *Handler) incidentPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	before, err := httpx.QueryInt(r, "before", 0)
	if err != nil {
		return err
	}
	d, err := s.loadIncidentView(r, v, before)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "incident", view{V: v, Title: d.Inc.Ref() + " " + d.Inc.Title, Nav: "incidents", D: d})
}

// incidentLive returns the parts of the incident page that change, for
// app.js to swap in: the facts, the intents and the newest events.
func (s *Handler) incidentLive(w http.ResponseWriter, r *http.Request, v *viewer) error {
	d, err := s.loadIncidentView(r, v, 0)
	if err != nil {
		return err
	}
	v.Path = incidentURL(d.Inc.Number)
	var buf bytes.Buffer
	if err := s.pages["incident"].ExecuteTemplate(&buf, "live", view{V: v, D: d}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return httpx.Sent(w.Write(buf.Bytes()))
}

// run executes a command on the incident in the path and returns to its page.
func (s *Handler) runCommand(w http.ResponseWriter, r *http.Request, v *viewer, cmd hansei.Command, done string) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	if _, _, err := s.app.Incidents.Execute(r.Context(), v.User, n, cmd); err != nil {
		return err
	}
	return redirect(w, r, incidentURL(n), done)
}

func (s *Handler) noteForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.runCommand(w, r, v, hansei.AddNote{Text: r.PostForm.Get("text")}, "")
}

// redactForm takes a note or public update out of storage (the Redact
// action beside it on the timeline).
func (s *Handler) redactForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	raw := r.PostForm.Get("seq")
	seq, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return hansei.FieldError("seq", "seq must be the number of a note or public update on the timeline, not %q", raw)
	}
	return s.runCommand(w, r, v, hansei.Redact{Seq: seq, Reason: r.PostForm.Get("reason")}, "")
}

func (s *Handler) severityForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := r.PostForm
	return s.runCommand(w, r, v, hansei.ChangeSeverity{Severity: f.Get("severity"), Reason: f.Get("reason")}, v.T("flash.severity_changed"))
}

func (s *Handler) statusForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	st, err := hansei.ParseStatus("status", r.PostForm.Get("status"))
	if err != nil {
		return err
	}
	return s.runCommand(w, r, v, hansei.ChangeStatus{Status: st, Message: r.PostForm.Get("message")}, v.T("flash.status_changed"))
}

func (s *Handler) roleForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	n, err := httpx.IncidentNumber(r)
	if err != nil {
		return err
	}
	if _, _, err := s.app.Incidents.AssignRole(r.Context(), v.User, n, r.PostForm.Get("role"), r.PostForm.Get("user")); err != nil {
		return err
	}
	return redirect(w, r, incidentURL(n), v.T("flash.role_assigned"))
}

func (s *Handler) joinForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.runCommand(w, r, v, hansei.Join{}, v.T("flash.you_joined_incident"))
}

func (s *Handler) intentForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := r.PostForm
	kind, err := hansei.ParseIntentKind(f.Get("kind"))
	if err != nil {
		return err
	}
	cmd := hansei.StateIntent{Text: f.Get("text"), Kind: kind, AckFrom: hansei.AckFrom(f.Get("ack_from"))}
	if m := f.Get("window_minutes"); m != "" {
		minutes, err := strconv.Atoi(m)
		if err != nil || minutes < 1 || minutes > 1440 {
			return s.pageErr(hansei.EINVALID, "window_minutes", "error.intent_window_invalid", "Value", m)
		}
		cmd.Window = time.Duration(minutes) * time.Minute
	}
	return s.runCommand(w, r, v, cmd, v.T("flash.intent_stated"))
}

// intentActionForm acknowledges, objects to, lifts an objection to or
// withdraws the intent in the path.
func (s *Handler) intentActionForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return s.pageErr(hansei.EINVALID, "id", "error.intent_id_invalid", "ID", r.PathValue("id"))
	}
	var cmd hansei.Command
	switch r.PathValue("action") {
	case "acknowledge":
		cmd = hansei.AcknowledgeIntent{ID: id}
	case "object":
		cmd = hansei.ObjectIntent{ID: id, Reason: r.PostForm.Get("reason")}
	case "lift-objection":
		cmd = hansei.LiftObjection{ID: id}
	case "withdraw":
		cmd = hansei.WithdrawIntent{ID: id}
	default:
		return s.pageErr(hansei.ENOTFOUND, "", "error.intent_action_unknown", "Action", r.PathValue("action"))
	}
	inc, _, err := s.app.Intents.Act(r.Context(), v.User, id, cmd)
	if err != nil {
		return err
	}
	return redirect(w, r, incidentURL(inc.Number)+"#intent-"+strconv.FormatInt(id, 10), "")
}
