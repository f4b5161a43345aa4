package kb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/huiying/huiying/internal/store"
)

// VoteCounts are the "Was this helpful?" answers for one article.
type VoteCounts struct {
	Helpful    int64 `json:"helpful"`
	NotHelpful int64 `json:"not_helpful"`
}

// Vote records one reader's answer for a published article and returns the
// new counts. A draft or missing article is not found: readers can only
// vote on what the help center shows.
func (s *Store) Vote(ctx context.Context, id, locale string, helpful bool) (VoteCounts, error) {
	if !KnownLocale(locale) {
		return VoteCounts{}, notFound(id, locale)
	}
	yes, no := 0, 0
	if helpful {
		yes = 1
	} else {
		no = 1
	}
	var out VoteCounts
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var status string
		err := tx.QueryRow(ctx, "SELECT status FROM articles WHERE id = ? AND locale = ?", id, locale).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && status != StatusPublished) {
			return notFound(id, locale)
		}
		if err != nil {
			return fmt.Errorf("vote on article %s/%s: %w", locale, id, err)
		}
		err = tx.QueryRow(ctx, `INSERT INTO help_votes (article_id, locale, helpful, not_helpful, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (article_id, locale) DO UPDATE SET
				helpful = help_votes.helpful + excluded.helpful,
				not_helpful = help_votes.not_helpful + excluded.not_helpful,
				updated_at = excluded.updated_at
			RETURNING helpful, not_helpful`,
			id, locale, yes, no, s.now().UnixMilli()).Scan(&out.Helpful, &out.NotHelpful)
		if err != nil {
			return fmt.Errorf("vote on article %s/%s: %w", locale, id, err)
		}
		return nil
	})
	return out, err
}

// Votes returns the counts for one article; an article nobody voted on has
// zero of each.
func (s *Store) Votes(ctx context.Context, id, locale string) (VoteCounts, error) {
	var out VoteCounts
	err := s.db.QueryRow(ctx, "SELECT helpful, not_helpful FROM help_votes WHERE article_id = ? AND locale = ?",
		id, locale).Scan(&out.Helpful, &out.NotHelpful)
	if errors.Is(err, sql.ErrNoRows) {
		return VoteCounts{}, nil
	}
	if err != nil {
		return VoteCounts{}, fmt.Errorf("read votes of article %s/%s: %w", locale, id, err)
	}
	return out, nil
}
