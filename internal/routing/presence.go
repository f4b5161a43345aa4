package routing

import (
	"context"
)

// SetPresence is an agent choosing their presence (the console's switch
// or PUT /api/v1/me/presence).
func (r *Router) SetPresence(ctx context.Context, agentID string, p Presence) (Agent, error) {
	return r.store.SetPresence(ctx, agentID, p, false)
}

// SocketOpened counts a console connection of the agent on this node; the
// first one clears the grace period (and ends an automatic away).
func (r *Router) SocketOpened(ctx context.Context, agentID string) {
	r.mu.Lock()
	r.sockets[agentID]++
	first := r.sockets[agentID] == 1
	r.mu.Unlock()
	if first {
		if err := r.store.SocketOpened(ctx, agentID); err != nil && ctx.Err() == nil {
			r.opts.Log.Error("routing: record console connection", "agent", agentID, "err", err)
		}
	}
}

// SocketClosed uncounts a console connection; when the agent's last one
// closes, the grace period starts.
func (r *Router) SocketClosed(ctx context.Context, agentID string) {
	r.mu.Lock()
	r.sockets[agentID]--
	last := r.sockets[agentID] <= 0
	if last {
		delete(r.sockets, agentID)
	}
	r.mu.Unlock()
	if last {
		if err := r.store.SocketClosed(ctx, agentID); err != nil {
			r.opts.Log.Error("routing: record console disconnection", "agent", agentID, "err", err)
		}
	}
}
