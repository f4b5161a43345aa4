package conversation

import (
	"context"
	"fmt"
	"strings"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// Filter selects conversations for an inbox view. Empty fields match all.
type Filter struct {
	// Status is one status or several joined by commas ("open,pending",
	// the console's default: what waits on someone).
	Status     Status
	InboxID    string
	TeamID     string
	AssigneeID string // an agent id
	Unassigned bool
	ContactID  string
	Tag        string
	Query      string // search text (see search.go)
	Before     int64  // last_activity_at in ms, for paging; 0 = from the newest
	Limit      int
}

// statuses splits f.Status into its statuses, checking each.
func (f Filter) statuses() ([]Status, error) {
	if f.Status == "" {
		return nil, nil
	}
	var out []Status
	for _, p := range strings.Split(string(f.Status), ",") {
		s := Status(strings.TrimSpace(p))
		if !s.Valid() {
			return nil, apperr.New(apperr.Invalid, "unknown status %q (use open, pending, snoozed, resolved or closed, or several joined by commas)", s)
		}
		out = append(out, s)
	}
	return out, nil
}

// where is the WHERE clause (empty or starting with " WHERE ") and its
// arguments for every field of f but the assignee ones when withAssignee
// is false (the counts split by assignee themselves) and paging.
func (s *Store) where(f Filter, withAssignee bool) (string, []any, error) {
	sts, err := f.statuses()
	if err != nil {
		return "", nil, err
	}
	var conds []string
	var args []any
	add := func(cond string, a ...any) { conds = append(conds, cond); args = append(args, a...) }
	if len(sts) == 1 {
		add("status = ?", string(sts[0]))
	} else if len(sts) > 1 {
		a := make([]any, len(sts))
		for i, st := range sts {
			a[i] = string(st)
		}
		add("status IN ("+store.Placeholders(len(sts))+")", a...)
	}
	if f.InboxID != "" {
		add("inbox_id = ?", f.InboxID)
	}
	if f.TeamID != "" {
		add("team_id = ?", f.TeamID)
	}
	if withAssignee && f.AssigneeID != "" {
		add("assignee_id = ?", f.AssigneeID)
	}
	if withAssignee && f.Unassigned {
		add("assignee_id IS NULL")
	}
	if f.ContactID != "" {
		add("contact_id = ?", f.ContactID)
	}
	if f.Tag != "" {
		add("EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = conversations.id AND t.tag = ?)", f.Tag)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		cond, a, err := searchCond(s.db.Dialect, q)
		if err != nil {
			return "", nil, err
		}
		add(cond, a...)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// List returns conversations matching f, newest activity first, and the
// total number of matches.
func (s *Store) List(ctx context.Context, f Filter) ([]Conversation, int, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	cond, args, err := s.where(f, true)
	if err != nil {
		return nil, 0, err
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
