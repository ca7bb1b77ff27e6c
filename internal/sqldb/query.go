package sqldb

import (
	"database/sql"
	"strconv"
	"strings"

	hansei "github.com/hansei-dev/hansei"
)

// scanner is a row being read: a *sql.Row, or *sql.Rows at a row.
type scanner interface{ Scan(dest ...any) error }

// collect reads every row of rows with scan and closes them: the one loop
// over rows in this package. A query with no rows gives an empty list,
// which JSON writes as [].
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// where builds a WHERE clause with numbered placeholders ($1, $2 …),
// which both dialects take: the one query builder of this package.
type where struct {
	conds []string
	args  []any
}

// arg adds a query argument and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// add adds a condition; all conditions must hold.
func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

// visibleTo keeps the incidents (alias i) that viewer may read. It is the
// SQL form of hansei.Incident.CanRead: a restricted incident is for its
// members and admins; to anyone else it does not exist.
func (w *where) visibleTo(viewer hansei.User) {
	switch {
	case viewer.Role == hansei.RoleAdmin:
	case viewer.Name == "":
		w.add("i.visibility <> 'restricted'")
	default:
		w.add("(i.visibility <> 'restricted' OR EXISTS (SELECT 1 FROM incident_members m WHERE m.incident = i.number AND m.user_name = " + w.arg(viewer.Name) + "))")
	}
}

// String is the clause, " WHERE …", or "" without conditions.
func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// scanString reads a row of one text column.
func scanString(row scanner) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}
