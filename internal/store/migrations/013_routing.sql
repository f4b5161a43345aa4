-- Routing: agents' presence, capacity and skills; teams' assignment mode,
-- business hours and overflow; the queue of conversations waiting for a
-- person; and the log of assignments (queue waits and handling times for
-- the visitor's expected wait, and later for reports).

-- One row per agent who has routing settings; an agent without a row is
-- offline with the default capacity and no skills.
CREATE TABLE agent_routing (
    agent_id         TEXT PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
    presence         TEXT NOT NULL DEFAULT 'offline',
    presence_since   BIGINT NOT NULL DEFAULT 0,
    -- 1 when the grace period after the last console connection set away
    -- (a new connection brings the agent back online).
    presence_auto    INTEGER NOT NULL DEFAULT 0,
    -- when the agent's last console connection closed; NULL while one is
    -- open or when none ever was.
    socket_gone_at   BIGINT,
    capacity         INTEGER NOT NULL DEFAULT 5,
    skills           TEXT NOT NULL DEFAULT '[]',
    last_assigned_at BIGINT NOT NULL DEFAULT 0
);

-- One row per team with routing settings; a team without a row assigns
-- least loaded first, around the clock, with no overflow.
CREATE TABLE team_routing (
    team_id                TEXT PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
    mode                   TEXT NOT NULL DEFAULT 'least_loaded',
    timezone               TEXT NOT NULL DEFAULT 'UTC',
    -- the week as JSON ({"mon":["09:00-18:00"],…}); '' is always open
    hours                  TEXT NOT NULL DEFAULT '',
    holidays               TEXT NOT NULL DEFAULT '[]',
    overflow_team_id       TEXT REFERENCES teams(id) ON DELETE SET NULL,
    overflow_after_minutes INTEGER NOT NULL DEFAULT 0
);

-- Conversations waiting for a person. team_id '' is the queue of inboxes
-- routed to no team, served by every agent. rank orders priorities
-- (0 urgent … 3 low); queued_at orders within a rank and survives
-- overflow; team_since is when it joined this team's queue.
CREATE TABLE routing_queue (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    team_id         TEXT NOT NULL DEFAULT '',
    rank            INTEGER NOT NULL,
    skills          TEXT NOT NULL DEFAULT '[]',
    queued_at       BIGINT NOT NULL,
    team_since      BIGINT NOT NULL
);
CREATE INDEX routing_queue_order ON routing_queue (team_id, rank, queued_at, conversation_id);

-- Each time a queued conversation was given to an agent, and when the
-- agent let it go (resolved, closed, reassigned).
CREATE TABLE routing_assignments (
    id              {{AUTO_ID}},
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    team_id         TEXT NOT NULL DEFAULT '',
    agent_id        TEXT NOT NULL,
    queued_at       BIGINT NOT NULL,
    assigned_at     BIGINT NOT NULL,
    released_at     BIGINT
);
CREATE INDEX routing_assignments_team ON routing_assignments (team_id, released_at);
CREATE INDEX routing_assignments_conversation ON routing_assignments (conversation_id, released_at);

-- An agent's load (open and pending conversations) is counted per
-- assignment decision.
CREATE INDEX conversations_assignee ON conversations (assignee_id, status);
