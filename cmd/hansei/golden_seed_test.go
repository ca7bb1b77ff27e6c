package main

import (
	"encoding/json"
	"net/url"
)

// The data of the golden-response test, built through the API as a team
// would build it, one change a minute on the fixed clock (goldenStart,
// 2026-03-11 09:00 UTC). Every response of the seed is recorded too.
//
// The reminder scan runs in the background whenever it likes, so no due
// date here may call for a reminder on the day: none is today, three days
// ahead, or two or more days past. The outbox's deliveries are the
// handovers, written with the change that makes them.

func (g *golden) seed() {
	g.t.Helper()
	g.addUser("bob", "responder", "--display-name", "Bob Ito")
	g.addUser("carla", "responder", "--display-name", "Carla Díaz")
	g.addUser("vera", "viewer")
	g.addUser("kenji", "responder", "--display-name", "Kenji Sato", "--language", "ja", "--time-zone", "Asia/Tokyo")
	g.seedComponents()
	g.seedResponse()
	g.seedOtherIncidents()
	g.seedPostmortem()
	g.seedRemediations()
	g.seedStatusPage()
}

func (g *golden) seedComponents() {
	g.api("admin", "POST", "/api/v1/components", `{"key":"checkout","name":"Checkout","group":"Shop","description":"Cart and payment","services":["checkout","payments"]}`, 201)
	g.api("admin", "POST", "/api/v1/components", `{"key":"search","name":"Search","group":"Shop","position":2}`, 201)
	g.api("admin", "POST", "/api/v1/components", `{"key":"api","name":"Public API"}`, 201)
	g.api("admin", "POST", "/api/v1/components", `{"key":"legacy","name":"Legacy export"}`, 201)
	g.api("admin", "PATCH", "/api/v1/components/search", `{"description":"Product search and suggestions"}`, 200)
	g.api("admin", "PATCH", "/api/v1/components/api", `{"description":"The public REST API"}`, 200)
	g.api("admin", "DELETE", "/api/v1/components/legacy", ``, 200)
}

// seedResponse is INC-1 from declaration to resolution: responders, roles,
// notes, a severity change, public updates, and intents acknowledged,
// objected to, and withdrawn.
func (g *golden) seedResponse() {
	g.api("admin", "POST", "/api/v1/incidents", `{"title":"Checkout failing","severity":"SEV2","summary":"Card payments time out","services":["checkout","payments"]}`, 201)
	g.api("bob", "POST", "/api/v1/incidents/1/responders", `{}`, 200)
	g.api("admin", "POST", "/api/v1/incidents/1/responders", `{"user":"carla"}`, 200)
	g.api("kenji", "POST", "/api/v1/incidents/1/responders", ``, 200)
	g.api("bob", "POST", "/api/v1/incidents/1/notes", `{"text":"Error rate 12% on checkout-api since 09:02 UTC"}`, 200)
	g.api("admin", "POST", "/api/v1/incidents/1/severity", `{"severity":"SEV1","reason":"all regions affected"}`, 200)
	g.api("admin", "POST", "/api/v1/incidents/1/roles", `{"role":"commander","user":"bob"}`, 200)
	g.api("bob", "POST", "/api/v1/incidents/1/roles", `{"role":"scribe","user":"carla"}`, 200)
	g.api("bob", "POST", "/api/v1/incidents/1/roles", `{"role":"communications","user":"carla"}`, 200)
	g.api("carla", "POST", "/api/v1/incidents/1/components", `{"components":["checkout"]}`, 200)
	g.api("carla", "POST", "/api/v1/incidents/1/public-updates", `{"title":"Checkout errors","status":"identified","text":"Some card payments fail; we found the cause and are fixing it.","components":{"checkout":"partial_outage"}}`, 200)
	g.api("bob", "POST", "/api/v1/incidents/1/status", `{"status":"identified","message":"bad deploy of payments 4.2"}`, 200)

	// Intents: one acknowledged, one objected to, one objected to and
	// lifted, one withdrawn. Their windows are a day long, so that none
	// expires while the clock moves.
	g.api("carla", "POST", "/api/v1/incidents/1/intents", `{"text":"Roll back payments to 4.1","kind":"action","ack_from":"commander","window_seconds":86400}`, 201)
	g.api("bob", "POST", "/api/v1/intents/1/acknowledge", ``, 200)
	g.api("admin", "POST", "/api/v1/incidents/1/intents", `{"text":"Fail over the payments database","kind":"action","ack_from":"any","window_seconds":86400}`, 201)
	g.api("carla", "POST", "/api/v1/intents/2/object", `{"reason":"the replica lags 40 s behind"}`, 200)
	g.api("bob", "POST", "/api/v1/incidents/1/intents", `{"text":"EU card payments are paused until 10:30","kind":"information","ack_from":"all","window_seconds":86400}`, 201)
	g.api("admin", "POST", "/api/v1/intents/3/object", `{"reason":"say which card schemes"}`, 200)
	g.api("admin", "POST", "/api/v1/intents/3/lift-objection", ``, 200)
	g.api("kenji", "POST", "/api/v1/incidents/1/intents", `{"text":"I need to leave at 11:00","kind":"stand_down","window_seconds":86400}`, 201)
	g.api("kenji", "POST", "/api/v1/intents/4/withdraw", ``, 200)

	g.api("carla", "POST", "/api/v1/incidents/1/public-updates", `{"status":"monitoring","text":"A fix is in place; we are watching the error rate.","components":{"checkout":"operational"}}`, 200)
	g.api("bob", "POST", "/api/v1/incidents/1/status", `{"status":"monitoring"}`, 200)
	g.api("bob", "POST", "/api/v1/incidents/1/notes", `{"text":"Error rate back to 0.1% for 20 minutes"}`, 200)
	g.api("bob", "POST", "/api/v1/incidents/1/status", `{"status":"resolved","message":"error rate at baseline"}`, 200)
	g.api("carla", "POST", "/api/v1/incidents/1/public-updates", `{"status":"resolved","text":"Card payments work again. We are sorry for the trouble."}`, 200)
}

