package conversation_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// fakeTimer is the Snoozer's timer in tests: each wait it asks for is
// reported on asked, and fires only when the test sends on fire.
type fakeTimer struct {
	asked chan time.Duration
	fire  chan time.Time
}

func newFakeTimer() *fakeTimer {
	return &fakeTimer{asked: make(chan time.Duration, 100), fire: make(chan time.Time)}
}

func (ft *fakeTimer) after(d time.Duration) <-chan time.Time {
	ft.asked <- d
	return ft.fire
}

// nextWait returns the next wait the Snoozer asked for.
func (ft *fakeTimer) nextWait(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-ft.asked:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("the snoozer did not arm its timer within 10 s")
		return 0
	}
}

// runSnoozer runs a Snoozer on s until the test ends (or stop is called)
// and joins it.
func runSnoozer(t *testing.T, s *conversation.Store, ft *fakeTimer) (stop func()) {
	t.Helper()
	w := conversation.NewSnoozer(s, nil, conversation.SnoozerOptions{Sweep: 30 * time.Second, After: ft.after})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the snoozer did not stop within 10 s of its context ending")
		}
	}
	t.Cleanup(stop)
	return stop
}

func (f *fixture) snooze(t *testing.T, id string, d time.Duration) {
	t.Helper()
	st, until := conversation.StatusSnoozed, f.now().Add(d)
	if _, err := f.s.Update(context.Background(), id, conversation.Change{Status: &st, SnoozedUntil: &until}); err != nil {
		t.Fatalf("snooze: %v", err)
	}
}

func (f *fixture) status(t *testing.T, id string) conversation.Conversation {
	t.Helper()
	c, err := f.s.Conversation(context.Background(), id)
	if err != nil {
		t.Fatalf("read conversation: %v", err)
	}
	return c
}

// waitOpen polls until the conversation is open again (the Snoozer runs
// in its own goroutine).
func (f *fixture) waitOpen(t *testing.T, id string) conversation.Conversation {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c := f.status(t, id)
		if c.Status == conversation.StatusOpen {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("conversation still %s (snoozed until %v) 10 s after it fell due", c.Status, c.SnoozedUntil)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestWakeDueReopensSnoozedConversation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c, _ := f.start(t, conversation.NewContact{Name: "Ann"})
		other, _ := f.start(t, conversation.NewContact{Name: "Bo"})
		f.snooze(t, c.ID, time.Hour)
		f.snooze(t, other.ID, 3*time.Hour)

		if n, err := f.s.WakeDue(ctx); err != nil || n != 0 {
			t.Fatalf("WakeDue before the hour = %d, %v; want 0", n, err)
		}
		if got := f.status(t, c.ID).Status; got != conversation.StatusSnoozed {
			t.Fatalf("status before snoozed_until = %s, want snoozed", got)
		}
		next, ok, err := f.s.NextSnoozeDue(ctx)
		if err != nil || !ok || next.Sub(f.now()) > time.Hour || next.Sub(f.now()) < 59*time.Minute {
			t.Fatalf("NextSnoozeDue = %v, %v, %v; want about an hour from now", next, ok, err)
		}

		f.advance(time.Hour + time.Second)
		before := f.lastEventID(t)
		if n, err := f.s.WakeDue(ctx); err != nil || n != 1 {
			t.Fatalf("WakeDue after the hour = %d, %v; want 1", n, err)
		}
		got := f.status(t, c.ID)
		if got.Status != conversation.StatusOpen || got.SnoozedUntil != nil {
			t.Fatalf("woken conversation = %s until %v, want open with no snoozed_until", got.Status, got.SnoozedUntil)
		}
		var payload conversation.Conversation
		f.oneEvent(t, before, bus.ConversationUpdated, c.ID, c.LastSeq, &payload)
		if payload.Status != conversation.StatusOpen {
			t.Fatalf("conversation.updated payload status = %s, want open", payload.Status)
		}
		if s := f.status(t, other.ID).Status; s != conversation.StatusSnoozed {
			t.Fatalf("the conversation snoozed for 3 h is %s after 1 h, want snoozed", s)
		}

		// Woken once only: a second pass (another node's sweep) writes nothing.
		before = f.lastEventID(t)
		if n, err := f.s.WakeDue(ctx); err != nil || n != 0 {
			t.Fatalf("second WakeDue = %d, %v; want 0", n, err)
		}
		if evs := f.eventsAfter(t, before); len(evs) != 0 {
			t.Fatalf("second WakeDue wrote %d events, want none", len(evs))
		}
	})
}

