package bot

import (
	"context"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/ratelimit"
	"github.com/huiying/huiying/internal/store"
)

// OutcomeRateLimited: the bot had already answered the conversation as
// often as Options.AnswerRate allows; it said nothing, and the conversation
// stays in the agents' open queue as it would with the bot off. Hand-offs
// are never limited (a visitor asking for a person, stolen funds).
const OutcomeRateLimited = "rate_limited"

// answerLimiter bounds the bot's answers per conversation, so a visitor
// sending 500 messages a second gets a few answers, not 500 (each one a
// match, a write and, with an LLM, a paid call). In memory, per node: the
// bot's subscriber runs on one node at a time.
func answerLimiter(opts Options) *ratelimit.Limiter {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return ratelimit.New(opts.AnswerRate, now, 0)
}

// mayAnswer takes one of the conversation's answers, reporting false when
// none is left.
func (s *Service) mayAnswer(conversationID string) bool {
	ok, _ := s.answers.Allow(conversationID)
	return ok
}

// unanswered puts a conversation the bot would not answer back in the
// agents' open queue: an earlier answer of the bot, decided after this
// message arrived, may have set it pending.
func (s *Service) unanswered(ctx context.Context, tx *store.Tx, c conversation.Conversation) error {
	if c.Status != conversation.StatusPending {
		return nil
	}
	open := conversation.StatusOpen
	_, err := s.convs.UpdateTx(ctx, tx, c.ID, conversation.Change{Status: &open})
	return err
}