// seedOtherIncidents: a restricted incident, one declared twice with the
// same Idempotency-Key (in Japanese), and one still open on the status
// page.
func (g *golden) seedOtherIncidents() {
	g.api("admin", "POST", "/api/v1/incidents", `{"title":"Acquisition data exposed","severity":"SEV1","visibility":"restricted","summary":"Deal room files were shared publicly"}`, 201)
	g.api("admin", "POST", "/api/v1/incidents/2/notes", `{"text":"Only the deal team may see this."}`, 200)

	declare := goldenRequest{method: "POST", path: "/api/v1/incidents", as: "kenji", want: 201,
		body:   `{"title":"Search results stale","severity":"SEV3","services":["search"]}`,
		header: []string{"Idempotency-Key", "golden-declare-3"}}
	g.do(declare)
	g.do(declare) // replayed
	g.api("kenji", "POST", "/api/v1/incidents/3/notes", `{"text":"インデックスの更新が 09:40 から止まっています"}`, 200)
	g.api("kenji", "POST", "/api/v1/incidents/3/status", `{"status":"resolved","message":"インデックスを再構築しました"}`, 200)

	g.api("admin", "POST", "/api/v1/incidents", `{"title":"Search slow in the EU","severity":"SEV3","services":["search"]}`, 201)
	g.api("admin", "POST", "/api/v1/incidents/4/components", `{"components":["search"]}`, 200)
	g.api("admin", "POST", "/api/v1/incidents/4/public-updates", `{"title":"Slow search in Europe","status":"investigating","text":"Searches from Europe take several seconds.","components":{"search":"degraded"}}`, 200)
}

