package routing

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/store"
)

// Rank orders priorities in the queue: urgent first.
func Rank(p conversation.Priority) int {
	switch p {
	case conversation.PriorityUrgent:
		return 0
	case conversation.PriorityHigh:
		return 1
	case conversation.PriorityLow:
		return 3
	}
	return 2
}

// waitingJoin keeps only queue rows whose conversation still waits: open
// and unassigned (a manual assignment or a resolve takes it out at once,
// before routing's stage has removed the row).
const waitingJoin = ` JOIN conversations c ON c.id = q.conversation_id AND c.assignee_id IS NULL AND c.status = 'open'`

// QueueEntry is one waiting conversation.
type QueueEntry struct {
	ConversationID string
	TeamID         string
	Rank           int
	Skills         []string
	QueuedAt       time.Time
	TeamSince      time.Time
}

// teamOfTx is the queue a conversation joins: its own team, else its
// inbox's, else "" (every agent).
func teamOfTx(ctx context.Context, tx *store.Tx, c conversation.Conversation) (string, error) {
	if c.TeamID != "" {
		return c.TeamID, nil
	}
	var team string
	err := tx.QueryRow(ctx, "SELECT COALESCE(team_id, '') FROM inboxes WHERE id = ?", c.InboxID).Scan(&team)
	if err != nil {
		return "", fmt.Errorf("read the team of inbox %s: %w", c.InboxID, err)
	}
	return team, nil
}

// enqueueTx puts c in its team's queue unless it is there already, and
// returns its entry.
func (s *Store) enqueueTx(ctx context.Context, tx *store.Tx, c conversation.Conversation, skills []string) (QueueEntry, error) {
	if e, ok, err := s.entryTx(ctx, tx, c.ID); err != nil || ok {
		return e, err
	}
	team, err := teamOfTx(ctx, tx, c)
	if err != nil {
		return QueueEntry{}, err
	}
	if skills == nil { // no locale from the bot: read the visitor's words
		if skills, err = languageOfTx(ctx, tx, c.ID); err != nil {
			return QueueEntry{}, err
		}
	}
	skills = append(skills, chainsOf(c)...)
	b, _ := json.Marshal(skills)
	now := s.now().UnixMilli()
	e := QueueEntry{ConversationID: c.ID, TeamID: team, Rank: Rank(c.Priority), Skills: skills,
		QueuedAt: time.UnixMilli(now).UTC(), TeamSince: time.UnixMilli(now).UTC()}
	if _, err := tx.Exec(ctx, `INSERT INTO routing_queue (conversation_id, team_id, rank, skills, queued_at, team_since)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, c.ID, team, e.Rank, string(b), now, now); err != nil {
		return QueueEntry{}, fmt.Errorf("queue conversation %s: %w", c.ID, err)
	}
	return e, nil
}

const entryCols = "q.conversation_id, q.team_id, q.rank, q.skills, q.queued_at, q.team_since"

func scanEntry(row interface{ Scan(...any) error }) (QueueEntry, error) {
	var e QueueEntry
	var skills string
	var queued, since int64
	if err := row.Scan(&e.ConversationID, &e.TeamID, &e.Rank, &skills, &queued, &since); err != nil {
		return QueueEntry{}, err
	}
	if json.Unmarshal([]byte(skills), &e.Skills) != nil || e.Skills == nil {
		e.Skills = []string{}
	}
	e.QueuedAt, e.TeamSince = time.UnixMilli(queued).UTC(), time.UnixMilli(since).UTC()
	return e, nil
}

// entryTx is the conversation's queue entry, if it is waiting.
func (s *Store) entryTx(ctx context.Context, q querier, id string) (QueueEntry, bool, error) {
	rows, err := q.Query(ctx, "SELECT "+entryCols+" FROM routing_queue q"+waitingJoin+" WHERE q.conversation_id = ?", id)
	if err != nil {
		return QueueEntry{}, false, fmt.Errorf("read queue entry of %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return QueueEntry{}, false, rows.Err()
	}
	e, err := scanEntry(rows)
	if err != nil {
		return QueueEntry{}, false, fmt.Errorf("read queue entry of %s: %w", id, err)
	}
	return e, true, nil
}

// aheadTx counts the conversations waiting before e in its queue.
func (s *Store) aheadTx(ctx context.Context, q querier, e QueueEntry) (int, error) {
	var n int
	qa := e.QueuedAt.UnixMilli()
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM routing_queue q`+waitingJoin+` WHERE q.team_id = ?
		AND (q.rank < ? OR (q.rank = ? AND (q.queued_at < ? OR (q.queued_at = ? AND q.conversation_id < ?))))`,
		e.TeamID, e.Rank, e.Rank, qa, qa, e.ConversationID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count the queue ahead of %s: %w", e.ConversationID, err)
	}
	return n, nil
}

