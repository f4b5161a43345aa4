package conversation

import (
	"context"
	"fmt"
)

// hasAgentReplyQuery is prepared for reads: the bot asks it for every
// conversation it decides on.
const hasAgentReplyQuery = "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE conversation_id = ? AND author_type = 'agent' LIMIT 1) x"

// HasAgentReply reports whether an agent has written in the conversation.
func (s *Store) HasAgentReply(ctx context.Context, conversationID string) (bool, error) {
	var n int
	// author_type is written out, not bound, so that the messages_agent
	// partial index serves the query.
	err := s.db.QueryRow(ctx, hasAgentReplyQuery, conversationID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check conversation %s for agent replies: %w", conversationID, err)
	}
	return n > 0, nil
}
