// Package bus carries domain events from the transactional outbox to the
// pipeline's subscribers. Events are written in the same transaction as the
// change they describe (Append), and a dispatcher reads them back in id order
// and hands them to subscribers at least once.
package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/huiying/huiying/internal/store"
)

// Event types.
const (
	MessageCreated      = "message.created"
	ConversationCreated = "conversation.created"
	ConversationUpdated = "conversation.updated"
	// MessageRedacted: messages already stored had a secret removed after
	// a later message completed it (payload: conversation id and the
	// messages' seqs with their new bodies).
	MessageRedacted = "message.redacted"
)

// Event is one outbox row.
type Event struct {
	ID             int64           `json:"id"`
	Type           string          `json:"type"`
	ConversationID string          `json:"conversation_id,omitempty"`
	InboxID        string          `json:"inbox_id,omitempty"`
	Seq            int64           `json:"seq,omitempty"`
	Payload        json.RawMessage `json:"payload"`
	CreatedAt      time.Time       `json:"created_at"`
}

const insertQuery = "INSERT INTO events (type, conversation_id, inbox_id, seq, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)"

// Queries are Append's statements on the dialect, for preparing at start.
func Queries(d store.Dialect) []string {
	if d == store.Postgres {
		return []string{store.WriteLockQuery, insertQuery}
	}
	return []string{insertQuery}
}

// Append writes ev to the outbox inside tx, stamped at (the writer's
// injected clock, so tests and replays control it). Write transactions run
// one at a time on both engines (see store.DB.Begin), so outbox ids commit
// in order and the dispatcher, which reads "id > cursor", never steps over
// a row that commits later.
func Append(ctx context.Context, tx *store.Tx, typ, conversationID, inboxID string, seq int64, at time.Time, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", typ, err)
	}
	if _, err := tx.Exec(ctx, insertQuery, typ, conversationID, inboxID, seq, string(b), at.UnixMilli()); err != nil {
		return fmt.Errorf("write %s event: %w", typ, err)
	}
	return nil
}
