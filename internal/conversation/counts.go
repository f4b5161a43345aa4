package conversation

import (
	"context"
	"fmt"
)

// Counts are the sizes of an agent's inbox views (the tabs) for one filter.
type Counts struct {
	Mine       int64 `json:"mine"`       // assigned to the agent
	Unassigned int64 `json:"unassigned"` // assigned to nobody
	All        int64 `json:"all"`
}

// Count counts, in one pass over the table, the conversations matching f
// (its assignee fields and paging aside: the three counts are the
// assignee split) that are the agent's, nobody's, and anyone's. Each count
// equals the total List gives for the same filter and that assignee.
func (s *Store) Count(ctx context.Context, f Filter, agentID string) (Counts, error) {
	cond, args, err := s.where(f, false)
	if err != nil {
		return Counts{}, err
	}
	q := `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN assignee_id = ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0)
		FROM conversations` + cond
	var c Counts
	if err := s.db.QueryRow(ctx, q, append([]any{agentID}, args...)...).Scan(&c.All, &c.Mine, &c.Unassigned); err != nil {
		return Counts{}, fmt.Errorf("count conversations: %w", err)
	}
	return c, nil
}
