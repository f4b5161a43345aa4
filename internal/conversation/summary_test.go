package conversation_test

import (
	"context"
	"testing"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// The list's preview is the newest message a person or the bot wrote; a
// system line shows only while there is nothing else.
func TestPreviewPassesOverSystemLines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		system := func(c conversation.Conversation, body string) {
			t.Helper()
			err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := f.s.Send(ctx, tx, conversation.NewMessage{ConversationID: c.ID, Direction: conversation.System,
					AuthorType: conversation.AuthorSystem, Body: body})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		preview := func(c conversation.Conversation) *conversation.LastMessage {
			t.Helper()
			c, err := f.s.Conversation(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			sums, err := f.s.Summarize(ctx, []conversation.Conversation{c})
			if err != nil {
				t.Fatal(err)
			}
			return sums[0].LastMessage
		}
		c, _ := f.start(t, conversation.NewContact{})
		system(c, "We removed a secret from your message.")
		if lm := preview(c); lm == nil || lm.Direction != conversation.System || lm.Seq != 1 {
			t.Fatalf("only a system line: preview %+v, want the system line", lm)
		}
		f.mustAppend(t, inbound(c, "m1", "where is my USDT"))
		system(c, "Support never asks for your seed phrase.")
		lm := preview(c)
		if lm == nil || lm.Body != "where is my USDT" || lm.Direction != conversation.Inbound || lm.Seq != 2 {
			t.Fatalf("preview %+v, want the visitor's message (seq 2), not the newer system line", lm)
		}
		f.mustAppend(t, agentMsg(c, conversation.Outbound, "checking"))
		if lm := preview(c); lm == nil || lm.Body != "checking" || lm.Seq != 4 {
			t.Fatalf("preview %+v, want the agent's reply", lm)
		}
	})
}
