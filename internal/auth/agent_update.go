package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// AgentChange is a partial update of an agent; nil fields stay as they are.
type AgentChange struct {
	Name   *string
	Role   *Role
	Active *bool
}

// UpdateAgent applies ch to the agent id on behalf of the admin actorID.
// An admin cannot deactivate or demote themselves, so there is always an
// admin left who can undo a change. Deactivating an agent ends their
// console sessions and revokes their API tokens in the same transaction;
// reactivating them brings back neither.
func (s *Service) UpdateAgent(ctx context.Context, actorID, id string, ch AgentChange) (Agent, error) {
	if ch.Name != nil {
		n := conversation.CleanName(*ch.Name)
		if n == "" || utf8.RuneCountInString(n) > 200 {
			return Agent{}, apperr.New(apperr.Invalid, "name must be 1 to 200 characters")
		}
		ch.Name = &n
	}
	if ch.Role != nil && !ch.Role.Valid() {
		return Agent{}, apperr.New(apperr.Invalid, "unknown role %q (use agent, supervisor or admin)", *ch.Role)
	}
	if id == actorID {
		if ch.Active != nil && !*ch.Active {
			return Agent{}, apperr.New(apperr.Invalid, "you cannot deactivate yourself; ask another admin")
		}
		if ch.Role != nil && *ch.Role != RoleAdmin {
			return Agent{}, apperr.New(apperr.Invalid, "you cannot remove your own admin role; ask another admin")
		}
	}
	defer s.watchers.changed(id) // after the commit: open streams re-check the agent
	var out Agent
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, err := scanAgent(tx.QueryRow(ctx, "SELECT "+agentCols+" FROM agents WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "agent %q not found", id)
		}
		if err != nil {
			return fmt.Errorf("read agent %s: %w", id, err)
		}
		if ch.Name != nil {
			a.Name = *ch.Name
		}
		if ch.Role != nil {
			a.Role = *ch.Role
		}
		if ch.Active != nil {
			a.Active = *ch.Active
		}
		active := 0
		if a.Active {
			active = 1
		}
		if _, err := tx.Exec(ctx, "UPDATE agents SET name = ?, role = ?, active = ? WHERE id = ?",
			a.Name, string(a.Role), active, id); err != nil {
			return fmt.Errorf("update agent %s: %w", id, err)
		}
		if !a.Active {
			if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE agent_id = ?", id); err != nil {
				return fmt.Errorf("end sessions of agent %s: %w", id, err)
			}
			// Revoked for good, not only refused while inactive: turning
			// the agent back on must not bring back tokens handed out
			// before (a leaked one among them).
			if _, err := tx.Exec(ctx, "UPDATE api_tokens SET revoked = 1 WHERE agent_id = ? AND revoked = 0", id); err != nil {
				return fmt.Errorf("revoke API tokens of agent %s: %w", id, err)
			}
		}
		out = a
		return nil
	})
	return out, err
}
