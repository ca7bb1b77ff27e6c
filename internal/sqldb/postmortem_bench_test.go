package sqldb_test

// BenchmarkPostmortem measures the postmortem's costly paths beside a
// reference read in the same run on the same database:
//
//   - timeline-read (the reference): all 10,000 events of one incident
//     through db.Timeline, in pages of 1000;
//   - draft: db.CreatePostmortem of a resolved incident with 10,000
//     timeline events (reads them all, builds the record, stores the doc);
//   - export: what GET …/postmortem.md does: db.Postmortem, the 50
//     highlighted events one db.Timeline call each, and pm.Markdown of a
//     postmortem with 50 highlights and a 30-node why-tree;
//   - export-render: pm.Markdown alone, on the same postmortem.
//
// Each reports the median and the 99th percentile of b.N calls (p50-ms,
// p99-ms); the goal is p99 < 100 ms. Lint is measured in the root package.
//
//	go test -run '^$' -bench BenchmarkPostmortem -benchtime 200x ./internal/sqldb/
//
// HANSEI_BENCH_PM_INCIDENTS sets how many incidents of 10,000 events the
// draft benchmark rotates over (default 4).

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	hansei "github.com/hansei-dev/hansei"
	"github.com/hansei-dev/hansei/internal/i18n"
	"github.com/hansei-dev/hansei/internal/sqldb"
	"github.com/hansei-dev/hansei/internal/sqldb/sqldbtest"
)

const (
	pmBenchEvents     = 10000
	pmBenchHighlights = 50
	pmBenchWhys       = 30
)

func BenchmarkPostmortem(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchPostmortem(b, sqldbtest.SQLite(b).DSN)
	})
	b.Run("postgres", func(b *testing.B) {
		pg, ok := sqldbtest.Postgres(b)
		if !ok {
			b.Skip("HANSEI_TEST_POSTGRES_URL is not set; scripts/bench starts a PostgreSQL")
		}
		benchPostmortem(b, pg.DSN)
	})
}

func benchPostmortem(b *testing.B, dsn string) {
	ctx := context.Background()
	db := benchOpen(b, dsn)
	author := benchUser(b, db, "alice", hansei.RoleResponder)

	// One incident for the reading benchmarks, the rest for drafts, and
	// one more: BulkLoad leaves the newest open.
	pool := benchSize(b, "HANSEI_BENCH_PM_INCIDENTS", 4)
	start := time.Now()
	if err := db.BulkLoad(ctx, pool+2, pmBenchEvents, author); err != nil {
		b.Fatal(err)
	}
	var resolved []int64
	for n := int64(1); n <= int64(pool+2); n++ {
		inc, err := db.Incident(ctx, author, n)
		if err != nil {
			b.Fatal(err)
		}
		if inc.LastSeq != pmBenchEvents {
			b.Fatalf("INC-%d has %d events, want %d", n, inc.LastSeq, pmBenchEvents)
		}
		if inc.Status == hansei.StatusResolved {
			resolved = append(resolved, n)
		}
	}
	if len(resolved) < pool+1 {
		b.Fatalf("%d of %d loaded incidents are resolved, want %d", len(resolved), pool+2, pool+1)
	}
	reader, drafts := resolved[0], resolved[1:pool+1]
	pm := pmBenchDocument(b, db, author, reader)
	b.Logf("loaded %d incidents of %d events and the postmortem in %v", pool+2, pmBenchEvents, time.Since(start).Round(time.Millisecond))

	b.Run("timeline-read", func(b *testing.B) {
		measureLatency(b, func() error {
			var after int64
			for {
				page, err := db.Timeline(ctx, author, reader, after, 1000)
				if err != nil {
					return err
				}
				if len(page) == 0 {
					break
				}
				after = page[len(page)-1].Seq
			}
			if after != pmBenchEvents {
				return fmt.Errorf("read up to seq %d, want %d", after, pmBenchEvents)
			}
			return nil
		})
	})

	b.Run("draft", func(b *testing.B) {
		// Every call drafts a postmortem of an incident that has none:
		// the incidents take turns, and the draft made of one is removed,
		// off the clock, before its next turn.
		samples := make([]time.Duration, b.N)
		b.ResetTimer()
		for i := range samples {
			number := drafts[i%len(drafts)]
			b.StopTimer()
			if err := pmBenchRemove(ctx, db, number); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			began := time.Now()
			pm, err := db.CreatePostmortem(ctx, author, number)
			samples[i] = time.Since(began)
			if err != nil {
				b.Fatal(err)
			}
			if pm.Record.KeyTimes[5].At == nil || pm.Record.Notes < pmBenchEvents/2 || len(pm.Record.Candidates) != hansei.MaxCandidates {
				b.Fatalf("INC-%d: draft without its record: resolved %v, %d notes, %d candidate highlights",
					number, pm.Record.KeyTimes[5].At, pm.Record.Notes, len(pm.Record.Candidates))
			}
		}
		b.StopTimer()
		reportLatency(b, samples)
		// What the draft stores weighs on every later change of it.
		var size int64
		if err := db.RawQueryRow(ctx, `SELECT length(CAST(doc AS TEXT)) FROM postmortems WHERE incident = $1`, drafts[0]).Scan(&size); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(size)/1024, "doc-KiB")
	})

	b.Run("export", func(b *testing.B) {
		measureLatency(b, func() error {
			pm, err := db.Postmortem(ctx, author, reader)
			if err != nil {
				return err
			}
			// As the handler does: one short timeline read per highlight.
			var highlights []hansei.Event
			for _, seq := range pm.Highlights {
				events, err := db.Timeline(ctx, author, reader, seq-1, 1)
				if err != nil {
					return err
				}
				highlights = append(highlights, events...)
			}
			if md := pm.Markdown(i18n.MustBuiltin().Printer("en"), highlights, nil); len(md) == 0 || len(highlights) != pmBenchHighlights {
				return fmt.Errorf("export: %d bytes, %d highlights", len(md), len(highlights))
			}
			return nil
		})
	})

	b.Run("export-render", func(b *testing.B) {
		highlights := make([]hansei.Event, 0, len(pm.Highlights))
		for _, seq := range pm.Highlights {
			events, err := db.Timeline(ctx, author, reader, seq-1, 1)
			if err != nil {
				b.Fatal(err)
			}
			highlights = append(highlights, events...)
		}
		md := pm.Markdown(i18n.MustBuiltin().Printer("en"), highlights, nil)
		if n := strings.Count(md, "- **Why "); n != pmBenchWhys {
			b.Fatalf("the Markdown lists %d whys, want %d", n, pmBenchWhys)
		}
		if n := strings.Count(md, " UTC` "); n != pmBenchHighlights {
			b.Fatalf("the Markdown lists %d highlights, want %d", n, pmBenchHighlights)
		}
		var sink int
		measureLatency(b, func() error {
			sink += len(pm.Markdown(i18n.MustBuiltin().Printer("en"), highlights, nil))
			return nil
		})
		if sink == 0 {
			b.Fatal("nothing rendered")
		}
	})
}

