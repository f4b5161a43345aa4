package conversation

import (
	"context"
	"fmt"
	"time"

	"github.com/huiying/huiying/internal/store"
)

// AttachmentMeta is an attachment's stored metadata, for exports.
type AttachmentMeta struct {
	ID          string    `json:"id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}

// ExportedConversation is one conversation with everything in it.
type ExportedConversation struct {
	Conversation
	Messages    []Message        `json:"messages"`
	Attachments []AttachmentMeta `json:"attachments"`
}

// ContactExport is everything stored about one contact (a data subject
// access request): the contact, their conversations, every message
// (internal notes included) and the attachments' metadata.
type ContactExport struct {
	ExportedAt    time.Time              `json:"exported_at"`
	Contact       Contact                `json:"contact"`
	Conversations []ExportedConversation `json:"conversations"`
}

// ExportContact gathers everything stored about the contact.
func (s *Store) ExportContact(ctx context.Context, contactID string) (ContactExport, error) {
	c, err := s.Contact(ctx, contactID)
	if err != nil {
		return ContactExport{}, err
	}
	out := ContactExport{ExportedAt: s.now().UTC(), Contact: c, Conversations: []ExportedConversation{}}
	ids, err := queryIDs(ctx, s.db, "SELECT id FROM conversations WHERE contact_id = ? ORDER BY created_at, id", contactID)
	if err != nil {
		return out, err
	}
	for _, id := range ids {
		conv, err := s.Conversation(ctx, id)
		if err != nil {
			return out, err
		}
		ec := ExportedConversation{Conversation: conv, Messages: []Message{}, Attachments: []AttachmentMeta{}}
		for after := int64(0); ; {
			page, err := s.Messages(ctx, id, after, 1000, true)
			if err != nil {
				return out, err
			}
			ec.Messages = append(ec.Messages, page...)
			if len(page) < 1000 {
				break
			}
			after = page[len(page)-1].Seq
		}
		rows, err := s.db.Query(ctx, `SELECT id, filename, content_type, size, sha256, created_at FROM attachments
			WHERE conversation_id = ? ORDER BY created_at, id`, id)
		if err != nil {
			return out, fmt.Errorf("read attachments of %s: %w", id, err)
		}
		for rows.Next() {
			var a AttachmentMeta
			var created int64
			if err := rows.Scan(&a.ID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &created); err != nil {
				rows.Close()
				return out, fmt.Errorf("read attachments of %s: %w", id, err)
			}
			a.CreatedAt = fromMS(created)
			ec.Attachments = append(ec.Attachments, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, fmt.Errorf("read attachments of %s: %w", id, err)
		}
		out.Conversations = append(out.Conversations, ec)
	}
	return out, nil
}

// DeleteContact deletes the contact, their conversations with every
// message, tag and attachment row, and the outbox events of those
// conversations (so no copy of their words stays in the events table), in
// one transaction. It returns the attachment ids, whose files the caller
// deletes from storage.
func (s *Store) DeleteContact(ctx context.Context, contactID string) ([]string, error) {
	if _, err := s.Contact(ctx, contactID); err != nil {
		return nil, err
	}
	var atts []string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		ids, err := queryIDs(ctx, tx, "SELECT id FROM conversations WHERE contact_id = ?", contactID)
		if err != nil {
			return err
		}
		if atts, err = deleteConversations(ctx, tx, ids); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM contacts WHERE id = ?", contactID); err != nil {
			return fmt.Errorf("delete contact %s: %w", contactID, err)
		}
		return nil
	})
	return atts, err
}

// PurgeClosed deletes closed conversations whose last activity is before
// cutoff, with their messages, tags, attachment rows and events, at most
// limit at a time. It returns how many it deleted and their attachment ids.
func (s *Store) PurgeClosed(ctx context.Context, cutoff time.Time, limit int) (int, []string, error) {
	var n int
	var atts []string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		ids, err := queryIDs(ctx, tx, fmt.Sprintf(`SELECT id FROM conversations WHERE status = ? AND last_activity_at < ?
			ORDER BY last_activity_at LIMIT %d`, limit), string(StatusClosed), ms(cutoff))
		if err != nil {
			return err
		}
		n = len(ids)
		atts, err = deleteConversations(ctx, tx, ids)
		return err
	})
	return n, atts, err
}

// queryIDs runs a query that selects one id column, on the database or in
// a transaction.
func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list conversations: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// deleteConversations removes the conversations and everything that
// mentions them; it returns their attachment ids.
func deleteConversations(ctx context.Context, tx *store.Tx, ids []string) ([]string, error) {
	var atts []string
	for start := 0; start < len(ids); start += 200 {
		chunk := ids[start:min(start+200, len(ids))]
		in := "(" + store.Placeholders(len(chunk)) + ")"
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		a, err := queryIDs(ctx, tx, "SELECT id FROM attachments WHERE conversation_id IN "+in, args...)
		if err != nil {
			return nil, err
		}
		atts = append(atts, a...)
		for _, table := range []string{"events", "attachments", "messages", "conversation_tags", "bot_decisions"} {
			if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE conversation_id IN "+in, args...); err != nil {
				return nil, fmt.Errorf("delete %s: %w", table, err)
			}
		}
		if _, err := tx.Exec(ctx, "DELETE FROM conversations WHERE id IN "+in, args...); err != nil {
			return nil, fmt.Errorf("delete conversations: %w", err)
		}
	}
	return atts, nil
}
