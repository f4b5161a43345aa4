package conversation

import (
	"context"
	"fmt"
	"strings"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/safety"
	"github.com/huiying/huiying/internal/store"
)

// SecretWarning is the system message a contact gets after sending a
// mnemonic or private key, in both languages: the guard runs before anything
// else knows the user's language.
const SecretWarning = "⚠️ 为保护您的资产，我们已删除您消息中的助记词或私钥，它们没有被保存。官方客服绝不会索要您的助记词、私钥或 keystore 密码；" +
	"如果您已经把它们告诉了任何人，请立即新建钱包并转移资产。\n" +
	"⚠️ To protect your funds we removed the seed phrase or private key from your message; it was not stored. " +
	"Real support will never ask for your mnemonic, private key or keystore password. If you have shared them " +
	"with anyone, create a new wallet and move your funds now."

// SecretAttribute is the conversation attribute that records what the guard
// removed, so agents see at once that the user may be at risk.
const SecretAttribute = "security.secret_removed"

// ImpersonationAttribute marks a conversation whose contact reported being
// approached by fake support; it also keeps the warning to one per
// conversation.
const ImpersonationAttribute = "security.impersonation_reported"

// WarnImpersonation, inside tx, sends the contact the fake-support warning
// and flags the conversation, once per conversation.
func (s *Store) WarnImpersonation(ctx context.Context, tx *store.Tx, conversationID string) error {
	c, err := getConversation(ctx, tx, conversationID)
	if err != nil {
		return err
	}
	if c.Attributes[ImpersonationAttribute] != "" {
		return nil
	}
	if _, err := s.Send(ctx, tx, NewMessage{ConversationID: conversationID, Direction: System,
		AuthorType: AuthorSystem, Body: safety.ImpersonationWarning}); err != nil {
		return fmt.Errorf("warn about fake support: %w", err)
	}
	return s.setAttribute(ctx, tx, conversationID, ImpersonationAttribute, "true")
}

// FlagSecret records, inside tx, that secrets of the given kinds were
// removed from a contact's message: a system warning to the contact and a
// conversation attribute (with its conversation.updated event).
func (s *Store) FlagSecret(ctx context.Context, tx *store.Tx, conversationID string, kinds []string) error {
	if _, err := s.Send(ctx, tx, NewMessage{ConversationID: conversationID, Direction: System,
		AuthorType: AuthorSystem, Body: SecretWarning}); err != nil {
		return fmt.Errorf("warn about removed secret: %w", err)
	}
	return s.setAttribute(ctx, tx, conversationID, SecretAttribute, strings.Join(kinds, ","))
}

// setAttribute sets one attribute inside tx and records the change.
func (s *Store) setAttribute(ctx context.Context, tx *store.Tx, conversationID, key, value string) error {
	return s.setAttributes(ctx, tx, conversationID, map[string]string{key: value}, true)
}

// setAttributes sets attributes inside tx and records the change with a
// conversation.updated event; unless always is set, it writes nothing when
// every attribute already has its value.
func (s *Store) setAttributes(ctx context.Context, tx *store.Tx, conversationID string, attrs map[string]string, always bool) error {
	c, err := getConversation(ctx, tx, conversationID)
	if err != nil {
		return err
	}
	changed := always
	for k, v := range attrs {
		if c.Attributes[k] != v {
			c.Attributes[k] = v
			changed = true
		}
	}
	if !changed {
		return nil
	}
	c.UpdatedAt = fromMS(ms(s.now()))
	if _, err := tx.Exec(ctx, "UPDATE conversations SET attributes = ?, updated_at = ? WHERE id = ?",
		attrsJSON(c.Attributes), ms(c.UpdatedAt), conversationID); err != nil {
		return fmt.Errorf("set attributes of conversation %s: %w", conversationID, err)
	}
	return bus.Append(ctx, tx, bus.ConversationUpdated, c.ID, c.InboxID, c.LastSeq, c.UpdatedAt, c)
}
