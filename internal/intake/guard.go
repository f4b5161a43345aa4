package intake

import (
	"context"

	"github.com/huiying/huiying/internal/guard"
	"github.com/huiying/huiying/internal/safety"
)

// SecretGuard is the guard stage: it replaces mnemonics and private keys
// with markers before the message goes anywhere, and records what kinds it
// removed so the sender is warned and the conversation flagged.
type SecretGuard struct{ g *guard.Guard }

// NewSecretGuard loads the BIP39 wordlists once.
func NewSecretGuard() (*SecretGuard, error) {
	g, err := guard.New()
	if err != nil {
		return nil, err
	}
	return &SecretGuard{g: g}, nil
}

// Inspect redacts in.Body in place, and notes when the sender says someone
// posing as support contacted them elsewhere.
func (s *SecretGuard) Inspect(_ context.Context, in *Inbound) error {
	redacted, kinds := s.g.Redact(in.Body)
	if len(kinds) > 0 {
		in.Body = redacted
		in.Secrets = kinds
	}
	in.Impersonation = safety.MentionsImpersonation(in.Body)
	return nil
}
