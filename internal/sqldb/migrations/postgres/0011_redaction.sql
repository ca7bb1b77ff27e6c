-- Redaction (docs/redaction.md): the one change an event may undergo is
-- having the text of a note or public update replaced by the record of
-- its redaction. Every other column stays as written, and the new data
-- must carry that record; anything else is refused as before.
CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.incident = OLD.incident AND NEW.seq = OLD.seq AND NEW.type = OLD.type
        AND NEW.actor = OLD.actor AND NEW.at = OLD.at AND NEW.pos IS NOT DISTINCT FROM OLD.pos
        AND OLD.type IN ('note.added', 'public.updated')
        AND NOT (OLD.data ? 'redacted')
        AND (NEW.data -> 'redacted' ? 'seq')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'timeline events are never edited or deleted; append a correction instead';
END;
$$;
