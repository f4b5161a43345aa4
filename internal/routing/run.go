package routing

import (
	"context"
	"encoding/json"
	"sort"
	"time"
)

// Run is the stage's loop: it assigns from the queues events marked, and
// every Tick turns idle agents away, applies overflow rules and looks at
// every queue. It returns when ctx is done.
func (r *Router) Run(ctx context.Context) {
	t := time.NewTicker(r.opts.Tick)
	defer t.Stop()
	// Visitors are told their places by a loop of their own, so working
	// out a long queue's places never delays the next assignment.
	told := make(chan struct{})
	go func() { r.tellLoop(ctx); close(told) }()
	defer func() { <-told }()
	for {
		r.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-t.C:
			r.periodic(ctx)
		}
	}
}

func (r *Router) periodic(ctx context.Context) {
	if _, err := r.store.AwayIdle(ctx, r.opts.Grace); err != nil && ctx.Err() == nil {
		r.opts.Log.Error("routing: turn idle agents away", "err", err)
	}
	if err := r.overflow(ctx); err != nil && ctx.Err() == nil {
		r.opts.Log.Error("routing: overflow", "err", err)
	}
	r.markDirty("*")
}

// takeDirty empties the set of queues to look at.
func (r *Router) takeDirty() map[string]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.dirty
	r.dirty = map[string]bool{}
	return d
}

// pass assigns from every marked queue and tells their visitors.
func (r *Router) pass(ctx context.Context) {
	dirty := r.takeDirty()
	if len(dirty) == 0 || ctx.Err() != nil {
		return
	}
	if dirty["*"] {
		stats, err := r.store.StatsByTeam(ctx)
		if err != nil {
			r.opts.Log.Error("routing: read queues", "err", err)
			return
		}
		delete(dirty, "*")
		for team := range stats {
			dirty[team] = true
		}
		// Visitors of queues that emptied still hear it.
		for _, team := range r.sentTeams() {
			dirty[team] = true
		}
	}
	teams := make([]string, 0, len(dirty))
	for team := range dirty {
		teams = append(teams, team)
	}
	sort.Strings(teams)
	for _, team := range teams {
		got, err := r.AssignTeam(ctx, team)
		if err != nil && ctx.Err() == nil {
			r.opts.Log.Error("routing: assign", "team", team, "err", err)
		}
		r.tellAssigned(ctx, got)
		r.toTell(team)
	}
}

// toTell marks a queue whose visitors may need their new places.
func (r *Router) toTell(team string) {
	r.mu.Lock()
	r.tell[team] = true
	r.mu.Unlock()
	select {
	case r.tellWake <- struct{}{}:
	default:
	}
}

// tellLoop tells the visitors of marked queues their places, each queue
// at most once per round however often it was marked meanwhile.
func (r *Router) tellLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.tellWake:
		}
		r.mu.Lock()
		teams := r.tell
		r.tell = map[string]bool{}
		r.mu.Unlock()
		for team := range teams {
			if ctx.Err() != nil {
				return
			}
			r.tellWaiting(ctx, team)
		}
	}
}

// sentTeams are the queues whose visitors were told a place.
func (r *Router) sentTeams() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, s := range r.sent {
		if !seen[s.team] {
			seen[s.team] = true
			out = append(out, s.team)
		}
	}
	return out
}

// frame encodes a place as the contact WebSocket frame.
func frame(p Place) []byte {
	b, _ := json.Marshal(QueueFrame{Type: "queue", Place: p})
	return b
}

// tellAssigned tells each assigned conversation's visitor who has it.
func (r *Router) tellAssigned(ctx context.Context, got []Assigned) {
	for _, a := range got {
		r.mu.Lock()
		delete(r.sent, a.ConversationID)
		r.mu.Unlock()
		if r.notify == nil || !r.notify.Listening(a.ConversationID) {
			continue
		}
		p := Place{Open: true}
		if r.cards != nil {
			if card, err := r.cards.AgentCard(ctx, a.AgentID); err == nil {
				p.Assignee = &card
			}
		}
		r.notify.Ephemeral(a.ConversationID, frame(p), false)
	}
}

// tellWaiting sends each connected visitor of the team's queue their
// place when it changed: a new position, opening, or a wait that moved by
// a minute or more.
func (r *Router) tellWaiting(ctx context.Context, team string) {
	if r.notify == nil {
		return
	}
	ids, err := r.store.Waiting(ctx, team)
	if err != nil {
		r.opts.Log.Error("routing: read queue", "team", team, "err", err)
		return
	}
	var in teamInfo
	read := false
	now := r.opts.Now()
	waiting := make(map[string]bool, len(ids))
	for i, id := range ids {
		waiting[id] = true
		if !r.notify.Listening(id) {
			continue
		}
		if !read {
			if in, err = r.teamInfo(ctx, r.store.db, team); err != nil {
				r.opts.Log.Error("routing: read team", "team", team, "err", err)
				return
			}
			read = true
		}
		p := in.place(i+1, now)
		r.mu.Lock()
		last, ok := r.sent[id]
		changed := !ok || last.place.Position != p.Position || last.place.Open != p.Open ||
			last.place.ETAKnown != p.ETAKnown || abs(last.place.ETASeconds-p.ETASeconds) >= 60 ||
			last.place.AgentsOnline != p.AgentsOnline
		if changed {
			r.sent[id] = sentPlace{team: team, place: p}
		}
		r.mu.Unlock()
		if changed {
			r.notify.Ephemeral(id, frame(p), false)
		}
	}
	r.mu.Lock()
	for id, s := range r.sent {
		if s.team == team && !waiting[id] {
			delete(r.sent, id)
		}
	}
	r.mu.Unlock()
}

// sentPlace is the last place told to a visitor, and in which queue.
type sentPlace struct {
	team  string
	place Place
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
