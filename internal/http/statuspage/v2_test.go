package statuspage

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
)

// Statuspage's documented v2 shapes. Decoding with unknown fields
// disallowed checks that every field has its documented name.
type (
	spPage struct {
		ID        string    `json:"id"`
		Name      string    `json:"name"`
		URL       string    `json:"url"`
		TimeZone  string    `json:"time_zone"`
		UpdatedAt time.Time `json:"updated_at"`
	}
	spStatus struct {
		Indicator   string `json:"indicator"`
		Description string `json:"description"`
	}
	spComponent struct {
		ID                 string    `json:"id"`
		Name               string    `json:"name"`
		Status             string    `json:"status"`
		CreatedAt          time.Time `json:"created_at"`
		UpdatedAt          time.Time `json:"updated_at"`
		Position           int       `json:"position"`
		Description        *string   `json:"description"`
		Showcase           bool      `json:"showcase"`
		StartDate          *string   `json:"start_date"`
		GroupID            *string   `json:"group_id"`
		PageID             string    `json:"page_id"`
		Group              bool      `json:"group"`
		OnlyShowIfDegraded bool      `json:"only_show_if_degraded"`
		Components         []string  `json:"components"`
	}
	spUpdate struct {
		ID                 string    `json:"id"`
		Status             string    `json:"status"`
		Body               string    `json:"body"`
		IncidentID         string    `json:"incident_id"`
		CreatedAt          time.Time `json:"created_at"`
		UpdatedAt          time.Time `json:"updated_at"`
		DisplayAt          time.Time `json:"display_at"`
		AffectedComponents []struct {
			Code      string `json:"code"`
			Name      string `json:"name"`
			OldStatus string `json:"old_status"`
			NewStatus string `json:"new_status"`
		} `json:"affected_components"`
		DeliverNotifications bool    `json:"deliver_notifications"`
		CustomTweet          *string `json:"custom_tweet"`
		TweetID              *string `json:"tweet_id"`
	}
	spIncident struct {
		ID              string        `json:"id"`
		Name            string        `json:"name"`
		Status          string        `json:"status"`
		CreatedAt       time.Time     `json:"created_at"`
		UpdatedAt       time.Time     `json:"updated_at"`
		MonitoringAt    *time.Time    `json:"monitoring_at"`
		ResolvedAt      *time.Time    `json:"resolved_at"`
		Impact          string        `json:"impact"`
		Shortlink       string        `json:"shortlink"`
		StartedAt       time.Time     `json:"started_at"`
		PageID          string        `json:"page_id"`
		IncidentUpdates []spUpdate    `json:"incident_updates"`
		Components      []spComponent `json:"components"`
		ScheduledFor    *time.Time    `json:"scheduled_for"`
		ScheduledUntil  *time.Time    `json:"scheduled_until"`
	}
	spSummary struct {
		Page                  spPage        `json:"page"`
		Components            []spComponent `json:"components"`
		Incidents             []spIncident  `json:"incidents"`
		ScheduledMaintenances []spIncident  `json:"scheduled_maintenances"`
		Status                spStatus      `json:"status"`
	}
)

func strictDecode(t *testing.T, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, b)
	}
}