// seedPostmortem: INC-1's postmortem through a why-tree, lint, review and
// publication over one recorded override (after its remediations, in
// seedRemediations); INC-3's stays a draft with blaming words.
func (g *golden) seedPostmortem() {
	g.api("admin", "POST", "/api/v1/incidents/1/postmortem", `{}`, 201)
	g.api("admin", "POST", "/api/v1/incidents/1/postmortem/whys", `{"question":"Why did checkout fail?","answer":"The payments connection pool was exhausted."}`, 200)
	g.api("admin", "POST", "/api/v1/incidents/1/postmortem/whys", `{"parent":1,"factor":"capacity","question":"Why was the pool exhausted?","answer":"Client retries multiplied the load."}`, 200)
	g.api("carla", "POST", "/api/v1/incidents/1/postmortem/whys", `{"parent":1,"factor":"detection","question":"Why was it not seen sooner?","answer":"The saturation alert went to a dashboard only."}`, 200)
	g.api("bob", "POST", "/api/v1/incidents/1/postmortem/whys", `{"parent":2,"question":"Why did retries multiply?","answer":"Retries had no backoff."}`, 200)
	g.api("bob", "PATCH", "/api/v1/incidents/1/postmortem/whys/4", `{"answer":"The client retried at once, without backoff or a budget."}`, 200)
	g.api("admin", "POST", "/api/v1/incidents/1/postmortem/whys", `{"parent":3,"question":"Scratch","answer":"To be deleted"}`, 200)
	g.api("admin", "DELETE", "/api/v1/incidents/1/postmortem/whys/5", ``, 200)
	// One field a PATCH: the history lists a PATCH's fields in the
	// order Go ranges over a map, which differs from run to run.
	pm := g.api("bob", "PATCH", "/api/v1/incidents/1/postmortem", `{"summary":"Card payments failed for 40 minutes after a deploy exhausted the payments connection pool."}`, 200)
	g.api("bob", "PATCH", "/api/v1/incidents/1/postmortem", `{"impact":"About 40% of card payments failed between 09:02 and 09:42 UTC."}`, 200)
	g.api("bob", "PATCH", "/api/v1/incidents/1/postmortem", `{"response":"Bob failed to check the replica lag. Human error; he should have been more careful. Fix ASAP."}`, 200)
	g.api("bob", "PATCH", "/api/v1/incidents/1/postmortem", `{"highlights":[4,6]}`, 200)
	g.do(goldenRequest{method: "GET", path: "/api/v1/incidents/1/postmortem/lint", as: "admin"})
	// A save based on an older version is refused, with both texts, for a
	// section changed since (another section would merge: see
	// TestPostmortemStory); the current version is taken.
	g.api("carla", "PATCH", "/api/v1/incidents/1/postmortem", `{"impact":"Some card payments failed.","version":`+versionOf(g, pm)+`}`, 409)
	pm = g.api("admin", "GET", "/api/v1/incidents/1/postmortem", ``, 200)
	g.api("carla", "PATCH", "/api/v1/incidents/1/postmortem", `{"lucky":"It happened in office hours.","version":`+versionOf(g, pm)+`}`, 200)
	for _, section := range []string{
		`"response":"The replica-lag check was not part of the failover runbook, so it was not run before the failover."`,
		`"detection":"Customers reported failures 12 minutes before the saturation alert was seen."`,
		`"recovery":"Responders disabled client retries and the pool drained within 3 minutes."`,
		`"lessons":"Saturation alerts page on-call; retries back off."`,
		`"went_well":"The rollback took 4 minutes."`,
	} {
		g.api("bob", "PATCH", "/api/v1/incidents/1/postmortem", "{"+section+"}", 200)
	}
	// carla wrote part of it, so kenji, who did not, reviews it.
	g.api("admin", "PATCH", "/api/v1/incidents/1/postmortem", `{"reviewers":["kenji"]}`, 200)
	g.api("admin", "POST", "/api/v1/incidents/1/postmortem/submit", `{}`, 200)
	g.api("kenji", "POST", "/api/v1/incidents/1/postmortem/approve", `{}`, 200)

	g.api("admin", "POST", "/api/v1/incidents/3/postmortem", `{}`, 201)
	g.api("kenji", "PATCH", "/api/v1/incidents/3/postmortem", `{"summary":"The search index stopped updating for an hour."}`, 200)
	g.api("kenji", "PATCH", "/api/v1/incidents/3/postmortem", `{"response":"Kenji should have been more careful; human error. Fix ASAP."}`, 200)
}

// versionOf reads a postmortem's version from its JSON.
func versionOf(g *golden, pm []byte) string {
	var v struct {
		Version json.Number `json:"version"`
	}
	if err := json.Unmarshal(pm, &v); err != nil || v.Version == "" {
		g.t.Fatalf("no version in the postmortem: %v\n%s", err, pm)
	}
	return v.Version.String()
}

