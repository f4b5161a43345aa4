-- Core schema: settings, agents, teams, inboxes, contacts, conversations,
-- messages, attachments, the event outbox and bus cursors, API tokens.
-- Times are Unix milliseconds (BIGINT) on both engines.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE agents (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL
);

CREATE TABLE team_members (
    team_id  TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, agent_id)
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    agent_id     TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE inboxes (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    channel     TEXT NOT NULL,
    public_key  TEXT NOT NULL UNIQUE,
    hmac_secret TEXT NOT NULL,
    team_id     TEXT REFERENCES teams(id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE contacts (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    external_id TEXT UNIQUE,
    attributes  TEXT NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL
);

CREATE TABLE conversations (
    id               TEXT PRIMARY KEY,
    inbox_id         TEXT NOT NULL REFERENCES inboxes(id),
    contact_id       TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    status           TEXT NOT NULL DEFAULT 'open',
    priority         TEXT NOT NULL DEFAULT 'normal',
    assignee_id      TEXT REFERENCES agents(id) ON DELETE SET NULL,
    team_id          TEXT REFERENCES teams(id) ON DELETE SET NULL,
    attributes       TEXT NOT NULL DEFAULT '{}',
    snoozed_until    BIGINT,
    last_seq         BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL
);
-- One index on activity serves every inbox view (filters are checked while
-- walking it newest first); each extra index on last_activity_at would be
-- rewritten on every message.
CREATE INDEX conversations_activity ON conversations (last_activity_at);
CREATE INDEX conversations_contact ON conversations (contact_id);

CREATE TABLE conversation_tags (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    tag             TEXT NOT NULL,
    PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX conversation_tags_tag ON conversation_tags (tag);

CREATE TABLE messages (
    id                {{AUTO_ID}},
    conversation_id   TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq               BIGINT NOT NULL,
    direction         TEXT NOT NULL,
    author_type       TEXT NOT NULL,
    author_id         TEXT NOT NULL DEFAULT '',
    body              TEXT NOT NULL,
    client_message_id TEXT,
    attachments       TEXT NOT NULL DEFAULT '[]',
    created_at        BIGINT NOT NULL,
    UNIQUE (conversation_id, seq),
    UNIQUE (conversation_id, client_message_id)
);

CREATE TABLE attachments (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    filename        TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX attachments_conversation ON attachments (conversation_id);

CREATE TABLE events (
    id              {{AUTO_ID}},
    type            TEXT NOT NULL,
    conversation_id TEXT NOT NULL DEFAULT '',
    inbox_id        TEXT NOT NULL DEFAULT '',
    seq             BIGINT NOT NULL DEFAULT 0,
    payload         TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE bus_cursors (
    name    TEXT PRIMARY KEY,
    last_id BIGINT NOT NULL
);