func TestSnoozerWakesAtSnoozedUntil(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c, _ := f.start(t, conversation.NewContact{Name: "Ann"})
		ft := newFakeTimer()
		runSnoozer(t, f.s, ft)
		if d := ft.nextWait(t); d != 30*time.Second {
			t.Fatalf("with nothing snoozed the snoozer waits %v, want the 30 s sweep", d)
		}

		// Snoozing re-arms the timer for the new due time, sooner than the
		// sweep.
		f.snooze(t, c.ID, 10*time.Second)
		if d := ft.nextWait(t); d > 10*time.Second || d < 9*time.Second {
			t.Fatalf("after a 10 s snooze the snoozer waits %v, want about 10 s", d)
		}
		if s := f.status(t, c.ID).Status; s != conversation.StatusSnoozed {
			t.Fatalf("status before the timer fired = %s, want snoozed", s)
		}
		f.advance(10 * time.Second)
		ft.fire <- f.now()
		f.waitOpen(t, c.ID)
	})
}

func TestSnoozeSurvivesRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c, _ := f.start(t, conversation.NewContact{Name: "Ann"})
		stop := runSnoozer(t, f.s, newFakeTimer())
		f.snooze(t, c.ID, time.Hour)
		stop() // the node goes down before the hour is up

		f.advance(2 * time.Hour)
		if s := f.status(t, c.ID).Status; s != conversation.StatusSnoozed {
			t.Fatalf("status while no snoozer runs = %s, want snoozed", s)
		}
		// A new node: a new store and snoozer on the same database wake the
		// conversation when they start, without waiting for a timer.
		before := f.lastEventID(t)
		f2 := &fixture{db: db, inbox: f.inbox}
		f2.offset = 2 * time.Hour
		f2.s = conversation.NewStore(db, f2.now)
		runSnoozer(t, f2.s, newFakeTimer())
		got := f2.waitOpen(t, c.ID)
		if got.SnoozedUntil != nil {
			t.Fatalf("woken conversation keeps snoozed_until %v", got.SnoozedUntil)
		}
		var payload conversation.Conversation
		f.oneEvent(t, before, bus.ConversationUpdated, c.ID, c.LastSeq, &payload)
	})
}

// BenchmarkSnoozeSweep measures one sweep with nothing due (what every
// node does every 30 s): WakeDue and NextSnoozeDue over 20,000
// conversations, 1,000 of them snoozed, on SQLite.
func BenchmarkSnoozeSweep(b *testing.B) {
	db := storetest.SQLite(b)
	s := conversation.NewStore(db, time.Now)
	ctx := context.Background()
	in, err := s.CreateInbox(ctx, "Web chat", conversation.ChannelWebChat)
	if err != nil {
		b.Fatal(err)
	}
	_, ct, err := s.Start(ctx, in, conversation.NewContact{Name: "Ann"})
	if err != nil {
		b.Fatal(err)
	}
	// Bulk rows for the contact, written directly: Start per row would
	// take most of the benchmark's time.
	err = db.InTx(ctx, func(tx *store.Tx) error {
		now := time.Now().UnixMilli()
		for i := range 20000 {
			var snoozed any
			status := "open"
			if i%20 == 0 {
				status, snoozed = "snoozed", now+int64(time.Hour/time.Millisecond)+int64(i)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO conversations (id, inbox_id, contact_id, status, priority, attributes,
				snoozed_until, last_seq, created_at, updated_at, last_activity_at) VALUES (?, ?, ?, ?, 'normal', '{}', ?, 0, ?, ?, ?)`,
				fmt.Sprintf("cv_bench%05d", i), in.ID, ct.ID, status, snoozed, now, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if n, err := s.WakeDue(ctx); err != nil || n != 0 {
			b.Fatalf("WakeDue = %d, %v", n, err)
		}
		if _, ok, err := s.NextSnoozeDue(ctx); err != nil || !ok {
			b.Fatalf("NextSnoozeDue: %v, %v", ok, err)
		}
	}
}
