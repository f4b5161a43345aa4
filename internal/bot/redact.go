package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
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
		bodies := make(map[int64]string, len(re.Messages))
		for _, m := range re.Messages {
			bodies[m.Seq] = strings.TrimSpace(m.Body)
		}
		err := s.decisions.scrub(ctx, ev.ConversationID, bodies)
		if err != nil {
			return fmt.Errorf("bot: %w", err)
		}
		scrubbed = true
	}
	if scrubbed {
		// As intake does after removing a secret: the old text must not
		// stay in the SQLite write-ahead log.
		if err := s.decisions.truncateWAL(ctx); err != nil {
			s.log.Warn("bot: write-ahead log not emptied after scrubbing questions", "err", err)
		}
	}
	return nil
}
