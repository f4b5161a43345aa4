// Package routing gives conversations that need a person to agents: it
// keeps agents' presence, capacity and skills, each team's queue, business
// hours and overflow rule, assigns the oldest, most urgent waiting
// conversation to an online member with free capacity as soon as one has
// room, and tells each waiting visitor their place and expected wait.
//
// It is a pipeline stage: a durable bus subscriber (Handle) keeps the
// queue in step with the conversations, and one goroutine (Run) assigns,
// sends the visitors their places, turns idle agents away and applies
// overflow rules.
package routing

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// Conversations is what routing needs of the conversation store.
type Conversations interface {
	ConversationTx(ctx context.Context, tx *store.Tx, id string) (conversation.Conversation, error)
	UpdateTx(ctx context.Context, tx *store.Tx, id string, ch conversation.Change) (conversation.Conversation, error)
	Send(ctx context.Context, tx *store.Tx, m conversation.NewMessage) (conversation.Appended, error)
	Inboxes(ctx context.Context) ([]conversation.Inbox, error)
}

// Writer runs f in a write transaction and returns once it committed
// (intake's group commit in production).
type Writer interface {
	Write(ctx context.Context, f func(tx *store.Tx) error) error
}

// Notifier reaches the visitors connected to a conversation (the realtime
// hub): frames that are not stored.
type Notifier interface {
	Listening(conversationID string) bool
	Ephemeral(conversationID string, frame []byte, toAgents bool)
}

// Cards names agents to visitors.
type Cards interface {
	AgentCard(ctx context.Context, id string) (Assignee, error)
}

// Options configure a Router; zero values take the defaults.
type Options struct {
	// Grace is how long an online agent may have no console connection
	// before they turn away (2 minutes).
	Grace time.Duration
	// Tick is how often idle agents, overflow rules and every queue are
	// checked besides the events that wake the stage (5 s).
	Tick time.Duration
	// HandoffAttr is the conversation attribute a bot hand-off sets: a
	// conversation carrying it needs a person.
	HandoffAttr string
	Now         func() time.Time
	Log         *slog.Logger
}

// Router is the routing stage.
type Router struct {
	store  *Store
	convs  Conversations
	writer Writer
	notify Notifier
	cards  Cards
	opts   Options

	wake chan struct{}
	mu   sync.Mutex
	// dirty are the queues to assign from at the next pass ("*": all).
	dirty map[string]bool
	// sockets counts each agent's console connections on this node.
	sockets map[string]int
	// tell are the queues whose visitors' places to work out (tellLoop).
	tell     map[string]bool
	tellWake chan struct{}
	// sent is the last place told to each waiting visitor.
	sent map[string]sentPlace
}

// New returns a Router. writer may be nil (the store's own transactions);
// notify and cards may be nil (nobody is told).
func New(st *Store, convs Conversations, writer Writer, notify Notifier, cards Cards, opts Options) *Router {
	if opts.Grace <= 0 {
		opts.Grace = 2 * time.Minute
	}
	if opts.Tick <= 0 {
		opts.Tick = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if writer == nil {
		writer = dbWriter{st.db}
	}
	return &Router{store: st, convs: convs, writer: writer, notify: notify, cards: cards, opts: opts,
		wake: make(chan struct{}, 1), dirty: map[string]bool{"*": true}, sockets: map[string]int{},
		sent: map[string]sentPlace{}, tell: map[string]bool{}, tellWake: make(chan struct{}, 1)}
}

type dbWriter struct{ db *store.DB }

func (w dbWriter) Write(ctx context.Context, f func(tx *store.Tx) error) error {
	return w.db.InTx(ctx, f)
}

// Store is the router's storage.
func (r *Router) Store() *Store { return r.store }

// markDirty asks the stage to assign from team's queue ("*": all) soon.
func (r *Router) markDirty(teams ...string) {
	r.mu.Lock()
	for _, t := range teams {
		r.dirty[t] = true
	}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Kick asks the stage to look at every queue now (after a change it did
// not see as an event, e.g. in tests).
func (r *Router) Kick() { r.markDirty("*") }
