package routing_test

import (
	"context"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/routing"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// marker is the attribute a hand-off leaves (the bot's bot.handoff).
const marker = "bot.handoff"

// handoffLog is the hand-off log as a list: the samples are input here; the
// bot's decision log provides them in production (internal/bot tests).
type handoffLog []routing.Handoff

func (l handoffLog) RecentHandoffsTx(_ context.Context, _ *store.Tx, _ string, n int) ([]routing.Handoff, error) {
	if len(l) > n {
		return l[:n], nil
	}
	return l, nil
}

type env struct {
	convs *conversation.Store
	inbox conversation.Inbox
	now   time.Time
}

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	e := &env{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	e.convs = conversation.NewStore(db, func() time.Time { return e.now })
	in, err := e.convs.CreateInbox(context.Background(), "Web chat", conversation.ChannelWebChat)
	if err != nil {
		t.Fatal(err)
	}
	e.inbox = in
	return e
}

func (e *env) start(t testing.TB, in conversation.Inbox) conversation.Conversation {
	t.Helper()
	c, _, err := e.convs.Start(context.Background(), in, conversation.NewContact{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) change(t testing.TB, id string, ch conversation.Change) {
	t.Helper()
	ctx := context.Background()
	if err := e.convs.Write(ctx, func(tx *store.Tx) error {
		_, err := e.convs.UpdateTx(ctx, tx, id, ch)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) handOff(t testing.TB, id string) {
	t.Helper()
	v := "request"
	e.change(t, id, conversation.Change{Attributes: map[string]*string{marker: &v}})
}

// say sends a message and returns its seq.
func (e *env) say(t testing.TB, id string, author string, dir conversation.Direction) int64 {
	t.Helper()
	a, err := e.convs.SendOne(context.Background(), conversation.NewMessage{ConversationID: id, Direction: dir,
		AuthorType: author, AuthorID: "ag_test", Body: "您好，我是客服小李。"})
	if err != nil {
		t.Fatal(err)
	}
	return a.Message.Seq
}

func (e *env) position(t testing.TB, r *routing.Router, in conversation.Inbox, id string) (int, time.Duration) {
	t.Helper()
	var pos int
	var eta time.Duration
	ctx := context.Background()
	if err := e.convs.Write(ctx, func(tx *store.Tx) error {
		var err error
		pos, eta, err = r.Position(ctx, tx, in.ID, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return pos, eta
}

// Only conversations that really wait for a person count ahead: open,
// handed off, unanswered, in the same inbox; not the one being queued.
func TestPositionCountsOnlyWaitingHandoffs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		other, err := e.convs.CreateInbox(ctx, "App", conversation.ChannelWebChat)
		if err != nil {
			t.Fatal(err)
		}
		r := routing.New(e.convs, handoffLog{}, marker, func() time.Time { return e.now })
		me := e.start(t, e.inbox)
		e.handOff(t, me.ID)
		if pos, eta := e.position(t, r, e.inbox, me.ID); pos != 1 || eta != 0 {
			t.Fatalf("alone in the queue: position %d, wait %v; want 1, 0", pos, eta)
		}
		for i := 0; i < 2; i++ { // waiting: counted
			e.handOff(t, e.start(t, e.inbox).ID)
		}
		answered := e.start(t, e.inbox)
		e.handOff(t, answered.ID)
		e.say(t, answered.ID, conversation.AuthorAgent, conversation.Outbound)
		e.start(t, e.inbox) // the bot still has it
		pending := e.start(t, e.inbox)
		e.handOff(t, pending.ID)
		st := conversation.StatusPending
		e.change(t, pending.ID, conversation.Change{Status: &st})
		e.handOff(t, e.start(t, other).ID) // another inbox's queue
		// A custom attribute whose value quotes the marker is no hand-off.
		fake := e.start(t, e.inbox)
		v := `"` + marker + `":"request"`
		e.change(t, fake.ID, conversation.Change{Attributes: map[string]*string{"note": &v}})

		if pos, _ := e.position(t, r, e.inbox, me.ID); pos != 3 {
			t.Fatalf("position %d; want 3 (two waiting ahead)", pos)
		}
		if pos, _ := e.position(t, r, other, e.start(t, other).ID); pos != 2 {
			t.Fatalf("other inbox: position %d; want 2", pos)
		}
	})
}

// The expected wait is the median time from a hand-off to the first agent
// reply after it, over answered hand-offs, and nothing until five are.
func TestExpectedWaitIsTheMedianOfAnsweredHandoffs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var log handoffLog
		handoff := func(wait time.Duration, answer bool) {
			c := e.start(t, e.inbox)
			// An agent reply before the hand-off does not count.
			e.say(t, c.ID, conversation.AuthorAgent, conversation.Outbound)
			e.handOff(t, c.ID)
			at := e.now
			seq := e.say(t, c.ID, conversation.AuthorBot, conversation.Bot)
			log = append(handoffLog{{ConversationID: c.ID, Seq: seq, At: at}}, log...)
			if answer {
				e.now = e.now.Add(wait)
				e.say(t, c.ID, conversation.AuthorAgent, conversation.Note) // a note is no reply
				e.now = e.now.Add(time.Second)
				e.say(t, c.ID, conversation.AuthorAgent, conversation.Outbound)
			}
			e.now = e.now.Add(time.Hour)
		}
		for _, w := range []time.Duration{40, 10, 30, 20} {
			handoff(w*time.Second, true)
		}
		handoff(0, false)
		me := e.start(t, e.inbox)
		r := routing.New(e.convs, log, marker, func() time.Time { return e.now })
		if _, eta := e.position(t, r, e.inbox, me.ID); eta != 0 {
			t.Fatalf("wait %v from four answered hand-offs; want 0 (too few to say)", eta)
		}
		handoff(50*time.Second, true)
		r = routing.New(e.convs, log, marker, func() time.Time { return e.now })
		if _, eta := e.position(t, r, e.inbox, me.ID); eta != 31*time.Second {
			t.Fatalf("wait %v; want the median 31s of 11s, 21s, 31s, 41s, 51s", eta)
		}
		// Hand-offs dated after the clock (a clock stepped back) are left out.
		future := handoffLog{{ConversationID: me.ID, Seq: 0, At: e.now.Add(time.Hour)}, {ConversationID: me.ID, Seq: 0, At: e.now.Add(time.Minute)}}
		e.say(t, me.ID, conversation.AuthorAgent, conversation.Outbound)
		r = routing.New(e.convs, append(future, log...), marker, func() time.Time { return e.now })
		if _, eta := e.position(t, r, e.inbox, me.ID); eta != 31*time.Second {
			t.Fatalf("wait %v with hand-offs in the future; want 31s", eta)
		}
	})
}

// BenchmarkPosition is the cost a hand-off pays inside its transaction: the
// queue count and the expected wait over 50 answered hand-offs, with 20
// conversations waiting.
//
//	go test -run '^$' -bench Position ./internal/routing/
func BenchmarkPosition(b *testing.B) {
	e := newEnv(b, storetest.SQLite(b))
	if err := e.convs.Prepare(context.Background()); err != nil {
		b.Fatal(err)
	}
	var log handoffLog
	for i := 0; i < 50; i++ {
		c := e.start(b, e.inbox)
		e.handOff(b, c.ID)
		seq := e.say(b, c.ID, conversation.AuthorBot, conversation.Bot)
		log = append(handoffLog{{ConversationID: c.ID, Seq: seq, At: e.now}}, log...)
		e.now = e.now.Add(time.Minute)
		e.say(b, c.ID, conversation.AuthorAgent, conversation.Outbound)
	}
	for i := 0; i < 20; i++ {
		e.handOff(b, e.start(b, e.inbox).ID)
	}
	me := e.start(b, e.inbox)
	r := routing.New(e.convs, log, marker, func() time.Time { return e.now })
	for b.Loop() {
		if pos, eta := e.position(b, r, e.inbox, me.ID); pos != 21 || eta != time.Minute {
			b.Fatalf("position %d, wait %v; want 21, 1m", pos, eta)
		}
	}
}
