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

// DecisionStore is the bot's own storage: the decision log (bot_decisions),
// which the unanswered-question groups and the expected wait are read from.
// It is the only place in the package that runs SQL, and only on that table;
// what the bot reads and writes of conversations goes through Conversations.
type DecisionStore struct {
	db *store.DB
}

// NewDecisionStore returns the decision log on db.
func NewDecisionStore(db *store.DB) *DecisionStore { return &DecisionStore{db: db} }

// The statements of every decision, prepared once (Prepare).
const (
	insertDecisionQuery = `INSERT INTO bot_decisions (conversation_id, inbox_id, message_seq, question, locale,
		candidates, confidence, outcome, article_id, reply_seq, feedback, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (conversation_id, message_seq) DO NOTHING RETURNING id`
	setReplySeqQuery = "UPDATE bot_decisions SET reply_seq = ? WHERE id = ?"
)

// Prepare prepares the statements every decision runs; call it once at
// start, before writes begin.
func (ds *DecisionStore) Prepare(ctx context.Context) error {
	return ds.db.Prepare(ctx, insertDecisionQuery, setReplySeqQuery)
}

// insertTx records d inside tx. It reports false, writing nothing, when
// the message was already decided on (an event delivered twice).
func (ds *DecisionStore) insertTx(ctx context.Context, tx *store.Tx, d *Decision) (bool, error) {
	cands, err := json.Marshal(d.Candidates)
	if err != nil {
		return false, fmt.Errorf("encode candidates: %w", err)
	}
	err = tx.QueryRow(ctx, insertDecisionQuery,
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

func (ds *DecisionStore) setReplySeqTx(ctx context.Context, tx *store.Tx, id, seq int64) error {
	if _, err := tx.Exec(ctx, setReplySeqQuery, seq, id); err != nil {
		return fmt.Errorf("record bot reply: %w", err)
	}
	return nil
}

func (ds *DecisionStore) setFeedbackTx(ctx context.Context, tx *store.Tx, id int64, feedback string) error {
	if _, err := tx.Exec(ctx, "UPDATE bot_decisions SET feedback = ? WHERE id = ?", feedback, id); err != nil {
		return fmt.Errorf("record feedback: %w", err)
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

// byReplyTx finds the decision whose bot message has seq replySeq.
func (ds *DecisionStore) byReplyTx(ctx context.Context, tx *store.Tx, conversationID string, replySeq int64) (Decision, error) {
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

// list is the decision log of one conversation, oldest first.
func (ds *DecisionStore) list(ctx context.Context, conversationID string) ([]Decision, error) {
	return ds.query(ctx, "SELECT "+decisionCols+" FROM bot_decisions WHERE conversation_id = ? ORDER BY id", conversationID)
}

// unanswered lists, newest first and at most limit, the questions since
// the bot could not answer: no answer, only suggestions, an answer marked
// not solved, or a hand-off after unhelpful answers.
func (ds *DecisionStore) unanswered(ctx context.Context, since time.Time, limit int) ([]Decision, error) {
	return ds.query(ctx, "SELECT "+decisionCols+` FROM bot_decisions WHERE created_at >= ? AND message_seq > 0
		AND (outcome IN (?, ?, ?) OR feedback = ?) ORDER BY created_at DESC, id DESC LIMIT ?`,
		since.UnixMilli(), OutcomeNoAnswer, OutcomeSuggested, OutcomeHandoff+":"+ReasonUnhelpful, FeedbackNotSolved, limit)
}

func (ds *DecisionStore) query(ctx context.Context, q string, args ...any) ([]Decision, error) {
	rows, err := ds.db.Query(ctx, q, args...)
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

// scrub replaces the logged questions of messages whose text was redacted
// with their new text (seq → body).
func (ds *DecisionStore) scrub(ctx context.Context, conversationID string, bodies map[int64]string) error {
	return ds.db.InTx(ctx, func(tx *store.Tx) error {
		for seq, body := range bodies {
			if _, err := tx.Exec(ctx, "UPDATE bot_decisions SET question = ? WHERE conversation_id = ? AND message_seq = ?",
				body, conversationID, seq); err != nil {
				return fmt.Errorf("scrub bot decision %d of %s: %w", seq, conversationID, err)
			}
		}
		return nil
	})
}

// truncateWAL empties the SQLite write-ahead log after a scrub, so the old
// text does not stay there (nothing on PostgreSQL).
func (ds *DecisionStore) truncateWAL(ctx context.Context) error { return ds.db.TruncateWAL(ctx) }
