package bot

import (
	"context"

	"github.com/huiying/huiying/internal/store"
)

// maxPlanBatch bounds how many decisions one transaction records.
const maxPlanBatch = 16

// planWriter records the decisions of one Handle call with group commit,
// as intake does with messages: the workers hand their plans to one
// goroutine, which writes every plan waiting at that moment in one
// transaction. So a burst of questions costs the database one commit (one
// fsync on SQLite) per batch instead of one per decision, and the bot
// holds the single writer for fewer, shorter turns beside intake's.
type planWriter struct {
	s    *Service
	in   chan *pendingPlan
	done chan struct{}
}

// pendingPlan is one conversation's plans, in order, waiting for their
// transaction, and where the outcome of that transaction goes.
type pendingPlan struct {
	ps  []plan
	err chan error
}

// startWriter starts a planWriter; its owner calls close once no worker
// will commit again.
func (s *Service) startWriter(ctx context.Context) *planWriter {
	w := &planWriter{s: s, in: make(chan *pendingPlan), done: make(chan struct{})}
	go w.run(ctx)
	return w
}

// commit records a conversation's plans, in order, and returns once their
// transaction has committed (or failed). Plans that fail only in company
// are retried on their own, so one conversation's bad decision does not
// fail the others'.
func (w *planWriter) commit(ctx context.Context, ps []plan) error {
	if len(ps) == 0 {
		return nil
	}
	pp := &pendingPlan{ps: ps, err: make(chan error, 1)}
	select {
	case w.in <- pp:
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-pp.err
}

// close stops the writer after the plans already handed over, and waits
// for it.
func (w *planWriter) close() {
	close(w.in)
	<-w.done
}

func (w *planWriter) run(ctx context.Context) {
	defer close(w.done)
	batch := make([]*pendingPlan, 0, maxPlanBatch)
	for first := range w.in {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxPlanBatch {
			select {
			case pp, ok := <-w.in:
				if !ok {
					break drain
				}
				batch = append(batch, pp)
			default:
				break drain
			}
		}
		w.write(ctx, batch)
	}
}

// write commits the batch in one transaction, or each plan on its own
// when the batch fails and has more than one.
func (w *planWriter) write(ctx context.Context, batch []*pendingPlan) {
	err := w.s.opts.Writer.Write(ctx, func(tx *store.Tx) error {
		for _, pp := range batch {
			if err := w.s.commitAllTx(ctx, tx, pp.ps); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && len(batch) > 1 && ctx.Err() == nil {
		for _, pp := range batch {
			pp.err <- w.s.opts.Writer.Write(ctx, func(tx *store.Tx) error { return w.s.commitAllTx(ctx, tx, pp.ps) })
		}
		return
	}
	for _, pp := range batch {
		pp.err <- err
	}
}

// commitAllTx writes plans in order inside tx.
func (s *Service) commitAllTx(ctx context.Context, tx *store.Tx, ps []plan) error {
	for _, p := range ps {
		if err := s.commitTx(ctx, tx, p); err != nil {
			return err
		}
	}
	return nil
}
