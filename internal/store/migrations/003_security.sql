-- Agent security: two-factor sign-in (TOTP), sign-in failure counters for
-- rate limiting and lockout, the audit log, and scoped API tokens.
-- Times are Unix milliseconds (BIGINT) on both engines.

-- The agent's confirmed TOTP secret (base32; '' = two-factor off) and one
-- being enrolled but not yet confirmed with a code.
ALTER TABLE agents ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';

-- Single-use recovery codes; only their SHA-256 (hex) is stored.
CREATE TABLE totp_recovery_codes (
    agent_id  TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (agent_id, code_hash)
);

-- One row per failed sign-in, counted per email and per client IP over a
-- sliding window; kept in the database so every node sees the same counts.
CREATE TABLE login_failures (
    id    {{AUTO_ID}},
    email TEXT NOT NULL,
    ip    TEXT NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

-- Who changed what, and when. details is a JSON object.
CREATE TABLE audit_log (
    id          {{AUTO_ID}},
    at          BIGINT NOT NULL,
    actor_type  TEXT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_email TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id   TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    user_agent  TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);

-- What an API token may do: read (GET only), write (no Admin routes) or
-- admin (everything the agent's role allows).
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write';
