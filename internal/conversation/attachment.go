package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/huiying/huiying/internal/apperr"
)

// AddAttachment records an attachment's metadata for a conversation.
func (s *Store) AddAttachment(ctx context.Context, conversationID string, a AttachmentRef, sha string) error {
	if _, err := s.db.Exec(ctx, `INSERT INTO attachments (id, conversation_id, filename, content_type, size, sha256, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, a.ID, conversationID, a.Filename, a.ContentType, a.Size, sha, ms(s.now())); err != nil {
		return fmt.Errorf("record attachment: %w", err)
	}
	return nil
}

// Attachment returns an attachment's metadata if it belongs to the conversation.
func (s *Store) Attachment(ctx context.Context, conversationID, id string) (AttachmentRef, error) {
	var a AttachmentRef
	err := s.db.QueryRow(ctx, "SELECT id, filename, content_type, size FROM attachments WHERE id = ? AND conversation_id = ?",
		id, conversationID).Scan(&a.ID, &a.Filename, &a.ContentType, &a.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.New(apperr.NotFound, "attachment %q not found in this conversation", id)
	}
	if err != nil {
		return a, fmt.Errorf("read attachment %s: %w", id, err)
	}
	return a, nil
}

// DeleteAttachment removes an attachment's metadata (after its message was
// refused, so nothing refers to it).
func (s *Store) DeleteAttachment(ctx context.Context, conversationID, id string) error {
	if _, err := s.db.Exec(ctx, "DELETE FROM attachments WHERE id = ? AND conversation_id = ?", id, conversationID); err != nil {
		return fmt.Errorf("delete attachment %s: %w", id, err)
	}
	return nil
}
