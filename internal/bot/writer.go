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
//
// A conversation with a backlog (a visitor who sent many messages while
// the bot yielded to intake) is written maxPlansPerWrite plans at a time,
// one write after the other, so that no single write lengthens intake's
// transaction, and the acknowledgements waiting on it, by much.
func (s *Service) record(ctx context.Context, ps []plan) error {
	for len(ps) > 0 {
		chunk := ps[:min(len(ps), maxPlansPerWrite)]
		ps = ps[len(chunk):]
		if err := s.opts.Writer.Write(ctx, func(tx *store.Tx) error { return s.commitAllTx(ctx, tx, chunk) }); err != nil {
			return err
		}
	}
	return nil
}

// maxPlansPerWrite bounds the decisions one write records.
const maxPlansPerWrite = 8

// commitAllTx writes plans in order inside tx.
func (s *Service) commitAllTx(ctx context.Context, tx *store.Tx, ps []plan) error {
	for _, p := range ps {
		if err := s.commitTx(ctx, tx, p); err != nil {
			return err
		}
	}
	return nil
}
