package sqldb

// Test-only bulk loading for the benchmarks (bench_test.go,
// listbench_test.go). Loading 100,000 incidents through Declare and Execute
// takes a transaction per command; BulkLoad decides the same commands with
// hansei.Decide and hansei.Apply, exactly as Declare and Execute do, and
// writes the resulting rows with multi-row INSERTs in large transactions.
// TestBulkLoadMatchesDeclareAndExecute proves that the rows are the same.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

// Shares of the generated incidents.
const (
	// BulkCheckoutShare of incidents name the checkout service in their
	// title and summary, so a search for "checkout" hits about this share.
	// No other generated word starts with "checkout".
	BulkCheckoutShare = 0.01
	// bulkOpenShare are the newest incidents, still open; the rest are
	// resolved.
	bulkOpenShare = 0.02
	// bulkRestrictedShare are restricted to their members.
	bulkRestrictedShare = 0.03
	// bulkSeverityChangeShare had their severity changed once.
	bulkSeverityChangeShare = 0.2
	// bulkTeamSize responders (responder01, …) command and join the
	// incidents besides the author; BulkLoad creates those missing.
	bulkTeamSize = 40

	// bulkChunk incidents are written per transaction, in groups of
	// bulkGroup: a group's incidents, then their members and events.
	bulkChunk = 2000
	bulkGroup = 200
	// bulkParams is the most query parameters in one INSERT; SQLite allows
	// 32766, PostgreSQL 65535.
	bulkParams = 7000
	// bulkSeed makes every load of the same size the same data.
	bulkSeed = 0x68616e736569
)

