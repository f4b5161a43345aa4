package conversation

import (
	"context"
	"fmt"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// Team is a group of agents that conversations can be routed to.
type Team struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	MemberIDs []string  `json:"member_ids"` // agent ids, sorted; never null
	CreatedAt time.Time `json:"created_at"`
}

// CreateTeam adds a team.
func (s *Store) CreateTeam(ctx context.Context, name string) (Team, error) {
	name = CleanName(name)
	if name == "" || len(name) > 100 {
		return Team{}, apperr.New(apperr.Invalid, "team name must be 1 to 100 characters")
	}
	t := Team{ID: NewID("tm"), Name: name, MemberIDs: []string{}, CreatedAt: fromMS(ms(s.now()))}
	_, err := s.db.Exec(ctx, "INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)", t.ID, t.Name, ms(t.CreatedAt))
	if store.IsUniqueViolation(err) {
		return Team{}, apperr.New(apperr.Conflict, "a team named %q already exists", name)
	}
	if err != nil {
		return Team{}, fmt.Errorf("create team %q: %w", name, err)
	}
	return t, nil
}

// Teams lists all teams by name, with their members.
func (s *Store) Teams(ctx context.Context) ([]Team, error) {
	members, err := s.teamMembers(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT id, name, created_at FROM teams ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	defer rows.Close()
	out := []Team{}
	for rows.Next() {
		var t Team
		var created int64
		if err := rows.Scan(&t.ID, &t.Name, &created); err != nil {
			return nil, fmt.Errorf("list teams: %w", err)
		}
		t.CreatedAt = fromMS(created)
		t.MemberIDs = members[t.ID]
		if t.MemberIDs == nil {
			t.MemberIDs = []string{}
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RenameTeamTx changes a team's name inside the caller's transaction, so
// a rename and the team's routing are written together or not at all.
func (s *Store) RenameTeamTx(ctx context.Context, tx *store.Tx, id, name string) error {
	name = CleanName(name)
	if name == "" || len(name) > 100 {
		return apperr.New(apperr.Invalid, "team name must be 1 to 100 characters")
	}
	res, err := tx.Exec(ctx, "UPDATE teams SET name = ? WHERE id = ?", name, id)
	if store.IsUniqueViolation(err) {
		return apperr.New(apperr.Conflict, "a team named %q already exists", name)
	}
	if err != nil {
		return fmt.Errorf("rename team %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "team %q not found", id)
	}
	return nil
}
