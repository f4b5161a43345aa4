package conversation

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/huiying/huiying/internal/store"
)

// searchBatch bounds the messages one IndexForSearch transaction indexes,
// so that it holds SQLite's one writer for a few milliseconds at a time.
const searchBatch = 500

// IndexForSearch adds up to searchBatch messages stored since the last
// call to SQLite's search index, in one write transaction, and returns how
// many message ids it covered (0: nothing was waiting). On PostgreSQL the
// indexes follow each write and it does nothing.
func (s *Store) IndexForSearch(ctx context.Context) (int, error) {
	if s.db.Dialect != store.SQLite {
		return 0, nil
	}
	var n int
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var upto, top int64
		if err := tx.QueryRow(ctx, "SELECT indexed_upto FROM messages_fts_cursor").Scan(&upto); err != nil {
			return fmt.Errorf("read the search index's cursor: %w", err)
		}
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM (SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT ?)",
			upto, searchBatch).Scan(&top); err != nil {
			return fmt.Errorf("find messages to index: %w", err)
		}
		if top <= upto {
			return nil
		}
		if _, err := tx.Exec(ctx, "INSERT INTO messages_fts (rowid, body) SELECT id, body FROM messages "+
			"WHERE id > ? AND id <= ? AND direction NOT IN ('bot', 'system')", upto, top); err != nil {
			return fmt.Errorf("index messages %d to %d: %w", upto+1, top, err)
		}
		if _, err := tx.Exec(ctx, "UPDATE messages_fts_cursor SET indexed_upto = ?", top); err != nil {
			return fmt.Errorf("move the search index's cursor: %w", err)
		}
		n = int(top - upto)
		return nil
	})
	return n, err
}

// RunSearchIndexer indexes new messages every interval, and at once again
// while a batch was full, until ctx is done. Serve runs it and joins it.
func (s *Store) RunSearchIndexer(ctx context.Context, interval time.Duration, log *slog.Logger) {
	if s.db.Dialect != store.SQLite {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.IndexForSearch(ctx)
		if err != nil && ctx.Err() == nil && log != nil {
			log.Error("search index", "err", err)
		}
		if n >= searchBatch && err == nil {
			continue // more are waiting
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
