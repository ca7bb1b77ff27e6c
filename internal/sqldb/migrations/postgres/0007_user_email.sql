-- Where a user hears from hansei: an email address, and whether they want
-- email ('email') or nothing beyond the organisation's webhooks ('none').
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
