package conversation

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/huiying/huiying/internal/store"
)

// wakeBatch bounds one wake transaction, so a backlog (a node that was down
// for a day) does not hold the write lock for long.
const wakeBatch = 200

// WakeDue reopens every snoozed conversation whose snoozed_until has
// passed, by the store's clock. Each batch is one transaction that sets the
// status back to open and records conversation.updated, exactly as an
// agent's status change does (the database's after-commit hook tells the
// bus), so consoles see it at once. It returns how many conversations it
// woke. Running it on several nodes at once is safe: each conversation is
// re-read inside the transaction and woken only if it is still snoozed and
// due. The partial index conversations_snoozed_until keeps the look cheap.
func (s *Store) WakeDue(ctx context.Context) (int, error) {
	total := 0
	for {
		now := s.now()
		woken, seen := 0, 0
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			woken, seen = 0, 0
			ids, err := dueSnoozes(ctx, tx, ms(now))
			if err != nil {
				return err
			}
			seen = len(ids)
			open := StatusOpen
			for _, id := range ids {
				c, err := getConversation(ctx, tx, id)
				if err != nil {
					return err
				}
				if c.Status != StatusSnoozed || c.SnoozedUntil == nil || c.SnoozedUntil.After(now) {
					continue
				}
				if _, err := s.UpdateTx(ctx, tx, id, Change{Status: &open}); err != nil {
					return fmt.Errorf("wake conversation %s: %w", id, err)
				}
				woken++
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += woken
		if seen < wakeBatch {
			return total, nil
		}
	}
}

func dueSnoozes(ctx context.Context, tx *store.Tx, nowMS int64) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM conversations WHERE snoozed_until IS NOT NULL AND snoozed_until <= ?
		AND status = ? ORDER BY snoozed_until LIMIT ?`, nowMS, string(StatusSnoozed), wakeBatch)
	if err != nil {
		return nil, fmt.Errorf("find snoozed conversations due: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("find snoozed conversations due: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// NextSnoozeDue returns the earliest snoozed_until of a snoozed
// conversation; ok is false when nothing is snoozed.
func (s *Store) NextSnoozeDue(ctx context.Context) (t time.Time, ok bool, err error) {
	var v sql.NullInt64
	if err := s.db.QueryRow(ctx, `SELECT MIN(snoozed_until) FROM conversations WHERE snoozed_until IS NOT NULL
		AND status = ?`, string(StatusSnoozed)).Scan(&v); err != nil {
		return time.Time{}, false, fmt.Errorf("find the next snoozed conversation: %w", err)
	}
	if !v.Valid {
		return time.Time{}, false, nil
	}
	return fromMS(v.Int64), true, nil
}

// SnoozerOptions tune a Snoozer; zero values take the defaults.
type SnoozerOptions struct {
	// Sweep is the longest wait between two looks at the database (30 s by
	// default). It bounds how late a snooze set on another node, or inside
	// another package's transaction, is woken.
	Sweep time.Duration
	// After is the timer (time.After by default); tests inject their own.
	// Durations are computed from the store's clock.
	After func(time.Duration) <-chan time.Time
}

// Snoozer wakes snoozed conversations at their snoozed_until. The due time
// lives only in the database, so a restart loses nothing: Run wakes what
// fell due while the node was down as soon as it starts.
type Snoozer struct {
	s     *Store
	log   *slog.Logger
	sweep time.Duration
	after func(time.Duration) <-chan time.Time
	kick  chan struct{}
}

// NewSnoozer returns a Snoozer for s. It hooks s so that a snooze set with
// Update on this node re-arms the timer at once; call it before serving.
func NewSnoozer(s *Store, log *slog.Logger, o SnoozerOptions) *Snoozer {
	if o.Sweep <= 0 {
		o.Sweep = 30 * time.Second
	}
	if o.After == nil {
		o.After = time.After
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &Snoozer{s: s, log: log, sweep: o.Sweep, after: o.After, kick: make(chan struct{}, 1)}
	s.snoozed = w.Kick
	return w
}

// Kick makes Run look at the database again now (a new snooze may be due
// before the one it waits for).
func (w *Snoozer) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// minWait keeps Run from spinning when the clock and the stored
// milliseconds disagree by less than a tick.
const minWait = 10 * time.Millisecond

// Run wakes what is due, then sleeps until the next snoozed_until or the
// sweep interval, whichever is sooner, until ctx ends. It returns only when
// ctx is done.
func (w *Snoozer) Run(ctx context.Context) {
	for {
		wait := w.sweep
		if n, err := w.s.WakeDue(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			w.log.Error("wake snoozed conversations", "err", err)
		} else {
			if n > 0 {
				w.log.Info("woke snoozed conversations", "count", n)
			}
			next, ok, err := w.s.NextSnoozeDue(ctx)
			if err != nil && ctx.Err() == nil {
				w.log.Error("find the next snoozed conversation", "err", err)
			}
			if ok {
				wait = min(max(next.Sub(w.s.now()), minWait), w.sweep)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
		case <-w.after(wait):
		}
	}
}