// BulkLoad adds incidents, each with eventsPerIncident timeline events
// (at least 3: a declaration takes 3), after any incidents already stored.
// author issues every command; most incidents get a commander and a few
// more responders from a team of responders (created if missing). The
// incidents are declared over three years, oldest first; most are
// resolved, some had their severity changed, a few are restricted or still
// open. Titles and summaries come from word lists (see BulkCheckoutShare).
// The rows are exactly those that Declare and Execute would store for the
// same commands at the same times, had each incident's commands been
// issued one incident after another.
func (db *DB) BulkLoad(ctx context.Context, incidents, eventsPerIncident int, author hansei.User) error {
	if incidents < 0 || eventsPerIncident < 3 {
		return fmt.Errorf("bulk load: %d incidents of %d events: want incidents >= 0 and at least 3 events each", incidents, eventsPerIncident)
	}
	if err := author.RequireActor(); err != nil {
		return err
	}
	team, err := db.bulkTeam(ctx)
	if err != nil {
		return err
	}
	// Numbers and event positions carry on from the counters.
	var last int64
	err = db.write.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = 'incident'`).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("bulk load: read the incident counter: %w", err)
	}
	lastPos, err := db.LastEventPos(ctx)
	if err != nil {
		return fmt.Errorf("bulk load: read the last event position: %w", err)
	}

	// One goroutine decides and encodes while this one writes: both are
	// CPU-bound, and the machine may have two cores.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan []bulkRow, 1)
	produced := make(chan error, 1)
	go func() {
		defer close(chunks)
		produced <- db.bulkProduce(ctx, incidents, eventsPerIncident, last, lastPos, author, team, chunks)
	}()
	for chunk := range chunks {
		if err := db.bulkWrite(ctx, chunk); err != nil {
			cancel()
			for range chunks {
			}
			<-produced
			return err
		}
	}
	return <-produced
}

// bulkRow is one decided incident, ready to write.
type bulkRow struct {
	inc    hansei.Incident
	state  string
	events []hansei.Event
}

// bulkTeam returns the team of responders, creating those missing.
func (db *DB) bulkTeam(ctx context.Context) ([]hansei.User, error) {
	team := make([]hansei.User, bulkTeamSize)
	for i := range team {
		name := fmt.Sprintf("responder%02d", i+1)
		u, err := db.UserByName(ctx, name)
		if hansei.ErrorCode(err) == hansei.ENOTFOUND {
			u, err = db.CreateUser(ctx, hansei.User{Name: name, Role: hansei.RoleResponder}, "hash of "+name+"'s token")
		}
		if err != nil {
			return nil, fmt.Errorf("bulk load: team: %w", err)
		}
		team[i] = u
	}
	return team, nil
}

func teamNames(team []hansei.User) []string {
	names := make([]string, len(team))
	for i, u := range team {
		names[i] = u.Name
	}
	return names
}

func (db *DB) bulkProduce(ctx context.Context, incidents, eventsPerIncident int, last, pos int64, author hansei.User, team []hansei.User, out chan<- []bulkRow) error {
	g := newBulkGen(db.Scales.Severity.Keys(), author.Name, teamNames(team), incidents, eventsPerIncident)
	users := map[string]hansei.User{author.Name: author}
	for _, u := range team {
		users[u.Name] = u
	}
	chunk := make([]bulkRow, 0, bulkChunk)
	for i := range incidents {
		number := last + int64(i) + 1
		inc, events, err := db.bulkDecide(author, users, number, g.steps(i, number))
		if err != nil {
			return err
		}
		// appendEvents numbers events from the 'event' counter as they
		// commit; here they commit incident by incident.
		for j := range events {
			pos++
			events[j].Pos = pos
		}
		state, err := storedState(inc)
		if err != nil {
			return err
		}
		chunk = append(chunk, bulkRow{inc: inc, state: state, events: events})
		if len(chunk) == bulkChunk || i == incidents-1 {
			select {
			case out <- chunk:
			case <-ctx.Done():
				return ctx.Err()
			}
			chunk = make([]bulkRow, 0, bulkChunk)
		}
	}
	return nil
}

// bulkDecide runs the steps of one incident through hansei.Decide and
// hansei.Apply as Declare and Execute do: the declaration's events are
// numbered and projected, every later command is decided on the state so
// far and its events applied.
func (db *DB) bulkDecide(author hansei.User, users map[string]hansei.User, number int64, steps []bulkStep) (hansei.Incident, []hansei.Event, error) {
	env := func(at time.Time) hansei.Env {
		return hansei.Env{Now: at.UTC(), Actor: author, Scales: db.Scales, IntentWindow: db.IntentWindow,
			Users: func(name string) (hansei.User, error) {
				if u, ok := users[name]; ok {
					return u, nil
				}
				return hansei.User{}, hansei.Errorf(hansei.ENOTFOUND, "there is no user named %q", name)
			}}
	}
	events, err := hansei.Decide(hansei.Incident{}, env(steps[0].at), steps[0].cmd)
	if err != nil {
		return hansei.Incident{}, nil, fmt.Errorf("bulk load: declare INC-%d: %w", number, err)
	}
	for i := range events {
		events[i].Incident = number
	}
	inc, err := hansei.Project(events)
	if err != nil {
		return inc, nil, err
	}
	for _, s := range steps[1:] {
		more, err := hansei.Decide(inc, env(s.at), s.cmd)
		if err != nil {
			return inc, nil, fmt.Errorf("bulk load: INC-%d %T: %w", number, s.cmd, err)
		}
		for _, e := range more {
			if inc, err = hansei.Apply(inc, e); err != nil {
				return inc, nil, err
			}
		}
		events = append(events, more...)
	}
	return inc, events, nil
}

// bulkWrite stores one chunk of incidents in one transaction, with the
// same columns and values as Declare, Execute and appendEvents.
func (db *DB) bulkWrite(ctx context.Context, rows []bulkRow) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("bulk load: begin: %w", err)
	}
	defer sqlTx.Rollback()
	incidents := db.newBulkInsert(sqlTx, `INSERT INTO incidents
		(number, title, summary, severity, status, visibility, declared_at, state)`, 8)
	search := db.newBulkInsert(sqlTx, `INSERT INTO incidents_search (rowid, title, summary)`, 3)
	members := db.newBulkInsert(sqlTx, `INSERT INTO incident_members (incident, user_name)`, 2)
	events := db.newBulkInsert(sqlTx, `INSERT INTO events (incident, seq, type, actor, at, data, pos)`, 7)
	var top, topPos int64
	for i, r := range rows {
		inc := r.inc
		top = max(top, inc.Number)
		incidents.add(inc.Number, inc.Title, inc.Summary, inc.Severity, inc.Status, inc.Visibility,
			db.ts(inc.DeclaredAt), r.state)
		if db.dialect == sqlite {
			search.add(inc.Number, inc.Title, inc.Summary)
		}
		// appendEvents records every responder after each command; they are
		// never removed, so the last state names them all.
		for _, m := range inc.Responders {
			members.add(inc.Number, m.User)
		}
		for _, e := range r.events {
			events.add(e.Incident, e.Seq, e.Type, e.Actor, db.ts(e.At), string(e.Data), e.Pos)
			topPos = max(topPos, e.Pos)
		}
		// Parents before children: foreign keys are checked per statement.
		if (i+1)%bulkGroup == 0 || i == len(rows)-1 {
			for _, w := range []*bulkInsert{incidents, search, members, events} {
				if err := w.flush(ctx); err != nil {
					return err
				}
			}
		}
	}
	counters := map[string]int64{"incident": top}
	if db.dialect == postgres { // SQLite takes positions from the events table
		counters["event"] = topPos
	}
	for name, v := range counters {
		if _, err := sqlTx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, v); err != nil {
			return fmt.Errorf("bulk load: set the %s counter: %w", name, err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("bulk load: commit: %w", err)
	}
	return nil
}

// bulkInsert batches rows into multi-row INSERT statements.
type bulkInsert struct {
	db      *DB
	tx      *sql.Tx
	head    string
	cols    int
	perStmt int
	args    []any
	// stmts are prepared by number of rows; they close with the transaction.
	stmts map[int]*sql.Stmt
}

func (db *DB) newBulkInsert(tx *sql.Tx, head string, cols int) *bulkInsert {
	return &bulkInsert{db: db, tx: tx, head: head, cols: cols, perStmt: bulkParams / cols, stmts: map[int]*sql.Stmt{}}
}

func (w *bulkInsert) add(values ...any) { w.args = append(w.args, values...) }

// flush writes the rows added so far, perStmt rows a statement at most.
func (w *bulkInsert) flush(ctx context.Context) error {
	for len(w.args) > 0 {
		n := min(len(w.args)/w.cols, w.perStmt)
		stmt, ok := w.stmts[n]
		if !ok {
			var err error
			if stmt, err = w.tx.PrepareContext(ctx, w.query(n)); err != nil {
				return fmt.Errorf("bulk load: prepare %s: %w", w.name(), err)
			}
			w.stmts[n] = stmt
		}
		if _, err := stmt.ExecContext(ctx, w.args[:n*w.cols]...); err != nil {
			return fmt.Errorf("bulk load: %s: %w", w.name(), err)
		}
		w.args = w.args[n*w.cols:]
	}
	w.args = w.args[:0:0]
	return nil
}

func (w *bulkInsert) name() string { return strings.Join(strings.Fields(w.head), " ") }

func (w *bulkInsert) query(rows int) string {
	var b strings.Builder
	b.WriteString(w.head)
	b.WriteString(" VALUES ")
	p := 0
	for r := range rows {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range w.cols {
			if c > 0 {
				b.WriteByte(',')
			}
			p++
			if w.db.dialect == postgres {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// bulkStep is one command of a generated response and when it is issued.
type bulkStep struct {
	at  time.Time
	cmd hansei.Command
}

// bulkGen generates the responses: what is said and when.
type bulkGen struct {
	severities                            []string
	author                                string
	team                                  []string
	incidents, eventsPerIncident          int
	services, symptoms, places, causes    []string
	impacts, findings, actions, reasonsUp []string
}

func newBulkGen(severities []string, author string, team []string, incidents, eventsPerIncident int) *bulkGen {
	return &bulkGen{
		severities: severities, author: author, team: team, incidents: incidents, eventsPerIncident: eventsPerIncident,
		// Not "checkout": it is chosen with BulkCheckoutShare.
		services: strings.Fields(`payments search login signup cart inventory shipping billing invoicing
			notifications email sms push recommendations catalog pricing promotions reviews ratings
			wishlist orders returns refunds fraud risk ledger accounting reporting analytics metrics
			logging tracing alerting dashboard admin backoffice support chat voice video upload media
			images thumbnails cdn dns loadbalancer gateway auth sessions tokens profile settings
			preferences subscriptions plans coupons gifts loyalty rewards referrals partners affiliates
			marketplace sellers buyers listings bidding auctions scheduler cron queue kafka redis
			postgres mysql elasticsearch storage backups replication migrations deploys builds
			artifacts registry kubernetes nodes network vpn firewall certificates webhooks integrations
			sync exports imports geo maps tax currency translations`),
		symptoms: []string{"elevated error rate", "high latency", "timeouts", "5xx errors", "degraded performance",
			"outage", "partial outage", "failing health checks", "memory leak", "CPU saturation", "disk full",
			"connection pool exhausted", "stale data", "duplicate messages", "queue backlog",
			"expired certificate", "slow queries", "intermittent failures", "data inconsistency", "crash loop"},
		places: []string{"", "", "", " in eu-west-1", " in us-east-1", " in ap-northeast-1", " for mobile users",
			" for EU customers", " after deploy", " during peak traffic", " in the Tokyo region", " for enterprise accounts"},
		causes: []string{"a bad deploy", "an upstream dependency", "a configuration change", "a database failover",
			"a traffic spike", "an expired certificate", "a noisy neighbour", "a DNS change", "a feature flag",
			"a schema migration", "a full disk", "a leaked connection"},
		impacts: []string{"Customers cannot complete their task", "Some requests are retried successfully",
			"No data loss is known", "Support reports a rise in tickets", "Internal users only",
			"Partners see delayed webhooks", "Mobile apps show an error screen"},
		findings: []string{"error rate is back to baseline", "p99 latency is %d ms", "%d pods restarted in the last hour",
			"the last deploy went out %d minutes before the first alert", "replication lag is %d seconds",
			"%d support tickets mention it", "the upstream status page reports nothing", "CPU on the primary is at %d%%"},
		actions: []string{"Rolled back the last deploy", "Paged the owning team", "Scaled out to %d replicas",
			"Failed over to the standby", "Disabled the feature flag", "Raised the connection limit to %d",
			"Opened a ticket with the vendor", "Posted an update on the status page", "Drained %d nodes"},
		reasonsUp: []string{"impact is wider than first thought", "more regions are affected",
			"a workaround limits the impact", "only internal users are affected after all"},
	}
}

// steps returns the commands of the i-th generated incident, each with
// the time it is issued: the declaration, then notes with the other
// commands spread among them, eventsPerIncident events in all.
func (g *bulkGen) steps(i int, number int64) []bulkStep {
	rng := rand.New(rand.NewPCG(bulkSeed, uint64(number)))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	fill := func(s string) string {
		if strings.Contains(s, "%") {
			return fmt.Sprintf(s, 2+rng.IntN(400))
		}
		return s
	}

	service := pick(g.services)
	if rng.Float64() < BulkCheckoutShare {
		service = "checkout"
	}
	services := []string{service}
	for range rng.IntN(3) {
		services = append(services, pick(g.services))
	}
	symptom := pick(g.symptoms)
	title := strings.ToUpper(service[:1]) + service[1:] + " " + symptom + pick(g.places)
	summary := fmt.Sprintf("%s on %s since %02d:%02d UTC; about %d%% of requests affected. Suspected cause: %s. %s.",
		strings.ToUpper(symptom[:1])+symptom[1:], service, rng.IntN(24), rng.IntN(60), 1+rng.IntN(100),
		pick(g.causes), pick(g.impacts))

	// Severities are listed most severe first; the milder ones are commoner.
	weights, total := make([]int, len(g.severities)), 0
	for j := range weights {
		weights[j] = 2*j + 1
		total += weights[j]
	}
	sev, r := 0, rng.IntN(total)
	for r >= weights[sev] {
		r -= weights[sev]
		sev++
	}
	visibility := hansei.VisibilityInternal
	if rng.Float64() < bulkRestrictedShare {
		visibility = hansei.VisibilityRestricted
	}

	// Three years of incidents, oldest first, a little jitter each.
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	spacing := 3 * 365 * 24 * time.Hour / time.Duration(max(g.incidents, 1))
	declared := base.Add(time.Duration(i)*spacing + time.Duration(rng.Int64N(int64(spacing/2)+1)))
	started := declared.Add(-time.Duration(rng.Int64N(int64(time.Hour))))
	detected := started.Add(time.Duration(rng.Int64N(int64(declared.Sub(started)) + 1)))
	// Most incidents get a commander from the team; the declaration then
	// takes 4 events instead of 3.
	commander := g.author
	if len(g.team) > 0 && g.eventsPerIncident > 3 && rng.Float64() < 0.7 {
		commander = pick(g.team)
	}
	declare := hansei.Declare{Title: title, Summary: summary, Severity: g.severities[sev],
		Services: services, Visibility: visibility, StartedAt: &started, DetectedAt: &detected}
	k := g.eventsPerIncident - 3
	if commander != g.author {
		declare.Commander = commander
		k--
	}
	steps := []bulkStep{{at: declared, cmd: declare}}

	// The commands after the declaration, one event each: status changes
	// first claim the k slots, then a severity change, responders joining
	// and a scribe among them; notes fill the rest. They are spread among
	// the notes in this order: joins, scribe, severity, statuses.
	var statuses []hansei.Command
	open := i >= g.incidents-int(math.Ceil(float64(g.incidents)*bulkOpenShare))
	switch {
	case open && k >= 1 && rng.IntN(2) == 0:
		statuses = []hansei.Command{hansei.ChangeStatus{Status: hansei.StatusIdentified, Message: "Cause found: " + pick(g.causes) + "."}}
	case !open && k >= 3:
		statuses = []hansei.Command{
			hansei.ChangeStatus{Status: hansei.StatusIdentified, Message: "Cause found: " + pick(g.causes) + "."},
			hansei.ChangeStatus{Status: hansei.StatusMonitoring, Message: fill(pick(g.actions)) + "; watching."},
			hansei.ChangeStatus{Status: hansei.StatusResolved, Message: "Resolved: " + fill(pick(g.findings)) + "."},
		}
	case !open && k >= 1:
		statuses = []hansei.Command{hansei.ChangeStatus{Status: hansei.StatusResolved, Message: "Resolved."}}
	}
	free := k - len(statuses)
	var severity []hansei.Command
	if len(g.severities) > 1 && free > 0 && rng.Float64() < bulkSeverityChangeShare {
		to := sev + 1
		if sev > 0 && (to == len(g.severities) || rng.IntN(2) == 0) {
			to = sev - 1
		}
		severity = []hansei.Command{hansei.ChangeSeverity{Severity: g.severities[to], Reason: "Changed: " + pick(g.reasonsUp)}}
		free--
	}
	var joins []hansei.Command
	joined := map[string]bool{g.author: true, commander: true}
	for range min(rng.IntN(3), free) {
		if u := pick(g.team); !joined[u] {
			joined[u] = true
			joins = append(joins, hansei.Join{User: u})
			free--
		}
	}
	if len(joins) > 0 && free > 0 && rng.Float64() < 0.3 {
		joins = append(joins, hansei.AssignRole{Role: hansei.RoleScribe, User: joins[0].(hansei.Join).User})
	}
	milestones := slices.Concat(joins, severity, statuses)
	cmds := make([]hansei.Command, k)
	for j, m := range milestones {
		cmds[(j+1)*k/len(milestones)-1] = m
	}
	at := declared
	for _, c := range cmds {
		if c == nil {
			note := fill(pick(g.actions)) + "; " + fill(pick(g.findings)) + "."
			for range rng.IntN(3) {
				note += " " + fill(pick(g.actions)) + ", and " + fill(pick(g.findings)) + "."
			}
			c = hansei.AddNote{Text: note}
		}
		at = at.Add(time.Minute + time.Duration(rng.Int64N(int64(20*time.Minute))))
		steps = append(steps, bulkStep{at: at, cmd: c})
	}
	return steps
}

// BulkFingerprint names what BulkLoad produces: a hash of the migrations,
// of this file and of the code that decides what is stored. A database
// cached by the benchmarks under this name is rebuilt when any changes.
// The test binary runs in the package directory, where the files are.
func BulkFingerprint() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrationFiles, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(migrationFiles, path)
		fmt.Fprintf(h, "%s %d\n", path, len(body))
		h.Write(body)
		return err
	})
	if err != nil {
		return "", err
	}
	for _, path := range []string{"bulk_test.go", "incidents.go", filepath.Join("..", "..", "incident.go")} {
		body, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("bulk fingerprint: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", path, len(body))
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// TestBulkLoadMatchesDeclareAndExecute replays the generated commands
// through Declare and Execute on one database and bulk-loads them into
// another, and compares every stored row.
func TestBulkLoadMatchesDeclareAndExecute(t *testing.T) {
	for _, target := range sqldbtest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			const incidents, eventsPerIncident = 60, 10
			open := func(dsn string) (*DB, hansei.User) {
				db, err := Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				db.Now = func() time.Time { return time.Date(2022, 12, 1, 0, 0, 0, 0, time.UTC) }
				u, err := db.CreateUser(ctx, hansei.User{Name: "alice", Role: hansei.RoleResponder}, "hash of alice's token")
				if err != nil {
					t.Fatal(err)
				}
				return db, u
			}
			second := sqldbtest.SQLite(t)
			if target.Name == "postgres" {
				second, _ = sqldbtest.Postgres(t)
			}
			bulk, author := open(target.DSN)
			replay, _ := open(second.DSN)

			// Two loads, so that the second starts after existing incidents.
			if err := bulk.BulkLoad(ctx, incidents/2, eventsPerIncident, author); err != nil {
				t.Fatal(err)
			}
			if err := bulk.BulkLoad(ctx, incidents/2, eventsPerIncident, author); err != nil {
				t.Fatal(err)
			}
			team, err := replay.bulkTeam(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for load := range 2 {
				g := newBulkGen(replay.Scales.Severity.Keys(), author.Name, teamNames(team), incidents/2, eventsPerIncident)
				for i := range incidents / 2 {
					number := int64(load*incidents/2 + i + 1)
					steps := g.steps(i, number)
					replay.Now = func() time.Time { return steps[0].at }
					inc, err := replay.Declare(ctx, author, steps[0].cmd.(hansei.Declare))
					if err != nil || inc.Number != number {
						t.Fatalf("declare INC-%d: got INC-%d, %v", number, inc.Number, err)
					}
					for _, s := range steps[1:] {
						replay.Now = func() time.Time { return s.at }
						if _, _, err := replay.Execute(ctx, author, number, s.cmd); err != nil {
							t.Fatalf("INC-%d %T: %v", number, s.cmd, err)
						}
					}
				}
			}

			// Every table, so that a table or column added later is
			// compared too; not the tokens (random), the migrations (their
			// time) nor the full-text
			// index's shadow tables (their layout depends on batching:
			// the searches below compare what they answer).
			tables := `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`
			if bulk.dialect == sqlite {
				tables = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'incidents_search%'`
			}
			compared := map[string]bool{}
			for _, table := range dumpRows(t, bulk, tables) {
				table = strings.Trim(table, "[]")
				if table == "api_tokens" || table == "schema_migrations" {
					continue
				}
				q := `SELECT * FROM ` + table
				a, b := dumpRows(t, bulk, q), dumpRows(t, replay, q)
				slices.Sort(a)
				slices.Sort(b)
				if len(a) != len(b) {
					t.Fatalf("%s: bulk load has %d rows, Declare/Execute %d", table, len(a), len(b))
				}
				for i := range a {
					if a[i] != b[i] {
						t.Fatalf("%s: row %d differs:\nbulk:   %s\nreplay: %s", table, i, a[i], b[i])
					}
				}
				compared[table] = len(a) > 0
			}
			for _, table := range []string{"incidents", "events", "incident_members", "counters", "users"} {
				if !compared[table] {
					t.Fatalf("table %s was not compared or is empty (compared: %v)", table, compared)
				}
			}
			var events int
			if err := bulk.read.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&events); err != nil || events != incidents*eventsPerIncident {
				t.Fatalf("%d events (%v), want %d", events, err, incidents*eventsPerIncident)
			}

			// The search index answers the same.
			admin := hansei.User{Name: "root", Role: hansei.RoleAdmin}
			g := newBulkGen(nil, "", nil, 0, 0)
			for _, q := range append([]string{"checkout", "timeouts", "eu", "resolved", "data loss"}, g.services[:20]...) {
				a, _, err := bulk.Incidents(ctx, admin, hansei.IncidentFilter{Q: q, Limit: 200})
				if err != nil {
					t.Fatal(err)
				}
				b, _, err := replay.Incidents(ctx, admin, hansei.IncidentFilter{Q: q, Limit: 200})
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(refs(a)) != fmt.Sprint(refs(b)) {
					t.Fatalf("search %q: bulk finds %v, Declare/Execute %v", q, refs(a), refs(b))
				}
			}
		})
	}
}

