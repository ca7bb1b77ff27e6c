package statuspage

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// The machine-readable bodies: hansei's own /status.json, the Atom and RSS
// feeds, and (status_v2.go) Statuspage's v2 shapes. Each is built from the
// statusModel alone, so nothing but what PublicView exposes can reach them.

// statusFeedEntries bounds the feeds: readers poll, and the newest entries
// are what they have not seen.
const statusFeedEntries = 100

// renderData fills in the JSON bodies, which are the same in every
// language: machines read them, and their fields and values never change
// with the reader's language. The feeds are written in words, and render
// makes them in each language.
func (m *statusModel) renderData(out *[numBodies][]byte) error {
	var err error
	if out[bodyJSON], err = marshalJSON(m.statusJSON()); err != nil {
		return err
	}
	return m.renderV2(out)
}

func marshalJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	return append(b, '\n'), err
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// hansei's own shape.
type (
	statusDoc struct {
		Page        statusDocPage          `json:"page"`
		Status      statusDocStatus        `json:"status"`
		Components  []statusDocComponent   `json:"components"`
		Incidents   []statusDocIncident    `json:"incidents"`
		Maintenance []statusDocMaintenance `json:"maintenance"`
	}
	statusDocPage struct {
		Name      string    `json:"name"`
		URL       string    `json:"url"`
		UpdatedAt time.Time `json:"updated_at"`
	}
	statusDocStatus struct {
		Indicator   string `json:"indicator"`
		Description string `json:"description"`
	}
	statusDocComponent struct {
		Key         string `json:"key"`
		Name        string `json:"name"`
		Group       string `json:"group"`
		State       string `json:"state"`
		Description string `json:"description"`
	}
	statusDocIncident struct {
		Number     int64             `json:"number"`
		Title      string            `json:"title"`
		URL        string            `json:"url"`
		Status     string            `json:"status"`
		Impact     string            `json:"impact"`
		StartedAt  time.Time         `json:"started_at"`
		ResolvedAt *time.Time        `json:"resolved_at"`
		UpdatedAt  time.Time         `json:"updated_at"`
		Components []string          `json:"components"`
		Updates    []statusDocUpdate `json:"updates"`
	}
	statusDocUpdate struct {
		At         time.Time         `json:"at"`
		Status     string            `json:"status"`
		Text       string            `json:"text"`
		Components map[string]string `json:"components"`
	}
	statusDocMaintenance struct {
		ID         int64     `json:"id"`
		Title      string    `json:"title"`
		Text       string    `json:"text"`
		Status     string    `json:"status"`
		StartsAt   time.Time `json:"starts_at"`
		EndsAt     time.Time `json:"ends_at"`
		Components []string  `json:"components"`
	}
)

