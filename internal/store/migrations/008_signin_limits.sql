-- Sign-in limits that hold under concurrency: an attempt is reserved (a
-- login_failures row inserted) before the password is checked, keyed by the
-- account and the client IP together, with separate per-account and per-IP
-- ceilings. Times are Unix milliseconds.

-- The per-(email, IP) count, and the pruning of old rows.
CREATE INDEX login_failures_pair ON login_failures (email, ip, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- Refused (429) attempts are counted here, one row per limit key and
-- window, instead of one audit entry each.
CREATE TABLE signin_refusals (
    limit_key    TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    n            BIGINT NOT NULL,
    PRIMARY KEY (limit_key, window_start)
);
CREATE INDEX signin_refusals_window ON signin_refusals (window_start);

-- Addresses an agent signed in from successfully (password and second
-- factor): they stay open when the per-account ceiling is reached, so
-- failures from elsewhere cannot lock the agent out from their usual
-- address.
CREATE TABLE signin_known_ips (
    email TEXT NOT NULL,
    ip    TEXT NOT NULL,
    at    BIGINT NOT NULL,
    PRIMARY KEY (email, ip)
);
