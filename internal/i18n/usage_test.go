package i18n

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	hansei "github.com/hansei-dev/hansei"
)

// The code and the catalogs are kept in step by reading the code: every
// message ID a template or a Go file names must be in the English catalog,
// called with exactly the arguments the message has, and every English
// message must be used somewhere, so that a catalog holds no dead words a
// translator would translate for nothing.

// use is one place that names a message.
type use struct {
	where string
	id    string
	// args are the argument names the call passes, when the call is one
	// whose arguments can be read (T, N, pageErr); nil otherwise.
	args    []string
	checked bool
}

// words are the data values the pages print as words (word.KIND.VALUE):
// every value of the domain has its word.
func words() map[string][]string {
	str := func(vs ...any) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = fmt.Sprint(v)
		}
		return out
	}
	return map[string][]string{
		"incident_status": str(hansei.StatusInvestigating, hansei.StatusIdentified, hansei.StatusMonitoring,
			hansei.StatusResolved, hansei.StatusClosed),
		"incident_role":   str(hansei.RoleCommander, hansei.RoleCommunications, hansei.RoleScribe),
		"responder_state": str(hansei.ResponderActive, hansei.ResponderStoodDown),
		"ack_from":        str(hansei.AckCommander, hansei.AckAny, hansei.AckAll),
		// The request fields the domain's errors name.
		"field": {"answer", "date", "description", "detected_at", "due", "ends_at", "group", "link", "message", "name",
			"note", "override", "priority", "question", "reason", "services", "severity", "started_at", "starts_at",
			"summary", "text", "title",
			"mitigated_at"},
		// The fields a correction changes (incident.corrected).
		"corrected_field": hansei.CorrectableFields(),
		"intent_kind":     str(hansei.IntentAction, hansei.IntentStandDown, hansei.IntentInformation),
		"intent_state": str(hansei.IntentOpen, hansei.IntentAcknowledged, hansei.IntentObjected,
			hansei.IntentWithdrawn, hansei.IntentExpired),
		"component_state": str(hansei.ComponentOperational, hansei.ComponentMaintenance, hansei.ComponentDegraded,
			hansei.ComponentPartialOutage, hansei.ComponentMajorOutage),
		"impact":    str(hansei.ImpactNone, hansei.ImpactMinor, hansei.ImpactMajor, hansei.ImpactCritical),
		"user_role": str(hansei.RoleViewer, hansei.RoleResponder, hansei.RoleAdmin),
		// The outbox's states are storage's words (sqldb); the admin page
		// names these three.
		"delivery_state":   {"pending", "parked", "delivered"},
		"postmortem_state": str(hansei.PostmortemDraft, hansei.PostmortemInReview, hansei.PostmortemPublished),
		"factor":           hansei.FactorCategories(),
		"remediation_status": str(hansei.RemediationOpen, hansei.RemediationInProgress, hansei.RemediationBlocked,
			hansei.RemediationDone, hansei.RemediationWontDo, hansei.RemediationCancelled),
		"review_outcome": str(hansei.OutcomeOnTrack, hansei.OutcomeAtRisk, hansei.OutcomeBlocked, hansei.OutcomeDone,
			hansei.OutcomeReschedule),
		// The key times of an incident, as the incident page and the
		// postmortem's record name them.
		"key_time":        {"started", "detected", "declared", "acknowledged", "mitigated", "resolved"},
		"pm_section":      hansei.SectionKeys(),
		"pm_section_hint": hansei.SectionKeys(),
	}
}

