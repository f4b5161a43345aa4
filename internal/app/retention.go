package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/huiying/huiying/internal/attachment"
	"github.com/huiying/huiying/internal/audit"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// Retention deletes closed conversations whose last activity is more than
// Days days old, with their messages, tags, events and attachments (rows
// and files), and audit log entries older than AuditDays days. Days = 0
// keeps every conversation, AuditDays = 0 every audit entry.
type Retention struct {
	Convs *conversation.Store
	Files attachment.Storage
	Days  int
	// DB holds the audit log; AuditDays is how long its entries are kept.
	DB        *store.DB
	AuditDays int
	Now       func() time.Time // the clock; injectable for tests
	Log       *slog.Logger
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
	cutoff := r.now().Add(-time.Duration(r.Days) * 24 * time.Hour)
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

func (r Retention) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// PruneAuditOnce deletes the audit log entries older than AuditDays days
// and returns how many it deleted. The log is evidence for investigating
// account abuse, so it is kept long (a year by default), but not forever:
// it holds addresses and user agents.
func (r Retention) PruneAuditOnce(ctx context.Context) (int, error) {
	if r.AuditDays <= 0 || r.DB == nil {
		return 0, nil
	}
	return audit.Prune(ctx, r.DB, r.now().Add(-time.Duration(r.AuditDays)*24*time.Hour), purgeBatch)
}

// Run purges at once and then every interval until ctx ends.
func (r Retention) Run(ctx context.Context, interval time.Duration) {
	if r.Days <= 0 && r.AuditDays <= 0 {
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
		n, err = r.PruneAuditOnce(ctx)
		if err != nil && ctx.Err() == nil && r.Log != nil {
			r.Log.Error("audit log retention failed", "err", err)
		} else if n > 0 && r.Log != nil {
			r.Log.Info("audit log retention", "deleted_entries", n, "older_than_days", r.AuditDays)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
