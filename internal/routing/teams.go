package routing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// Team is a team's routing: how it assigns, its business hours, and where
// conversations that waited too long go.
type Team struct {
	TeamID string
	Mode   string
	Hours  Hours
	// OverflowTeamID takes conversations that waited OverflowAfterMinutes
	// in this team's queue ("" or 0: no overflow).
	OverflowTeamID       string
	OverflowAfterMinutes int
}

// TeamJSON is Team as the API shows it beside the team's name and members.
type TeamJSON struct {
	Routing              string              `json:"routing"`
	TimeZone             string              `json:"timezone"`
	Hours                map[string][]string `json:"hours"`
	Holidays             []string            `json:"holidays"`
	OverflowTeamID       *string             `json:"overflow_team_id"`
	OverflowAfterMinutes int                 `json:"overflow_after_minutes"`
}

// JSON is the API form of t.
func (t Team) JSON() TeamJSON {
	j := TeamJSON{Routing: t.Mode, TimeZone: t.Hours.TimeZone(), Hours: t.Hours.Week(), Holidays: t.Hours.Holidays(),
		OverflowAfterMinutes: t.OverflowAfterMinutes}
	if j.Holidays == nil {
		j.Holidays = []string{}
	}
	if t.OverflowTeamID != "" {
		id := t.OverflowTeamID
		j.OverflowTeamID = &id
	}
	return j
}

func defaultTeam(id string) Team { return Team{TeamID: id, Mode: LeastLoaded, Hours: AlwaysOpen()} }

// teamTx reads a team's routing; team "" (every agent) and teams without
// settings assign least loaded first around the clock.
func (s *Store) teamTx(ctx context.Context, q querier, id string) (Team, error) {
	if id == "" {
		return defaultTeam(""), nil
	}
	var mode, tz, hours, holidays string
	var overflow sql.NullString
	t := defaultTeam(id)
	err := q.QueryRow(ctx, `SELECT mode, timezone, hours, holidays, overflow_team_id, overflow_after_minutes
		FROM team_routing WHERE team_id = ?`, id).Scan(&mode, &tz, &hours, &holidays, &overflow, &t.OverflowAfterMinutes)
	if errors.Is(err, sql.ErrNoRows) {
		return t, nil
	}
	if err != nil {
		return Team{}, fmt.Errorf("read routing of team %s: %w", id, err)
	}
	t.Mode, t.OverflowTeamID = mode, overflow.String
	var week map[string][]string
	if hours != "" {
		if err := json.Unmarshal([]byte(hours), &week); err != nil {
			return Team{}, fmt.Errorf("read hours of team %s: %w", id, err)
		}
	}
	var days []string
	_ = json.Unmarshal([]byte(holidays), &days)
	if t.Hours, err = ParseHours(tz, week, days); err != nil {
		return Team{}, fmt.Errorf("read hours of team %s: %w", id, err)
	}
	return t, nil
}

// Team reads a team's routing.
func (s *Store) Team(ctx context.Context, id string) (Team, error) { return s.teamTx(ctx, s.db, id) }

