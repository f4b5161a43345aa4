package intake

import (
	"context"
	"strings"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/guard"
	"github.com/huiying/huiying/internal/safety"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/walletctx"
)

// SecretGuard is the guard stage: it replaces mnemonics and private keys
// with markers before the message goes anywhere, and records what kinds it
// removed so the sender is warned and the conversation flagged; it also
// finds the wallet context (addresses, transaction hashes) committed with
// the message.
type SecretGuard struct{ g *guard.Guard }

// NewSecretGuard loads the BIP39 wordlists once.
func NewSecretGuard() (*SecretGuard, error) {
	g, err := guard.New()
	if err != nil {
		return nil, err
	}
	return &SecretGuard{g: g}, nil
}

// Inspect redacts in.Body in place, notes when the sender says someone
// posing as support contacted them elsewhere, and finds the wallet
// addresses and transaction hashes in what is left (after redaction, so a
// removed private key is never taken for a transaction hash).
func (s *SecretGuard) Inspect(_ context.Context, in *Inbound) error {
	redacted, kinds := s.g.Redact(in.Body)
	if len(kinds) > 0 {
		in.Body = redacted
		in.Secrets = kinds
	}
	in.Impersonation = safety.MentionsImpersonation(in.Body)
	in.Wallet = walletctx.Find(in.Body)
	return nil
}

// SplitGuard is a Guard that also finds secrets completed across a
// sender's recent messages ("6 words" now, "6 words" a minute later).
type SplitGuard interface {
	Guard
	// MayContinue is a cheap test of whether body may complete a secret
	// begun earlier; only then are the earlier messages read.
	MayContinue(body string) bool
	// ScanParts finds secrets across bodies (oldest first, the new one
	// last) that touch two of them or more.
	ScanParts(bodies []string) []guard.PartFinding
	// EdgeRuns bounds the words a mnemonic crossing the start (head) or
	// the end (tail) of body can take from it (see guard.EdgeRuns).
	EdgeRuns(body string) (head, tail int, whole bool)
}

// MayContinue: see SplitGuard.
func (s *SecretGuard) MayContinue(body string) bool { return s.g.MayContinue(body) }

// ScanParts: see SplitGuard.
func (s *SecretGuard) ScanParts(bodies []string) []guard.PartFinding { return s.g.ScanParts(bodies) }

// EdgeRuns: see SplitGuard.
func (s *SecretGuard) EdgeRuns(body string) (head, tail int, whole bool) { return s.g.EdgeRuns(body) }

// Bounds of the look back for a secret completed across messages: the
// contact's last splitMessages messages within splitWindow of the new one.
const (
	splitMessages = 24
	splitWindow   = 30 * time.Minute
)

// completeAcross looks, inside tx, for a secret that msg completes with the
// contact's recent messages. When it finds one it rewrites the earlier
// messages (and their events) in tx and returns msg's body with its part
// of the secret removed, and found set. msg itself is not written.
//
// It runs on the one writer, inside the transaction, so that no message
// the contact sends meanwhile can slip between the read and the rewrite;
// the cheap MayContinue spares most messages the read.
func (s *Service) completeAcross(ctx context.Context, tx *store.Tx, msg conversation.NewMessage) (body string, found bool, err error) {
	sg, ok := s.guard.(SplitGuard)
	if !ok || msg.ContactID == "" || !sg.MayContinue(msg.Body) {
		return msg.Body, false, nil
	}
	// Most messages that start with a wordlist word ("bench", "transfer")
	// join a previous message that ends in ordinary words: when the words
	// that can run across the join are fewer than a mnemonic has, the
	// reading stops at that message and nothing is scanned.
	head, _, _ := sg.EdgeRuns(msg.Body)
	words, newest, ruledOut := 0, true, false
	enough := func(body string) bool {
		if newest {
			newest = false
			// The words right after a removed mnemonic may be its rest
			// (guard.ScanParts): a message holding a marker is always read.
			if !strings.Contains(body, guard.MarkerPrefix) {
				_, tail, whole := sg.EdgeRuns(body)
				if !whole && head+tail < guard.MinMnemonicWords {
					ruledOut = true
					return true
				}
			}
		}
		words += guard.Words(body)
		return words >= guard.SplitWords
	}
	earlier, err := s.convs.RecentFromContact(ctx, tx, msg.ConversationID, msg.ContactID,
		s.convs.Now().Add(-splitWindow), splitMessages, enough)
	if err != nil || len(earlier) == 0 || ruledOut {
		return msg.Body, false, err
	}
	bodies := make([]string, 0, len(earlier)+1)
	for _, e := range earlier {
		bodies = append(bodies, e.Body)
	}
	fs := sg.ScanParts(append(bodies, msg.Body))
	if len(fs) == 0 {
		return msg.Body, false, nil
	}
	byPart := map[int][]guard.Finding{}
	for _, f := range fs {
		byPart[f.Part] = append(byPart[f.Part], guard.Finding{Kind: f.Kind, Start: f.Start, End: f.End})
	}
	var rewrite []conversation.Earlier
	for i, e := range earlier {
		if ranges := byPart[i]; len(ranges) > 0 {
			rewrite = append(rewrite, conversation.Earlier{Seq: e.Seq, Body: guard.RedactRanges(e.Body, ranges)})
		}
	}
	if err := s.convs.RedactEarlier(ctx, tx, msg.ConversationID, rewrite); err != nil {
		return msg.Body, false, err
	}
	body = msg.Body
	if ranges := byPart[len(earlier)]; len(ranges) > 0 {
		body = guard.RedactRanges(body, ranges)
	}
	return body, true, nil
}
