-- The FAQ bot in conversations: structured data on messages (the bot's
-- article cards and buttons), a per-inbox switch, and the decision log.
-- Times are Unix milliseconds (BIGINT) on both engines.

-- meta is a JSON object; '{}' for ordinary messages. Bot messages carry
-- {"kind":"answer"|"suggestions"|"handoff"|…, …} for the widget to render.
ALTER TABLE messages ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';

-- NULL: the channel's default (on for web chat, off elsewhere).
ALTER TABLE inboxes ADD COLUMN bot_enabled INTEGER;

-- One row per inbound message the bot looked at: what was asked, what the
-- matcher proposed, how sure it was and what the bot did. The unique key
-- makes handling a redelivered event a no-op.
CREATE TABLE bot_decisions (
    id              {{AUTO_ID}},
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    inbox_id        TEXT NOT NULL,
    message_seq     BIGINT NOT NULL,
    question        TEXT NOT NULL,
    locale          TEXT NOT NULL,
    candidates      TEXT NOT NULL,
    confidence      DOUBLE PRECISION NOT NULL,
    outcome         TEXT NOT NULL,
    article_id      TEXT NOT NULL DEFAULT '',
    reply_seq       BIGINT NOT NULL DEFAULT 0,
    feedback        TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    UNIQUE (conversation_id, message_seq)
);
CREATE INDEX bot_decisions_created ON bot_decisions (created_at);