func TestStatusV2Shapes(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	snap := leakySnapshot(t, now)
	snap.Maintenance = append(snap.Maintenance, hansei.Maintenance{ID: 8, Title: "Search reindex", Components: []string{"docs"},
		StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour), CreatedAt: now.Add(-3 * time.Hour)})
	p, _ := testStatusPage(t, snap, now, Config{})
	h := mountedStatus(t, p)
	body := func(path string) []byte { return get(t, h, "GET", path).Body.Bytes() }

	var sum spSummary
	strictDecode(t, body("/api/v2/summary.json"), &sum)
	if sum.Page.URL != "https://status.example.com/status" || sum.Page.Name != "Example" || sum.Page.ID == "" || sum.Page.TimeZone != "Etc/UTC" {
		t.Errorf("page %+v", sum.Page)
	}
	// SEV2 linked to checkout, updated to partial_outage: major.
	if sum.Status.Indicator != "major" || sum.Status.Description != "Partial System Outage" {
		t.Errorf("status %+v", sum.Status)
	}
	byID := map[string]spComponent{}
	for _, c := range sum.Components {
		byID[c.ID] = c
	}
	group := sum.Components[0]
	if !group.Group || group.Name != "Platform" || strings.Join(group.Components, ",") != "api,checkout" || group.Status != "partial_outage" || group.Position != 1 {
		t.Errorf("group %+v", group)
	}
	if c := byID["checkout"]; c.Status != "partial_outage" || c.GroupID == nil || *c.GroupID != group.ID || c.Description == nil || c.Group || c.PageID != sum.Page.ID {
		t.Errorf("checkout %+v", c)
	}
	if c := byID["api"]; c.Status != "operational" || c.Description != nil {
		t.Errorf("api %+v", c)
	}
	if c := byID["docs"]; c.Status != "under_maintenance" || c.GroupID != nil {
		t.Errorf("docs in a window: %+v", c)
	}
	if len(sum.Incidents) != 1 {
		t.Fatalf("incidents %+v", sum.Incidents)
	}
	inc := sum.Incidents[0]
	if inc.ID != "inc-1" || inc.Name != "Checkout is slow" || inc.Status != "identified" || inc.Impact != "major" ||
		inc.Shortlink != "https://status.example.com/status/incidents/1" || inc.ResolvedAt != nil || len(inc.Components) != 1 || inc.Components[0].ID != "checkout" {
		t.Errorf("incident %+v", inc)
	}
	if len(inc.IncidentUpdates) != 2 || inc.IncidentUpdates[0].Status != "identified" || inc.IncidentUpdates[1].Status != "investigating" {
		t.Fatalf("updates %+v", inc.IncidentUpdates)
	}
	if a := inc.IncidentUpdates[0].AffectedComponents; len(a) != 1 || a[0].Code != "checkout" || a[0].Name != "Checkout" || a[0].OldStatus != "operational" || a[0].NewStatus != "partial_outage" {
		t.Errorf("affected %+v", a)
	}
	if len(sum.ScheduledMaintenances) != 2 || sum.ScheduledMaintenances[0].Status != "in_progress" || sum.ScheduledMaintenances[1].Status != "scheduled" ||
		sum.ScheduledMaintenances[1].ScheduledFor == nil || sum.ScheduledMaintenances[0].Impact != "maintenance" {
		t.Errorf("maintenances %+v", sum.ScheduledMaintenances)
	}

	var st struct {
		Page   spPage   `json:"page"`
		Status spStatus `json:"status"`
	}
	strictDecode(t, body("/api/v2/status.json"), &st)
	var comps struct {
		Page       spPage        `json:"page"`
		Components []spComponent `json:"components"`
	}
	strictDecode(t, body("/api/v2/components.json"), &comps)
	if len(comps.Components) != 4 {
		t.Errorf("components.json: %d components (a group and three)", len(comps.Components))
	}
	for _, path := range []string{"/api/v2/incidents.json", "/api/v2/incidents/unresolved.json"} {
		var list struct {
			Page      spPage       `json:"page"`
			Incidents []spIncident `json:"incidents"`
		}
		strictDecode(t, body(path), &list)
		if len(list.Incidents) != 1 {
			t.Errorf("%s: %d incidents", path, len(list.Incidents))
		}
	}
	for path, want := range map[string]int{"/api/v2/scheduled-maintenances.json": 2, "/api/v2/scheduled-maintenances/upcoming.json": 1,
		"/api/v2/scheduled-maintenances/active.json": 1} {
		var list struct {
			Page                  spPage       `json:"page"`
			ScheduledMaintenances []spIncident `json:"scheduled_maintenances"`
		}
		strictDecode(t, body(path), &list)
		if len(list.ScheduledMaintenances) != want {
			t.Errorf("%s: %d windows, want %d", path, len(list.ScheduledMaintenances), want)
		}
	}

	// The indicator follows the worst of components and incidents'
	// public impact.
	for _, tc := range []struct {
		impact    hansei.Impact
		state     hansei.ComponentState
		indicator string
	}{
		{hansei.ImpactCritical, "", "critical"}, {hansei.ImpactMajor, "", "major"}, {hansei.ImpactMinor, "", "minor"},
		{hansei.ImpactNone, "", "none"}, {hansei.ImpactMinor, hansei.ComponentMajorOutage, "critical"},
	} {
		snap := leakySnapshot(t, now)
		snap.Maintenance = nil
		snap.Incidents[0].Impact = tc.impact
		for i := range snap.Incidents[0].Updates {
			snap.Incidents[0].Updates[i].Components = nil
		}
		snap.Components[0].State = tc.state
		p, _ := testStatusPage(t, snap, now, Config{})
		var st struct {
			Status spStatus `json:"status"`
		}
		json.Unmarshal(get(t, mountedStatus(t, p), "GET", "/api/v2/status.json").Body.Bytes(), &st)
		if st.Status.Indicator != tc.indicator {
			t.Errorf("%s, api %q: indicator %q, want %q", tc.impact, tc.state, st.Status.Indicator, tc.indicator)
		}
	}

	// hansei's own shape.
	var own struct {
		Page struct {
			Name, URL string
			UpdatedAt time.Time `json:"updated_at"`
		} `json:"page"`
		Status     spStatus `json:"status"`
		Components []struct{ Key, Name, Group, State, Description string }
		Incidents  []struct {
			Number     int64
			Title      string
			Status     string
			Impact     string
			Components []string
			Updates    []struct {
				At         time.Time
				Status     string
				Text       string
				Components map[string]string
			}
		}
		Maintenance []struct {
			ID     int64
			Title  string
			Status string
		}
	}
	if err := json.Unmarshal(body("/status.json"), &own); err != nil {
		t.Fatal(err)
	}
	if own.Status.Indicator != "major" || len(own.Components) != 3 || own.Components[1].State != "partial_outage" ||
		len(own.Incidents) != 1 || own.Incidents[0].Updates[0].Components["checkout"] != "partial_outage" || len(own.Maintenance) != 2 {
		t.Errorf("status.json %+v", own)
	}
}