// headTx is up to n conversations first in a team's queue.
func (s *Store) headTx(ctx context.Context, q querier, team string, n int) ([]QueueEntry, error) {
	rows, err := q.Query(ctx, "SELECT "+entryCols+" FROM routing_queue q"+waitingJoin+
		" WHERE q.team_id = ? ORDER BY q.rank, q.queued_at, q.conversation_id LIMIT ?", team, n)
	if err != nil {
		return nil, fmt.Errorf("read the queue of team %q: %w", team, err)
	}
	defer rows.Close()
	var out []QueueEntry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("read the queue of team %q: %w", team, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Waiting lists a team's whole queue in order (conversation ids).
func (s *Store) Waiting(ctx context.Context, team string) ([]string, error) {
	rows, err := s.db.Query(ctx, "SELECT q.conversation_id FROM routing_queue q"+waitingJoin+
		" WHERE q.team_id = ? ORDER BY q.rank, q.queued_at, q.conversation_id", team)
	if err != nil {
		return nil, fmt.Errorf("read the queue of team %q: %w", team, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read the queue of team %q: %w", team, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// dequeueTx takes the conversation out of the queue.
func dequeueTx(ctx context.Context, tx *store.Tx, id string) error {
	if _, err := tx.Exec(ctx, "DELETE FROM routing_queue WHERE conversation_id = ?", id); err != nil {
		return fmt.Errorf("take %s out of the queue: %w", id, err)
	}
	return nil
}

// QueueStats is one team queue at a glance.
type QueueStats struct {
	Waiting int
	Oldest  time.Time // zero when empty
}

// StatsByTeam is every non-empty queue's length and oldest entry.
func (s *Store) StatsByTeam(ctx context.Context) (map[string]QueueStats, error) {
	rows, err := s.db.Query(ctx, "SELECT q.team_id, COUNT(*), MIN(q.team_since) FROM routing_queue q"+waitingJoin+" GROUP BY q.team_id")
	if err != nil {
		return nil, fmt.Errorf("count the queues: %w", err)
	}
	defer rows.Close()
	out := map[string]QueueStats{}
	for rows.Next() {
		var team string
		var st QueueStats
		var oldest int64
		if err := rows.Scan(&team, &st.Waiting, &oldest); err != nil {
			return nil, fmt.Errorf("count the queues: %w", err)
		}
		st.Oldest = time.UnixMilli(oldest).UTC()
		out[team] = st
	}
	return out, rows.Err()
}

// chainsOf is the chains the visitor's wallet context names (the
// wallet.<chain>.<kind> attributes intake records), as skills.
func chainsOf(c conversation.Conversation) []string {
	seen := map[string]bool{}
	var out []string
	for k := range c.Attributes {
		rest, ok := strings.CutPrefix(k, "wallet.")
		if !ok {
			continue
		}
		chain, _, ok := strings.Cut(rest, ".")
		if ok && chain != "" && !seen[chain] {
			seen[chain] = true
			out = append(out, chain)
		}
	}
	sort.Strings(out)
	return out
}

// languageOfTx is the language skill of the visitor's first message:
// zh-CN when it holds Chinese, else en (none without a message).
func languageOfTx(ctx context.Context, tx *store.Tx, id string) ([]string, error) {
	rows, err := tx.Query(ctx, "SELECT body FROM messages WHERE conversation_id = ? AND author_type = ? ORDER BY seq LIMIT 1",
		id, conversation.AuthorContact)
	if err != nil {
		return nil, fmt.Errorf("read the first message of %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return []string{}, rows.Err()
	}
	var body string
	if err := rows.Scan(&body); err != nil {
		return nil, fmt.Errorf("read the first message of %s: %w", id, err)
	}
	for _, r := range body {
		if unicode.Is(unicode.Han, r) {
			return []string{"zh-CN"}, nil
		}
	}
	return []string{"en"}, nil
}
