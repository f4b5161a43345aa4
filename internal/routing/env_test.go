package routing_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/routing"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const handoffAttr = "bot.handoff"

// clock is a test clock: a fixed time that moves only when told, or, with
// tick set, by one millisecond at every reading (so every queue time is
// distinct and in the order of the writes).
type clock struct {
	ms   atomic.Int64
	tick bool
}

func newClock(at time.Time) *clock {
	c := &clock{}
	c.ms.Store(at.UnixMilli())
	return c
}

func (c *clock) Now() time.Time {
	if c.tick {
		return time.UnixMilli(c.ms.Add(1)).UTC()
	}
	return time.UnixMilli(c.ms.Load()).UTC()
}

func (c *clock) Add(d time.Duration) { c.ms.Add(d.Milliseconds()) }

// env is a routing stage running on a real database: the conversation
// store, agents, the outbox dispatcher feeding the router's subscriber,
// and the router's loop.
type env struct {
	db     *store.DB
	clock  *clock
	convs  *conversation.Store
	auth   *auth.Service
	router *routing.Router
	inbox  conversation.Inbox
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// listeners is a Notifier that records the frames sent to visitors.
type listeners struct {
	mu     sync.Mutex
	frames map[string][][]byte
}

func (l *listeners) Listening(string) bool { return true }

func (l *listeners) Ephemeral(id string, f []byte, _ bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.frames == nil {
		l.frames = map[string][][]byte{}
	}
	l.frames[id] = append(l.frames[id], f)
}

func newEnv(t testing.TB, db *store.DB, c *clock, notify routing.Notifier) *env {
	t.Helper()
	return newEnvWatching(t, db, c, notify, nil)
}

// newEnvWatching is newEnv with watch as a live subscriber of the outbox
// besides the router (nil: none).
func newEnvWatching(t testing.TB, db *store.DB, c *clock, notify routing.Notifier, watch bus.Handler, opts ...func(*routing.Options)) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{db: db, clock: c, cancel: cancel}
	e.convs = conversation.NewStore(db, c.Now)
	e.auth = auth.NewService(db, c.Now)
	in, err := e.convs.CreateInbox(ctx, "Web chat", conversation.ChannelWebChat)
	if err != nil {
		t.Fatal(err)
	}
	e.inbox = in
	log := slog.New(slog.DiscardHandler)
	o := routing.Options{HandoffAttr: handoffAttr, Now: c.Now, Log: log, Tick: 200 * time.Millisecond}
	for _, f := range opts {
		f(&o)
	}
	e.router = routing.New(routing.NewStore(db, c.Now), e.convs, nil, notify, cards{e.auth}, o)
	disp := bus.NewDispatcher(db, log, 50*time.Millisecond)
	if err := disp.Subscribe(ctx, "routing", true, e.router.Handle); err != nil {
		t.Fatal(err)
	}
	if watch != nil {
		if err := disp.Subscribe(ctx, "watch", false, watch); err != nil {
			t.Fatal(err)
		}
	}
	db.AfterCommit(disp.Notify)
	e.wg.Add(2)
	go func() { defer e.wg.Done(); disp.Run(ctx) }()
	go func() { defer e.wg.Done(); e.router.Run(ctx) }()
	t.Cleanup(e.stop)
	return e
}

func (e *env) stop() {
	e.cancel()
	e.wg.Wait()
}

type cards struct{ auth *auth.Service }

func (c cards) AgentCard(ctx context.Context, id string) (routing.Assignee, error) {
	a, err := c.auth.AgentByID(ctx, id)
	return routing.Assignee{ID: a.ID, Name: a.Name}, err
}

// agent creates an agent with a capacity and skills.
func (e *env) agent(t testing.TB, name string, capacity int, skills ...string) string {
	t.Helper()
	ctx := context.Background()
	a, err := e.auth.CreateAgent(ctx, name+"@example.com", name, auth.RoleAgent, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.router.Store().SetAgent(ctx, a.ID, routing.AgentChange{Capacity: &capacity, Skills: &skills}); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func (e *env) online(t testing.TB, id string, p routing.Presence) {
	t.Helper()
	if _, err := e.router.SetPresence(context.Background(), id, p); err != nil {
		t.Fatal(err)
	}
}

// handOff starts a conversation in inbox and hands it to people as the
// bot does: the hand-off mark, its place in the queue and a bot message,
// in one transaction; it returns the conversation and its place.
func (e *env) handOff(t testing.TB, in conversation.Inbox, p conversation.Priority, locale string) (string, routing.Place) {
	t.Helper()
	ctx := context.Background()
	c, _, err := e.convs.Start(ctx, in, conversation.NewContact{})
	if err != nil {
		t.Error(err)
		return "", routing.Place{}
	}
	var place routing.Place
	err = e.convs.Write(ctx, func(tx *store.Tx) error {
		reason := "request"
		c, err := e.convs.UpdateTx(ctx, tx, c.ID, conversation.Change{Priority: &p, Attributes: map[string]*string{handoffAttr: &reason}})
		if err != nil {
			return err
		}
		if place, err = e.router.Enqueue(ctx, tx, c, locale); err != nil {
			return err
		}
		_, err = e.convs.Send(ctx, tx, conversation.NewMessage{ConversationID: c.ID, Direction: conversation.Bot,
			AuthorType: conversation.AuthorBot, Body: "OK, I'm passing you to a person."})
		return err
	})
	if err != nil {
		t.Error(err)
	}
	return c.ID, place
}

func (e *env) resolve(t testing.TB, id string) {
	t.Helper()
	st := conversation.StatusResolved
	if _, err := e.convs.Update(context.Background(), id, conversation.Change{Status: &st}); err != nil {
		t.Error(err)
	}
}

func (e *env) assignee(t testing.TB, id string) string {
	t.Helper()
	c, err := e.convs.Conversation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.AssigneeID
}

// eventually waits up to 20 s for cond.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 20 s: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *env) count(t testing.TB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(fmt.Errorf("%s: %w", q, err))
	}
	return n
}