func TestStatusFeeds(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	snap := leakySnapshot(t, now)
	last := snap.Incidents[0].Updates[1].Seq
	p, _ := testStatusPage(t, snap, now, Config{})
	h := mountedStatus(t, p)
	rec := get(t, h, "GET", "/status/feed.atom")
	if ct := rec.Header().Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		t.Errorf("atom Content-Type %q", ct)
	}
	var atom struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Updated string   `xml:"updated"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Link    struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &atom); err != nil {
		t.Fatal(err)
	}
	if len(atom.Entries) != 3 {
		t.Fatalf("atom entries: %+v", atom.Entries)
	}
	e := atom.Entries[0]
	if e.ID != fmt.Sprintf("https://status.example.com/status/incidents/1#update-%d", last) || e.Updated != "2026-11-02T11:05:00Z" ||
		!strings.Contains(e.Content, "A bad deploy") || !strings.Contains(e.Content, "Checkout: Partial outage") {
		t.Errorf("newest entry %+v", e)
	}
	for i := 1; i < len(atom.Entries); i++ {
		if atom.Entries[i].Updated > atom.Entries[i-1].Updated {
			t.Errorf("atom entries are not newest first")
		}
	}
	var rss struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Channel struct {
			Title string `xml:"title"`
			Items []struct {
				Title   string `xml:"title"`
				GUID    string `xml:"guid"`
				PubDate string `xml:"pubDate"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(get(t, h, "GET", "/status/feed.rss").Body.Bytes(), &rss); err != nil {
		t.Fatal(err)
	}
	if rss.Version != "2.0" || len(rss.Channel.Items) != 3 || rss.Channel.Items[0].PubDate != "Mon, 02 Nov 2026 11:05:00 +0000" ||
		rss.Channel.Items[0].GUID != e.ID {
		t.Errorf("rss %+v", rss)
	}
}
