package routing

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// Handle is the durable bus subscriber that keeps the queue in step with
// the conversations: a visitor's message in an inbox without the bot, or
// a conversation handed off or unassigned while open, joins its queue; one
// assigned by hand, resolved or closed leaves it; assignments by hand are
// logged and ended ones released. Every change wakes the stage to assign.
func (r *Router) Handle(ctx context.Context, evs []bus.Event) error {
	updated := map[string]conversation.Conversation{} // the latest state of each
	var contactMsgs, contactInboxes []string
	all := false
	for _, e := range evs {
		switch e.Type {
		case bus.ConversationUpdated:
			var c conversation.Conversation
			if json.Unmarshal(e.Payload, &c) == nil && c.ID != "" {
				updated[c.ID] = c
			}
		case bus.MessageCreated:
			var me conversation.MessageEvent
			if json.Unmarshal(e.Payload, &me) == nil && me.Message.AuthorType == conversation.AuthorContact {
				contactMsgs = append(contactMsgs, e.ConversationID)
				contactInboxes = append(contactInboxes, e.InboxID)
			}
		case AgentPresence, AgentRouting:
			all = true
		}
	}
	if all {
		defer r.markDirty("*")
	}
	if len(updated) == 0 && len(contactMsgs) == 0 {
		return nil
	}
	bots, err := r.botInboxes(ctx)
	if err != nil {
		return err
	}
	var ids []string
	seen := map[string]bool{}
	touch := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for i, id := range contactMsgs {
		// In an inbox with the bot, a visitor's message changes nothing
		// here: the bot's hand-off (a conversation.updated) does.
		if !bots[contactInboxes[i]] {
			touch(id)
		}
	}
	for id, c := range updated {
		if r.mayMatter(c, bots) {
			touch(id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	teams, err := r.sync(ctx, ids)
	if err != nil {
		return err
	}
	r.markDirty(teams...)
	return nil
}

// mayMatter reports whether a conversation in this state may need its
// queue entry or assignment log changed: it waits for a person, someone
// has it, or it ended. The bot's own updates of conversations it still
// handles (pending, unassigned) do not, and cost no reads.
func (r *Router) mayMatter(c conversation.Conversation, bots map[string]bool) bool {
	ended := c.Status == conversation.StatusResolved || c.Status == conversation.StatusClosed
	return c.AssigneeID != "" || ended || r.waiting(c, bots)
}

// botInboxes is which inboxes have the bot on.
func (r *Router) botInboxes(ctx context.Context) (map[string]bool, error) {
	ins, err := r.convs.Inboxes(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ins))
	for _, in := range ins {
		out[in.ID] = in.BotEnabled
	}
	return out, nil
}

// sync brings the queue and the assignment log in line with the
// conversations ids, in one transaction, and returns the queues to assign
// from.
func (r *Router) sync(ctx context.Context, ids []string) ([]string, error) {
	bots, err := r.botInboxes(ctx)
	if err != nil {
		return nil, err
	}
	work, err := r.store.syncState(ctx, ids)
	if err != nil {
		return nil, err
	}
	// Decided from a read first: most events (a visitor's next message
	// in a conversation already queued or assigned) need no write, and
	// then take no turn on the writer.
	var todo, queued []string
	for _, id := range ids {
		st := work[id]
		switch {
		case st.conv.ID != "" && r.needsSync(st.conv, st, bots):
			todo = append(todo, id)
		case st.rank >= 0:
			// Queued already (a hand-off enqueues in the bot's own
			// transaction): its queue may assign now.
			queued = append(queued, st.team)
		}
	}
	if len(todo) == 0 {
		return queued, nil
	}
	var teams []string
	err = r.writer.Write(ctx, func(tx *store.Tx) error {
		teams = teams[:0]
		for _, id := range todo {
			st := work[id]
			c, err := r.convs.ConversationTx(ctx, tx, id)
			if err != nil {
				continue // deleted meanwhile
			}
			if !r.needsSync(c, st, bots) {
				continue
			}
			t, err := r.syncOneTx(ctx, tx, c, bots)
			if err != nil {
				return err
			}
			teams = append(teams, t...)
		}
		return nil
	})
	return append(teams, queued...), err
}

// syncState is, per conversation, what routing needs of it, its queue
// rank (-1 when not queued) and the agents of its open assignments, read
// before deciding to write.
type syncState struct {
	conv   conversation.Conversation
	rank   int
	team   string // the queue it is in, when rank >= 0
	agents []string
}

func (s *Store) syncState(ctx context.Context, ids []string) (map[string]syncState, error) {
	out := make(map[string]syncState, len(ids))
	for _, id := range ids {
		out[id] = syncState{rank: -1}
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	marks := store.Placeholders(len(ids))
	if err := s.readConvs(ctx, marks, args, out); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT conversation_id, rank, team_id FROM routing_queue WHERE conversation_id IN ("+marks+")", args...)
	if err != nil {
		return nil, fmt.Errorf("read queue entries: %w", err)
	}
	for rows.Next() {
		var id, team string
		var rank int
		if err := rows.Scan(&id, &rank, &team); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read queue entries: %w", err)
		}
		st := out[id]
		st.rank, st.team = rank, team
		out[id] = st
	}
	rows.Close()
	rows, err = s.db.Query(ctx, "SELECT conversation_id, agent_id FROM routing_assignments WHERE released_at IS NULL AND conversation_id IN ("+marks+")", args...)
	if err != nil {
		return nil, fmt.Errorf("read open assignments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, agent string
		if err := rows.Scan(&id, &agent); err != nil {
			return nil, fmt.Errorf("read open assignments: %w", err)
		}
		st := out[id]
		st.agents = append(st.agents, agent)
		out[id] = st
	}
	return out, rows.Err()
}

// waiting reports whether c waits for a person: open, unassigned, and
// handed off by the bot, or in an inbox without it once the visitor has
// written.
func (r *Router) waiting(c conversation.Conversation, bots map[string]bool) bool {
	if c.Status != conversation.StatusOpen || c.AssigneeID != "" {
		return false
	}
	return c.Attributes[r.opts.HandoffAttr] != "" || (!bots[c.InboxID] && c.LastSeq > 0)
}

// needsSync reports whether c's queue entry or assignment log is out of
// step (read without a lock; syncOneTx re-checks in its transaction).
func (r *Router) needsSync(c conversation.Conversation, st syncState, bots map[string]bool) bool {
	queued := st.rank >= 0
	if queued != r.waiting(c, bots) || (queued && st.rank != Rank(c.Priority)) {
		return true
	}
	ended := c.Status == conversation.StatusResolved || c.Status == conversation.StatusClosed
	has := false
	for _, a := range st.agents {
		if a != c.AssigneeID || ended {
			return true
		}
		has = true
	}
	return c.AssigneeID != "" && !ended && !has
}

// syncOneTx applies needsSync's verdict inside the transaction and
// returns the queues that may now assign.
func (r *Router) syncOneTx(ctx context.Context, tx *store.Tx, c conversation.Conversation, bots map[string]bool) ([]string, error) {
	now := r.opts.Now().UnixMilli()
	ended := c.Status == conversation.StatusResolved || c.Status == conversation.StatusClosed
	keep := c.AssigneeID
	if ended {
		keep = ""
	}
	// Agents whose assignment ends have room again: their queues assign.
	teams, err := freedTeamsTx(ctx, tx, c.ID, keep)
	if err != nil {
		return nil, err
	}
	if err := releaseTx(ctx, tx, c.ID, keep, now); err != nil {
		return nil, err
	}
	if keep != "" {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM routing_assignments WHERE conversation_id = ? AND agent_id = ? AND released_at IS NULL",
			c.ID, keep).Scan(&n); err != nil {
			return nil, fmt.Errorf("read assignments of %s: %w", c.ID, err)
		}
		if n == 0 { // assigned by hand (or by a reply)
			if err := r.store.logManualTx(ctx, tx, c, keep, now); err != nil {
				return nil, err
			}
		}
	}
	if !r.waiting(c, bots) {
		return teams, dequeueTx(ctx, tx, c.ID)
	}
	e, err := r.store.enqueueTx(ctx, tx, c, nil)
	if err != nil {
		return nil, err
	}
	if e.Rank != Rank(c.Priority) {
		if _, err := tx.Exec(ctx, "UPDATE routing_queue SET rank = ? WHERE conversation_id = ?", Rank(c.Priority), c.ID); err != nil {
			return nil, fmt.Errorf("reorder %s in the queue: %w", c.ID, err)
		}
	}
	return append(teams, e.TeamID), nil
}

// logManualTx records an assignment made by a person, with the time the
// conversation had waited in the queue if it had.
func (s *Store) logManualTx(ctx context.Context, tx *store.Tx, c conversation.Conversation, agent string, now int64) error {
	queued := now
	var q int64
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MIN(queued_at), 0) FROM routing_queue WHERE conversation_id = ?", c.ID).Scan(&q); err != nil {
		return fmt.Errorf("read queue entry of %s: %w", c.ID, err)
	}
	if q > 0 {
		queued = q
	}
	return s.logAssignmentTx(ctx, tx, c.ID, c.TeamID, agent, queued, now)
}

