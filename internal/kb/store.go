package kb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// Store reads and writes knowledge-base articles.
type Store struct {
	db  *store.DB
	now func() time.Time
	// gen counts this process's writes, so a search index can tell it is
	// stale without asking the database (see Generation).
	gen atomic.Uint64
}

// Generation changes after every write made through this Store.
func (s *Store) Generation() uint64 { return s.gen.Load() }

// NewStore returns a Store on db. now is the clock (time.Now when nil).
func NewStore(db *store.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

const cols = "id, locale, category, title, body, questions, status, created_at, updated_at"

func scan(row interface{ Scan(...any) error }) (Article, error) {
	var a Article
	var questions string
	var created, updated int64
	if err := row.Scan(&a.ID, &a.Locale, &a.Category, &a.Title, &a.Body, &questions, &a.Status, &created, &updated); err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(questions), &a.Questions); err != nil {
		return a, fmt.Errorf("article %s/%s: questions: %w", a.Locale, a.ID, err)
	}
	if a.Questions == nil {
		a.Questions = []string{}
	}
	a.CreatedAt, a.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return a, nil
}

// List returns the articles matching the filters (an empty filter matches
// everything), sorted by locale, then id. Unknown filter values are errors.
func (s *Store) List(ctx context.Context, locale, category, status string) ([]Article, error) {
	q := "SELECT " + cols + " FROM articles WHERE 1 = 1"
	var args []any
	if locale != "" {
		if !KnownLocale(locale) {
			return nil, apperr.New(apperr.Invalid, "unknown locale %q", locale)
		}
		q += " AND locale = ?"
		args = append(args, locale)
	}
	if category != "" {
		if !KnownCategory(category) {
			return nil, apperr.New(apperr.Invalid, "unknown category %q", category)
		}
		q += " AND category = ?"
		args = append(args, category)
	}
	if status != "" {
		if !KnownStatus(status) {
			return nil, apperr.New(apperr.Invalid, "unknown status %q (use %q or %q)", status, StatusPublished, StatusDraft)
		}
		q += " AND status = ?"
		args = append(args, status)
	}
	rows, err := s.db.Query(ctx, q+" ORDER BY locale, id", args...)
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	defer rows.Close()
	out := []Article{}
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("list articles: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Count returns the number of articles.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM articles").Scan(&n); err != nil {
		return 0, fmt.Errorf("count articles: %w", err)
	}
	return n, nil
}

// Get returns one article.
func (s *Store) Get(ctx context.Context, id, locale string) (Article, error) {
	a, err := scan(s.db.QueryRow(ctx, "SELECT "+cols+" FROM articles WHERE id = ? AND locale = ?", id, locale))
	if errors.Is(err, sql.ErrNoRows) {
		return Article{}, notFound(id, locale)
	}
	if err != nil {
		return Article{}, fmt.Errorf("read article %s/%s: %w", locale, id, err)
	}
	return a, nil
}

// Upsert creates or replaces the article a.ID in a.Locale after
// normalizing and validating it. An existing article keeps its created_at.
func (s *Store) Upsert(ctx context.Context, a Article) (Article, error) {
	var out Article
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = s.upsert(ctx, tx, a)
		return err
	})
	s.gen.Add(1)
	return out, err
}

// UpsertAll validates every article first and then writes them all in one
// transaction: either all are stored or none. progress, when set, is called
// after each write with the number written so far.
func (s *Store) UpsertAll(ctx context.Context, as []Article, progress func(done int)) error {
	seen := map[[2]string]bool{}
	for i := range as {
		as[i].Normalize()
		if err := as[i].Validate(); err != nil {
			return apperr.New(apperr.Invalid, "article %s/%s: %s", as[i].Locale, as[i].ID, err)
		}
		k := [2]string{as[i].ID, as[i].Locale}
		if seen[k] {
			return apperr.New(apperr.Invalid, "article %s/%s appears twice", as[i].Locale, as[i].ID)
		}
		seen[k] = true
	}
	defer s.gen.Add(1)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		for i, a := range as {
			if _, err := s.upsert(ctx, tx, a); err != nil {
				return err
			}
			if progress != nil {
				progress(i + 1)
			}
		}
		return nil
	})
}

func (s *Store) upsert(ctx context.Context, tx *store.Tx, a Article) (Article, error) {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return Article{}, apperr.New(apperr.Invalid, "%s", err)
	}
	qs, err := json.Marshal(a.Questions)
	if err != nil {
		return Article{}, err
	}
	now := s.now().UnixMilli()
	var created int64
	err = tx.QueryRow(ctx, "SELECT created_at FROM articles WHERE id = ? AND locale = ?", a.ID, a.Locale).Scan(&created)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		created = now
		_, err = tx.Exec(ctx, "INSERT INTO articles ("+cols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			a.ID, a.Locale, a.Category, a.Title, a.Body, string(qs), a.Status, created, now)
	case err == nil:
		_, err = tx.Exec(ctx, "UPDATE articles SET category = ?, title = ?, body = ?, questions = ?, status = ?, updated_at = ? WHERE id = ? AND locale = ?",
			a.Category, a.Title, a.Body, string(qs), a.Status, now, a.ID, a.Locale)
	}
	if err != nil {
		return Article{}, fmt.Errorf("save article %s/%s: %w", a.Locale, a.ID, err)
	}
	a.CreatedAt, a.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(now).UTC()
	return a, nil
}

// Delete removes one article.
func (s *Store) Delete(ctx context.Context, id, locale string) error {
	res, err := s.db.Exec(ctx, "DELETE FROM articles WHERE id = ? AND locale = ?", id, locale)
	s.gen.Add(1)
	if err != nil {
		return fmt.Errorf("delete article %s/%s: %w", locale, id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return notFound(id, locale)
	}
	return nil
}

func notFound(id, locale string) error {
	return apperr.New(apperr.NotFound, "article %q in locale %q not found", id, locale)
}
