package canned

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// Store reads and writes canned replies.
type Store struct {
	db  *store.DB
	now func() time.Time
}

// NewStore returns a Store on db. now is the clock (time.Now when nil).
func NewStore(db *store.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

const cols = "id, shortcut, title, body, created_at, updated_at"

func scan(row interface{ Scan(...any) error }) (Reply, error) {
	var r Reply
	var created, updated int64
	err := row.Scan(&r.ID, &r.Shortcut, &r.Title, &r.Body, &created, &updated)
	r.CreatedAt, r.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return r, err
}

// List returns every reply, sorted by shortcut.
func (s *Store) List(ctx context.Context) ([]Reply, error) {
	rows, err := s.db.Query(ctx, "SELECT "+cols+" FROM canned_replies ORDER BY shortcut")
	if err != nil {
		return nil, fmt.Errorf("list canned replies: %w", err)
	}
	defer rows.Close()
	out := []Reply{}
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("list canned replies: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Create adds a reply written by the agent authorID.
func (s *Store) Create(ctx context.Context, authorID string, ch Change) (Reply, error) {
	switch {
	case ch.Shortcut == nil:
		return Reply{}, apperr.New(apperr.Invalid, "shortcut is required")
	case ch.Title == nil:
		return Reply{}, apperr.New(apperr.Invalid, "title is required")
	case ch.Body == nil:
		return Reply{}, apperr.New(apperr.Invalid, "body is required")
	}
	var r Reply
	if err := ch.apply(&r); err != nil {
		return Reply{}, err
	}
	now := time.UnixMilli(s.now().UnixMilli()).UTC()
	r.ID, r.CreatedAt, r.UpdatedAt = conversation.NewID("cr"), now, now
	var author any
	if authorID != "" {
		author = authorID
	}
	_, err := s.db.Exec(ctx, "INSERT INTO canned_replies ("+cols+", created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
		r.ID, r.Shortcut, r.Title, r.Body, now.UnixMilli(), now.UnixMilli(), author)
	if err != nil {
		return Reply{}, writeErr(err, r.Shortcut)
	}
	return r, nil
}

// Update changes the set fields of a reply.
func (s *Store) Update(ctx context.Context, id string, ch Change) (Reply, error) {
	var out Reply
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		r, err := scan(tx.QueryRow(ctx, "SELECT "+cols+" FROM canned_replies WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(id)
		}
		if err != nil {
			return fmt.Errorf("read canned reply %s: %w", id, err)
		}
		if err := ch.apply(&r); err != nil {
			return err
		}
		r.UpdatedAt = time.UnixMilli(s.now().UnixMilli()).UTC()
		if _, err := tx.Exec(ctx, "UPDATE canned_replies SET shortcut = ?, title = ?, body = ?, updated_at = ? WHERE id = ?",
			r.Shortcut, r.Title, r.Body, r.UpdatedAt.UnixMilli(), id); err != nil {
			return writeErr(err, r.Shortcut)
		}
		out = r
		return nil
	})
	return out, err
}

// Delete removes a reply.
func (s *Store) Delete(ctx context.Context, id string) error {
	res, err := s.db.Exec(ctx, "DELETE FROM canned_replies WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("delete canned reply %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return notFound(id)
	}
	return nil
}

func notFound(id string) error { return apperr.New(apperr.NotFound, "canned reply %q not found", id) }

func writeErr(err error, shortcut string) error {
	if store.IsUniqueViolation(err) {
		return apperr.New(apperr.Conflict, "a canned reply with the shortcut %q exists already", shortcut)
	}
	return fmt.Errorf("save canned reply %q: %w", shortcut, err)
}
