package routing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/store"
)

// Event types routing writes to the outbox.
const (
	// AgentPresence: an agent's presence changed (payload PresenceEvent).
	AgentPresence = "agent.presence"
	// AgentRouting: an agent's capacity or skills changed (payload Agent).
	AgentRouting = "agent.routing"
)

// Defaults and limits of an agent's routing settings.
const (
	DefaultCapacity = 5
	MaxCapacity     = 100
	maxSkills       = 30
	maxSkillLen     = 50
)

// Agent is an agent's routing state: presence, capacity and skills.
type Agent struct {
	AgentID  string    `json:"agent_id"`
	Presence Presence  `json:"presence"`
	Since    time.Time `json:"presence_since"`
	// Auto is set when the grace period after the last console connection
	// made the agent away; a new connection brings them back online.
	Auto     bool     `json:"-"`
	Capacity int      `json:"capacity"`
	Skills   []string `json:"skills"`
}

// PresenceEvent is the payload of an agent.presence event.
type PresenceEvent struct {
	AgentID string    `json:"agent_id"`
	Status  Presence  `json:"status"`
	Since   time.Time `json:"since"`
	Auto    bool      `json:"auto"`
}

const agentCols = `COALESCE(r.presence, 'offline'), COALESCE(r.presence_since, 0), COALESCE(r.presence_auto, 0),
	COALESCE(r.capacity, 5), COALESCE(r.skills, '[]')`

func scanAgent(id string, row interface{ Scan(...any) error }) (Agent, error) {
	a := Agent{AgentID: id}
	var presence, skills string
	var since int64
	var auto int
	if err := row.Scan(&presence, &since, &auto, &a.Capacity, &skills); err != nil {
		return Agent{}, err
	}
	a.Presence, a.Auto = Presence(presence), auto == 1
	if since > 0 {
		a.Since = time.UnixMilli(since).UTC()
	}
	if err := json.Unmarshal([]byte(skills), &a.Skills); err != nil || a.Skills == nil {
		a.Skills = []string{}
	}
	return a, nil
}

// AgentTx reads an agent's routing state; an unknown agent is not_found.
func (s *Store) AgentTx(ctx context.Context, q querier, id string) (Agent, error) {
	row := q.QueryRow(ctx, `SELECT `+agentCols+` FROM agents a LEFT JOIN agent_routing r ON r.agent_id = a.id WHERE a.id = ?`, id)
	a, err := scanAgent(id, row)
	if errors.Is(err, sql.ErrNoRows) {
		return Agent{}, apperr.New(apperr.NotFound, "agent %q not found", id)
	}
	if err != nil {
		return Agent{}, fmt.Errorf("read routing of agent %s: %w", id, err)
	}
	return a, nil
}

// Agent reads an agent's routing state.
func (s *Store) Agent(ctx context.Context, id string) (Agent, error) { return s.AgentTx(ctx, s.db, id) }

// Agents is every agent's routing state by agent id.
func (s *Store) Agents(ctx context.Context) (map[string]Agent, error) {
	rows, err := s.db.Query(ctx, `SELECT a.id, `+agentCols+` FROM agents a LEFT JOIN agent_routing r ON r.agent_id = a.id`)
	if err != nil {
		return nil, fmt.Errorf("list agents' routing: %w", err)
	}
	defer rows.Close()
	out := map[string]Agent{}
	for rows.Next() {
		var id string
		a, err := scanAgent("", scanFunc(func(dest ...any) error {
			return rows.Scan(append([]any{&id}, dest...)...)
		}))
		if err != nil {
			return nil, fmt.Errorf("list agents' routing: %w", err)
		}
		a.AgentID = id
		out[id] = a
	}
	return out, rows.Err()
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// ensureRow gives the agent a routing row with the defaults.
func ensureRow(ctx context.Context, tx *store.Tx, id string) error {
	_, err := tx.Exec(ctx, "INSERT INTO agent_routing (agent_id) VALUES (?) ON CONFLICT DO NOTHING", id)
	if err != nil {
		return fmt.Errorf("create routing of agent %s: %w", id, err)
	}
	return nil
}

// AgentChange is a partial update of an agent's routing settings.
type AgentChange struct {
	Capacity *int
	Skills   *[]string
}

// CleanSkills trims, de-duplicates and sorts skills; the language skills
// keep their canonical spelling (zh-CN, en), others are lower case.
func CleanSkills(in []string) ([]string, error) {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range in {
		s = canonicalSkill(strings.TrimSpace(s))
		if s == "" || seen[s] {
			continue
		}
		if utf8.RuneCountInString(s) > maxSkillLen || strings.ContainsAny(s, "\x00\r\n\t,") {
			return nil, apperr.New(apperr.Invalid, "skill %q must be at most %d characters without commas or line breaks", s, maxSkillLen)
		}
		seen[s] = true
		out = append(out, s)
	}
	if len(out) > maxSkills {
		return nil, apperr.New(apperr.Invalid, "an agent can have at most %d skills", maxSkills)
	}
	sort.Strings(out)
	return out, nil
}

func canonicalSkill(s string) string {
	switch strings.ToLower(strings.ReplaceAll(s, "_", "-")) {
	case "zh-cn", "zh", "zh-hans", "cn", "chinese", "中文":
		return "zh-CN"
	case "en", "en-us", "en-gb", "english":
		return "en"
	}
	return strings.ToLower(s)
}

// CheckAgentChange validates ch without writing anything.
func CheckAgentChange(ch AgentChange) error {
	if ch.Capacity != nil && (*ch.Capacity < 0 || *ch.Capacity > MaxCapacity) {
		return apperr.New(apperr.Invalid, "capacity must be 0 to %d (0: never assigned automatically)", MaxCapacity)
	}
	if ch.Skills != nil {
		if _, err := CleanSkills(*ch.Skills); err != nil {
			return err
		}
	}
	return nil
}

// SetAgent changes an agent's capacity and skills and records an
// agent.routing event, so routing assigns at once when capacity grew.
func (s *Store) SetAgent(ctx context.Context, id string, ch AgentChange) (Agent, error) {
	if err := CheckAgentChange(ch); err != nil {
		return Agent{}, err
	}
	var skills string
	if ch.Skills != nil {
		clean, err := CleanSkills(*ch.Skills)
		if err != nil {
			return Agent{}, err
		}
		*ch.Skills = clean
		b, _ := json.Marshal(clean)
		skills = string(b)
	}
	var out Agent
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.AgentTx(ctx, tx, id); err != nil {
			return err
		}
		if err := ensureRow(ctx, tx, id); err != nil {
			return err
		}
		if ch.Capacity != nil {
			if _, err := tx.Exec(ctx, "UPDATE agent_routing SET capacity = ? WHERE agent_id = ?", *ch.Capacity, id); err != nil {
				return fmt.Errorf("set capacity of %s: %w", id, err)
			}
		}
		if ch.Skills != nil {
			if _, err := tx.Exec(ctx, "UPDATE agent_routing SET skills = ? WHERE agent_id = ?", skills, id); err != nil {
				return fmt.Errorf("set skills of %s: %w", id, err)
			}
		}
		var err error
		if out, err = s.AgentTx(ctx, tx, id); err != nil {
			return err
		}
		return bus.Append(ctx, tx, AgentRouting, "", "", 0, s.now(), out)
	})
	return out, err
}

