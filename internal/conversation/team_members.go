package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// teamMembers returns the agent ids of every team's members, sorted.
func (s *Store) teamMembers(ctx context.Context) (map[string][]string, error) {
	rows, err := s.db.Query(ctx, "SELECT team_id, agent_id FROM team_members ORDER BY team_id, agent_id")
	if err != nil {
		return nil, fmt.Errorf("list team members: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var team, agent string
		if err := rows.Scan(&team, &agent); err != nil {
			return nil, fmt.Errorf("list team members: %w", err)
		}
		out[team] = append(out[team], agent)
	}
	return out, rows.Err()
}

// AddTeamMember puts the agent in the team; adding a member twice is not an
// error. An unknown team is not_found; an unknown agent is invalid.
func (s *Store) AddTeamMember(ctx context.Context, teamID, agentID string) error {
	if agentID == "" {
		return apperr.New(apperr.Invalid, "agent_id is required")
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := teamMustExist(ctx, tx, teamID); err != nil {
			return err
		}
		if err := mustExist(ctx, tx, "agents", agentID, "agent"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO team_members (team_id, agent_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
			teamID, agentID); err != nil {
			return fmt.Errorf("add %s to team %s: %w", agentID, teamID, err)
		}
		return nil
	})
}

// RemoveTeamMember takes the agent out of the team; removing someone who
// is not a member is not an error. An unknown team is not_found.
func (s *Store) RemoveTeamMember(ctx context.Context, teamID, agentID string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := teamMustExist(ctx, tx, teamID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM team_members WHERE team_id = ? AND agent_id = ?", teamID, agentID); err != nil {
			return fmt.Errorf("remove %s from team %s: %w", agentID, teamID, err)
		}
		return nil
	})
}

func teamMustExist(ctx context.Context, tx *store.Tx, teamID string) error {
	var id string
	err := tx.QueryRow(ctx, "SELECT id FROM teams WHERE id = ?", teamID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, "team %q not found", teamID)
	}
	if err != nil {
		return fmt.Errorf("read team %s: %w", teamID, err)
	}
	return nil
}
