-- A second outcome for the same remediation on the same review date
-- replaces the first; the first row stays, with when and by whom it was
-- replaced, as the review's history.
ALTER TABLE review_outcomes ADD COLUMN replaced_at TEXT;
ALTER TABLE review_outcomes ADD COLUMN replaced_by TEXT NOT NULL DEFAULT '';
-- Outcomes recorded twice before this rule: each but the last of a
-- remediation's date is replaced by the next one, at its time.
UPDATE review_outcomes SET
    replaced_at = (SELECT min(n.at) FROM review_outcomes n
        WHERE n.date = review_outcomes.date AND n.remediation = review_outcomes.remediation AND n.id > review_outcomes.id),
    replaced_by = (SELECT n.actor FROM review_outcomes n
        WHERE n.date = review_outcomes.date AND n.remediation = review_outcomes.remediation AND n.id > review_outcomes.id
        ORDER BY n.id LIMIT 1)
WHERE EXISTS (SELECT 1 FROM review_outcomes n
    WHERE n.date = review_outcomes.date AND n.remediation = review_outcomes.remediation AND n.id > review_outcomes.id);
-- At most one outcome in force per remediation and date.
CREATE UNIQUE INDEX review_outcomes_current ON review_outcomes (date, remediation) WHERE replaced_at IS NULL;
