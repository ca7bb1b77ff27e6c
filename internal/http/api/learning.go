package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/http/httpx"
)

// postmortemSummary is a published postmortem in a list.
type postmortemSummary struct {
	Incident    int64      `json:"incident"`
	Title       string     `json:"title"`
	Severity    string     `json:"severity"`
	Revision    int        `json:"revision"`
	PublishedAt *time.Time `json:"published_at"`
	Summary     string     `json:"summary"`
	Factors     []string   `json:"factors"`
}

// listPostmortems lists published postmortems: ?q= words in their text,
// ?factor= a contributing-factor category, ?since= a date.
func (s *Handler) listPostmortems(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	q := r.URL.Query()
	since, err := hansei.ParseSince(q.Get("since"))
	if err != nil {
		return err
	}
	factor := q.Get("factor")
	if factor != "" && !slices.Contains(hansei.FactorCategories(), factor) {
		return hansei.FieldError("factor", "unknown factor %q; use one of %s", factor, strings.Join(hansei.FactorCategories(), ", "))
	}
	limit, err := httpx.QueryInt(r, "limit", 50)
	if err != nil {
		return err
	}
	if limit < 1 || limit > 200 {
		return hansei.FieldError("limit", "limit must be between 1 and 200, not %d", limit)
	}
	offset, err := httpx.QueryInt(r, "cursor", 0)
	if err != nil {
		return hansei.FieldError("cursor", "cursor must be the next_cursor of a previous page")
	}
	pms, err := s.app.Postmortems.Published(r.Context(), u, since)
	if err != nil {
		return err
	}
	items := []postmortemSummary{}
	for _, pm := range pms {
		if factor != "" && !slices.Contains(pm.Factors(), factor) {
			continue
		}
		if text := q.Get("q"); text != "" && !pm.MatchesSearch(text) {
			continue
		}
		factors := pm.Factors()
		if factors == nil {
			factors = []string{}
		}
		items = append(items, postmortemSummary{Incident: pm.Incident, Title: pm.Title, Severity: pm.Severity,
			Revision: pm.Revision, PublishedAt: pm.PublishedAt, Summary: pm.Sections["summary"], Factors: factors})
	}
	next := ""
	if offset > int64(len(items)) {
		offset = int64(len(items))
	}
	items = items[offset:]
	if int64(len(items)) > limit {
		items = items[:limit]
		next = strconv.FormatInt(offset+limit, 10)
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.ListResponse[postmortemSummary]{Items: items, NextCursor: next})
}

// listFactors counts contributing-factor categories per month of publication.
func (s *Handler) listFactors(w http.ResponseWriter, r *http.Request, u hansei.User) error {
	since, err := hansei.ParseSince(r.URL.Query().Get("since"))
	if err != nil {
		return err
	}
	pms, err := s.app.Postmortems.Published(r.Context(), u, since)
	if err != nil {
		return err
	}
	periods := hansei.CountFactors(pms)
	totals := map[string]int{}
	for _, p := range periods {
		for k, n := range p.Counts {
			totals[k] += n
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"periods": periods, "totals": totals, "categories": hansei.FactorCategories()})
}
