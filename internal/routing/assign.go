package routing

import (
	"context"
	"fmt"
	"sort"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// Modes of assignment a team can use.
const (
	LeastLoaded = "least_loaded"
	RoundRobin  = "round_robin"
	Manual      = "manual"
)

// Assigned is one conversation given to an agent.
type Assigned struct {
	ConversationID string
	AgentID        string
	TeamID         string
}

// assignBatch bounds the conversations one transaction assigns.
const assignBatch = 100

// AssignTeam gives the team's waiting conversations to its online members
// with free capacity, most urgent and then oldest first, until the queue
// is empty or nobody has room. It is safe to run from several goroutines
// at once: each conversation is taken with a conditional update, and
// loads are counted inside the transaction that assigns.
func (r *Router) AssignTeam(ctx context.Context, team string) ([]Assigned, error) {
	var all []Assigned
	for {
		var got []Assigned
		err := r.writer.Write(ctx, func(tx *store.Tx) error {
			got = got[:0]
			var err error
			got, err = r.assignTx(ctx, tx, team)
			return err
		})
		if err != nil {
			return all, err
		}
		all = append(all, got...)
		if len(got) < assignBatch {
			return all, nil
		}
	}
}

func (r *Router) assignTx(ctx context.Context, tx *store.Tx, team string) ([]Assigned, error) {
	ts, err := r.store.teamTx(ctx, tx, team)
	if err != nil || ts.Mode == Manual {
		return nil, err
	}
	cands, err := r.store.candidatesTx(ctx, tx, team)
	if err != nil {
		return nil, err
	}
	free := 0
	for _, c := range cands {
		if c.free() > 0 {
			free += c.free()
		}
	}
	if free == 0 {
		return nil, nil
	}
	head, err := r.store.headTx(ctx, tx, team, min(free, assignBatch))
	if err != nil {
		return nil, err
	}
	var out []Assigned
	for _, e := range head {
		c := pick(cands, e.Skills, ts.Mode)
		if c == nil {
			break
		}
		ok, err := r.assignOneTx(ctx, tx, e, c.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			c.Load++
			c.LastAssigned = r.opts.Now().UnixMilli()
			out = append(out, Assigned{ConversationID: e.ConversationID, AgentID: c.ID, TeamID: team})
		}
	}
	return out, nil
}

// pick chooses the agent for a conversation needing skills: among those
// with free capacity, the most matching skills first; then the least
// loaded (fewest conversations, then the longest since their last
// assignment), or with round robin the longest since their last one.
func pick(cands []*candidate, skills []string, mode string) *candidate {
	type scored struct {
		c     *candidate
		match int
	}
	var ok []scored
	for _, c := range cands {
		if c.free() <= 0 {
			continue
		}
		m := 0
		for _, s := range skills {
			if c.Skills[s] {
				m++
			}
		}
		ok = append(ok, scored{c, m})
	}
	if len(ok) == 0 {
		return nil
	}
	sort.SliceStable(ok, func(i, j int) bool {
		a, b := ok[i], ok[j]
		if a.match != b.match {
			return a.match > b.match
		}
		if mode != RoundRobin && a.c.Load != b.c.Load {
			return a.c.Load < b.c.Load
		}
		if a.c.LastAssigned != b.c.LastAssigned {
			return a.c.LastAssigned < b.c.LastAssigned
		}
		return a.c.ID < b.c.ID
	})
	return ok[0].c
}

// assignOneTx gives e's conversation to agent unless someone took it or
// it stopped waiting meanwhile (then it only leaves the queue).
func (r *Router) assignOneTx(ctx context.Context, tx *store.Tx, e QueueEntry, agent string) (bool, error) {
	now := r.opts.Now().UnixMilli()
	res, err := tx.Exec(ctx, `UPDATE conversations SET assignee_id = ? WHERE id = ? AND assignee_id IS NULL AND status = 'open'`,
		agent, e.ConversationID)
	if err != nil {
		return false, fmt.Errorf("assign %s to %s: %w", e.ConversationID, agent, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, dequeueTx(ctx, tx, e.ConversationID)
	}
	ch := conversation.Change{AssigneeID: &agent}
	if e.TeamID != "" {
		ch.TeamID = &e.TeamID
	}
	// UpdateTx writes the conversation.updated event the agents and the
	// visitor see.
	if _, err := r.convs.UpdateTx(ctx, tx, e.ConversationID, ch); err != nil {
		return false, err
	}
	if err := dequeueTx(ctx, tx, e.ConversationID); err != nil {
		return false, err
	}
	if err := ensureRow(ctx, tx, agent); err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, "UPDATE agent_routing SET last_assigned_at = ? WHERE agent_id = ?", now, agent); err != nil {
		return false, fmt.Errorf("record assignment to %s: %w", agent, err)
	}
	return true, r.store.logAssignmentTx(ctx, tx, e.ConversationID, e.TeamID, agent, e.QueuedAt.UnixMilli(), now)
}

// logAssignmentTx records an assignment (and ends the conversation's
// earlier ones).
func (s *Store) logAssignmentTx(ctx context.Context, tx *store.Tx, conv, team, agent string, queued, at int64) error {
	if err := releaseTx(ctx, tx, conv, agent, at); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO routing_assignments (conversation_id, team_id, agent_id, queued_at, assigned_at)
		VALUES (?, ?, ?, ?, ?)`, conv, team, agent, queued, at)
	if err != nil {
		return fmt.Errorf("log assignment of %s: %w", conv, err)
	}
	return nil
}

// releaseTx ends the conversation's open assignments to agents other than
// keep ("" ends all).
func releaseTx(ctx context.Context, tx *store.Tx, conv, keep string, at int64) error {
	_, err := tx.Exec(ctx, `UPDATE routing_assignments SET released_at = ? WHERE conversation_id = ? AND released_at IS NULL AND agent_id <> ?`,
		at, conv, keep)
	if err != nil {
		return fmt.Errorf("release assignments of %s: %w", conv, err)
	}
	return nil
}
