package conversation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/walletctx"
)

// RecordWalletContext merges, inside tx, the addresses and transaction
// hashes found in a contact's message into the conversation's attributes
// (wallet.<chain>.<kind>; the most recent mention wins). Intake calls it in
// the transaction that stores the message, so the context is there when the
// message is acknowledged and is never written without the message.
// Nothing is written, and no event recorded, when nothing changes.
func (s *Store) RecordWalletContext(ctx context.Context, tx *store.Tx, conversationID string, found []walletctx.Entity) error {
	attrs := walletctx.Attributes(found)
	if len(attrs) == 0 {
		return nil
	}
	// Most mentions repeat what is recorded: one light read on the writer
	// settles that, before the full conversation is read for the event.
	var raw string
	if err := tx.QueryRow(ctx, attributesQuery, conversationID).Scan(&raw); err != nil {
		return fmt.Errorf("read attributes of conversation %s: %w", conversationID, err)
	}
	cur := map[string]string{}
	if err := json.Unmarshal([]byte(raw), &cur); err != nil {
		return fmt.Errorf("read attributes of conversation %s: %w", conversationID, err)
	}
	if changes(cur, attrs) {
		return s.setAttributes(ctx, tx, conversationID, attrs, false)
	}
	return nil
}

const attributesQuery = "SELECT attributes FROM conversations WHERE id = ?"

// changes reports whether setting attrs would change any value in cur.
func changes(cur, attrs map[string]string) bool {
	for k, v := range attrs {
		if cur[k] != v {
			return true
		}
	}
	return false
}
