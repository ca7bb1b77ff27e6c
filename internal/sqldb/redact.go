package sqldb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	hansei "github.com/hansei-dev/hansei"
)

// redact takes the text of a note or public update out of storage and
// records the redaction, in one transaction: the event.redacted event,
// the target event's data (the text replaced by who, when and why), every
// stored copy of the text (saved idempotent responses, notifications in
// the outbox), and, for a public update, the status page's version so
// that its bodies are rendered again. On SQLite, secure_delete (on for
// every connection) zeroes the bytes the update frees, and a TRUNCATE
// checkpoint after the commit takes the old page images out of the WAL.
func (db *DB) redact(ctx context.Context, actor hansei.User, number int64, cmd hansei.Redact) (hansei.Incident, []hansei.Event, error) {
	var (
		inc    hansei.Incident
		events []hansei.Event
	)
	err := db.update(ctx, func(t *tx) error {
		if db.dialect == postgres {
			// The order every writer takes its locks in (Execute): no deadlock.
			if _, err := t.ExecContext(ctx, `SELECT value FROM counters WHERE name = 'event' FOR UPDATE`); err != nil {
				return fmt.Errorf("lock event counter: %w", err)
			}
		}
		current, err := t.lockIncident(ctx, number)
		if err != nil {
			return err
		}
		target, err := t.event(ctx, number, cmd.Seq)
		if err != nil {
			return err
		}
		cmd.Target = target
		var ok bool
		if inc, events, ok, err = t.execute(ctx, actor, current, cmd); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("INC-%d changed under its row lock", number)
		}
		// The reason as the domain cleaned it, from the event that records it.
		rec := events[0]
		var d hansei.RedactedData
		if err := json.Unmarshal(rec.Data, &d); err != nil {
			return err
		}
		red := hansei.Redaction{By: rec.Actor, At: rec.At, Reason: d.Reason, Seq: rec.Seq}
		payload, err := hansei.RedactedPayload(target, red)
		if err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `UPDATE events SET data = $1 WHERE incident = $2 AND seq = $3`, string(payload), number, cmd.Seq)
		if err != nil {
			return fmt.Errorf("redact event %d of INC-%d: %w", cmd.Seq, number, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("redact event %d of INC-%d: %d rows changed (%v)", cmd.Seq, number, n, err)
		}
		if err := t.redactPostmortem(ctx, number, cmd.Seq, red); err != nil {
			return err
		}
		if err := t.scrubCopies(ctx, target.Actor, hansei.RedactedText(target)); err != nil {
			return err
		}
		if target.Type == hansei.EventPublicUpdate {
			if err := t.statusChanged(ctx); err != nil {
				return err
			}
		}
		if db.dialect == sqlite {
			t.onCommit(func() { db.checkpointAfterRedaction(ctx) })
		}
		return nil
	})
	return inc, events, err
}

// event reads one event of an incident; a seq the timeline does not have
// is an event with no type, which hansei.Decide refuses as not found.
func (t *tx) event(ctx context.Context, number, seq int64) (hansei.Event, error) {
	rows, err := t.QueryContext(ctx, `SELECT `+eventColumns+` FROM events WHERE incident = $1 AND seq = $2`, number, seq)
	if err != nil {
		return hansei.Event{}, fmt.Errorf("read event %d of INC-%d: %w", seq, number, err)
	}
	events, err := scanEvents(rows)
	if err != nil || len(events) == 0 {
		return hansei.Event{}, err
	}
	return events[0], nil
}

