package bot

import (
	"context"

	"github.com/huiying/huiying/internal/store"
)

// record writes a conversation's plans, in order, in one transaction of
// the bot's Writer, and returns once it has committed. In production the
// Writer is intake's group commit: every conversation's plans recorded at
// the same moment (the workers of one batch, and the messages arriving
// then) share one transaction and one fsync, and a plan that fails is
// retried apart from the others, so one conversation's bad decision fails
// only that conversation.
func (s *Service) record(ctx context.Context, ps []plan) error {
	if len(ps) == 0 {
		return nil
	}
	return s.opts.Writer.Write(ctx, func(tx *store.Tx) error { return s.commitAllTx(ctx, tx, ps) })
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
