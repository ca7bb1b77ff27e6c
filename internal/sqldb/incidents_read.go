package sqldb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	hansei "github.com/hansei-dev/hansei"
)

// Incident reads one incident.
func (db *DB) Incident(ctx context.Context, viewer hansei.User, number int64) (hansei.Incident, error) {
	inc, err := scanIncident(db.reader(ctx).QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents i WHERE i.number = $1`, number), number)
	if err != nil {
		return inc, err
	}
	if !inc.CanRead(viewer) {
		return hansei.Incident{}, notFound(number)
	}
	return inc, nil
}

// Incidents lists incidents newest first.
func (db *DB) Incidents(ctx context.Context, viewer hansei.User, f hansei.IncidentFilter) ([]hansei.Incident, string, error) {
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var w where
	if f.Cursor != "" {
		before, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		w.add("i.number < " + w.arg(before))
	}
	if f.Status != "" {
		w.add("i.status = " + w.arg(f.Status))
	}
	if f.Severity != "" {
		w.add("i.severity = " + w.arg(f.Severity))
	}
	if words := searchWords(f.Q); len(words) > 0 {
		if db.dialect == postgres {
			terms := make([]string, len(words))
			for i, w := range words {
				terms[i] = "'" + strings.ReplaceAll(w, "'", "''") + "':*"
			}
			w.add("i.search @@ to_tsquery('simple', " + w.arg(strings.Join(terms, " & ")) + ")")
		} else {
			terms := make([]string, len(words))
			for i, w := range words {
				terms[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"*`
			}
			w.add("i.number IN (SELECT rowid FROM incidents_search WHERE incidents_search MATCH " + w.arg(strings.Join(terms, " ")) + ")")
		}
	}
	w.visibleTo(viewer)
	q := `SELECT ` + incidentColumns + `, i.number FROM incidents i` + w.String()
	q += " ORDER BY i.number DESC LIMIT " + w.arg(limit+1)
	rows, err := db.reader(ctx).QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list incidents: %w", err)
	}
	out, err := collect(rows, func(row scanner) (hansei.Incident, error) {
		var number int64
		return scanIncident(scanWithNumber{row, &number}, 0)
	})
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeCursor(out[limit-1].Number)
	}
	return out, next, nil
}

// searchWords splits a query into words of letters and digits; everything
// else separates words, so no input can break the search syntax.
func searchWords(q string) []string {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > 16 {
		words = words[:16]
	}
	return words
}

func encodeCursor(number int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("n" + strconv.FormatInt(number, 10)))
}

func decodeCursor(c string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && len(raw) > 1 && raw[0] == 'n' {
		if n, err := strconv.ParseInt(string(raw[1:]), 10, 64); err == nil && n > 0 {
			return n, nil
		}
	}
	return 0, hansei.FieldError("cursor", "cursor %q is not valid; pass the next_cursor of a previous page unchanged", c)
}

// Timeline returns up to limit events after the given seq.
func (db *DB) Timeline(ctx context.Context, viewer hansei.User, number int64, after int64, limit int) ([]hansei.Event, error) {
	if _, err := db.Incident(ctx, viewer, number); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+eventColumns+` FROM events
		WHERE incident = $1 AND seq > $2 ORDER BY seq LIMIT $3`, number, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read timeline: %w", err)
	}
	return scanEvents(rows)
}

const eventColumns = `incident, seq, type, actor, at, data, COALESCE(pos, 0)`

func scanEvents(rows *sql.Rows) ([]hansei.Event, error) {
	return collect(rows, func(row scanner) (hansei.Event, error) {
		var e hansei.Event
		var data []byte
		err := row.Scan(&e.Incident, &e.Seq, &e.Type, &e.Actor, timeValue{&e.At}, &data, &e.Pos)
		e.Data = json.RawMessage(data)
		return e, err
	})
}

// OpenBySeverity counts incidents that are neither resolved nor closed,
// of those viewer may read.
func (db *DB) OpenBySeverity(ctx context.Context, viewer hansei.User) (map[string]int, error) {
	var w where
	w.add("i.status NOT IN ('resolved', 'closed')")
	w.visibleTo(viewer)
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT i.severity, count(*) FROM incidents i`+w.String()+` GROUP BY i.severity`, w.args...)
	if err != nil {
		return nil, err
	}
	type count struct {
		severity string
		n        int
	}
	counts, err := collect(rows, func(row scanner) (count, error) {
		var c count
		err := row.Scan(&c.severity, &c.n)
		return c, err
	})
	out := map[string]int{}
	for _, c := range counts {
		out[c.severity] = c.n
	}
	return out, err
}

// scanWithNumber lets scanIncident read a list row, which ends with the
// incident's number.
type scanWithNumber struct {
	rows   scanner
	number *int64
}

func (s scanWithNumber) Scan(dest ...any) error {
	return s.rows.Scan(append(dest, s.number)...)
}
