package bot

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
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

// insertDecision records d inside tx. It reports false, writing nothing,
// when the message was already decided on (an event delivered twice).
func insertDecision(ctx context.Context, tx *store.Tx, d *Decision) (bool, error) {
	cands, err := json.Marshal(d.Candidates)
	if err != nil {
		return false, fmt.Errorf("encode candidates: %w", err)
	}
	err = tx.QueryRow(ctx, `INSERT INTO bot_decisions (conversation_id, inbox_id, message_seq, question, locale,
		candidates, confidence, outcome, article_id, reply_seq, feedback, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (conversation_id, message_seq) DO NOTHING RETURNING id`,
		d.ConversationID, d.InboxID, d.MessageSeq, d.Question, d.Locale, string(cands), d.Confidence, d.outcomeColumn(),
		d.ArticleID, d.ReplySeq, d.Feedback, d.CreatedAt.UnixMilli()).Scan(&d.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record bot decision: %w", err)
	}
	return true, nil
}

func setReplySeq(ctx context.Context, tx *store.Tx, id, seq int64) error {
	if _, err := tx.Exec(ctx, "UPDATE bot_decisions SET reply_seq = ? WHERE id = ?", seq, id); err != nil {
		return fmt.Errorf("record bot reply: %w", err)
	}
	return nil
}

const decisionCols = `id, conversation_id, inbox_id, message_seq, question, locale, candidates, confidence, outcome,
	article_id, reply_seq, feedback, created_at`

type rowScanner interface{ Scan(dest ...any) error }

func scanDecision(row rowScanner) (Decision, error) {
	var d Decision
	var cands, outcome string
	var created int64
	if err := row.Scan(&d.ID, &d.ConversationID, &d.InboxID, &d.MessageSeq, &d.Question, &d.Locale, &cands,
		&d.Confidence, &outcome, &d.ArticleID, &d.ReplySeq, &d.Feedback, &created); err != nil {
		return d, err
	}
	d.Outcome, d.Reason = splitOutcome(outcome)
	d.CreatedAt = time.UnixMilli(created).UTC()
	d.Candidates = []Candidate{}
	if err := json.Unmarshal([]byte(cands), &d.Candidates); err != nil {
		return d, fmt.Errorf("decision %d candidates: %w", d.ID, err)
	}
	return d, nil
}

// decisionByReply finds the decision whose bot message has seq replySeq.
func decisionByReply(ctx context.Context, tx *store.Tx, conversationID string, replySeq int64) (Decision, error) {
	d, err := scanDecision(tx.QueryRow(ctx, "SELECT "+decisionCols+
		" FROM bot_decisions WHERE conversation_id = ? AND reply_seq = ?", conversationID, replySeq))
	if errors.Is(err, sql.ErrNoRows) {
		return d, apperr.New(apperr.NotFound, "message %d of conversation %q is not a bot answer", replySeq, conversationID)
	}
	if err != nil {
		return d, fmt.Errorf("find bot decision: %w", err)
	}
	return d, nil
}

// Decisions lists the decision log of one conversation, oldest first.
func (s *Service) Decisions(ctx context.Context, conversationID string) ([]Decision, error) {
	if _, err := s.convs.Conversation(ctx, conversationID); err != nil {
		return nil, err
	}
	return s.queryDecisions(ctx, "SELECT "+decisionCols+" FROM bot_decisions WHERE conversation_id = ? ORDER BY id", conversationID)
}

func (s *Service) queryDecisions(ctx context.Context, q string, args ...any) ([]Decision, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read bot decisions: %w", err)
	}
	defer rows.Close()
	out := []Decision{}
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, fmt.Errorf("read bot decisions: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