func (m *statusModel) statusJSON() statusDoc {
	d := statusDoc{
		Page:        statusDocPage{Name: m.name, URL: m.link("/status"), UpdatedAt: m.lastMod},
		Status:      statusDocStatus{Indicator: m.indicator, Description: m.description},
		Components:  []statusDocComponent{},
		Incidents:   []statusDocIncident{},
		Maintenance: []statusDocMaintenance{},
	}
	for _, c := range m.components {
		d.Components = append(d.Components, statusDocComponent{Key: c.Key, Name: c.Name, Group: c.Group,
			State: string(c.effective), Description: c.Description})
	}
	for _, inc := range m.incidents {
		di := statusDocIncident{Number: inc.Number, Title: inc.Title, URL: m.link(incidentPath(inc.Number)),
			Status: string(inc.Status), Impact: inc.impact, StartedAt: inc.StartedAt.UTC(), ResolvedAt: utcPtr(inc.ResolvedAt),
			UpdatedAt: inc.UpdatedAt.UTC(), Components: httpx.NonNil(inc.Components), Updates: []statusDocUpdate{}}
		for i := len(inc.Updates) - 1; i >= 0; i-- {
			u := inc.Updates[i]
			comps := make(map[string]string, len(u.Components))
			for k, st := range u.Components {
				comps[k] = string(st)
			}
			di.Updates = append(di.Updates, statusDocUpdate{At: u.At.UTC(), Status: string(u.Status), Text: u.Text, Components: comps})
		}
		d.Incidents = append(d.Incidents, di)
	}
	for _, w := range m.maintenance {
		d.Maintenance = append(d.Maintenance, statusDocMaintenance{ID: w.ID, Title: w.Title, Text: w.Text, Status: w.status,
			StartsAt: w.StartsAt.UTC(), EndsAt: w.EndsAt.UTC(), Components: httpx.NonNil(w.Components)})
	}
	return d
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// feedItem is one entry of either feed: a public update, or a maintenance
// window announced.
type feedItem struct {
	id, title, link, text string
	at                    time.Time
}

// feedItems are the public updates and maintenance windows, newest first,
// in v's language; words are the component states in it.
func (m *statusModel) feedItems(v *publicViewer, words map[hansei.ComponentState]string) []feedItem {
	var items []feedItem
	for _, inc := range m.incidents {
		for _, u := range inc.Updates {
			// The id is the update's permanent link, the same in every
			// language; the link opens the page in the feed's.
			id := m.link(incidentPath(inc.Number)) + "#update-" + strconv.FormatInt(u.Seq, 10)
			link := m.link(v.Link(incidentPath(inc.Number) + "#update-" + strconv.FormatInt(u.Seq, 10)))
			text := u.Text
			if len(u.Components) > 0 {
				var parts []string
				for _, k := range slices.Sorted(maps.Keys(u.Components)) {
					parts = append(parts, m.compName(k)+": "+words[u.Components[k]])
				}
				text += "\n\n" + strings.Join(parts, "; ")
			}
			items = append(items, feedItem{id: id, link: link, at: u.At.UTC(), text: text,
				title: v.T("statuspage.feed_update_title", "Title", inc.Title, "Status", v.Status(u.Status))})
		}
	}
	for _, w := range m.maintenance {
		id := m.link("/status") + "#maintenance-" + strconv.FormatInt(w.ID, 10)
		link := m.link(v.Link("/status#maintenance-" + strconv.FormatInt(w.ID, 10)))
		text := v.T("statuspage.feed_maintenance_text", "Starts", pubTimeOf(w.StartsAt).Text, "Ends", pubTimeOf(w.EndsAt).Text)
		if w.Text != "" {
			text += "\n\n" + w.Text
		}
		items = append(items, feedItem{id: id, link: link, at: w.CreatedAt.UTC(), text: text,
			title: v.T("statuspage.feed_maintenance_title", "Title", w.Title)})
	}
	slices.SortStableFunc(items, func(a, b feedItem) int {
		if c := b.at.Compare(a.at); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	if len(items) > statusFeedEntries {
		items = items[:statusFeedEntries]
	}
	return items
}

// Atom 1.0 (RFC 4287).
type (
	atomFeed struct {
		XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
		Lang    string      `xml:"xml:lang,attr"`
		ID      string      `xml:"id"`
		Title   string      `xml:"title"`
		Updated string      `xml:"updated"`
		Links   []atomLink  `xml:"link"`
		Author  atomPerson  `xml:"author"`
		Entries []atomEntry `xml:"entry"`
	}
	atomLink struct {
		Rel  string `xml:"rel,attr,omitempty"`
		Type string `xml:"type,attr,omitempty"`
		Href string `xml:"href,attr"`
	}
	atomPerson struct {
		Name string `xml:"name"`
	}
	atomEntry struct {
		ID        string   `xml:"id"`
		Title     string   `xml:"title"`
		Updated   string   `xml:"updated"`
		Published string   `xml:"published"`
		Link      atomLink `xml:"link"`
		Content   atomText `xml:"content"`
	}
	atomText struct {
		Type string `xml:"type,attr"`
		Text string `xml:",chardata"`
	}
)

func (m *statusModel) atom(v *publicViewer, words map[hansei.ComponentState]string) atomFeed {
	f := atomFeed{Lang: v.Lang, ID: m.link("/status"), Title: m.name, Updated: m.lastMod.Format(time.RFC3339),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: m.link(v.Link("/status/feed.atom"))},
			{Rel: "alternate", Type: "text/html", Href: m.link(v.Link("/status"))},
		},
		Author: atomPerson{Name: m.name}}
	for _, it := range m.feedItems(v, words) {
		at := it.at.Format(time.RFC3339)
		f.Entries = append(f.Entries, atomEntry{ID: it.id, Title: it.title, Updated: at, Published: at,
			Link: atomLink{Rel: "alternate", Type: "text/html", Href: it.link}, Content: atomText{Type: "text", Text: it.text}})
	}
	return f
}

// RSS 2.0.
type (
	rssDoc struct {
		XMLName xml.Name   `xml:"rss"`
		Version string     `xml:"version,attr"`
		AtomNS  string     `xml:"xmlns:atom,attr"`
		Channel rssChannel `xml:"channel"`
	}
	rssChannel struct {
		Title         string    `xml:"title"`
		Link          string    `xml:"link"`
		Description   string    `xml:"description"`
		Language      string    `xml:"language"`
		LastBuildDate string    `xml:"lastBuildDate"`
		Self          rssSelf   `xml:"atom:link"`
		Items         []rssItem `xml:"item"`
	}
	rssSelf struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
		Type string `xml:"type,attr"`
	}
	rssItem struct {
		Title       string  `xml:"title"`
		Link        string  `xml:"link"`
		GUID        rssGUID `xml:"guid"`
		PubDate     string  `xml:"pubDate"`
		Description string  `xml:"description"`
	}
	rssGUID struct {
		IsPermaLink bool   `xml:"isPermaLink,attr"`
		Value       string `xml:",chardata"`
	}
)

func (m *statusModel) rss(v *publicViewer, words map[hansei.ComponentState]string) rssDoc {
	d := rssDoc{Version: "2.0", AtomNS: "http://www.w3.org/2005/Atom", Channel: rssChannel{
		Title: m.name, Link: m.link(v.Link("/status")), Description: v.T("statuspage.feed_description", "Name", m.name),
		Language: v.Lang, LastBuildDate: m.lastMod.Format(time.RFC1123Z),
		Self: rssSelf{Href: m.link(v.Link("/status/feed.rss")), Rel: "self", Type: "application/rss+xml"}}}
	for _, it := range m.feedItems(v, words) {
		d.Channel.Items = append(d.Channel.Items, rssItem{Title: it.title, Link: it.link, GUID: rssGUID{IsPermaLink: true, Value: it.id},
			PubDate: it.at.Format(time.RFC1123Z), Description: it.text})
	}
	return d
}
