package conversation

import (
	"context"
	"fmt"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/store"
)

// Start creates (or finds) the contact and opens a new conversation for them
// in the inbox, recording a conversation.created event in the same
// transaction.
func (s *Store) Start(ctx context.Context, inbox Inbox, n NewContact) (Conversation, Contact, error) {
	if err := n.Validate(); err != nil {
		return Conversation{}, Contact{}, err
	}
	var conv Conversation
	var contact Contact
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		contact, err = s.upsertContact(ctx, tx, n)
		if err != nil {
			return err
		}
		now := fromMS(ms(s.now()))
		conv = Conversation{
			ID: NewID("cv"), InboxID: inbox.ID, ContactID: contact.ID, Status: StatusOpen,
			Priority: PriorityNormal, TeamID: inbox.TeamID, Tags: []string{}, Attributes: map[string]string{},
			CreatedAt: now, UpdatedAt: now, LastActivityAt: now,
		}
		if _, err := tx.Exec(ctx, `INSERT INTO conversations (id, inbox_id, contact_id, status, priority, team_id,
			attributes, last_seq, created_at, updated_at, last_activity_at) VALUES (?, ?, ?, ?, ?, ?, '{}', 0, ?, ?, ?)`,
			conv.ID, conv.InboxID, conv.ContactID, conv.Status, conv.Priority, nullable(conv.TeamID),
			ms(now), ms(now), ms(now)); err != nil {
			return fmt.Errorf("create conversation: %w", err)
		}
		if !n.Visitor.Empty() {
			if _, err := setVisitorTx(ctx, tx, conv.ID, n.Visitor, now); err != nil {
				return err
			}
		}
		return bus.Append(ctx, tx, bus.ConversationCreated, conv.ID, conv.InboxID, 0, now, conv)
	})
	if err != nil {
		return Conversation{}, Contact{}, err
	}
	return conv, contact, nil
}
