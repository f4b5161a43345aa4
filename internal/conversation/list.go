package conversation

import (
	"context"
	"fmt"
	"strings"

	"github.com/huiying/huiying/internal/apperr"
)

// Filter selects conversations for an inbox view. Empty fields match all.
type Filter struct {
	Status     Status
	InboxID    string
	TeamID     string
	AssigneeID string // an agent id
	Unassigned bool
	ContactID  string
	Tag        string
	Before     int64 // last_activity_at in ms, for paging; 0 = from the newest
	Limit      int
}

// List returns conversations matching f, newest activity first, and the
// total number of matches.
func (s *Store) List(ctx context.Context, f Filter) ([]Conversation, int, error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, 0, apperr.New(apperr.Invalid, "unknown status %q (use open, pending, snoozed, resolved or closed)", f.Status)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	if f.Status != "" {
		add("status = ?", string(f.Status))
	}
	if f.InboxID != "" {
		add("inbox_id = ?", f.InboxID)
	}
	if f.TeamID != "" {
		add("team_id = ?", f.TeamID)
	}
	if f.AssigneeID != "" {
		add("assignee_id = ?", f.AssigneeID)
	}
	if f.Unassigned {
		add("assignee_id IS NULL")
	}
	if f.ContactID != "" {
		add("contact_id = ?", f.ContactID)
	}
	if f.Tag != "" {
		add("EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = conversations.id AND t.tag = ?)", f.Tag)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM conversations"+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count conversations: %w", err)
	}
	if f.Before > 0 {
		if cond == "" {
			cond = " WHERE last_activity_at < ?"
		} else {
			cond += " AND last_activity_at < ?"
		}
		args = append(args, f.Before)
	}
	args = append(args, f.Limit)
	rows, err := s.db.Query(ctx, "SELECT "+conversationCols+" FROM conversations"+cond+
		" ORDER BY last_activity_at DESC, id DESC LIMIT ?", args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list conversations: %w", err)
	}
	defer rows.Close()
	out := []Conversation{}
	var ids []string
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list conversations: %w", err)
		}
		out = append(out, c)
		ids = append(ids, c.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list conversations: %w", err)
	}
	rows.Close()
	tags, err := loadTags(ctx, s.db, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		if t := tags[out[i].ID]; t != nil {
			out[i].Tags = t
		}
	}
	return out, total, nil
}
