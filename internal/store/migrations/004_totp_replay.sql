-- The last TOTP time step used to sign in, so an intercepted code cannot be
-- used a second time within its validity window.
ALTER TABLE agents ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
