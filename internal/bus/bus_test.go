package bus_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/store"
	"github.com/huiying/huiying/internal/store/pgtest"
	"github.com/huiying/huiying/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type tWriter struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func (w *tWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

func testLogger(t *testing.T) *slog.Logger {
	t.Helper()
	w := &tWriter{t: t}
	t.Cleanup(func() { w.mu.Lock(); w.done = true; w.mu.Unlock() })
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// write appends n events, one transaction each, and returns their ids.
func write(t *testing.T, db *store.DB, n int, label string) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for i := range n {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return bus.Append(ctx, tx, bus.MessageCreated, "cv_"+label, "in_test", int64(i+1), time.Now(),
				map[string]string{"label": label, "n": fmt.Sprint(i)})
		})
		if err != nil {
			t.Fatalf("append event: %v", err)
		}
		id, err := bus.LastEventID(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// recorder is a handler that records the ids it was given, per delivery.
type recorder struct {
	mu      sync.Mutex
	batches [][]int64
	fail    func(evs []bus.Event) error // optional
}

func (r *recorder) handle(_ context.Context, evs []bus.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []int64
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	r.batches = append(r.batches, ids)
	if r.fail != nil {
		return r.fail(evs)
	}
	return nil
}

func (r *recorder) ids() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int64
	for _, b := range r.batches {
		out = append(out, b...)
	}
	return out
}

// waitSeen polls until every id in want was delivered.
func (r *recorder) waitSeen(t *testing.T, want []int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := r.ids()
		missing := 0
		for _, id := range want {
			if !slices.Contains(got, id) {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10s the subscriber has seen %v; %d of %v missing", got, missing, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// running is a dispatcher started in the background.
type running struct {
	d      *bus.Dispatcher
	cancel context.CancelFunc
	done   chan struct{}
}

type sub struct {
	name    string
	durable bool
	r       *recorder
}

func start(t *testing.T, db *store.DB, subs ...sub) *running {
	t.Helper()
	d := bus.NewDispatcher(db, testLogger(t), 20*time.Millisecond)
	for _, s := range subs {
		if err := d.Subscribe(context.Background(), s.name, s.durable, s.r.handle); err != nil {
			t.Fatalf("subscribe %s: %v", s.name, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{d: d, cancel: cancel, done: make(chan struct{})}
	go func() { d.Run(ctx); close(r.done) }()
	t.Cleanup(r.stop)
	return r
}

func (r *running) stop() {
	r.cancel()
	<-r.done
}

func storedCursor(t *testing.T, db *store.DB, name string) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), "SELECT last_id FROM bus_cursors WHERE name = ?", name).Scan(&id); err != nil {
		t.Fatalf("cursor of %s: %v", name, err)
	}
	return id
}

func assertIncreasing(t *testing.T, ids []int64) {
	t.Helper()
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("delivered out of order: %v", ids)
		}
	}
}

func TestDurableSubscriberResumesAfterRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		write(t, db, 2, "before") // history older than the subscriber

		first := &recorder{}
		d1 := start(t, db, sub{"indexer", true, first})
		batch1 := write(t, db, 5, "one")
		d1.d.Notify()
		first.waitSeen(t, batch1)
		waitCursor(t, db, "indexer", batch1[len(batch1)-1])
		d1.stop()
		seen1 := first.ids()
		assertIncreasing(t, seen1)
		cursor := storedCursor(t, db, "indexer")
		if cursor != seen1[len(seen1)-1] {
			t.Fatalf("stored cursor %d, want the last delivered id %d", cursor, seen1[len(seen1)-1])
		}

		// Events written while the subscriber is down…
		batch2 := write(t, db, 5, "two")

		// …reach it after the restart, and nothing before its cursor
		// comes again.
		second, live := &recorder{}, &recorder{}
		d2 := start(t, db, sub{"indexer", true, second}, sub{"console", false, live})
		batch3 := write(t, db, 3, "three")
		d2.d.Notify()
		second.waitSeen(t, append(slices.Clone(batch2), batch3...))
		live.waitSeen(t, batch3)
		waitCursor(t, db, "indexer", batch3[len(batch3)-1])
		d2.stop()

		seen2 := second.ids()
		assertIncreasing(t, seen2)
		if seen2[0] != batch2[0] {
			t.Fatalf("after the restart delivery began at %d, want the first event after cursor %d (%d)", seen2[0], cursor, batch2[0])
		}
		all := append(slices.Clone(seen1), seen2...)
		for _, id := range append(append(slices.Clone(batch1), batch2...), batch3...) {
			if !slices.Contains(all, id) {
				t.Fatalf("event %d was never delivered (run 1 %v, run 2 %v)", id, seen1, seen2)
			}
		}
		if got := storedCursor(t, db, "indexer"); got != batch3[len(batch3)-1] {
			t.Fatalf("stored cursor %d, want %d", got, batch3[len(batch3)-1])
		}

		// The live subscriber started at the newest event: it never saw
		// what happened before it subscribed.
		gotLive := live.ids()
		assertIncreasing(t, gotLive)
		if !slices.Equal(gotLive, batch3) {
			t.Fatalf("live subscriber saw %v, want only the events after it subscribed %v", gotLive, batch3)
		}
		var n int
		if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM bus_cursors WHERE name = ?", "console").Scan(&n); err != nil || n != 0 {
			t.Fatalf("live subscriber stored a cursor (%d rows, %v)", n, err)
		}
	})
}

