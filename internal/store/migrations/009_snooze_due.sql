-- The Snoozer looks for snoozed conversations that are due at start, at
-- each due time and every 30 s on every node; only snoozed conversations
-- have snoozed_until, so a partial index keeps that look small however
-- many conversations the desk holds.
CREATE INDEX conversations_snoozed_until ON conversations (snoozed_until) WHERE snoozed_until IS NOT NULL;
