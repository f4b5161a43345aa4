package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// scrubRedacted follows message.redacted events: a secret found in messages
// only after a later one completed it was removed from them, and the
// decision log's copies of those questions (bot_decisions.question, also
// what the unanswered groups are made of) must lose it too.
func (s *Service) scrubRedacted(ctx context.Context, events []bus.Event) error {
	var scrubbed bool
	for _, ev := range events {
		if ev.Type != bus.MessageRedacted {
			continue
		}
		var re conversation.RedactedEvent
		if err := json.Unmarshal(ev.Payload, &re); err != nil {
			s.log.Error("bot: bad message.redacted event", "event", ev.ID, "err", err)
			continue
		}
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			for _, m := range re.Messages {
				if _, err := tx.Exec(ctx, "UPDATE bot_decisions SET question = ? WHERE conversation_id = ? AND message_seq = ?",
					strings.TrimSpace(m.Body), ev.ConversationID, m.Seq); err != nil {
					return fmt.Errorf("scrub bot decision %d of %s: %w", m.Seq, ev.ConversationID, err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("bot: %w", err)
		}
		scrubbed = true
	}
	if scrubbed {
		// As intake does after removing a secret: the old text must not
		// stay in the SQLite write-ahead log.
		if err := s.db.TruncateWAL(ctx); err != nil {
			s.log.Warn("bot: write-ahead log not emptied after scrubbing questions", "err", err)
		}
	}
	return nil
}
