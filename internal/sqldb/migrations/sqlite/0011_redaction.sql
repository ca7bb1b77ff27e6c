-- Redaction (docs/redaction.md): the one change an event may undergo is
-- having the text of a note or public update replaced by the record of
-- its redaction. Every other column stays as written, and the new data
-- must carry that record; anything else is refused as before.
DROP TRIGGER events_append_only_update;
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
WHEN NOT (
    NEW.incident = OLD.incident AND NEW.seq = OLD.seq AND NEW.type = OLD.type
    AND NEW.actor = OLD.actor AND NEW.at = OLD.at AND NEW.pos IS OLD.pos
    AND OLD.type IN ('note.added', 'public.updated')
    AND json_extract(OLD.data, '$.redacted') IS NULL
    AND json_extract(NEW.data, '$.redacted.seq') IS NOT NULL
)
BEGIN
    SELECT RAISE(ABORT, 'timeline events are never edited; append a correction instead');
END;
