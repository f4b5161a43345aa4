package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/huiying/huiying/internal/attachment"
	"github.com/huiying/huiying/internal/conversation"
)

// Retention deletes closed conversations whose last activity is more than
// Days days old, with their messages, tags, events and attachments (rows
// and files). Days = 0 keeps everything.
type Retention struct {
	Convs *conversation.Store
	Files attachment.Storage
	Days  int
	Now   func() time.Time // the clock; injectable for tests
	Log   *slog.Logger
}

// purgeBatch bounds one transaction, so a first purge of a large backlog
// does not hold the write lock for long.
const purgeBatch = 500

// PurgeOnce deletes what is due now and returns how many conversations it
// deleted.
func (r Retention) PurgeOnce(ctx context.Context) (int, error) {
	if r.Days <= 0 {
		return 0, nil
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	cutoff := now().Add(-time.Duration(r.Days) * 24 * time.Hour)
	total := 0
	for {
		n, atts, err := r.Convs.PurgeClosed(ctx, cutoff, purgeBatch)
		total += n
		for _, id := range atts {
			if ferr := r.Files.Delete(ctx, id); ferr != nil && r.Log != nil {
				r.Log.Warn("retention: delete attachment file", "attachment", id, "err", ferr)
			}
		}
		if err != nil {
			return total, err
		}
		if n < purgeBatch {
			return total, nil
		}
	}
}

// Run purges at once and then every interval until ctx ends.
func (r Retention) Run(ctx context.Context, interval time.Duration) {
	if r.Days <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := r.PurgeOnce(ctx)
		if err != nil && ctx.Err() == nil && r.Log != nil {
			r.Log.Error("retention purge failed", "err", err)
		} else if n > 0 && r.Log != nil {
			r.Log.Info("retention purge", "deleted_conversations", n, "older_than_days", r.Days)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
