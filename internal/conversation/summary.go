package conversation

import (
	"context"
	"fmt"
	"time"

	"github.com/huiying/huiying/internal/store"
)

// PreviewRunes is the length of a list item's last-message preview, in
// characters.
const PreviewRunes = 140

// Summary is a conversation as the inbox list shows it: the conversation
// with its contact's name and email and a preview of its newest message.
// Only the list uses it; events carry the plain Conversation.
type Summary struct {
	Conversation
	ContactName  string       `json:"contact_name"`
	ContactEmail string       `json:"contact_email"`
	LastMessage  *LastMessage `json:"last_message,omitempty"` // nil before the first message
}

// LastMessage previews a conversation's newest message (notes included:
// the list is for agents). System lines (the warnings the product adds)
// are passed over while the conversation has anything else: the preview
// is what a person or the bot last said.
type LastMessage struct {
	Seq       int64     `json:"seq"`
	Body      string    `json:"body"` // the first PreviewRunes characters
	Direction Direction `json:"direction"`
	CreatedAt time.Time `json:"created_at"`
}

// Summarize adds contact names and last-message previews to a page of
// conversations, with two queries for the whole page.
func (s *Store) Summarize(ctx context.Context, convs []Conversation) ([]Summary, error) {
	out := make([]Summary, len(convs))
	if len(convs) == 0 {
		return out, nil
	}
	convIDs := make([]any, len(convs))
	contactIDs := make([]any, 0, len(convs))
	seen := map[string]bool{}
	for i, c := range convs {
		out[i].Conversation = c
		convIDs[i] = c.ID
		if !seen[c.ContactID] {
			seen[c.ContactID] = true
			contactIDs = append(contactIDs, c.ContactID)
		}
	}
	type who struct{ name, email string }
	contacts := map[string]who{}
	rows, err := s.db.Query(ctx, "SELECT id, name, email FROM contacts WHERE id IN ("+store.Placeholders(len(contactIDs))+")", contactIDs...)
	if err != nil {
		return nil, fmt.Errorf("read contacts of the list: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var w who
		if err := rows.Scan(&id, &w.name, &w.email); err != nil {
			return nil, fmt.Errorf("read contacts of the list: %w", err)
		}
		contacts[id] = w
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read contacts of the list: %w", err)
	}
	rows.Close()
	last, err := s.lastMessages(ctx, convIDs)
	if err != nil {
		return nil, err
	}
	for i := range out {
		w := contacts[out[i].ContactID]
		out[i].ContactName, out[i].ContactEmail = w.name, w.email
		out[i].LastMessage = last[out[i].ID]
	}
	return out, nil
}

// lastMessages returns the newest message of each conversation that has
// one, system lines last. The MAX(seq) subqueries and the row itself are
// lookups in the (conversation_id, seq) unique index, read from the newest.
func (s *Store) lastMessages(ctx context.Context, convIDs []any) (map[string]*LastMessage, error) {
	rows, err := s.db.Query(ctx, fmt.Sprintf(`SELECT m.conversation_id, m.seq, SUBSTR(m.body, 1, %d), m.direction, m.created_at
		FROM messages m WHERE m.conversation_id IN (%s)
		AND m.seq = COALESCE(
			(SELECT MAX(l.seq) FROM messages l WHERE l.conversation_id = m.conversation_id AND l.direction <> 'system'),
			(SELECT MAX(l.seq) FROM messages l WHERE l.conversation_id = m.conversation_id))`,
		PreviewRunes, store.Placeholders(len(convIDs))), convIDs...)
	if err != nil {
		return nil, fmt.Errorf("read last messages: %w", err)
	}
	defer rows.Close()
	out := map[string]*LastMessage{}
	for rows.Next() {
		var id string
		var lm LastMessage
		var created int64
		if err := rows.Scan(&id, &lm.Seq, &lm.Body, &lm.Direction, &created); err != nil {
			return nil, fmt.Errorf("read last messages: %w", err)
		}
		lm.CreatedAt = fromMS(created)
		out[id] = &lm
	}
	return out, rows.Err()
}
