-- What the widget or the wallet app tells about the visitor's setting
-- (page, referrer, browser or app version, device, language, time zone),
-- one row per conversation: a conversation's page is where it started, and
-- agents read it beside that conversation. A JSON object of bounded
-- strings, replaced field by field as the visitor moves on.
CREATE TABLE conversation_visitors (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    context         TEXT NOT NULL,
    updated_at      BIGINT NOT NULL
);

-- An agent's avatar, uploaded in the console's profile page: a small
-- image, base64 in a text column so both engines store it alike, served
-- from this server only (the console's pages load no third-party image).
CREATE TABLE agent_avatars (
    agent_id     TEXT PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    data         TEXT NOT NULL,
    updated_at   BIGINT NOT NULL
);
