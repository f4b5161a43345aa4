package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/store"
)

// A secret can be completed across messages: "6 words" now, "6 words" a
// minute later. Intake reads the contact's recent messages in the same
// transaction as the new one and, when the guard finds a secret across
// them, rewrites the earlier rows and their events here.

// Earlier is a message of the contact read back to look for a secret
// completed across messages.
type Earlier struct {
	Seq  int64  `json:"seq"`
	Body string `json:"body"`
}

// recentRows bounds how far back RecentFromContact looks, in messages of
// the conversation of any author: the bot answers nearly every message of
// a visitor, so 24 of the contact's messages are about 48 rows.
const recentRows = 64

const recentQuery = "SELECT m.seq, m.direction, m.author_type, m.body, m.created_at FROM messages m " +
	"WHERE m.conversation_id = ? AND m.seq > (SELECT c.last_seq FROM conversations c WHERE c.id = ? AND c.contact_id = ?) - ? " +
	"ORDER BY m.seq DESC"

// RecentFromContact returns, oldest first, up to limit of the newest
// messages the contact sent in the conversation since the given time,
// inside tx. The messages of the bot, agents and the system, and notes, in
// between are skipped, not a stop: the bot answers every visitor message.
// It looks at most at the conversation's last recentRows messages, and
// returns nothing when the conversation is not the contact's.
//
// enough, when not nil, is told each message kept, newest first, and ends
// the reading when it returns true (the guard has read all it can use).
func (s *Store) RecentFromContact(ctx context.Context, tx *store.Tx, conversationID, contactID string, since time.Time, limit int,
	enough func(body string) bool) ([]Earlier, error) {
	rows, err := tx.Query(ctx, recentQuery, conversationID, conversationID, contactID, recentRows)
	if err != nil {
		return nil, fmt.Errorf("read recent messages of %s: %w", conversationID, err)
	}
	defer rows.Close()
	var out []Earlier
	for rows.Next() {
		var e Earlier
		var dir Direction
		var author string
		var created int64
		if err := rows.Scan(&e.Seq, &dir, &author, &e.Body, &created); err != nil {
			return nil, fmt.Errorf("read recent messages of %s: %w", conversationID, err)
		}
		if created < ms(since) {
			break
		}
		if dir != Inbound || author != AuthorContact {
			continue
		}
		out = append(out, e)
		if len(out) == limit || enough != nil && enough(e.Body) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read recent messages of %s: %w", conversationID, err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// RedactedEvent is the payload of a message.redacted event: the messages
// whose bodies were rewritten after they were stored, with their new
// bodies, so that live views and the bot's copies can follow.
type RedactedEvent struct {
	ConversationID string    `json:"conversation_id"`
	Messages       []Earlier `json:"messages"`
}

// RedactEarlier, inside tx, replaces the bodies of earlier messages of the
// conversation (a secret found in them only once a later message completed
// it), rewrites the message.created events that carry them, and records a
// message.redacted event. The events are looked for from the newest back,
// one per message, so the search stops within the last minutes of events.
func (s *Store) RedactEarlier(ctx context.Context, tx *store.Tx, conversationID string, msgs []Earlier) error {
	if len(msgs) == 0 {
		return nil
	}
	args := []any{bus.MessageCreated, conversationID}
	for _, m := range msgs {
		if _, err := tx.Exec(ctx, "UPDATE messages SET body = ? WHERE conversation_id = ? AND seq = ?",
			m.Body, conversationID, m.Seq); err != nil {
			return fmt.Errorf("redact message %d of %s: %w", m.Seq, conversationID, err)
		}
		args = append(args, m.Seq)
	}
	args = append(args, len(msgs))
	q := "SELECT id, seq, payload FROM events WHERE type = ? AND conversation_id = ? AND seq IN (?" +
		strings.Repeat(", ?", len(msgs)-1) + ") ORDER BY id DESC LIMIT ?"
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("find events of redacted messages of %s: %w", conversationID, err)
	}
	type ev struct {
		id, seq int64
		payload string
	}
	var evs []ev
	for rows.Next() {
		var e ev
		if err := rows.Scan(&e.id, &e.seq, &e.payload); err != nil {
			rows.Close()
			return fmt.Errorf("find events of redacted messages of %s: %w", conversationID, err)
		}
		evs = append(evs, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find events of redacted messages of %s: %w", conversationID, err)
	}
	for _, e := range evs {
		var body string
		for _, m := range msgs {
			if m.Seq == e.seq {
				body = m.Body
			}
		}
		p, err := withBody(e.payload, body)
		if err != nil {
			return fmt.Errorf("rewrite event %d: %w", e.id, err)
		}
		if _, err := tx.Exec(ctx, "UPDATE events SET payload = ? WHERE id = ?", p, e.id); err != nil {
			return fmt.Errorf("rewrite event %d: %w", e.id, err)
		}
	}
	c, err := getConversation(ctx, tx, conversationID)
	if err != nil {
		return err
	}
	return bus.Append(ctx, tx, bus.MessageRedacted, conversationID, c.InboxID, 0, s.now(),
		RedactedEvent{ConversationID: conversationID, Messages: msgs})
}

// withBody returns a message.created payload with the message's body
// replaced, every other field kept as it was written.
func withBody(payload, body string) (string, error) {
	var ev map[string]json.RawMessage
	if err := json.Unmarshal([]byte(payload), &ev); err != nil {
		return "", err
	}
	var msg map[string]json.RawMessage
	if err := json.Unmarshal(ev["message"], &msg); err != nil {
		return "", err
	}
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	msg["body"] = b
	if ev["message"], err = json.Marshal(msg); err != nil {
		return "", err
	}
	out, err := json.Marshal(ev)
	return string(out), err
}
