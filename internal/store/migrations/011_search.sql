-- Conversation search (GET /api/v1/conversations?q=…) finds words in what
-- visitors, agents and notes said, in any language. Bot answers and system
-- lines are left out: they repeat knowledge-base articles and warnings in
-- every conversation, so they would match everything and make each
-- message written cost more to index.
--
-- Chinese has no spaces, so both engines index character trigrams: a
-- query of three or more characters ("没到账", an address, a tx hash) is a
-- lookup in the index, whatever the language. Shorter terms are read from
-- the messages themselves.
--
-- Conversation attributes (a wallet address, a tx hash) are matched by
-- reading them: an index on them would be rewritten with every message,
-- which moves the conversation's activity time.
--
-- A message's index entry follows its body: a secret removed from a stored
-- message (RedactEarlier) can no longer be found.

-- {{sqlite}}
-- detail='none' keeps no word positions: search asks LIKE '%…%' of the index,
-- which needs none, and a message costs about half as much to index.
CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='id', tokenize='trigram', detail='none');

-- New messages are indexed after their commit, in batches, by
-- conversation.Store.IndexForSearch: indexing in intake's transaction
-- halved intake's throughput. Messages up to indexed_upto are in the
-- index; search reads the newer ones (a few hundred at most) directly, so
-- a message is found as soon as it is stored. Only one writer runs at a
-- time, so message ids are committed in order and the cursor is exact.
CREATE TABLE messages_fts_cursor (indexed_upto BIGINT NOT NULL);

INSERT INTO messages_fts_cursor (indexed_upto) VALUES (0);

-- An indexed message's entry follows its body in the same transaction:
-- removing a secret from a stored message removes it from the index.
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.direction NOT IN ('bot', 'system') AND old.id <= (SELECT indexed_upto FROM messages_fts_cursor) BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body); END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages
WHEN old.direction NOT IN ('bot', 'system') AND old.id <= (SELECT indexed_upto FROM messages_fts_cursor) BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body); INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body); END;
-- {{end}}

-- {{postgres}}
-- pg_trgm is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX messages_body_fts ON messages USING gin (to_tsvector('simple', body))
    WHERE direction NOT IN ('bot', 'system');

CREATE INDEX messages_body_trgm ON messages USING gin (body gin_trgm_ops)
    WHERE direction NOT IN ('bot', 'system');

CREATE INDEX contacts_name_trgm ON contacts USING gin (name gin_trgm_ops);

CREATE INDEX contacts_email_trgm ON contacts USING gin (email gin_trgm_ops);
-- {{end}}
