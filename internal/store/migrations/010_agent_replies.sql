-- Whether a person has answered a conversation is asked for every visitor
-- message the bot decides on, for every conversation counted in a queue
-- position, and for the expected wait: a partial index over the agents'
-- messages alone answers it without reading the conversation's other
-- messages, however long the conversation has grown.
CREATE INDEX messages_agent ON messages (conversation_id, seq) WHERE author_type = 'agent';
