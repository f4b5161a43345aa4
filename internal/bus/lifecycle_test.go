package bus_test

import (
	"context"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/storetest"
)

// hourly starts a dispatcher that polls once an hour, so only a notify or
// the stop can deliver within a test.
func hourly(t *testing.T, db *store.DB, s sub) (d *bus.Dispatcher, stop func()) {
	t.Helper()
	d = bus.NewDispatcher(db, testLogger(t), time.Hour)
	if err := d.Subscribe(context.Background(), s.name, s.durable, s.r.handle); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return d, stop
}

// TestAfterCommitHookPublishesAtOnce: the store's one after-commit hook
// wakes the dispatcher for any writer's transaction, so an event reaches
// its subscriber long before the next poll.
func TestAfterCommitHookPublishesAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := &recorder{}
		d, _ := hourly(t, db, sub{name: "live", r: r})
		db.AfterCommit(d.Notify)
		t.Cleanup(func() { db.AfterCommit(nil) })
		ids := write(t, db, 3, "hook")
		r.waitSeen(t, ids) // fails after 10 s if only the hourly poll could deliver
	})
}

// TestStopDeliversCommittedEventsToLiveSubscribers: events committed just
// before the dispatcher stops reach live subscribers (WebSockets) before
// Run returns; no sleep at shutdown is needed for that.
func TestStopDeliversCommittedEventsToLiveSubscribers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		r := &recorder{}
		_, stop := hourly(t, db, sub{name: "live", r: r})
		ids := write(t, db, 4, "last") // no notify: nothing wakes the subscriber
		stop()
		got := r.ids()
		for _, id := range ids {
			found := false
			for _, g := range got {
				found = found || g == id
			}
			if !found {
				t.Fatalf("after stop the live subscriber has %v, missing %d of %v", got, id, ids)
			}
		}
	})
}

// TestAppendStampsTheGivenTime: an event carries the writer's clock, not
// the wall clock.
func TestAppendStampsTheGivenTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return bus.Append(ctx, tx, bus.ConversationUpdated, "cv_clock", "in_test", 0, at, map[string]string{})
		}); err != nil {
			t.Fatal(err)
		}
		evs, err := bus.ReadEvents(ctx, db, 0, 1000)
		if err != nil || len(evs) == 0 {
			t.Fatalf("read events: %v (%d)", err, len(evs))
		}
		if got := evs[len(evs)-1].CreatedAt; !got.Equal(at) {
			t.Fatalf("event stamped %v, want the injected %v", got, at)
		}
	})
}
