package kb

import (
	"context"
	"fmt"
)

// Version is a cheap fingerprint of the articles: it changes when an
// article is added, changed or deleted, so derived data (the bot's model,
// the search indexes) knows when to rebuild. The database part notices
// writes by other processes (another node on the same PostgreSQL); the
// generation notices two writes in the same millisecond in this one.
type Version struct {
	Gen        uint64
	Count      int
	MaxUpdated int64
}

func (v Version) String() string { return fmt.Sprintf("%d-%d-%d", v.Count, v.MaxUpdated, v.Gen) }

// Version returns the fingerprint of the articles of locale, or of all
// articles when locale is "".
func (s *Store) Version(ctx context.Context, locale string) (Version, error) {
	v := Version{Gen: s.Generation()}
	q, args := "SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM articles", []any{}
	if locale != "" {
		q, args = q+" WHERE locale = ?", append(args, locale)
	}
	if err := s.db.QueryRow(ctx, q, args...).Scan(&v.Count, &v.MaxUpdated); err != nil {
		return v, fmt.Errorf("read knowledge base version: %w", err)
	}
	return v, nil
}
