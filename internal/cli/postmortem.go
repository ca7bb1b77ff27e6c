package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/client"
	"github.com/hansei-dev/hansei/internal/i18n"
	"github.com/spf13/cobra"
)

// postmortemOptions are the flags of postmortem.
type postmortemOptions struct {
	override, reason string
	edit, json       bool
	// baseVersion is the version a set was based on (0: none): the
	// server merges by section and refuses only a change to a section
	// someone else changed since.
	baseVersion int64
}

func (env *cli) postmortemCmd() *cobra.Command {
	var o postmortemOptions
	cmd := &cobra.Command{
		Use:   "postmortem N [ACTION [ARGS]]",
		Short: "write, review and publish an incident's postmortem",
		Long: `Show an incident's postmortem, or act on it:

  create                      start the postmortem of a resolved incident
  edit                        open $EDITOR on the sections as Markdown
  set SECTION "TEXT"          write one section (` + strings.Join(hansei.SectionKeys(), ", ") + `)
  reviewers alice,bob         who must approve it
  highlight 5,8               timeline events to show beside it
  lint                        blameless-language and precision findings;
                              exits 1 if any blocks publishing (for pipelines)
  submit · approve            ask for review · approve as a reviewer
  publish [--override WHY]    publish (override blocking lint findings, saying why)
  amend --reason WHY          revise a published postmortem
  export                      print it as Markdown`,
		Example: `  hansei postmortem 42 create
  hansei postmortem 42 set impact "Card payments failed for 14 minutes"
  hansei postmortem 42 publish`,
		Args: func(cmd *cobra.Command, rest []string) error {
			if len(rest) == 0 {
				return usageErrorf("postmortem needs an incident NUMBER, then one of: create, edit, set, reviewers, highlight, lint, submit, approve, publish, amend, export")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, rest []string) error { return env.postmortem(o, rest) },
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.json, "json", false, "print JSON")
	fs.StringVar(&o.override, "override", "", "publish: why to publish over blocking lint findings")
	fs.StringVar(&o.reason, "reason", "", "amend: why the published postmortem is revised")
	fs.Int64Var(&o.baseVersion, "base-version", 0, "set: the version the text was written against; refused only if someone changed the same section since")
	fs.BoolVar(&o.edit, "edit", false, "open $EDITOR on the sections (the same as the edit action)")
	return cmd
}

// postmortem runs `hansei postmortem N [ACTION …]`.
func (env *cli) postmortem(o postmortemOptions, rest []string) error {
	n, c, err := env.incidentArg(rest)
	if err != nil {
		return err
	}
	action, params := "show", rest[1:]
	if len(params) > 0 {
		action, params = params[0], params[1:]
	}
	if o.edit {
		action = "edit"
	}
	var pm client.Postmortem
	// say is what a change confirms (confirm); show, create and edit
	// print the whole postmortem instead, to be read.
	var say func(pm client.Postmortem) func(*i18n.Printer) []string
	switch action {
	case "show":
		pm, err = c.Postmortem(env.ctx, n)
	case "create":
		pm, err = c.CreatePostmortem(env.ctx, n)
	case "edit":
		pm, err = env.editPostmortem(c, n)
	case "set":
		if len(params) != 2 {
			return usageErrorf("postmortem N set needs a SECTION (%s) and its \"TEXT\"", strings.Join(hansei.SectionKeys(), ", "))
		}
		patch := map[string]any{params[0]: params[1]}
		if o.baseVersion > 0 {
			patch["version"] = o.baseVersion
		}
		pm, err = c.PatchPostmortem(env.ctx, n, patch)
		say = func(pm client.Postmortem) func(*i18n.Printer) []string {
			return says("cli.confirm.postmortem_section", "Ref", ref(n), "Section", env.word("pm_section", params[0]), "Version", pm.Version)
		}
	case "reviewers", "highlight":
		if len(params) != 1 {
			return usageErrorf("postmortem N %s needs a comma-separated list", action)
		}
		var list stringList
		list.Set(params[0])
		if action == "reviewers" {
			pm, err = c.PatchPostmortem(env.ctx, n, map[string]any{"reviewers": []string(list)})
			say = func(pm client.Postmortem) func(*i18n.Printer) []string {
				names := make([]string, 0, len(pm.Reviewers))
				for _, r := range pm.Reviewers {
					names = append(names, r.User)
				}
				return says("cli.confirm.postmortem_reviewers", "Ref", ref(n), "Reviewers", orDash(strings.Join(names, ", ")), "Version", pm.Version)
			}
			break
		}
		seqs := make([]int64, 0, len(list))
		for _, s := range list {
			seq, perr := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
			if perr != nil {
				return usageErrorf("%q is not a timeline seq; use the numbers `hansei incident timeline %d` shows", s, n)
			}
			seqs = append(seqs, seq)
		}
		pm, err = c.PatchPostmortem(env.ctx, n, map[string]any{"highlights": seqs})
		say = func(pm client.Postmortem) func(*i18n.Printer) []string {
			marks := make([]string, 0, len(pm.Highlights))
			for _, seq := range pm.Highlights {
				marks = append(marks, fmt.Sprintf("#%d", seq))
			}
			return says("cli.confirm.postmortem_highlights", "Ref", ref(n), "Highlights", orDash(strings.Join(marks, ", ")), "Version", pm.Version)
		}
	case "lint":
		return env.printLint(c, n, o.json)
	case "submit", "approve":
		pm, err = c.PostmortemAction(env.ctx, n, action, nil)
	case "publish":
		pm, err = c.PostmortemAction(env.ctx, n, action, map[string]string{"override": o.override})
	case "amend":
		if o.reason == "" {
			return usageErrorf("postmortem N amend needs --reason: say why the published postmortem is revised")
		}
		pm, err = c.PostmortemAction(env.ctx, n, action, map[string]string{"reason": o.reason})
	case "export":
		md, err := c.ExportPostmortem(env.ctx, n)
		return env.show(o.json, map[string]any{"incident": n, "markdown": md}, err, func() error {
			_, err := io.WriteString(env.stdout, md)
			return err
		})
	}
	switch action {
	case "submit", "approve", "publish", "amend":
		say = func(pm client.Postmortem) func(*i18n.Printer) []string {
			return says("cli.confirm.postmortem_state", "Ref", ref(n), "State", env.word("postmortem_state", string(pm.Status)), "Version", pm.Version)
		}
	case "show", "create", "edit", "set", "reviewers", "highlight":
	default:
		return usageErrorf("unknown postmortem action %q; use create, edit, set, reviewers, highlight, lint, submit, approve, publish, amend or export", action)
	}
	if say != nil {
		return env.confirm(o.json, pm, err, say(pm))
	}
	return env.show(o.json, pm, err, func() error { env.printPostmortem(pm); return nil })
}

// ref is an incident's reference, as people quote it: INC-42.
func ref(n int64) string { return fmt.Sprintf("INC-%d", n) }

func (env *cli) printPostmortem(pm client.Postmortem) {
	w, p := env.stdout, env.p()
	ref := fmt.Sprintf("INC-%d", pm.Incident)
	fmt.Fprintln(w, p.T("cli.postmortem.heading", "Ref", ref, "Title", pm.Title))
	state := env.word("postmortem_state", string(pm.Status))
	if pm.Revision > 0 {
		fmt.Fprintln(w, p.T("cli.postmortem.state_revision", "State", state, "Version", pm.Version, "Revision", pm.Revision))
	} else {
		fmt.Fprintln(w, p.T("cli.postmortem.state", "State", state, "Version", pm.Version))
	}
	if len(pm.Reviewers) > 0 {
		var names []string
		for _, r := range pm.Reviewers {
			names = append(names, r.User)
		}
		if len(pm.PendingApprovals) > 0 {
			fmt.Fprintln(w, p.T("cli.postmortem.reviewers_waiting", "Reviewers", strings.Join(names, ", "), "Waiting", strings.Join(pm.PendingApprovals, ", ")))
		} else {
			fmt.Fprintln(w, p.T("cli.postmortem.reviewers", "Reviewers", strings.Join(names, ", ")))
		}
	}
	sections := map[string]string{"summary": pm.Summary, "impact": pm.Impact, "detection": pm.Detection, "response": pm.Response,
		"recovery": pm.Recovery, "went_well": pm.WentWell, "went_poorly": pm.WentPoorly, "lucky": pm.Lucky, "lessons": pm.Lessons}
	for _, k := range hansei.SectionKeys() {
		text := strings.TrimSpace(sections[k])
		if text == "" {
			text = p.T("cli.postmortem.not_written")
		}
		fmt.Fprintf(w, "\n%s:\n  %s\n", env.word("pm_section", k), strings.ReplaceAll(text, "\n", "\n  "))
	}
	fmt.Fprintln(w, "\n"+p.T("cli.postmortem.why_tree"))
	if len(pm.Whys) == 0 {
		fmt.Fprintln(w, "  "+p.T("cli.postmortem.why_tree_empty", "Number", pm.Incident))
	}
	var walk func([]client.WhyTreeNode, int)
	walk = func(nodes []client.WhyTreeNode, depth int) {
		for _, n := range nodes {
			factor := ""
			if n.Factor != "" {
				factor = " [" + p.T("cli.postmortem.factor", "Factor", env.word("factor", n.Factor)) + "]"
			}
			fmt.Fprintf(w, "%s#%d %s %s%s\n", strings.Repeat("  ", depth+1), n.ID, n.Question, n.Answer, factor)
			walk(n.Children, depth+1)
		}
	}
	walk(pm.Whys, 0)
}

// printLint prints the lint findings, and fails (exit 1) when any of them
// blocks publishing, so that `hansei postmortem N lint` can gate a
// pipeline; warnings alone succeed. With --json the findings are printed
// all the same, and the exit status says whether any blocks.
func (env *cli) printLint(c *client.Client, n int64, asJSON bool) error {
	findings, err := c.LintPostmortem(env.ctx, n)
	if err := env.showLint(asJSON, findings, err); err != nil {
		return err
	}
	blocking := 0
	for _, f := range findings {
		if f.Blocking {
			blocking++
		}
	}
	if blocking > 0 {
		return errors.New(env.p().N("cli.postmortem.lint_blocking", blocking, "Number", n))
	}
	return nil
}

func (env *cli) showLint(asJSON bool, findings []hansei.Finding, err error) error {
	return env.show(asJSON, map[string]any{"findings": findings}, err, func() error {
		if len(findings) == 0 {
			fmt.Fprintln(env.stdout, env.p().T("cli.postmortem.no_findings"))
			return nil
		}
		for _, f := range findings {
			block := ""
			if f.Blocking {
				block = " (" + env.p().T("cli.postmortem.blocks_publishing") + ")"
			}
			where := f.Section
			if f.Text != "" {
				where += fmt.Sprintf(" %q", f.Text)
			}
			fmt.Fprintf(env.stdout, "%s: %s%s\n  %s\n  %s\n", f.Rule, where, block, f.Message, env.p().T("cli.postmortem.suggestion", "Suggestion", f.Suggestion))
		}
		return nil
	})
}

// editPostmortem opens $EDITOR on the sections as Markdown and saves what
// changed, refused if someone else saved first.
func (env *cli) editPostmortem(c *client.Client, n int64) (client.Postmortem, error) {
	editor := env.getenv("EDITOR")
	if editor == "" {
		return client.Postmortem{}, usageErrorf("set EDITOR to edit the postmortem (or use: hansei postmortem %d set SECTION \"text\")", n)
	}
	pm, err := c.Postmortem(env.ctx, n)
	if err != nil {
		return pm, err
	}
	before := map[string]string{"summary": pm.Summary, "impact": pm.Impact, "detection": pm.Detection, "response": pm.Response,
		"recovery": pm.Recovery, "went_well": pm.WentWell, "went_poorly": pm.WentPoorly, "lucky": pm.Lucky, "lessons": pm.Lessons}
	dir, err := os.MkdirTemp("", "hansei-postmortem-")
	if err != nil {
		return pm, err
	}
	path := filepath.Join(dir, fmt.Sprintf("INC-%d-postmortem.md", n))
	keep := false
	defer func() {
		if !keep {
			os.RemoveAll(dir)
		}
	}()
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- INC-%d postmortem, version %d. Write under each \"## key\" heading; keep the headings. -->\n", n, pm.Version)
	for _, k := range hansei.SectionKeys() {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", k, strings.TrimSpace(before[k]))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return pm, err
	}
	cmd := exec.CommandContext(env.ctx, "sh", "-c", editor+` "$1"`, "editor", path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = env.stdin, env.stdout, env.stderr
	if err := cmd.Run(); err != nil {
		return pm, fmt.Errorf("the editor (%s) failed: %w; nothing was saved", editor, err)
	}
	after, err := readSections(path)
	if err != nil {
		return pm, err
	}
	patch := map[string]any{"version": pm.Version}
	for k, v := range after {
		if strings.TrimSpace(v) != strings.TrimSpace(before[k]) {
			patch[k] = v
		}
	}
	if len(patch) == 1 {
		fmt.Fprintln(env.stderr, "hansei: "+env.p().T("cli.postmortem.nothing_changed"))
		return pm, nil
	}
	// Saved from the version the file was written at, the edit merges
	// with others' changes to other sections; on a conflict the file
	// stays, so that nothing typed is lost.
	out, err := c.PatchPostmortem(env.ctx, n, patch)
	if client.ErrorStatus(err) == 409 {
		keep = true
		fmt.Fprintln(env.stderr, "hansei: "+env.p().T("cli.postmortem.edit_kept", "Path", path))
	}
	return out, err
}

// readSections reads "## key" sections back from the edited file.
func readSections(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	key := ""
	var text strings.Builder
	flush := func() {
		if key != "" {
			out[key] = strings.TrimSpace(text.String())
		}
		text.Reset()
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if h, ok := strings.CutPrefix(line, "## "); ok && slices.Contains(hansei.SectionKeys(), strings.TrimSpace(h)) {
			flush()
			key = strings.TrimSpace(h)
			continue
		}
		if key != "" {
			text.WriteString(line + "\n")
		}
	}
	flush()
	return out, sc.Err()
}

// whyOptions are the flags of why.
type whyOptions struct {
	parent int64
	factor string
	json   bool
}

func (env *cli) whyCmd() *cobra.Command {
	var o whyOptions
	cmd := &cobra.Command{
		Use:     `why N "QUESTION" "ANSWER"`,
		Short:   "add a question and its answer to the postmortem's why-tree",
		Example: `  hansei why 42 --parent 1 --factor capacity "Why was the pool exhausted?" "Retries tripled the load."`,
		Args:    wantArgs(3, `an incident NUMBER, a "QUESTION" and an "ANSWER"`),
		RunE:    func(_ *cobra.Command, rest []string) error { return env.why(o, rest) },
	}
	fs := cmd.Flags()
	fs.Int64Var(&o.parent, "parent", 0, "the node this answers under (default: a new root)")
	fs.StringVar(&o.factor, "factor", "", "mark it a contributing factor: "+strings.Join(hansei.FactorCategories(), ", "))
	jsonFlag(cmd, &o.json)
	return cmd
}

// why adds a node to the why-tree: hansei why N [--parent ID] "question" "answer".
func (env *cli) why(o whyOptions, rest []string) error {
	n, c, err := env.incidentArg(rest)
	if err != nil {
		return err
	}
	req := client.WhyRequest{Parent: o.parent, Question: rest[1], Answer: rest[2]}
	if o.factor != "" {
		req.Factor = &o.factor
	}
	pm, err := c.AddWhy(env.ctx, n, req)
	return env.confirm(o.json, pm, err, func(p *i18n.Printer) []string {
		node := newestWhy(pm.Whys)
		if o.parent != 0 {
			return says("cli.confirm.why_added_under", "Ref", ref(n), "ID", node.ID, "Parent", o.parent, "Question", node.Question)(p)
		}
		return says("cli.confirm.why_added", "Ref", ref(n), "ID", node.ID, "Question", node.Question)(p)
	})
}

// newestWhy is the why-tree's node with the highest ID: the one just
// added, since IDs only grow.
func newestWhy(nodes []client.WhyTreeNode) client.WhyTreeNode {
	var newest client.WhyTreeNode
	for _, n := range nodes {
		if n.ID > newest.ID {
			newest = n
		}
		if c := newestWhy(n.Children); c.ID > newest.ID {
			newest = c
		}
	}
	return newest
}
