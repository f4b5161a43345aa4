package routing

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// candidate is an online agent who may take a team's conversations, with
// the load counted in the assigning transaction.
type candidate struct {
	ID           string
	Capacity     int
	Skills       map[string]bool
	LastAssigned int64
	Load         int
}

func (c *candidate) free() int { return c.Capacity - c.Load }

// loadSubquery counts an agent's open and pending conversations: what
// capacity limits.
const loadSubquery = `(SELECT COUNT(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status IN ('open', 'pending'))`

// memberFilter keeps a team's members; team "" is every agent.
func memberFilter(team string) (string, []any) {
	if team == "" {
		return "", nil
	}
	return " AND EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = ? AND m.agent_id = a.id)", []any{team}
}

// candidatesTx lists the team's active, online agents with their load.
func (s *Store) candidatesTx(ctx context.Context, q querier, team string) ([]*candidate, error) {
	filter, args := memberFilter(team)
	rows, err := q.Query(ctx, `SELECT a.id, r.capacity, r.skills, r.last_assigned_at, `+loadSubquery+`
		FROM agents a JOIN agent_routing r ON r.agent_id = a.id
		WHERE a.active = 1 AND r.presence = 'online'`+filter+` ORDER BY a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list the online agents of team %q: %w", team, err)
	}
	defer rows.Close()
	var out []*candidate
	for rows.Next() {
		c := &candidate{Skills: map[string]bool{}}
		var skills string
		if err := rows.Scan(&c.ID, &c.Capacity, &skills, &c.LastAssigned, &c.Load); err != nil {
			return nil, fmt.Errorf("list the online agents of team %q: %w", team, err)
		}
		var list []string
		_ = json.Unmarshal([]byte(skills), &list)
		for _, s := range list {
			c.Skills[s] = true
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// memberCapacity is the total capacity of the team's active members,
// online or not (what the team can handle once it opens).
func (s *Store) memberCapacity(ctx context.Context, q querier, team string) (int, error) {
	filter, args := memberFilter(team)
	var n int
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(COALESCE(r.capacity, 5)), 0) FROM agents a
		LEFT JOIN agent_routing r ON r.agent_id = a.id WHERE a.active = 1`+filter, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sum the capacity of team %q: %w", team, err)
	}
	return n, nil
}

// handleSamples is how many released assignments the handling time is the
// median of, and minHandleSamples how many it needs to say anything.
const (
	handleSamples    = 50
	minHandleSamples = 3
)

// handlingTime is the median time agents of the team kept a conversation
// they were given (assigned → resolved or released) over the most recent
// ones; false when there are too few.
func (s *Store) handlingTime(ctx context.Context, q querier, team string) (time.Duration, bool, error) {
	rows, err := q.Query(ctx, `SELECT released_at - assigned_at FROM routing_assignments
		WHERE team_id = ? AND released_at IS NOT NULL ORDER BY released_at DESC LIMIT ?`, team, handleSamples)
	if err != nil {
		return 0, false, fmt.Errorf("read handling times of team %q: %w", team, err)
	}
	defer rows.Close()
	var ds []int64
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return 0, false, fmt.Errorf("read handling times of team %q: %w", team, err)
		}
		if d >= 0 {
			ds = append(ds, d)
		}
	}
	if err := rows.Err(); err != nil || len(ds) < minHandleSamples {
		return 0, false, err
	}
	return time.Duration(median(ds)) * time.Millisecond, true, nil
}

func median(xs []int64) int64 {
	s := slices.Sorted(slices.Values(xs))
	return s[len(s)/2]
}

// Loads is every agent's number of open and pending conversations.
func (s *Store) Loads(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.Query(ctx, `SELECT assignee_id, COUNT(*) FROM conversations
		WHERE assignee_id IS NOT NULL AND status IN ('open', 'pending') GROUP BY assignee_id`)
	if err != nil {
		return nil, fmt.Errorf("count agents' loads: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count agents' loads: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
