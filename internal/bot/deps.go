package bot

import (
	"context"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/matcher"
	"github.com/huiying/huiying/internal/routing"
	"github.com/huiying/huiying/internal/store"
)

// Conversations is what the bot reads and writes of the conversation
// domain (*conversation.Store in production). Its writes happen inside
// Write's transaction, beside the bot's own decision-log rows, so a
// decision, its message and the conversation change commit together.
type Conversations interface {
	Now() time.Time
	Inboxes(ctx context.Context) ([]conversation.Inbox, error)
	InboxByID(ctx context.Context, id string) (conversation.Inbox, error)
	Conversation(ctx context.Context, id string) (conversation.Conversation, error)
	// HasAgentReply reports whether an agent has written in the conversation.
	HasAgentReply(ctx context.Context, conversationID string) (bool, error)
	Write(ctx context.Context, f func(tx *store.Tx) error) error
	ConversationTx(ctx context.Context, tx *store.Tx, id string) (conversation.Conversation, error)
	UpdateTx(ctx context.Context, tx *store.Tx, id string, ch conversation.Change) (conversation.Conversation, error)
	// Send is the one outbound path: the asks-for-a-secret rule, the
	// message and its event.
	Send(ctx context.Context, tx *store.Tx, m conversation.NewMessage) (conversation.Appended, error)
}

// Router puts a conversation being handed off in its team's queue inside
// the hand-off's transaction (*routing.Router in production) and returns
// the place the visitor is told: position, expected wait, opening hours.
type Router interface {
	Enqueue(ctx context.Context, tx *store.Tx, c conversation.Conversation, locale string) (routing.Place, error)
}

// Matcher ranks the knowledge base's articles for a question (a trained
// *matcher.Matcher).
type Matcher interface {
	Match(q string, k int) []matcher.Candidate
}

// Writer runs f in a write transaction and returns once it committed:
// intake's group commit in production (*intake.Service), so that the bot's
// decisions and answers share intake's transactions, or the conversation
// store's Write.
type Writer interface {
	Write(ctx context.Context, f func(tx *store.Tx) error) error
}

// Pressure tells how busy intake is: how many messages wait for its writer
// (*intake.Service).
type Pressure interface {
	Waiting() int
}