// uses reads every message ID named in the module's templates and Go
// files (tests left out).
func uses(t *testing.T) []use {
	t.Helper()
	var out []use
	root := filepath.Join("..", "..")
	tmplCall := regexp.MustCompile(`\.T\s+"([a-z0-9_.]+)"((?:\s+"[A-Z][A-Za-z0-9]*"\s+(?:\([^()]*(?:\([^()]*\)[^()]*)*\)|[^\s}()]+))*)`)
	goCall := regexp.MustCompile(`\.(T|N)\(\s*"([a-z0-9_.]+)"|pageErr\([^,()]+,[^,()]+,\s*"([a-z0-9_.]+)"`)
	argName := regexp.MustCompile(`"([A-Z][A-Za-z0-9]*)"`)
	literal := regexp.MustCompile(`"((?:page|flash|error|common|layout|statuspage|word|meta|duration|cli|export|notify|timeline|lint)\.[a-z0-9_.]*[a-z0-9_])"`)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != root) {
			return filepath.SkipDir
		}
		isTmpl := strings.HasSuffix(path, ".html")
		isGo := strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go")
		if d.IsDir() || !isTmpl && !isGo {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		where := strings.TrimPrefix(path, root+string(filepath.Separator))
		if isTmpl {
			for _, m := range tmplCall.FindAllStringSubmatch(src, -1) {
				u := use{where: where, id: m[1], args: []string{}, checked: true}
				for _, a := range argName.FindAllStringSubmatch(m[2], -1) {
					u.args = append(u.args, a[1])
				}
				out = append(out, u)
			}
		}
		if isGo {
			for _, loc := range goCall.FindAllStringSubmatchIndex(src, -1) {
				u := use{where: where, args: []string{}, checked: true}
				switch {
				case loc[4] >= 0:
					u.id = src[loc[4]:loc[5]]
					if src[loc[2]:loc[3]] == "N" {
						u.args = append(u.args, "Count")
					}
				default:
					u.id = src[loc[6]:loc[7]]
				}
				for _, a := range argName.FindAllStringSubmatch(callArgs(src, loc[1]), -1) {
					u.args = append(u.args, a[1])
				}
				out = append(out, u)
			}
		}
		for _, m := range literal.FindAllStringSubmatch(src, -1) {
			out = append(out, use{where: where, id: m[1]})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 300 {
		t.Fatalf("found only %d uses of messages; the scan is broken", len(out))
	}
	return out
}

// callArgs is the text of a call's arguments after position i (just past
// the message ID), up to the call's closing parenthesis.
func callArgs(src string, i int) string {
	depth := 0
	for j := i; j < len(src); j++ {
		switch src[j] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				return src[i:j]
			}
			depth--
		}
	}
	return src[i:]
}

// TestEveryMessageInCodeExists: every ID the code names is in the English
// catalog, and every call passes exactly the message's arguments; so no
// page can show an empty message or leave a placeholder out.
func TestEveryMessageInCodeExists(t *testing.T) {
	en, err := builtinEnglish()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range uses(t) {
		e := en.messages[u.id]
		if e == nil {
			t.Errorf("%s: the message %s is not in the English catalog (internal/i18n/catalogs/en.yaml)", u.where, u.id)
			continue
		}
		if !u.checked {
			continue
		}
		got := slices.Sorted(slices.Values(u.args))
		if !slices.Equal(got, e.args) {
			t.Errorf("%s: %s is called with the arguments %v; the message has %v", u.where, u.id, got, e.args)
		}
	}
}

// TestEveryMessageIsUsed: every English message is named by the code, or
// is the word of a data value the domain has (word.KIND.VALUE), or is the
// language's own name.
func TestEveryMessageIsUsed(t *testing.T) {
	en, err := builtinEnglish()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{nameID: true}
	for _, u := range uses(t) {
		used[u.id] = true
	}
	for kind, values := range words() {
		for _, v := range values {
			id := "word." + kind + "." + v
			used[id] = true
			if en.messages[id] == nil {
				t.Errorf("the %s %q has no word: add %s to the catalogs", kind, v, id)
			}
		}
	}
	// The built-in lint phrases name their words by a part of the ID.
	rules := hansei.DefaultLintRules()
	for _, ph := range append(rules.Blame, rules.Priority...) {
		if ph.Says == "" {
			continue
		}
		for _, id := range []string{"lint.phrase." + ph.Says + ".message", "lint.phrase." + ph.Says + ".suggestion"} {
			used[id] = true
			if en.messages[id] == nil {
				t.Errorf("the lint phrase %q has no words: add %s to the catalogs", ph.Phrase, id)
			}
		}
	}
	for _, id := range sortedIDs(en.messages) {
		if !used[id] {
			t.Errorf("%s is in the catalogs, but nothing prints it: remove it, or use it", id)
		}
	}
}

// TestEveryEventIsDescribed: every type of timeline event has its own
// sentence (not timeline.unknown), and every built-in catalog says it in
// its own words, so that no timeline shows an English line among others.
func TestEveryEventIsDescribed(t *testing.T) {
	for _, typ := range hansei.EventTypes() {
		d := hansei.DescribeEvent(hansei.Event{Type: typ, Data: []byte("{}")})
		if d.MessageID() == "timeline.unknown" {
			t.Errorf("%s: DescribeEvent has no sentence for it", typ)
			continue
		}
		for _, lang := range builtinLanguages() {
			c, err := builtin(lang)
			if err != nil {
				t.Fatal(err)
			}
			if c.messages[d.MessageID()] == nil {
				t.Errorf("%s: the %s catalog lacks %s", typ, lang, d.MessageID())
			}
		}
	}
}
