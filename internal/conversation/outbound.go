package conversation

import (
	"context"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/safety"
	"github.com/huiying/huiying/internal/store"
)

// SecretRequest is the error for agent text that asks the contact for a
// wallet secret (mnemonic, private key, keystore). It unwraps to an
// apperr with code asks_for_secret and the bilingual message, so the HTTP
// edge answers 400; Term names the secret asked for, for the audit log.
type SecretRequest struct {
	Term string
	err  error
}

func (e *SecretRequest) Error() string { return e.err.Error() }

// Unwrap returns the apperr the edge maps.
func (e *SecretRequest) Unwrap() error { return e.err }

// VetOutbound applies the rules every message we send must pass before it
// is stored. Text an agent sends to a contact must not ask for a wallet
// secret: scammers pose as support to get exactly that. Internal notes are
// exempt (agents may quote a scam attempt), and so are the bot's and the
// system's own messages, which are checked where they are written (the bot
// falls back to the article when a phrased answer fails the rule).
// Send calls it; a sender may call it first to refuse before costly work
// (storing an upload's file).
func VetOutbound(m NewMessage) error {
	if m.AuthorType != AuthorAgent || m.Direction != Outbound {
		return nil
	}
	if asks, term := safety.AsksForSecret(m.Body); asks {
		return &SecretRequest{Term: term, err: apperr.New(apperr.AsksForSecret, "%s", safety.Message(term))}
	}
	return nil
}

// Send is the one outbound path: every message that does not come from a
// contact (agent replies and notes, the text of an agent's upload, the
// bot's messages, system warnings) is written through it, inside tx. It
// validates what a person wrote (an agent's body and client message id),
// applies VetOutbound, and writes the message and its message.created
// event. Contact messages go through intake instead.
func (s *Store) Send(ctx context.Context, tx *store.Tx, m NewMessage) (Appended, error) {
	if err := vetSend(&m); err != nil {
		return Appended{}, err
	}
	return s.Append(ctx, tx, m)
}

func vetSend(m *NewMessage) error {
	if m.Direction == Inbound || m.AuthorType == AuthorContact {
		return apperr.New(apperr.Invalid, "a contact's message is received through intake, not sent")
	}
	// The rule first: text asking for a secret is refused as such (and
	// audited) whatever else is wrong with the request.
	if err := VetOutbound(*m); err != nil {
		return err
	}
	if m.AuthorType == AuthorAgent {
		return m.Validate()
	}
	return nil
}

// SendOne is Send in its own transaction.
func (s *Store) SendOne(ctx context.Context, m NewMessage) (Appended, error) {
	// Checked before the transaction too: a refusal takes no write lock.
	if err := vetSend(&m); err != nil {
		return Appended{}, err
	}
	var out Appended
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = s.Send(ctx, tx, m)
		return err
	})
	return out, err
}