// Teams reads the routing of every team that has settings, by team id.
func (s *Store) Teams(ctx context.Context) (map[string]Team, error) {
	rows, err := s.db.Query(ctx, "SELECT team_id FROM team_routing")
	if err != nil {
		return nil, fmt.Errorf("list team routing: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list team routing: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := map[string]Team{}
	for _, id := range ids {
		t, err := s.Team(ctx, id)
		if err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}

// TeamChange is a partial update of a team's routing; Hours changes the
// time zone, week and holidays together.
type TeamChange struct {
	Mode     *string
	TimeZone *string
	Week     *map[string][]string // nil map inside: always open
	Holidays *[]string
	// OverflowTeamID "" turns overflow off.
	OverflowTeamID       *string
	OverflowAfterMinutes *int
}

// SetTeam changes a team's routing.
func (s *Store) SetTeam(ctx context.Context, id string, ch TeamChange) (Team, error) {
	var out Team
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = s.SetTeamTx(ctx, tx, id, ch)
		return err
	})
	return out, err
}

// SetTeamTx is SetTeam inside the caller's transaction, so a rename of
// the team sent with the change is written with it or not at all.
func (s *Store) SetTeamTx(ctx context.Context, tx *store.Tx, id string, ch TeamChange) (Team, error) {
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM teams WHERE id = ?", id).Scan(&n); err != nil {
		return Team{}, fmt.Errorf("read team %s: %w", id, err)
	}
	if n == 0 {
		return Team{}, apperr.New(apperr.NotFound, "team %q not found", id)
	}
	t, err := s.teamTx(ctx, tx, id)
	if err != nil {
		return Team{}, err
	}
	if t, err = applyTeamChange(ctx, tx, t, ch); err != nil {
		return Team{}, err
	}
	week := ""
	if w := t.Hours.Week(); w != nil {
		b, _ := json.Marshal(w)
		week = string(b)
	}
	days, _ := json.Marshal(t.Hours.Holidays())
	if days == nil || string(days) == "null" {
		days = []byte("[]")
	}
	var overflow any
	if t.OverflowTeamID != "" {
		overflow = t.OverflowTeamID
	}
	if _, err := tx.Exec(ctx, `INSERT INTO team_routing (team_id, mode, timezone, hours, holidays, overflow_team_id, overflow_after_minutes)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id) DO UPDATE SET mode = excluded.mode, timezone = excluded.timezone,
		hours = excluded.hours, holidays = excluded.holidays, overflow_team_id = excluded.overflow_team_id,
		overflow_after_minutes = excluded.overflow_after_minutes`,
		id, t.Mode, t.Hours.TimeZone(), week, string(days), overflow, t.OverflowAfterMinutes); err != nil {
		return Team{}, fmt.Errorf("save routing of team %s: %w", id, err)
	}
	return t, nil
}

func applyTeamChange(ctx context.Context, tx *store.Tx, t Team, ch TeamChange) (Team, error) {
	if ch.Mode != nil {
		switch *ch.Mode {
		case LeastLoaded, RoundRobin, Manual:
			t.Mode = *ch.Mode
		default:
			return t, apperr.New(apperr.Invalid, "unknown routing %q (use least_loaded, round_robin or manual)", *ch.Mode)
		}
	}
	if ch.TimeZone != nil || ch.Week != nil || ch.Holidays != nil {
		tz, week, days := t.Hours.TimeZone(), t.Hours.Week(), t.Hours.Holidays()
		if ch.TimeZone != nil {
			tz = *ch.TimeZone
		}
		if ch.Week != nil {
			week = *ch.Week
		}
		if ch.Holidays != nil {
			days = *ch.Holidays
		}
		h, err := ParseHours(tz, week, days)
		if err != nil {
			return t, err
		}
		t.Hours = h
	}
	if ch.OverflowAfterMinutes != nil {
		if *ch.OverflowAfterMinutes < 0 || *ch.OverflowAfterMinutes > 7*24*60 {
			return t, apperr.New(apperr.Invalid, "overflow_after_minutes must be 0 (off) to 10080 (a week)")
		}
		t.OverflowAfterMinutes = *ch.OverflowAfterMinutes
	}
	if ch.OverflowTeamID != nil {
		to := *ch.OverflowTeamID
		if to == t.TeamID {
			return t, apperr.New(apperr.Invalid, "a team cannot overflow to itself; choose another team")
		}
		if to != "" {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM teams WHERE id = ?", to).Scan(&n); err != nil {
				return t, fmt.Errorf("read team %s: %w", to, err)
			}
			if n == 0 {
				return t, apperr.New(apperr.Invalid, "overflow team %q does not exist", to)
			}
		}
		t.OverflowTeamID = to
	}
	return t, nil
}
