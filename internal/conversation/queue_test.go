package conversation_test

import (
	"context"
	"strings"
	"testing"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// TestHasAgentReplyReadsOnlyAgentMessages checks the answer on both engines
// and, on SQLite, that the question is answered from the messages_agent
// partial index: the bot asks it for every visitor message, and a long
// conversation must not make it read every message.
func TestHasAgentReplyReadsOnlyAgentMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c, _ := f.start(t, conversation.NewContact{Name: "Ana"})
		for range 30 {
			if _, err := f.appendTx(t, conversation.NewMessage{ConversationID: c.ID, Direction: conversation.Inbound,
				AuthorType: conversation.AuthorContact, Body: "hello"}); err != nil {
				t.Fatal(err)
			}
		}
		if has, err := f.s.HasAgentReply(ctx, c.ID); err != nil || has {
			t.Fatalf("before any agent reply: HasAgentReply = %v, %v; want false", has, err)
		}
		if _, err := f.appendTx(t, conversation.NewMessage{ConversationID: c.ID, Direction: conversation.Outbound,
			AuthorType: conversation.AuthorAgent, AuthorID: "", Body: "hi, how can I help?"}); err != nil {
			t.Fatal(err)
		}
		if has, err := f.s.HasAgentReply(ctx, c.ID); err != nil || !has {
			t.Fatalf("after an agent reply: HasAgentReply = %v, %v; want true", has, err)
		}
		if db.Dialect != store.SQLite {
			return
		}
		rows, err := db.Query(ctx, "EXPLAIN QUERY PLAN SELECT 1 FROM messages WHERE conversation_id = ? AND author_type = '"+
			conversation.AuthorAgent+"' LIMIT 1", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var plan strings.Builder
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan.WriteString(detail + "\n")
		}
		if !strings.Contains(plan.String(), "messages_agent") {
			t.Fatalf("the agent-reply lookup does not use the messages_agent index:\n%s", plan.String())
		}
	})
}
