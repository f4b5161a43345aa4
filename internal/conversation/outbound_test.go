package conversation_test

import (
	"context"
	"errors"
	"testing"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// TestSendRefusesAgentTextAskingForSecret: the one outbound path refuses
// agent text that asks the contact for a wallet secret, whichever way it
// is called (its own transaction, or inside a caller's), and writes
// nothing; notes, the bot's and the system's messages pass.
func TestSendRefusesAgentTextAskingForSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c, _ := f.start(t, conversation.NewContact{})
		asks := []string{
			"To verify your wallet please send me your 12-word seed phrase",
			"请提供您的助记词，我们帮您找回资产",
			"Reply with the private key of the address so we can check it",
		}
		for _, body := range asks {
			before := f.rowCounts(t)
			_, err := f.s.SendOne(ctx, agentMsg(c, conversation.Outbound, body))
			wantCode(t, err, apperr.AsksForSecret)
			var sr *conversation.SecretRequest
			if !errors.As(err, &sr) || sr.Term == "" {
				t.Fatalf("%q: error %v does not name the secret asked for", body, err)
			}
			err = f.s.Write(ctx, func(tx *store.Tx) error {
				_, err := f.s.Send(ctx, tx, agentMsg(c, conversation.Outbound, body))
				return err
			})
			wantCode(t, err, apperr.AsksForSecret)
			f.assertUnchanged(t, before)
		}
		// An internal note may quote the scam; a warning passes.
		if _, err := f.s.SendOne(ctx, agentMsg(c, conversation.Note, asks[0])); err != nil {
			t.Fatalf("note: %v", err)
		}
		if _, err := f.s.SendOne(ctx, agentMsg(c, conversation.Outbound, "We will never ask for your seed phrase.")); err != nil {
			t.Fatalf("warning: %v", err)
		}
		// The bot's and the system's own messages go the same way.
		for _, m := range []conversation.NewMessage{
			{ConversationID: c.ID, Direction: conversation.Bot, AuthorType: conversation.AuthorBot, Body: "Did this solve your problem?"},
			{ConversationID: c.ID, Direction: conversation.System, AuthorType: conversation.AuthorSystem, Body: conversation.SecretWarning},
		} {
			if _, err := f.s.SendOne(ctx, m); err != nil {
				t.Fatalf("%s message: %v", m.AuthorType, err)
			}
		}
		// A contact's message is not sent: it is received through intake.
		before := f.rowCounts(t)
		_, err := f.s.SendOne(ctx, inbound(c, "", "hello"))
		wantCode(t, err, apperr.Invalid)
		f.assertUnchanged(t, before)
	})
}
