package ui

import (
	"fmt"
	"html/template"
	"net/url"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/i18n"
)

// viewer is who looks at a page: their language, time zone and the CSRF
// token their forms carry. Templates call its methods to translate, show
// times and explain severity and priority levels.
type viewer struct {
	User hansei.User
	Lang string
	// p prints the interface's words in Lang.
	p    *i18n.Printer
	Loc  *time.Location
	CSRF string
	Now  time.Time
	// Path is the page's own address: forms post it back as "back", so
	// that an error returns the viewer to where they were.
	Path string
	s    *Handler
}

// SignedIn tells templates whether to show the navigation.
func (v *viewer) SignedIn() bool { return v.User.Name != "" }

// CanAct tells templates whether to offer forms that change things.
func (v *viewer) CanAct() bool { return v.User.CanAct() }

// IsAdmin tells templates whether to offer the admin pages.
func (v *viewer) IsAdmin() bool { return v.User.Role == hansei.RoleAdmin }

// T prints the message id in the viewer's language, with its arguments
// as name and value pairs: {{.V.T "flash.component_saved" "Key" .Key}}.
// An argument named Count chooses the plural form.
func (v *viewer) T(id string, args ...any) string { return v.p.T(id, args...) }

// Word is a data value in words, such as an intent's state: the message
// word.KIND.VALUE. A value without one (a newer state this version does
// not name) shows as it is; a test keeps every value of the domain named.
func (v *viewer) Word(kind, value string) string {
	if id := "word." + kind + "." + value; v.p.Has(id) {
		return v.p.T(id)
	}
	return value
}

// setLang makes the viewer read lang, a language there is a catalog for.
func (v *viewer) setLang(lang string) {
	v.Lang = lang
	v.p = v.s.cats.Printer(lang)
}

// Time shows t in the viewer's zone with UTC beside it, in a <time>
// element that carries the exact instant.
func (v *viewer) Time(t time.Time) template.HTML {
	if t.IsZero() {
		return "—"
	}
	local := t.In(v.Loc)
	utc := t.UTC()
	layout := "2006-01-02 15:04"
	if sameDay(local, v.Now.In(v.Loc)) {
		layout = "15:04:05"
	}
	zone := local.Format("MST")
	if v.Loc == time.UTC {
		return template.HTML(fmt.Sprintf(`<time datetime="%s">%s UTC</time>`, utc.Format(time.RFC3339), utc.Format(layout)))
	}
	return template.HTML(fmt.Sprintf(`<time datetime="%s">%s %s</time> <span class="utc">(%s UTC)</span>`,
		utc.Format(time.RFC3339), local.Format(layout), template.HTMLEscapeString(zone), utc.Format(layout)))
}

// TimePtr is Time for optional times.
func (v *viewer) TimePtr(t *time.Time) template.HTML {
	if t == nil {
		return "—"
	}
	return v.Time(*t)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// Duration is a short human duration in the viewer's words, such as
// "1 h 12 min" or "1時間12分".
func (v *viewer) Duration(d time.Duration) string { return v.p.Duration(d) }

// Countdown is the time left until t, in a span that app.js counts down
// every second. The formats it counts with are the viewer's words, with
// {m} and {s} where the numbers go.
func (v *viewer) Countdown(t time.Time) template.HTML {
	minSec := v.T("duration.minutes_seconds", "Minutes", "{m}", "Seconds", "{s}")
	sec := v.T("duration.seconds", "Seconds", "{s}")
	withMinutes := v.T("page.incident.expires_in", "Duration", minSec)
	seconds := v.T("page.incident.expires_in", "Duration", sec)
	left := v.T("page.incident.expires_in", "Duration", v.Duration(t.Sub(v.Now)))
	e := template.HTMLEscapeString
	return template.HTML(fmt.Sprintf(`<span data-countdown="%s" data-format-ms="%s" data-format-s="%s" data-expired="%s">%s</span>`,
		t.UTC().Format(time.RFC3339), e(withMinutes), e(seconds), e(v.T("page.incident.window_over")), e(left)))
}

// Since is the time from t until now.
func (v *viewer) Since(t time.Time) string { return v.Duration(v.Now.Sub(t)) }

// Sev is a severity badge: the key, with the level's name and definition
// shown on hover and focus, linking to the scale page.
func (v *viewer) Sev(key string) template.HTML { return v.badge("severity", v.s.scales.Severity, key) }

// Pri is a priority badge, as Sev.
func (v *viewer) Pri(key string) template.HTML { return v.badge("priority", v.s.scales.Priority, key) }

func (v *viewer) badge(kind string, sc hansei.Scale, key string) template.HTML {
	l, err := sc.Level(key)
	if err != nil {
		return template.HTML(`<span class="badge">` + template.HTMLEscapeString(key) + `</span>`)
	}
	name, def := l.Localized(v.Lang)
	rank := sc.Rank(key) + 1
	id := "tip-" + kind + "-" + key
	return template.HTML(fmt.Sprintf(
		`<a class="badge %s-%d" href="/scales#%s-%s" aria-describedby="%s">%s<span class="tip" role="tooltip" id="%s"><b>%s — %s</b> %s</span></a>`,
		kind[:3], rank, kind, url.PathEscape(key), id, template.HTMLEscapeString(key), id,
		template.HTMLEscapeString(key), template.HTMLEscapeString(name), template.HTMLEscapeString(def)))
}

// Level returns a level's localized name and definition for forms.
func (v *viewer) Level(l hansei.Level) [2]string {
	name, def := l.Localized(v.Lang)
	return [2]string{name, def}
}

// Status is a status word in the viewer's language.
func (v *viewer) Status(s hansei.Status) string { return v.Word("incident_status", string(s)) }

// Describe is a timeline event in words.
func (v *viewer) Describe(e hansei.Event) string { return v.p.Print(hansei.DescribeEvent(e)) }

// CanRedact says whether the page offers to redact e: a note or public
// update not yet redacted, which the viewer may redact. The rule is the
// domain's (hansei.MayRedact), which the use case applies again.
func (v *viewer) CanRedact(e hansei.Event) bool {
	if !hansei.Redactable(e.Type) || hansei.MayRedact(v.User, e) != nil {
		return false
	}
	_, done := hansei.RedactionOf(e)
	return !done
}

// Entry is a postmortem record's entry in the viewer's language where it
// was recorded as a message, else as it was recorded.
func (v *viewer) Entry(e hansei.RecordEntry) string {
	if e.Message == "" || !v.p.Has(e.Message) {
		return e.Text
	}
	args := make(map[string]any, len(e.Args))
	for k, a := range e.Args {
		args[k] = a
	}
	if r, ok := e.Args["Role"]; ok {
		args["Role"] = hansei.Word{Kind: "incident_role", Value: r}
	}
	return v.p.Print(i18n.Message{ID: e.Message, Args: args})
}

// Date is a YYYY-MM-DD date in the viewer's zone.
func (v *viewer) Date(t time.Time) string { return t.In(v.Loc).Format("2006-01-02") }

// Today is the viewer's date.
func (v *viewer) Today() string { return v.Date(v.Now) }
