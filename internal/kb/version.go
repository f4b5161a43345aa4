package kb

import (
	"context"
	"fmt"
)

// Version is a cheap fingerprint of the articles table: it changes when an
// article is added, changed or deleted, so derived data (the bot's model,
// search indexes) knows when to rebuild.
func (s *Store) Version(ctx context.Context) (string, error) {
	var n, latest int64
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM articles").Scan(&n, &latest); err != nil {
		return "", fmt.Errorf("read knowledge base version: %w", err)
	}
	return fmt.Sprintf("%d-%d", n, latest), nil
}
