package bus

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/huiying/huiying/internal/store"
)

// Handler receives events in id order. Returning an error makes the
// dispatcher deliver the same events again later (durable subscribers) or
// skip them (live subscribers).
type Handler func(ctx context.Context, events []Event) error

// Dispatcher publishes outbox events to subscribers. Each subscriber has its
// own cursor and goroutine so a slow one does not hold up the others.
type Dispatcher struct {
	db   *store.DB
	log  *slog.Logger
	poll time.Duration

	mu   sync.Mutex
	subs []*subscriber
	wg   sync.WaitGroup
}

type subscriber struct {
	name    string
	durable bool
	handler Handler
	cursor  int64
	poke    chan struct{}
	// saved is the cursor last stored and savedAt when (durable only).
	saved   int64
	savedAt time.Time
}

// cursorEvery is how often a busy durable subscriber's cursor is stored:
// storing it after every batch costs a write transaction each. A durable
// handler sees events at least once anyway, so what a crash loses is only
// a redelivery of at most this much; an idle subscriber and one that stops
// store theirs at once.
const cursorEvery = 250 * time.Millisecond

// NewDispatcher returns a dispatcher that also polls the outbox every poll
// interval, to pick up events written by other processes or nodes.
func NewDispatcher(db *store.DB, log *slog.Logger, poll time.Duration) *Dispatcher {
	if poll <= 0 {
		poll = 500 * time.Millisecond
	}
	return &Dispatcher{db: db, log: log, poll: poll}
}

// Subscribe registers a handler. A durable subscriber resumes from its
// stored cursor after a restart, so it sees every event at least once; a
// live subscriber starts at the newest event and sees what happens from now
// on (WebSocket fan-out: clients catch up from the database by sequence).
// Subscribe before Run.
func (d *Dispatcher) Subscribe(ctx context.Context, name string, durable bool, h Handler) error {
	cur, err := d.startCursor(ctx, name, durable)
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.subs = append(d.subs, &subscriber{name: name, durable: durable, handler: h, cursor: cur, saved: cur, poke: make(chan struct{}, 1)})
	d.mu.Unlock()
	return nil
}

func (d *Dispatcher) startCursor(ctx context.Context, name string, durable bool) (int64, error) {
	if durable {
		var cur int64
		err := d.db.QueryRow(ctx, "SELECT last_id FROM bus_cursors WHERE name = ?", name).Scan(&cur)
		if err == nil {
			return cur, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("read cursor of %s: %w", name, err)
		}
	}
	cur, err := LastEventID(ctx, d.db)
	if err != nil {
		return 0, err
	}
	if durable {
		// Store the starting point now: a subscriber that stops before its
		// first delivery must still resume here, not at a later newest event.
		if err := d.saveCursor(ctx, name, cur); err != nil {
			return 0, err
		}
	}
	return cur, nil
}

// LastEventID returns the id of the newest outbox event (0 when empty).
func LastEventID(ctx context.Context, db *store.DB) (int64, error) {
	var id sql.NullInt64
	if err := db.QueryRow(ctx, "SELECT MAX(id) FROM events").Scan(&id); err != nil {
		return 0, fmt.Errorf("read newest event id: %w", err)
	}
	return id.Int64, nil
}

// Notify tells the dispatcher new events were committed.
func (d *Dispatcher) Notify() {
	d.mu.Lock()
	for _, s := range d.subs {
		select {
		case s.poke <- struct{}{}:
		default:
		}
	}
	d.mu.Unlock()
}

// Run delivers events until ctx is cancelled, then returns after every
// subscriber's loop has stopped. On the way out each live subscriber is
// handed every event committed until then (for at most drainTimeout), so
// a shutdown that first stops the writers loses no event to listeners
// without sleeping on it; durable subscribers stop at once and resume from
// their cursors.
func (d *Dispatcher) Run(ctx context.Context) {
	d.mu.Lock()
	subs := append([]*subscriber(nil), d.subs...)
	d.mu.Unlock()
	for _, s := range subs {
		d.wg.Add(1)
		go d.loop(ctx, s)
	}
	d.wg.Wait()
}

func (d *Dispatcher) loop(ctx context.Context, s *subscriber) {
	defer d.wg.Done()
	t := time.NewTicker(d.poll)
	defer t.Stop()
	for {
		for d.deliver(ctx, s) {
		}
		select {
		case <-ctx.Done():
			d.storeCursor(ctx, s, true)
			if !s.durable {
				dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
				for d.deliver(dctx, s) {
				}
				cancel()
			}
			return
		case <-s.poke:
		case <-t.C:
		}
	}
}

const batchSize = 500

// drainTimeout bounds the last deliveries to live subscribers at stop.
const drainTimeout = 5 * time.Second

// deliver hands the next batch to the subscriber and reports whether there
// may be more waiting.
func (d *Dispatcher) deliver(ctx context.Context, s *subscriber) bool {
	evs, err := ReadEvents(ctx, d.db, s.cursor, batchSize)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Error("read outbox", "subscriber", s.name, "err", err)
		}
		return false
	}
	if len(evs) == 0 {
		d.storeCursor(ctx, s, true) // idle: nothing pending to wait for
		return false
	}
	if err := s.handler(ctx, evs); err != nil {
		if s.durable {
			if ctx.Err() == nil {
				d.log.Error("subscriber failed; will retry", "subscriber", s.name, "err", err)
			}
			return false
		}
		d.log.Warn("live subscriber failed; events skipped", "subscriber", s.name, "err", err)
	}
	s.cursor = evs[len(evs)-1].ID
	d.storeCursor(ctx, s, ctx.Err() != nil)
	return len(evs) == batchSize
}

// storeCursor stores a durable subscriber's cursor when it moved and,
// unless now is set, cursorEvery has passed since the last store. It
// stores it even when ctx has ended: the events before it are handled.
func (d *Dispatcher) storeCursor(ctx context.Context, s *subscriber, now bool) {
	if !s.durable || s.cursor == s.saved || (!now && time.Since(s.savedAt) < cursorEvery) {
		return
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	if err := d.saveCursor(sctx, s.name, s.cursor); err != nil {
		d.log.Error("save cursor", "subscriber", s.name, "err", err)
		return
	}
	s.saved, s.savedAt = s.cursor, time.Now()
}

func (d *Dispatcher) saveCursor(ctx context.Context, name string, id int64) error {
	_, err := d.db.Exec(ctx, `INSERT INTO bus_cursors (name, last_id) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id`, name, id)
	if err != nil {
		return fmt.Errorf("save cursor of %s: %w", name, err)
	}
	return nil
}

// ReadEventsQuery is ReadEvents' statement, for store.DB.PrepareReads:
// every subscriber runs it for every batch.
const ReadEventsQuery = `SELECT id, type, conversation_id, inbox_id, seq, payload, created_at
		FROM events WHERE id > ? ORDER BY id LIMIT ?`

// ReadEvents returns up to limit events with id > after, in id order.
func ReadEvents(ctx context.Context, db *store.DB, after int64, limit int) ([]Event, error) {
	rows, err := db.Query(ctx, ReadEventsQuery, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read events after %d: %w", after, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var payload string
		var created int64
		if err := rows.Scan(&e.ID, &e.Type, &e.ConversationID, &e.InboxID, &e.Seq, &payload, &created); err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		e.Payload = json.RawMessage(payload)
		e.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