// A durable subscriber that has not yet been handed anything has no stored
// cursor; events written while it is down must still reach it after a
// restart.
func TestDurableSubscriberWithoutDeliveriesMissesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d1 := start(t, db, sub{"mailer", true, &recorder{}})
		d1.stop()
		missed := write(t, db, 3, "down")
		r := &recorder{}
		d2 := start(t, db, sub{"mailer", true, r})
		later := write(t, db, 1, "up")
		d2.d.Notify()
		r.waitSeen(t, later)
		for _, id := range missed {
			if !slices.Contains(r.ids(), id) {
				t.Fatalf("event %d written while the durable subscriber was down was never delivered (got %v)", id, r.ids())
			}
		}
	})
}

func TestFailedDeliveryIsRetriedForDurableOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		failOnce := func() func([]bus.Event) error {
			var mu sync.Mutex
			failed := false
			return func([]bus.Event) error {
				mu.Lock()
				defer mu.Unlock()
				if !failed {
					failed = true
					return errors.New("downstream unavailable")
				}
				return nil
			}
		}
		// Give the durable subscriber a stored cursor, then write while it
		// is down, so its first delivery after the restart is exactly
		// these events.
		seedRec := &recorder{}
		seed := start(t, db, sub{"webhooks", true, seedRec})
		seeded := write(t, db, 1, "seed")
		seed.d.Notify()
		seedRec.waitSeen(t, seeded)
		waitCursor(t, db, "webhooks", seeded[0])
		seed.stop()
		pending := write(t, db, 3, "pending")

		durable := &recorder{fail: failOnce()}
		live := &recorder{fail: failOnce()}
		d := start(t, db, sub{"webhooks", true, durable}, sub{"console", false, live})
		durable.waitSeen(t, pending)
		waitCursor(t, db, "webhooks", pending[2])
		fresh := write(t, db, 4, "fresh")
		d.d.Notify()
		durable.waitSeen(t, fresh)
		live.waitSeen(t, fresh[1:]) // the first live batch failed; it may have held fresh[0] only
		waitCursor(t, db, "webhooks", fresh[3])
		d.stop()

		count := func(ids []int64, id int64) int {
			n := 0
			for _, x := range ids {
				if x == id {
					n++
				}
			}
			return n
		}
		durable.mu.Lock()
		firstBatch := durable.batches[0]
		durable.mu.Unlock()
		if !slices.Equal(firstBatch, pending) {
			t.Fatalf("durable subscriber's first (failed) delivery was %v, want %v", firstBatch, pending)
		}
		for _, id := range pending {
			if c := count(durable.ids(), id); c != 2 {
				t.Fatalf("durable subscriber got event %d %d time(s), want it again after the failure: %v", id, c, durable.batches)
			}
		}
		for _, id := range fresh {
			if c := count(durable.ids(), id); c != 1 {
				t.Fatalf("durable subscriber got event %d %d times, want once: %v", id, c, durable.batches)
			}
			// The live subscriber's failed batch is skipped, never repeated.
			if c := count(live.ids(), id); c != 1 {
				t.Fatalf("live subscriber got event %d %d times, want exactly once: %v", id, c, live.batches)
			}
		}
	})
}

// waitCursor polls until the subscriber's stored cursor reaches id: a
// handler returns before the dispatcher saves the cursor, so stopping right
// after a delivery may lose the save (and redeliver, which is allowed).
func waitCursor(t *testing.T, db *store.DB, name string, id int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := storedCursorOrZero(t, db, name)
		if got == id {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("cursor of %s is %d after 10s, want %d", name, got, id)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func storedCursorOrZero(t *testing.T, db *store.DB, name string) int64 {
	t.Helper()
	var id int64
	err := db.QueryRow(context.Background(), "SELECT last_id FROM bus_cursors WHERE name = ?", name).Scan(&id)
	if err != nil && !strings.Contains(err.Error(), "no rows") {
		t.Fatal(err)
	}
	return id
}

func TestReadEventsPagesInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if id, err := bus.LastEventID(ctx, db); err != nil || id != 0 {
			t.Fatalf("empty outbox: last id %d, %v; want 0", id, err)
		}
		ids := write(t, db, 7, "page")
		for _, tc := range []struct {
			after int64
			limit int
			want  []int64
		}{
			{0, 3, ids[:3]},
			{ids[2], 3, ids[3:6]},
			{ids[5], 3, ids[6:]},
			{ids[6], 3, nil},
		} {
			evs, err := bus.ReadEvents(ctx, db, tc.after, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, e := range evs {
				got = append(got, e.ID)
				var p map[string]string
				if err := json.Unmarshal(e.Payload, &p); err != nil || p["label"] != "page" {
					t.Fatalf("event %d payload %s: %v", e.ID, e.Payload, err)
				}
				if e.Type != bus.MessageCreated || e.ConversationID != "cv_page" || e.InboxID != "in_test" || e.CreatedAt.IsZero() {
					t.Fatalf("event %+v lost fields", e)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("after %d limit %d: %v, want %v", tc.after, tc.limit, got, tc.want)
			}
		}
	})
}
