package bot

import (
	"context"
	"time"
)

// Outcomes of a bot decision.
const (
	OutcomeAnswered  = "answered"  // one article sent, with solved / not solved buttons
	OutcomeSuggested = "suggested" // up to three articles offered
	OutcomeNoAnswer  = "no_answer" // nothing close enough; asked to rephrase
	OutcomeHandoff   = "handoff"   // handed to a person (see Reason)
	OutcomeQuiet     = "quiet"     // a person has the conversation
	OutcomeChosen    = "chosen"    // the visitor picked a suggestion
	OutcomeGreeted   = "greeted"   // a bare greeting, answered with one
	// OutcomeNotSolved: an answer was marked not solved and nothing else
	// was close; the reply offers "ask another way" and "talk to a person".
	OutcomeNotSolved = "not_solved"
)

// Feedback values.
const (
	FeedbackSolved    = "solved"
	FeedbackNotSolved = "not_solved"
)

// Candidate is one article the matcher proposed.
type Candidate struct {
	ArticleID  string  `json:"article_id"`
	Confidence float64 `json:"confidence"`
}

// Decision is one row of the decision log: what was asked, what the matcher
// proposed, how sure it was and what the bot did.
type Decision struct {
	ID             int64       `json:"id"`
	ConversationID string      `json:"conversation_id"`
	InboxID        string      `json:"inbox_id"`
	MessageSeq     int64       `json:"message_seq"`
	Question       string      `json:"question"`
	Locale         string      `json:"locale"`
	Candidates     []Candidate `json:"candidates"`
	Confidence     float64     `json:"confidence"`
	Outcome        string      `json:"outcome"`
	// Reason is the hand-off reason for OutcomeHandoff.
	Reason    string    `json:"reason,omitempty"`
	ArticleID string    `json:"article_id,omitempty"`
	ReplySeq  int64     `json:"reply_seq,omitempty"`
	Feedback  string    `json:"feedback,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// afterNotSolved reports the decision of a reply to "not solved" (keyed by
// the unhelpful message, so its message seq is negative): its message has
// the buttons "ask another way" and "talk to a person".
func (d Decision) afterNotSolved() bool {
	return d.MessageSeq < 0 && (d.Outcome == OutcomeSuggested || d.Outcome == OutcomeNotSolved)
}

// The outcome column holds "handoff:<reason>" for hand-offs.
func (d Decision) outcomeColumn() string {
	if d.Reason != "" {
		return d.Outcome + ":" + d.Reason
	}
	return d.Outcome
}

func splitOutcome(s string) (outcome, reason string) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// Decisions lists the decision log of one conversation, oldest first.
func (s *Service) Decisions(ctx context.Context, conversationID string) ([]Decision, error) {
	if _, err := s.convs.Conversation(ctx, conversationID); err != nil {
		return nil, err
	}
	return s.decisions.list(ctx, conversationID)
}
