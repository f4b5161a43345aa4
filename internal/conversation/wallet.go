package conversation

import (
	"context"

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
	return s.setAttributes(ctx, tx, conversationID, attrs, false)
}