// seedRemediations: three remediations of INC-1 (one overdue since
// yesterday), progress, two handovers, review outcomes; then INC-1's postmortem is published, which closes it.
func (g *golden) seedRemediations() {
	g.api("admin", "POST", "/api/v1/remediations", `{"incident":1,"title":"Back off client retries","owner":"bob","priority":"P1","due":"2026-03-21","why_node":2,"link":"https://tracker.example/PAY-231"}`, 201)
	g.api("admin", "POST", "/api/v1/remediations", `{"incident":1,"title":"Page on-call on pool saturation","owner":"carla","priority":"P2","due":"2026-03-10","backdate":true,"why_node":3}`, 201)
	g.api("bob", "POST", "/api/v1/remediations", `{"incident":1,"title":"Check replica lag before a failover","description":"Add the check to the failover runbook.","owner":"bob","priority":"P3","due":"2026-03-16"}`, 201)
	g.api("bob", "POST", "/api/v1/remediations/1/progress", `{"note":"Exponential backoff merged","status":"in_progress"}`, 200)
	g.api("bob", "PATCH", "/api/v1/remediations/1", `{"owner":"carla","note":"carla owns the client library"}`, 200)
	g.api("bob", "POST", "/api/v1/remediations/3/progress", `{"note":"Waiting for the DBA review","status":"blocked","reason":"needs the DBA team"}`, 200)
	g.api("admin", "PATCH", "/api/v1/remediations/3", `{"owner":"kenji","note":"kenji runs the failover drills"}`, 200)
	g.api("admin", "POST", "/api/v1/reviews/2026-03-11/outcomes", `{"remediation":2,"outcome":"at_risk","note":"alert routing needs the platform team"}`, 200)
	g.api("admin", "POST", "/api/v1/reviews/2026-03-11/outcomes", `{"remediation":3,"outcome":"reschedule","note":"after the DBA review","due":"2026-03-25"}`, 200)
	g.api("admin", "POST", "/api/v1/incidents/1/postmortem/publish", `{"override":"the alert routing fix is tracked in OPS-77"}`, 200)
}

// seedStatusPage: a maintenance window in progress, one scheduled, one
// cancelled. (The cancelled one is not the newest: SQLite would give the
// newest row's id to the next window, PostgreSQL never.)
func (g *golden) seedStatusPage() {
	g.api("admin", "POST", "/api/v1/maintenance", `{"title":"Certificate rotation","text":"Connections may be dropped once.","components":["api"],"starts_at":"2026-03-11T08:00:00Z","ends_at":"2026-03-11T18:00:00Z"}`, 201)
	g.api("admin", "POST", "/api/v1/maintenance", `{"title":"Cancelled window","starts_at":"2026-03-13T02:00:00Z","ends_at":"2026-03-13T03:00:00Z"}`, 201)
	g.api("admin", "POST", "/api/v1/maintenance", `{"title":"Maintenance window","text":"Writes pause for up to a minute.","components":["search","checkout"],"starts_at":"2026-03-12T02:00:00Z","ends_at":"2026-03-12T03:00:00Z"}`, 201)
	g.api("admin", "DELETE", "/api/v1/maintenance/2", ``, 200)
}

// seedForms posts forms as a browser without JavaScript does: each
// answers with a redirect and a message for the next page, or a refusal.
func (g *golden) seedForms() {
	g.form("admin", "/incidents/4/notes", url.Values{"text": {"Noted from the incident page"}, "back": {"/incidents/4"}}, 303)
	g.form("admin", "/incidents/4/severity", url.Values{"severity": {"SEV9"}, "reason": {"x"}, "back": {"/incidents/4"}}, 303)
	g.form("vera", "/incidents/4/notes", url.Values{"text": {"viewers only read"}, "back": {"/incidents/4"}}, 403)
	g.form("admin", "/incidents/4/notes", url.Values{"text": {"forged"}, "csrf": {"not-the-token"}}, 403)
	g.form("bob", "/remediations/3/progress", url.Values{"note": {"DBA review booked for Friday"}, "back": {"/remediations/3"}}, 303)
}

// form posts a page's form as name, with name's form token unless the
// form brings its own.
func (g *golden) form(as, path string, form url.Values, want int) {
	g.t.Helper()
	if !form.Has("csrf") {
		form.Set("csrf", g.sessions[as].csrf)
	}
	g.do(goldenRequest{method: "POST", path: path, as: as, page: true, body: form.Encode(), want: want,
		header: []string{"Content-Type", "application/x-www-form-urlencoded"}})
}
