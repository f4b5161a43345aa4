package routing

import (
	"context"
	"fmt"
	"time"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// overflowBatch bounds the conversations one rule moves per tick.
const overflowBatch = 200

// overflow moves conversations that waited longer than their team's rule
// allows to the rule's team: the queue entry keeps its first queued time
// (so it is not sent to the back) and the conversation's team changes.
func (r *Router) overflow(ctx context.Context) error {
	teams, err := r.store.Teams(ctx)
	if err != nil {
		return err
	}
	for _, t := range teams {
		if t.OverflowTeamID == "" || t.OverflowAfterMinutes <= 0 {
			continue
		}
		moved, err := r.overflowTeam(ctx, t)
		if err != nil {
			return err
		}
		if moved > 0 {
			r.opts.Log.Info("routing: overflow", "from", t.TeamID, "to", t.OverflowTeamID, "conversations", moved)
			r.markDirty(t.TeamID, t.OverflowTeamID)
		}
	}
	return nil
}

func (r *Router) overflowTeam(ctx context.Context, t Team) (int, error) {
	now := r.opts.Now()
	cutoff := now.Add(-time.Duration(t.OverflowAfterMinutes) * time.Minute).UnixMilli()
	moved := 0
	err := r.writer.Write(ctx, func(tx *store.Tx) error {
		moved = 0
		rows, err := tx.Query(ctx, "SELECT q.conversation_id FROM routing_queue q"+waitingJoin+
			" WHERE q.team_id = ? AND q.team_since <= ? ORDER BY q.rank, q.queued_at LIMIT ?", t.TeamID, cutoff, overflowBatch)
		if err != nil {
			return fmt.Errorf("find conversations to overflow from %s: %w", t.TeamID, err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("find conversations to overflow from %s: %w", t.TeamID, err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		to := t.OverflowTeamID
		for _, id := range ids {
			if _, err := tx.Exec(ctx, "UPDATE routing_queue SET team_id = ?, team_since = ? WHERE conversation_id = ?",
				to, now.UnixMilli(), id); err != nil {
				return fmt.Errorf("overflow %s: %w", id, err)
			}
			if _, err := r.convs.UpdateTx(ctx, tx, id, conversation.Change{TeamID: &to}); err != nil {
				return err
			}
			moved++
		}
		return rows.Err()
	})
	return moved, err
}