// redactPostmortem takes the event out of the postmortem's record (the
// draft and every published revision), where notes are copied as
// candidate highlights: the entry's text becomes the redaction. The
// version is left alone, so that nobody editing the draft meets a
// conflict over a change they did not make.
func (t *tx) redactPostmortem(ctx context.Context, number, seq int64, r hansei.Redaction) error {
	type doc struct {
		revision int64 // 0 for the draft
		raw      []byte
	}
	rows, err := t.QueryContext(ctx, `SELECT 0, doc FROM postmortems WHERE incident = $1
		UNION ALL SELECT revision, doc FROM postmortem_revisions WHERE incident = $1`, number)
	if err != nil {
		return fmt.Errorf("read the postmortem of INC-%d: %w", number, err)
	}
	docs, err := collect(rows, func(row scanner) (doc, error) {
		var d doc
		return d, row.Scan(&d.revision, &d.raw)
	})
	if err != nil {
		return fmt.Errorf("read the postmortem of INC-%d: %w", number, err)
	}
	for _, d := range docs {
		var pm hansei.Postmortem
		if err := json.Unmarshal(d.raw, &pm); err != nil {
			return fmt.Errorf("decode the postmortem of INC-%d: %w", number, err)
		}
		if !pm.RedactRecord(seq, r) {
			continue
		}
		b, err := json.Marshal(pm)
		if err != nil {
			return err
		}
		q := `UPDATE postmortem_revisions SET doc = $1 WHERE incident = $2 AND revision = $3`
		args := []any{string(b), number, d.revision}
		if d.revision == 0 {
			q, args = `UPDATE postmortems SET doc = $1 WHERE incident = $2`, args[:2]
		}
		if _, err := t.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("redact the postmortem of INC-%d: %w", number, err)
		}
	}
	return nil
}

// minScrubbedText is the shortest text whose copies are taken out of
// the outbox: a notification is matched by containing the text, and a
// shorter text ("ok", "done") would match words of other notifications.
const minScrubbedText = 8

// scrubCopies takes text out of the stored copies beside the timeline.
// Saved idempotent responses quote an event's data as "text":"…", which
// is specific enough to replace whatever the text's length; only the
// author's are read, as only the request that wrote the event (the
// author's) answered with it. The outbox
// holds notifications, which today quote neither notes nor public updates;
// the text is still replaced there, JSON-escaped as payloads store it,
// once it is long enough to be recognised (minScrubbedText).
func (t *tx) scrubCopies(ctx context.Context, author, text string) error {
	if text == "" {
		return nil
	}
	const gone = "[redacted]"
	pos := `instr(%s, $1) > 0`
	bodyText, bodyBack := `CAST(body AS TEXT)`, `CAST(%s AS BLOB)`
	if t.db.dialect == postgres {
		pos = `strpos(%s, $1) > 0`
		bodyText, bodyBack = `convert_from(body, 'UTF8')`, `convert_to(%s, 'UTF8')`
	}
	for _, form := range jsonForms(text) {
		quoted := `"text":` + form
		q := `UPDATE idempotency_keys SET body = ` + fmt.Sprintf(bodyBack, `REPLACE(`+bodyText+`, $1, $2)`) +
			` WHERE user_id IN (SELECT id FROM users WHERE name = $3) AND body IS NOT NULL AND ` + fmt.Sprintf(pos, bodyText)
		if _, err := t.ExecContext(ctx, q, quoted, `"text":"`+gone+`"`, author); err != nil {
			return fmt.Errorf("redact saved responses: %w", err)
		}
		if utf8.RuneCountInString(text) < minScrubbedText {
			continue
		}
		inner := form[1 : len(form)-1] // without the quotes: the text inside a longer string
		payload, back := `payload`, `%s`
		if t.db.dialect == postgres {
			payload, back = `payload::text`, `(%s)::jsonb`
		}
		q = `UPDATE outbox SET payload = ` + fmt.Sprintf(back, `REPLACE(`+payload+`, $1, $2)`) + ` WHERE ` + fmt.Sprintf(pos, payload)
		if _, err := t.ExecContext(ctx, q, inner, gone); err != nil {
			return fmt.Errorf("redact the outbox: %w", err)
		}
	}
	return nil
}

// jsonForms are the ways text appears as a JSON string in what hansei
// stores: encoding/json's default (escaping <, > and &) and without HTML
// escaping.
func jsonForms(text string) []string {
	escaped, _ := json.Marshal(text)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(text)
	plain := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	if bytes.Equal(escaped, plain) {
		return []string{string(escaped)}
	}
	return []string{string(escaped), string(plain)}
}

// checkpointAfterRedaction copies the WAL into the database file and
// truncates the WAL, so that no older image of the redacted page stays in
// either file. It waits for readers up to the busy timeout. It runs after
// the commit, when the redaction has happened: a checkpoint that cannot
// finish (a reader held on past the busy timeout) leaves the old images in
// the WAL until the next checkpoint, SQLite's own or the next redaction's,
// and is not the request's failure, so its outcome is not reported.
func (db *DB) checkpointAfterRedaction(ctx context.Context) {
	var busy, logFrames, done int
	db.write.QueryRowContext(context.WithoutCancel(ctx), `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done)
}
