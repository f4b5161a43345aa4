-- The browser console: sign-in sessions and canned replies.
-- Times are Unix milliseconds (BIGINT) on both engines.

-- A console session. The cookie holds a random secret; only its SHA-256
-- (hex) is stored, so a copy of the database cannot be used to sign in.
-- expires_at slides forward with use (see auth.Service.SessionAgent).
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    agent_id     TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_agent ON sessions (agent_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Canned replies shared by the whole team, found by their shortcut.
CREATE TABLE canned_replies (
    id         TEXT PRIMARY KEY,
    shortcut   TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_by TEXT REFERENCES agents(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