func refs(incs []hansei.Incident) []int64 {
	out := make([]int64, len(incs))
	for i, inc := range incs {
		out[i] = inc.Number
	}
	return out
}

func dumpRows(t *testing.T, db *DB, q string) []string {
	t.Helper()
	rows, err := db.read.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		out = append(out, fmt.Sprintf("%v", vals))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// BulkRemediations adds n remediations to incident, owned by bob: most due
// months ahead or done, one in a thousand near or past due, as a real
// backlog looks.
func (db *DB) BulkRemediations(ctx context.Context, incident int64, n int, today time.Time) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer sqlTx.Rollback()
	ins := db.newBulkInsert(sqlTx, `INSERT INTO remediations (incident, owner, status, priority, due, doc, updated_at)`, 7)
	for i := 0; i < n; i++ {
		due := today.AddDate(0, 0, 30+i%300)
		status := hansei.RemediationOpen
		switch {
		case i%1000 == 0:
			due = today.AddDate(0, 0, i%7-3)
		case i%3 == 0:
			status = hansei.RemediationDone
			due = today.AddDate(0, 0, -(i % 300))
		}
		r := hansei.Remediation{ID: int64(i + 1), Incident: incident, Title: "Improve " + strconv.Itoa(i), Owner: "bob", Priority: "P2",
			Due: due.Format("2006-01-02"), Status: status, CreatedAt: today, UpdatedAt: today, Progress: []hansei.ProgressEntry{}}
		doc, _ := json.Marshal(r)
		ins.add(incident, r.Owner, r.Status, r.Priority, r.Due, string(doc), db.ts(today))
		if i%5000 == 4999 {
			if err := ins.flush(ctx); err != nil {
				return err
			}
		}
	}
	if err := ins.flush(ctx); err != nil {
		return err
	}
	return sqlTx.Commit()
}

// BulkOutbox queues n webhook deliveries to target.
func (db *DB) BulkOutbox(ctx context.Context, n int, target string, payload []byte) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer sqlTx.Rollback()
	ins := db.newBulkInsert(sqlTx, `INSERT INTO outbox (delivery_id, key, channel, target, payload, next_attempt_at, created_at)`, 7)
	now := db.ts(db.Now().Add(-time.Second))
	round := strconv.FormatInt(time.Now().UnixNano(), 36)
	for i := 0; i < n; i++ {
		ins.add("bench-"+round+"-"+strconv.Itoa(i), "bench:"+round+":"+strconv.Itoa(i), "webhook", target, string(payload), now, now)
		if i%5000 == 4999 {
			if err := ins.flush(ctx); err != nil {
				return err
			}
		}
	}
	if err := ins.flush(ctx); err != nil {
		return err
	}
	return sqlTx.Commit()
}
