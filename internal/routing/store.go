package routing

import (
	"context"
	"database/sql"
	"time"

	"github.com/huiying/huiying/internal/store"
)

// Store reads and writes routing's tables: agents' presence and settings,
// teams' routing, the queue and the assignment log.
type Store struct {
	db  *store.DB
	now func() time.Time
}

// NewStore returns a Store on db with the clock now (time.Now when nil).
func NewStore(db *store.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

// querier is a database or a transaction.
type querier interface {
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
