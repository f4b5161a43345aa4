package bot_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/app/apptest"
	"github.com/huiying/huiying/internal/bot"
	"github.com/huiying/huiying/internal/config"
	"github.com/huiying/huiying/internal/ratelimit"
	"github.com/huiying/huiying/internal/store/storetest"
)

// The attack: 500 messages in quick succession to one conversation made the
// bot write 500 answers. With the limit, it answers the first few, records
// the rest as rate-limited, leaves the conversation in the open queue, and
// still hands off when asked.
func TestBotAnswersAtMostItsRatePerConversation(t *testing.T) {
	const burst, n = 5, 500
	for _, e := range storetest.Engines {
		t.Run(e, func(t *testing.T) {
			// 5 an hour rather than the default 5 a minute: the same bucket,
			// and no token comes back however slow the machine is.
			s := apptest.StartWith(t, e, func(c *config.Config) {
				c.Rates.BotAnswersPerConversation = ratelimit.Rate{Events: burst, Per: time.Hour, Burst: burst}
			})
			s.EnableBot(t)
			convID, tok := s.StartConversation(t)
			other, otherTok := s.StartConversation(t)

			var wg sync.WaitGroup
			for w := range 8 {
				wg.Go(func() {
					for i := w; i < n; i += 8 {
						s.Send(t, convID, tok, fmt.Sprint("m", i), "How can I revoke a token approval I gave to a DApp?")
					}
				})
			}
			wg.Wait()
			decided := func() int {
				return s.Count(t, "SELECT COUNT(*) FROM bot_decisions WHERE conversation_id = ?", convID)
			}
			waitFor(t, fmt.Sprintf("bot decisions on all %d messages", n), func() bool { return decided() >= n })

			answers := s.Count(t, "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND author_type = 'bot'", convID)
			if answers > burst || answers == 0 {
				t.Fatalf("the bot wrote %d answers to %d messages; want 1 to %d", answers, n, burst)
			}
			limited := s.Count(t, "SELECT COUNT(*) FROM bot_decisions WHERE conversation_id = ? AND outcome = ?", convID, bot.OutcomeRateLimited)
			if limited != n-answers {
				t.Fatalf("%d decisions recorded as %s; want %d", limited, bot.OutcomeRateLimited, n-answers)
			}
			// Unanswered, the conversation waits for a person (open), not on
			// the visitor (pending).
			if c := getConv(t, s, convID); c.Status != "open" {
				t.Fatalf("conversation status after the limited messages = %q, want open", c.Status)
			}
			// A hand-off is never limited.
			ack := s.Send(t, convID, tok, "handoff", "转人工")
			if d := waitDecision(t, s, convID, ack.Seq); d.Outcome != bot.OutcomeHandoff || d.Reason != bot.ReasonRequest {
				t.Fatalf("decision on a request for a person past the limit = %+v", d)
			}
			// Another conversation has its own answers.
			s.Send(t, other, otherTok, "q1", "How can I revoke a token approval I gave to a DApp?")
			if m := waitBot(t, s, other, 1); m.Meta == nil || m.Meta.Kind != "answer" {
				t.Fatalf("another conversation's first bot message = %+v", m)
			}
		})
	}
}