// freedTeamsTx is the queues served by the agents whose open assignment
// of conv is about to end (all but keep's): their teams and the queue of
// inboxes with no team; none when no assignment ends.
func freedTeamsTx(ctx context.Context, tx *store.Tx, conv, keep string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT a.agent_id, COALESCE(m.team_id, '') FROM routing_assignments a
		LEFT JOIN team_members m ON m.agent_id = a.agent_id
		WHERE a.conversation_id = ? AND a.released_at IS NULL AND a.agent_id <> ?`, conv, keep)
	if err != nil {
		return nil, fmt.Errorf("read the teams of %s's agents: %w", conv, err)
	}
	defer rows.Close()
	var teams []string
	for rows.Next() {
		var agent, t string
		if err := rows.Scan(&agent, &t); err != nil {
			return nil, fmt.Errorf("read the teams of %s's agents: %w", conv, err)
		}
		if teams == nil {
			teams = []string{""}
		}
		if t != "" {
			teams = append(teams, t)
		}
	}
	return teams, rows.Err()
}

// readConvs fills in the conversations' routing fields (ids missing from
// the table stay zero).
func (s *Store) readConvs(ctx context.Context, marks string, args []any, out map[string]syncState) error {
	rows, err := s.db.Query(ctx, `SELECT id, inbox_id, status, priority, COALESCE(assignee_id, ''), COALESCE(team_id, ''),
		attributes, last_seq FROM conversations WHERE id IN (`+marks+")", args...)
	if err != nil {
		return fmt.Errorf("read conversations to route: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c conversation.Conversation
		var attrs string
		if err := rows.Scan(&c.ID, &c.InboxID, &c.Status, &c.Priority, &c.AssigneeID, &c.TeamID, &attrs, &c.LastSeq); err != nil {
			return fmt.Errorf("read conversations to route: %w", err)
		}
		_ = json.Unmarshal([]byte(attrs), &c.Attributes)
		st := out[c.ID]
		st.conv = c
		out[c.ID] = st
	}
	return rows.Err()
}
