package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/store"
)

// HasAgentReply reports whether an agent has written in the conversation.
func (s *Store) HasAgentReply(ctx context.Context, conversationID string) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE conversation_id = ? AND author_type = ? LIMIT 1) x",
		conversationID, AuthorAgent).Scan(&n)
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
		AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.author_type = ?)`,
		inboxID, string(StatusOpen), exceptID, `%"`+attrKey+`":%`, AuthorAgent).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count conversations waiting in inbox %s: %w", inboxID, err)
	}
	return n, nil
}

// FirstAgentReplyTx is when an agent first wrote in the conversation after
// message seq; false when no agent has yet.
func (s *Store) FirstAgentReplyTx(ctx context.Context, tx *store.Tx, conversationID string, seq int64) (time.Time, bool, error) {
	var at sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT MIN(created_at) FROM messages
		WHERE conversation_id = ? AND seq > ? AND author_type = ? AND direction = ?`,
		conversationID, seq, AuthorAgent, string(Outbound)).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !at.Valid) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("first agent reply in %s after %d: %w", conversationID, seq, err)
	}
	return time.UnixMilli(at.Int64).UTC(), true, nil
}
