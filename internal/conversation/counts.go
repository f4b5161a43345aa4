package conversation

import (
	"context"
	"fmt"

	"github.com/huiying/huiying/internal/apperr"
)

// Counts are the sizes of an agent's inbox views for one status.
type Counts struct {
	Mine       int64 `json:"mine"`       // assigned to the agent
	Unassigned int64 `json:"unassigned"` // assigned to nobody
	All        int64 `json:"all"`
}

// Count counts the conversations with the status (open when empty),
// optionally in one inbox, in one pass over the table.
func (s *Store) Count(ctx context.Context, status Status, inboxID, agentID string) (Counts, error) {
	if status == "" {
		status = StatusOpen
	}
	if !status.Valid() {
		return Counts{}, apperr.New(apperr.Invalid, "unknown status %q (use open, pending, snoozed, resolved or closed)", status)
	}
	q := `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN assignee_id = ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0)
		FROM conversations WHERE status = ?`
	args := []any{agentID, string(status)}
	if inboxID != "" {
		q += " AND inbox_id = ?"
		args = append(args, inboxID)
	}
	var c Counts
	if err := s.db.QueryRow(ctx, q, args...).Scan(&c.All, &c.Mine, &c.Unassigned); err != nil {
		return Counts{}, fmt.Errorf("count conversations: %w", err)
	}
	return c, nil
}