// reportLatency reports the median and the 99th percentile of samples.
func reportLatency(b *testing.B, samples []time.Duration) {
	slices.Sort(samples)
	b.ReportMetric(percentile(samples, 0.50), "p50-ms")
	b.ReportMetric(percentile(samples, 0.99), "p99-ms")
}

// pmBenchRemove deletes an incident's postmortem and its history, if any.
func pmBenchRemove(ctx context.Context, db *sqldb.DB, number int64) error {
	for _, table := range []string{"postmortem_revisions", "postmortem_changes", "postmortems"} {
		if _, err := db.RawExec(ctx, `DELETE FROM `+table+` WHERE incident = $1`, number); err != nil {
			return fmt.Errorf("remove the postmortem of INC-%d: %w", number, err)
		}
	}
	return nil
}

// pmBenchDocument drafts the postmortem of number and fills it as a team
// would: every section written, 50 highlights spread over the timeline and
// a branching why-tree of 30 nodes, some of them contributing factors.
func pmBenchDocument(b *testing.B, db *sqldb.DB, author hansei.User, number int64) hansei.Postmortem {
	b.Helper()
	ctx := context.Background()
	if _, err := db.CreatePostmortem(ctx, author, number); err != nil {
		b.Fatal(err)
	}
	sections := map[string]string{}
	for i, k := range hansei.SectionKeys() {
		sections[k] = strings.Repeat(fmt.Sprintf("Paragraph %d of %s: the payment client timed out after the pool was exhausted | retries doubled the load. ", i, k), 12)
	}
	highlights := make([]int64, pmBenchHighlights)
	for i := range highlights {
		highlights[i] = int64(i+1) * (pmBenchEvents / pmBenchHighlights)
	}
	change := func(cmd hansei.PostmortemCommand) hansei.Postmortem {
		pm, err := db.ChangePostmortem(ctx, author, number, cmd, hansei.PostmortemEnv{})
		if err != nil {
			b.Fatal(err)
		}
		return pm
	}
	change(hansei.EditPostmortem{Patch: hansei.PostmortemPatch{Sections: sections, Highlights: &highlights}})
	factors := hansei.FactorCategories()
	for i := 1; i <= pmBenchWhys; i++ {
		// Node i hangs under node i/2: a tree three to five levels deep,
		// two children a node.
		in := hansei.WhyInput{Parent: int64(i / 2), Question: fmt.Sprintf("Why %d: why did the step before happen?", i),
			Answer: fmt.Sprintf("Answer %d: the retry policy | the pool size were not reviewed together.", i)}
		if i > pmBenchWhys/2 && i%2 == 0 {
			in.Factor = &factors[i%len(factors)]
		}
		change(hansei.AddWhy{Why: in})
	}
	pm, err := db.Postmortem(ctx, author, number)
	if err != nil {
		b.Fatal(err)
	}
	if len(pm.Highlights) != pmBenchHighlights || len(pm.Whys) != pmBenchWhys {
		b.Fatalf("postmortem has %d highlights and %d whys", len(pm.Highlights), len(pm.Whys))
	}
	return pm
}
