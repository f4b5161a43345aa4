package conversation

import (
	"context"

	"github.com/huiying/huiying/internal/store"
)

// KeepUnassignedOnReply turns off assign-on-reply (see SendReply); the app
// sets it once at start from --assign-on-reply, before the store is used.
func (s *Store) KeepUnassignedOnReply(keep bool) { s.keepUnassigned = keep }

// SendReply is SendOne for what an agent writes in a conversation. A reply
// to the contact (not a note) in a conversation nobody is assigned to also
// assigns it to the agent, in the same transaction, so that the
// conversation leaves the unassigned queue once someone answers it and no
// second agent answers it too. A retried reply (a duplicate client message
// id) changes nothing.
func (s *Store) SendReply(ctx context.Context, m NewMessage) (Appended, error) {
	if err := vetSend(&m); err != nil {
		return Appended{}, err
	}
	var out Appended
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = s.Send(ctx, tx, m); err != nil || out.Duplicate || s.keepUnassigned ||
			m.Direction != Outbound || m.AuthorType != AuthorAgent || m.AuthorID == "" {
			return err
		}
		// Append updated the conversation's row, which holds it locked
		// until commit: no other reply assigns it in between.
		c, err := getConversation(ctx, tx, m.ConversationID)
		if err != nil || c.AssigneeID != "" {
			return err
		}
		me := m.AuthorID
		_, err = s.UpdateTx(ctx, tx, c.ID, Change{AssigneeID: &me})
		return err
	})
	return out, err
}
