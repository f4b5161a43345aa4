package conversation

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/store"
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

// CountWaitingTx counts the conversations of an inbox that wait for a
// person: open, unassigned, carrying the attribute attrKey (the mark a
// hand-off leaves), and with no agent message yet. exceptID is left out
// (the conversation being queued). attrKey must not hold % or _.
func (s *Store) CountWaitingTx(ctx context.Context, tx *store.Tx, inboxID, exceptID, attrKey string) (int, error) {
	if strings.ContainsAny(attrKey, `%_"\`) {
		return 0, fmt.Errorf("count waiting conversations: attribute key %q holds a pattern character", attrKey)
	}
	var n int
	// attributes is a JSON object: a key is present when `"key":` occurs.
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM conversations c WHERE c.inbox_id = ? AND c.status = ?
		AND c.assignee_id IS NULL AND c.id <> ? AND c.attributes LIKE ?
		AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.author_type = 'agent')`,
		inboxID, string(StatusOpen), exceptID, `%"`+attrKey+`":%`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count conversations waiting in inbox %s: %w", inboxID, err)
	}
	return n, nil
}

// firstAgentReplyQuery is prepared with the write path's statements: a
// hand-off runs it up to 50 times inside its write transaction.
const firstAgentReplyQuery = `SELECT MIN(created_at) FROM messages
	WHERE conversation_id = ? AND seq > ? AND author_type = 'agent' AND direction = ?`

// After names a point in a conversation: after message Seq.
type After struct {
	ConversationID string
	Seq            int64
}

// FirstAgentRepliesTx is, for each point, when an agent first wrote in
// that conversation after it (the zero time when no agent has yet). One
// fixed statement per point: it stays prepared, which measured faster than
// one UNION of them all that SQLite must parse on every call.
func (s *Store) FirstAgentRepliesTx(ctx context.Context, tx *store.Tx, points []After) ([]time.Time, error) {
	out := make([]time.Time, len(points))
	for i, p := range points {
		var at sql.NullInt64
		err := tx.QueryRow(ctx, firstAgentReplyQuery, p.ConversationID, p.Seq, string(Outbound)).Scan(&at)
		if err != nil {
			return nil, fmt.Errorf("first agent reply in %s after %d: %w", p.ConversationID, p.Seq, err)
		}
		if at.Valid {
			out[i] = time.UnixMilli(at.Int64).UTC()
		}
	}
	return out, nil
}
