package main

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hansei-dev/hansei/client"
)

// The remediation, review and admin pages, through the real server as a
// browser without JavaScript uses them.

func pageHas(t *testing.T, page, what string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Fatalf("%s: the page lacks %q:\n%s", what, w, page)
		}
	}
}

func pageLacks(t *testing.T, page, what string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(page, w) {
			t.Fatalf("%s: the page has %q, and should not:\n%s", what, w, page)
		}
	}
}

// agendaItem is the part of a review page that shows one remediation.
func agendaItem(t *testing.T, page, id string) string {
	t.Helper()
	start := strings.Index(page, `<section class="agenda-item`)
	for start >= 0 {
		end := strings.Index(page[start:], "</section>")
		if end < 0 {
			break
		}
		item := page[start : start+end]
		if strings.Contains(item, `id="rem-`+id+`"`) {
			return item
		}
		next := strings.Index(page[start+end:], `<section class="agenda-item`)
		if next < 0 {
			break
		}
		start += end + next
	}
	t.Fatalf("the review page has no item rem-%s:\n%s", id, page)
	return ""
}

// postNoFollow posts a form and returns where the server redirects to.
func (b *browser) postNoFollow(path string, form url.Values) string {
	b.t.Helper()
	form.Set("csrf", b.csrf)
	form.Set("back", b.back)
	c := *b.http
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.srv.URL)
	resp, err := c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("POST %s: status %d, want a redirect", path, resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func dayFromToday(offset int) string {
	return time.Now().UTC().AddDate(0, 0, offset).Format("2006-01-02")
}

// addRemediation creates a remediation on incident 1 through the API.
func addRemediation(t *testing.T, c *client.Client, title, owner, priority, due string) int64 {
	t.Helper()
	r, err := c.CreateRemediation(context.Background(), client.RemediationRequest{Incident: 1, Title: &title,
		Owner: &owner, Priority: &priority, Due: &due, Backdate: true}) // fixtures may be overdue on purpose
	if err != nil {
		t.Fatalf("create remediation %q: %v", title, err)
	}
	return r.ID
}

// TestRemediationPages: "mine" lists only the viewer's, the overdue
// filter only the overdue ones (marked in words), progress shows in the
// log, a blocked status without a reason is refused with the domain's
// message, a handover shows as one, and a viewer gets no forms.
func TestRemediationPages(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		admin := srv.client(srv.AdminToken)
		srv.addUser(t, "bob", "responder")
		srv.addUser(t, "carla", "responder")
		srv.addUser(t, "vera", "viewer")
		srv.mustCLI(t, srv.AdminToken, "incident", "declare", "--severity", "SEV2", "Checkout failing")
		late := addRemediation(t, admin, "Back off client retries", "bob", "P1", dayFromToday(-3))
		addRemediation(t, admin, "Alert on queue depth", "carla", "P2", dayFromToday(30))
		addRemediation(t, admin, "Runbook for failover", "bob", "P3", dayFromToday(30))

		b := newBrowser(t, srv)
		b.signIn("bob")
		page := b.get("/remediations?mine=1", http.StatusOK)
		pageHas(t, page, "mine", "Back off client retries", "Runbook for failover", `href="/incidents/1"`, `aria-current="page">Mine`)
		pageLacks(t, page, "mine", "Alert on queue depth")

		page = b.get("/remediations?overdue=1", http.StatusOK)
		pageHas(t, page, "overdue", "Back off client retries", `class="overdue-tag">overdue<`, dayFromToday(-3))
		pageLacks(t, page, "overdue", "Runbook for failover", "Alert on queue depth")

		page = b.get("/remediations?owner=carla&status=open&incident=1", http.StatusOK)
		pageHas(t, page, "filtered by owner", "Alert on queue depth")
		pageLacks(t, page, "filtered by owner", "Back off client retries")

		id := "/remediations/" + itoa(late)
		page = b.get(id, http.StatusOK)
		pageHas(t, page, "remediation", `id="progress-form"`, `id="edit-form"`, "INC-1", "Checkout failing", "overdue")
		page = b.post(id+"/progress", url.Values{"note": {"Backoff merged, rollout Friday"}, "status": {"in_progress"}}, http.StatusOK)
		pageHas(t, page, "after progress", "Progress logged.", "Backoff merged, rollout Friday", `class="status-change"`, "in progress")

		// The domain wants a reason for blocked; the page says so.
		page = b.post(id+"/progress", url.Values{"note": {"stuck"}, "status": {"blocked"}}, http.StatusOK)
		pageHas(t, page, "blocked without a reason", `class="flash error"`, "needs a reason")
		pageLacks(t, page, "blocked without a reason", `<span class="note pre">stuck</span>`)

		// A new owner is a handover, shown as one.
		page = b.post(id, url.Values{"owner": {"carla"}}, http.StatusOK)
		pageHas(t, page, "after handover", "Handed over to carla.", `class="handover"`)
		if r, err := admin.Remediation(context.Background(), late); err != nil || r.Owner != "carla" {
			t.Fatalf("after the handover the owner is %q (%v), want carla", r.Owner, err)
		}
		page = b.get("/remediations?mine=1", http.StatusOK)
		pageLacks(t, page, "mine after handing over", "Back off client retries")

		// A bad due date comes back as the domain's message.
		page = b.post(id, url.Values{"due": {"next week"}}, http.StatusOK)
		pageHas(t, page, "bad due date", `class="flash error"`, "due must be a date")

		v := newBrowser(t, srv)
		v.signIn("vera")
		page = v.get(id, http.StatusOK)
		pageHas(t, page, "viewer", "Back off client retries", "Backoff merged, rollout Friday")
		pageLacks(t, page, "viewer", `id="progress-form"`, `id="edit-form"`)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestReviewAgendaOutcomesInPlace records outcomes on the agenda page: the
// outcome shows for the item afterwards and in the remediation's history,
// a reschedule without a date is refused beside the item with the note
// kept, and an empty agenda says when the next review is.
func TestReviewAgendaOutcomesInPlace(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		admin := srv.client(srv.AdminToken)
		srv.addUser(t, "bob", "responder")
		srv.addUser(t, "carla", "responder")
		srv.addUser(t, "vera", "viewer")
		srv.mustCLI(t, srv.AdminToken, "incident", "declare", "--severity", "SEV2", "Checkout failing")
		date := dayFromToday(7)
		r1 := itoa(addRemediation(t, admin, "Back off client retries", "bob", "P1", date))
		r2 := itoa(addRemediation(t, admin, "Alert on queue depth", "carla", "P2", date))
		r3 := itoa(addRemediation(t, admin, "Runbook for failover", "bob", "P3", dayFromToday(40)))

		b := newBrowser(t, srv)
		b.signIn("bob")
		page := b.get("/reviews/"+date, http.StatusOK)
		pageHas(t, page, "agenda", `data-owner="bob"`, `data-owner="carla"`, `id="rem-`+r1+`"`, `id="rem-`+r2+`"`, `class="outcome-form"`)
		pageLacks(t, page, "agenda", `id="rem-`+r3+`"`)

		// The outcome is recorded in place and shown for the item.
		to := b.postNoFollow("/reviews/"+date+"/outcomes", url.Values{"remediation": {r1}, "outcome": {"on_track"}, "note": {"backoff merged"}})
		if to != "/reviews/"+date+"#rem-"+r1 {
			t.Fatalf("after recording an outcome the page goes to %q, want the item on the agenda", to)
		}
		page = b.get(to, http.StatusOK)
		item := agendaItem(t, page, r1)
		pageHas(t, item, "item after the outcome", `class="outcome"`, "on track", "backoff merged")
		pageLacks(t, agendaItem(t, page, r2), "the other item", `class="outcome"`)
		page = b.get("/remediations/"+r1, http.StatusOK)
		pageHas(t, page, "remediation history", "review "+date+": on track — backoff merged")

		// Reschedule needs a date: refused beside the item, the note kept.
		page = b.post("/reviews/"+date+"/outcomes", url.Values{"remediation": {r2}, "outcome": {"reschedule"}, "note": {"waits for the freeze"}}, http.StatusBadRequest)
		item = agendaItem(t, page, r2)
		pageHas(t, item, "reschedule without a date", `class="item-error flash error"`, "new due date", `value="waits for the freeze"`, `value="reschedule" selected`)
		if r, _ := admin.Remediation(context.Background(), mustID(t, r2)); r.Due != date {
			t.Fatalf("a refused reschedule moved the due date to %s", r.Due)
		}
		// With a date it leaves the agenda, but the outcome stays in view.
		b.post("/reviews/"+date+"/outcomes", url.Values{"remediation": {r2}, "outcome": {"reschedule"}, "note": {"waits for the freeze"}, "due": {dayFromToday(21)}}, http.StatusOK)
		page = b.get("/reviews/"+date, http.StatusOK)
		pageHas(t, agendaItem(t, page, r2), "rescheduled item", `class="outcome"`, "reschedule", "waits for the freeze", dayFromToday(21))

		// The date picker and the day links.
		page = b.get("/reviews?date="+date, http.StatusOK)
		pageHas(t, page, "date picker", `<time datetime="`+date+`">`, `rel="prev"`, `rel="next"`)
		page = b.get("/reviews/tomorrow", http.StatusOK)
		pageHas(t, page, "tomorrow", `<time datetime="`+dayFromToday(1)+`">`)
		page = b.get("/reviews/someday", http.StatusBadRequest)
		pageHas(t, page, "bad date", "YYYY-MM-DD")

		// Nothing is due or stale two days ago.
		page = b.get("/reviews/"+dayFromToday(-2), http.StatusOK)
		pageHas(t, page, "empty agenda", `class="empty"`, `class="next-review"`, "The next review is on")

		// A viewer reads the agenda but records nothing.
		v := newBrowser(t, srv)
		v.signIn("vera")
		page = v.get("/reviews/"+date, http.StatusOK)
		pageHas(t, page, "viewer's agenda", `id="rem-`+r1+`"`)
		pageLacks(t, page, "viewer's agenda", `class="outcome-form"`)
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var (
	shownToken = regexp.MustCompile(`<code class="token">(hsi_[a-z2-7]+)</code>`)
	shownLink  = regexp.MustCompile(`class="signin-link" href="([^"]+)"`)
)

// TestAdminPages: others are refused; an admin creates a user and gets
// its token and a sign-in link that works in another browser, once;
// changes a user's role; creates and revokes a token, which the API then
// refuses; and sees the outbox.
func TestAdminPages(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		srv.addUser(t, "bob", "responder")

		bob := newBrowser(t, srv)
		bob.signIn("bob")
		for _, p := range []string{"/admin/users", "/admin/tokens", "/admin/outbox"} {
			page := bob.get(p, http.StatusForbidden)
			pageHas(t, page, "non-admin on "+p, "only admins")
		}
		page := bob.get("/incidents", http.StatusOK)
		pageLacks(t, page, "non-admin navigation", `href="/admin/users"`)
		bob.post("/admin/users", url.Values{"name": {"mallory"}, "role": {"admin"}}, http.StatusForbidden)

		b := newBrowser(t, srv)
		b.signIn("admin")
		page = b.get("/admin/users", http.StatusOK)
		pageHas(t, page, "users", `id="user-bob"`, `id="create-user"`, `class="subnav"`)

		// A refused user keeps what was typed.
		page = b.post("/admin/users", url.Values{"name": {"dora"}, "role": {"responder"}, "email": {"dora@example.com"}, "time_zone": {"Mars/Olympus"}}, http.StatusBadRequest)
		pageHas(t, page, "bad time zone", `class="flash error"`, "unknown time zone", `value="dora@example.com"`)

		page = b.post("/admin/users", url.Values{"name": {"dora"}, "role": {"responder"}, "display_name": {"Dora"},
			"email": {"dora@example.com"}, "language": {"de"}, "time_zone": {"Europe/Berlin"}}, http.StatusOK)
		pageHas(t, page, "created", `id="created"`, `id="user-dora"`)
		tm, lm := shownToken.FindStringSubmatch(page), shownLink.FindStringSubmatch(page)
		if tm == nil || lm == nil {
			t.Fatalf("the new user's token or sign-in link is not shown:\n%s", page)
		}
		token, link := tm[1], html.UnescapeString(lm[1])
		if !strings.HasPrefix(link, srv.URL+"/signin/link?token=hsl_") {
			t.Fatalf("sign-in link %q is not on this server (%s)", link, srv.URL)
		}
		if me, err := srv.client(token).Me(context.Background()); err != nil || me.Name != "dora" || me.TimeZone != "Europe/Berlin" {
			t.Fatalf("the shown token is not dora's: %+v, %v", me, err)
		}
		// Shown once.
		page = b.get("/admin/users", http.StatusOK)
		pageLacks(t, page, "users again", token, `id="created"`)

		// The link signs dora in, in her own browser.
		d := newBrowser(t, srv)
		page = d.get(link, http.StatusOK)
		d.post("/signin/link", url.Values{"token": {formValue(t, page, "token")}}, http.StatusOK)
		page = d.get("/settings", http.StatusOK)
		pageHas(t, page, "dora's settings", `href="/settings"`, ">dora<", `value="Europe/Berlin"`)

		// The admin changes her role; a new link is shown once.
		page = b.post("/admin/users/dora", url.Values{"role": {"viewer"}, "language": {"de"}, "time_zone": {"Europe/Berlin"},
			"email": {"dora@example.com"}, "channel": {"none"}}, http.StatusOK)
		pageHas(t, page, "after the change", "Saved the settings of dora.")
		if me, _ := srv.client(token).Me(context.Background()); me.Role != "viewer" || me.Channel != "none" {
			t.Fatalf("after the change dora is %+v", me)
		}
		page = b.post("/admin/users/dora/link", url.Values{}, http.StatusOK)
		pageHas(t, page, "new link", `id="new-link"`, "/signin/link?token=hsl_")
		// The last admin keeps the role.
		page = b.post("/admin/users/admin", url.Values{"role": {"viewer"}}, http.StatusOK)
		pageHas(t, page, "demoting the last admin", `class="flash error"`, "only admin")

		// Tokens: create one for bob, shown once; revoke it; the API refuses it.
		page = b.get("/admin/tokens", http.StatusOK)
		pageHas(t, page, "tokens", `id="create-token"`, "dora")
		page = b.post("/admin/tokens", url.Values{"user": {"bob"}, "label": {"deploy bot"}}, http.StatusOK)
		tm = shownToken.FindStringSubmatch(page)
		if tm == nil {
			t.Fatalf("the new token is not shown:\n%s", page)
		}
		bot := srv.client(tm[1])
		if me, err := bot.Me(context.Background()); err != nil || me.Name != "bob" {
			t.Fatalf("the new token is not bob's: %+v, %v", me, err)
		}
		m := regexp.MustCompile(`<tr id="token-(\d+)">\s*<td>\d+</td>\s*<td>bob</td>\s*<td>deploy bot</td>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("the tokens table has no row for bob's deploy bot:\n%s", page)
		}
		page = b.post("/admin/tokens/"+m[1]+"/revoke", url.Values{}, http.StatusOK)
		pageHas(t, page, "after revoking", "revoked")
		pageLacks(t, page, "after revoking", `id="token-`+m[1]+`"`)
		_, err := bot.Me(context.Background())
		if client.ErrorStatus(err) != http.StatusUnauthorized {
			t.Fatalf("a revoked token still works: %v", err)
		}

		page = b.get("/admin/outbox", http.StatusOK)
		pageHas(t, page, "outbox", "<h1>Outbox</h1>", `aria-current="page">All`)
		page = b.get("/admin/outbox?state=parked", http.StatusOK)
		pageHas(t, page, "parked outbox", `aria-current="page">parked`)
		b.get("/admin/outbox?state=lost", http.StatusBadRequest)
	})
}

// TestAdminOutboxRetry parks a delivery that a webhook refuses every time
// and puts it back in the queue from the outbox page.
func TestAdminOutboxRetry(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "receiver is down", http.StatusServiceUnavailable)
		}))
		defer hook.Close()
		cfg := filepath.Join(t.TempDir(), "hansei.yaml")
		os.WriteFile(cfg, []byte("notify:\n  allow_private_hosts: [127.0.0.1] # the test receivers listen there\n  webhooks:\n    - url: "+hook.URL+"\n      secret: s3cret-for-tests\n"), 0o600)
		clock := newTestClock()
		srv := startServerAt(t, clock, dsn, "--config", cfg)
		admin := srv.client(srv.AdminToken)
		srv.addUser(t, "bob", "responder")
		srv.addUser(t, "carla", "responder")
		b := newBrowser(t, srv)
		b.signIn("admin") // before the clock moves: the link is valid for minutes

		srv.mustCLI(t, srv.AdminToken, "incident", "declare", "--severity", "SEV2", "Checkout failing")
		id := addRemediation(t, admin, "Back off client retries", "bob", "P1", dayFromToday(30))
		srv.mustCLI(t, srv.AdminToken, "remediation", "update", itoa(id), "--owner", "carla") // a handover notifies

		// Every attempt fails; once a failure is on record (its retry is
		// due after the clock's now), move the clock past the backoff, until
		// the delivery is parked.
		var outbox struct {
			Items []struct {
				ID       int64     `json:"id"`
				State    string    `json:"state"`
				Attempts int       `json:"attempts"`
				NextAt   time.Time `json:"next_attempt_at"`
			}
		}
		seen := 0
		for deadline := time.Now().Add(60 * time.Second); ; {
			resp, err := admin.Do(t.Context(), clientRequest("GET", "/api/v1/admin/outbox"))
			if err == nil && json.Unmarshal(resp.Body, &outbox) == nil && len(outbox.Items) == 1 {
				if outbox.Items[0].State == "parked" {
					break
				}
				if it := outbox.Items[0]; it.Attempts > seen && it.NextAt.After(clock.Now()) {
					seen = it.Attempts
					clock.Add(time.Hour)
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("the delivery was not parked; outbox: %+v", outbox)
			}
			time.Sleep(20 * time.Millisecond)
		}
		delivery := itoa(outbox.Items[0].ID)

		page := b.get("/admin/outbox?state=parked", http.StatusOK)
		pageHas(t, page, "parked", `id="delivery-`+delivery+`"`, "remediation.handover", "answered HTTP 503", `class="retry"`)
		page = b.post("/admin/outbox/"+delivery+"/retry", url.Values{}, http.StatusOK)
		pageHas(t, page, "after retry", "queued again")
		resp, err := admin.Do(t.Context(), clientRequest("GET", "/api/v1/admin/outbox?state=parked"))
		if err != nil || json.Unmarshal(resp.Body, &outbox) != nil || len(outbox.Items) != 0 {
			t.Fatalf("after the retry the delivery is still parked: %+v, %v", outbox, err)
		}
		page = b.get("/admin/outbox", http.StatusOK)
		pageLacks(t, page, "outbox after retry", `class="retry"`)
	})
}
