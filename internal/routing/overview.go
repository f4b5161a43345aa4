package routing

import (
	"context"
	"sort"
	"time"
)

// QueueView is one queue as the supervisor's view shows it.
type QueueView struct {
	TeamID             string     `json:"team_id"`
	Name               string     `json:"name"`
	Waiting            int        `json:"waiting"`
	LongestWaitSeconds int        `json:"longest_wait_seconds"`
	AgentsOnline       int        `json:"agents_online"`
	FreeCapacity       int        `json:"free_capacity"`
	Open               bool       `json:"open"`
	OpensAt            *time.Time `json:"opens_at,omitempty"`
}

// TeamName names a team for the overview.
type TeamName struct{ ID, Name string }

// Queues is every team's queue (teams lists them by name; the queue of
// inboxes routed to no team, "", comes first).
func (r *Router) Queues(ctx context.Context, teams []TeamName) ([]QueueView, error) {
	stats, err := r.store.StatsByTeam(ctx)
	if err != nil {
		return nil, err
	}
	now := r.opts.Now()
	all := append([]TeamName{{ID: "", Name: ""}}, teams...)
	out := make([]QueueView, 0, len(all))
	for _, t := range all {
		in, err := r.teamInfo(ctx, r.store.db, t.ID)
		if err != nil {
			return nil, err
		}
		st := stats[t.ID]
		v := QueueView{TeamID: t.ID, Name: t.Name, Waiting: st.Waiting, AgentsOnline: in.online, FreeCapacity: in.free,
			Open: in.team.Hours.IsOpen(now)}
		if st.Waiting > 0 {
			v.LongestWaitSeconds = seconds(now.Sub(st.Oldest))
		}
		if !v.Open {
			if at, ok := in.team.Hours.NextOpen(now); ok {
				at = at.UTC()
				v.OpensAt = &at
			}
		}
		out = append(out, v)
	}
	sort.SliceStable(out[1:], func(i, j int) bool { return out[1+i].Name < out[1+j].Name })
	return out, nil
}
