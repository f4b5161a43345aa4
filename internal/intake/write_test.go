package intake_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/huiying/huiying/internal/intake"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

const writeFn = "intake.(*Service).Write("

// TestWriteSharesTheBatchAndFailsAlone: another stage's write queued with
// messages commits in their transaction (one commit for all); a write that
// fails gets its own error back while the messages of its batch are all
// stored; after Close a write runs in a transaction of its own.
func TestWriteSharesTheBatchAndFailsAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, 2)
		a, b := f.list[0], f.list[1]
		opt, blocked, release, commits := gatedCommits(t, db)
		svc := f.service(t, opt)
		t.Cleanup(release)
		first := plug(svc, intake.Inbound{ConversationID: a.id, ContactID: a.contact, ClientMessageID: "a0", Body: "first"})
		<-blocked

		setting := func(key, value string) func(tx *store.Tx) error {
			return func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", key, value)
				return err
			}
		}
		var wg sync.WaitGroup
		var msgErr, writeErr error
		wg.Go(func() {
			_, msgErr = svc.Submit(ctx, intake.Inbound{ConversationID: a.id, ContactID: a.contact, ClientMessageID: "a1", Body: "a1"})
		})
		waitForGoroutines(t, 2, "chan receive", submitFn)
		wg.Go(func() { writeErr = svc.Write(ctx, setting("stage_write", "done")) })
		waitForGoroutines(t, 1, "chan receive", writeFn)
		release()
		wg.Wait()
		if err := <-first; err != nil || msgErr != nil || writeErr != nil {
			t.Fatalf("first %v, message %v, write %v", err, msgErr, writeErr)
		}
		if n := commits.Load(); n != 2 {
			t.Errorf("%d commits, want 2 (the first message, then the message and the write together)", n)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM settings WHERE key = 'stage_write'"); n != 1 {
			t.Errorf("the write was not stored (%d rows)", n)
		}

		// A failing write in a batch of messages: its error, their messages.
		failed := errors.New("the stage's own failure")
		var wg2 sync.WaitGroup
		var e1, e2, we error
		wg2.Go(func() {
			_, e1 = svc.Submit(ctx, intake.Inbound{ConversationID: a.id, ContactID: a.contact, ClientMessageID: "a2", Body: "a2"})
		})
		wg2.Go(func() { we = svc.Write(ctx, func(*store.Tx) error { return failed }) })
		wg2.Go(func() {
			_, e2 = svc.Submit(ctx, intake.Inbound{ConversationID: b.id, ContactID: b.contact, ClientMessageID: "b1", Body: "b1"})
		})
		wg2.Wait()
		if e1 != nil || e2 != nil {
			t.Fatalf("messages beside a failing write: %v, %v", e1, e2)
		}
		if !errors.Is(we, failed) {
			t.Fatalf("failing write returned %v, want its own error", we)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM messages"); n != 4 {
			t.Errorf("%d messages stored, want 4", n)
		}

		svc.Close()
		if err := svc.Write(ctx, setting("after_close", "done")); err != nil {
			t.Fatalf("write after Close: %v", err)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM settings WHERE key = 'after_close'"); n != 1 {
			t.Errorf("the write after Close was not stored (%d rows)", n)
		}
	})
}

// TestWaitingCountsMessagesNotYetAcknowledged: Waiting is the number of
// messages submitted and not yet answered, the signal the bot yields to.
func TestWaitingCountsMessagesNotYetAcknowledged(t *testing.T) {
	db := storetest.SQLite(t)
	f := newFixture(t, db, 2)
	opt, blocked, release, _ := gatedCommits(t, db)
	svc := f.service(t, opt)
	t.Cleanup(release)
	if n := svc.Waiting(); n != 0 {
		t.Fatalf("idle: Waiting = %d", n)
	}
	first := plug(svc, intake.Inbound{ConversationID: f.list[0].id, ContactID: f.list[0].contact, ClientMessageID: "w1", Body: "one"})
	<-blocked
	second := plug(svc, intake.Inbound{ConversationID: f.list[1].id, ContactID: f.list[1].contact, ClientMessageID: "w2", Body: "two"})
	waitForGoroutines(t, 2, "chan receive", submitFn)
	if n := svc.Waiting(); n != 2 {
		t.Fatalf("two messages not yet acknowledged: Waiting = %d", n)
	}
	release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if n := svc.Waiting(); n != 0 {
		t.Fatalf("all acknowledged: Waiting = %d", n)
	}
}
