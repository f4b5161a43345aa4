package app

import (
	"context"

	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/routing"
)

// agentCards names agents to visitors for routing: the display name and
// avatar, nothing else.
type agentCards struct{ auth *auth.Service }

func (c agentCards) AgentCard(ctx context.Context, id string) (routing.Assignee, error) {
	a, err := c.auth.AgentByID(ctx, id)
	if err != nil {
		return routing.Assignee{}, err
	}
	return routing.Assignee{ID: a.ID, Name: a.Name, AvatarURL: a.AvatarURL}, nil
}