// SetPresence sets an agent's presence (auto: by the grace period) and
// records an agent.presence event when it changed.
func (s *Store) SetPresence(ctx context.Context, id string, p Presence, auto bool) (Agent, error) {
	if !p.Valid() {
		return Agent{}, apperr.New(apperr.Invalid, "unknown status %q (use online, away or offline)", p)
	}
	var out Agent
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = s.setPresenceTx(ctx, tx, id, p, auto)
		return err
	})
	return out, err
}

func (s *Store) setPresenceTx(ctx context.Context, tx *store.Tx, id string, p Presence, auto bool) (Agent, error) {
	a, err := s.AgentTx(ctx, tx, id)
	if err != nil {
		return Agent{}, err
	}
	if a.Presence == p && a.Auto == auto {
		return a, nil
	}
	if err := ensureRow(ctx, tx, id); err != nil {
		return Agent{}, err
	}
	now := s.now()
	a.Presence, a.Auto, a.Since = p, auto, time.UnixMilli(now.UnixMilli()).UTC()
	if _, err := tx.Exec(ctx, "UPDATE agent_routing SET presence = ?, presence_since = ?, presence_auto = ? WHERE agent_id = ?",
		string(p), now.UnixMilli(), boolInt(auto), id); err != nil {
		return Agent{}, fmt.Errorf("set presence of %s: %w", id, err)
	}
	ev := PresenceEvent{AgentID: id, Status: p, Since: a.Since, Auto: auto}
	return a, bus.Append(ctx, tx, AgentPresence, "", "", 0, now, ev)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SocketOpened records that the agent has a console connection again: an
// automatic away turns back to online.
func (s *Store) SocketOpened(ctx context.Context, id string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		a, err := s.AgentTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE agent_routing SET socket_gone_at = NULL WHERE agent_id = ?", id); err != nil {
			return fmt.Errorf("record console connection of %s: %w", id, err)
		}
		if a.Presence == Away && a.Auto {
			_, err = s.setPresenceTx(ctx, tx, id, Online, false)
		}
		return err
	})
}

// SocketClosed records when the agent's last console connection closed.
func (s *Store) SocketClosed(ctx context.Context, id string) error {
	_, err := s.db.Exec(ctx, "UPDATE agent_routing SET socket_gone_at = ? WHERE agent_id = ?", s.now().UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("record console disconnection of %s: %w", id, err)
	}
	return nil
}

// AwayIdle makes away every online agent whose last console connection
// closed more than grace ago, and returns how many.
func (s *Store) AwayIdle(ctx context.Context, grace time.Duration) (int, error) {
	cutoff := s.now().Add(-grace).UnixMilli()
	rows, err := s.db.Query(ctx, `SELECT agent_id FROM agent_routing WHERE presence = 'online' AND socket_gone_at IS NOT NULL AND socket_gone_at <= ?`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("find idle agents: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("find idle agents: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return 0, err
	}
	n := 0
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			// Checked again in the transaction: a connection may have come back.
			var gone sql.NullInt64
			var presence string
			if err := tx.QueryRow(ctx, "SELECT presence, socket_gone_at FROM agent_routing WHERE agent_id = ?", id).Scan(&presence, &gone); err != nil {
				return fmt.Errorf("read presence of %s: %w", id, err)
			}
			if presence != string(Online) || !gone.Valid || gone.Int64 > cutoff {
				continue
			}
			if _, err := s.setPresenceTx(ctx, tx, id, Away, true); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
