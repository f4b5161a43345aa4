package conversation

import (
	"context"
	"database/sql"
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

// Change is a partial update of a conversation; nil fields stay as they are.
type Change struct {
	Status       *Status
	SnoozedUntil *time.Time // with StatusSnoozed
	Priority     *Priority
	AssigneeID   *string // "" unassigns
	TeamID       *string // "" clears
	Tags         *[]string
	Attributes   map[string]*string // nil value deletes the key
}

func (c *Change) validate(now time.Time) error {
	if c.Status != nil && !c.Status.Valid() {
		return apperr.New(apperr.Invalid, "unknown status %q (use open, pending, snoozed, resolved or closed)", *c.Status)
	}
	if c.Status != nil && *c.Status == StatusSnoozed {
		if c.SnoozedUntil == nil || !c.SnoozedUntil.After(now) {
			return apperr.New(apperr.Invalid, "snoozing needs snoozed_until in the future")
		}
	}
	if c.Priority != nil && !c.Priority.Valid() {
		return apperr.New(apperr.Invalid, "unknown priority %q (use low, normal, high or urgent)", *c.Priority)
	}
	if c.Tags != nil {
		seen := map[string]bool{}
		clean := []string{}
		for _, t := range *c.Tags {
			t = strings.ToLower(strings.TrimSpace(t))
			if t == "" || seen[t] {
				continue
			}
			if err := ValidateTag(t); err != nil {
				return err
			}
			if utf8.RuneCountInString(t) > 50 {
				return apperr.New(apperr.Invalid, "tag %q is longer than 50 characters", t)
			}
			seen[t] = true
			clean = append(clean, t)
		}
		if len(clean) > 50 {
			return apperr.New(apperr.Invalid, "a conversation can have at most 50 tags")
		}
		sort.Strings(clean)
		*c.Tags = clean
	}
	for k, v := range c.Attributes {
		if k == "" || len(k) > 100 {
			return apperr.New(apperr.Invalid, "attribute name %q must be 1 to 100 characters", k)
		}
		if v != nil && len(*v) > 2000 {
			return apperr.New(apperr.Invalid, "attribute %q is longer than 2000 characters", k)
		}
	}
	return nil
}

// Update applies ch to the conversation and records a conversation.updated
// event, all in one transaction, and returns the updated conversation.
func (s *Store) Update(ctx context.Context, id string, ch Change) (Conversation, error) {
	now := s.now()
	if err := ch.validate(now); err != nil {
		return Conversation{}, err
	}
	var out Conversation
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = s.UpdateTx(ctx, tx, id, ch)
		return err
	})
	if err == nil {
		if ch.Status != nil && *ch.Status == StatusSnoozed && s.snoozed != nil {
			s.snoozed()
		}
	}
	return out, err
}

// updateConversationQuery writes a conversation's changeable fields; it is
// prepared with the write path's statements.
const updateConversationQuery = `UPDATE conversations SET status = ?, snoozed_until = ?, priority = ?, assignee_id = ?,
		team_id = ?, attributes = ?, updated_at = ? WHERE id = ?`

// UpdateTx is Update inside the caller's transaction; ch must already be
// valid for Update's rules (the caller builds it).
func (s *Store) UpdateTx(ctx context.Context, tx *store.Tx, id string, ch Change) (Conversation, error) {
	now := s.now()
	c, err := getConversation(ctx, tx, id)
	if err != nil {
		return Conversation{}, err
	}
	if ch.Status != nil {
		c.Status = *ch.Status
		c.SnoozedUntil = nil
		if c.Status == StatusSnoozed {
			t := fromMS(ms(*ch.SnoozedUntil))
			c.SnoozedUntil = &t
		}
	}
	if ch.Priority != nil {
		c.Priority = *ch.Priority
	}
	if ch.AssigneeID != nil {
		if *ch.AssigneeID != "" && *ch.AssigneeID != c.AssigneeID {
			if err := mustBeActiveAgent(ctx, tx, *ch.AssigneeID); err != nil {
				return Conversation{}, err
			}
		}
		c.AssigneeID = *ch.AssigneeID
	}
	if ch.TeamID != nil {
		if *ch.TeamID != "" {
			if err := mustExist(ctx, tx, "teams", *ch.TeamID, "team"); err != nil {
				return Conversation{}, err
			}
		}
		c.TeamID = *ch.TeamID
	}
	for k, v := range ch.Attributes {
		if v == nil {
			delete(c.Attributes, k)
		} else {
			c.Attributes[k] = *v
		}
	}
	var snoozed any
	if c.SnoozedUntil != nil {
		snoozed = ms(*c.SnoozedUntil)
	}
	c.UpdatedAt = fromMS(ms(now))
	if _, err := tx.Exec(ctx, updateConversationQuery, string(c.Status), snoozed, string(c.Priority),
		nullable(c.AssigneeID), nullable(c.TeamID), attrsJSON(c.Attributes), ms(now), id); err != nil {
		return Conversation{}, fmt.Errorf("update conversation %s: %w", id, err)
	}
	if ch.Tags != nil {
		if _, err := tx.Exec(ctx, "DELETE FROM conversation_tags WHERE conversation_id = ?", id); err != nil {
			return Conversation{}, fmt.Errorf("update tags of %s: %w", id, err)
		}
		for _, t := range *ch.Tags {
			if _, err := tx.Exec(ctx, "INSERT INTO conversation_tags (conversation_id, tag) VALUES (?, ?)", id, t); err != nil {
				return Conversation{}, fmt.Errorf("update tags of %s: %w", id, err)
			}
		}
		c.Tags = *ch.Tags
	}
	if err := bus.Append(ctx, tx, bus.ConversationUpdated, c.ID, c.InboxID, c.LastSeq, c.UpdatedAt, c); err != nil {
		return Conversation{}, err
	}
	return c, nil
}

func mustExist(ctx context.Context, tx *store.Tx, table, id, what string) error {
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM "+table+" WHERE id = ?", id).Scan(&n); err != nil {
		return fmt.Errorf("check %s %s: %w", what, id, err)
	}
	if n == 0 {
		return apperr.New(apperr.Invalid, "%s %q does not exist", what, id)
	}
	return nil
}

// mustBeActiveAgent refuses an assignee who does not exist or was
// deactivated: a deactivated agent cannot sign in, so a conversation given
// to them would wait unseen.
func mustBeActiveAgent(ctx context.Context, tx *store.Tx, id string) error {
	var active int
	err := tx.QueryRow(ctx, "SELECT active FROM agents WHERE id = ?", id).Scan(&active)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.Invalid, "agent %q does not exist", id)
	}
	if err != nil {
		return fmt.Errorf("check agent %s: %w", id, err)
	}
	if active != 1 {
		return apperr.New(apperr.Conflict, "agent %q is deactivated and cannot be assigned conversations; "+
			"choose an active agent (该客服已停用，无法分配会话，请选择在职客服)", id)
	}
	return nil
}
