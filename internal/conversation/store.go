package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/store"
)

// Store reads and writes conversations and everything hanging off them.
type Store struct {
	db  *store.DB
	now func() time.Time
	// snoozed re-arms the Snoozer when Update snoozes a conversation.
	snoozed func()
	// keepUnassigned turns off assigning a conversation to the agent who
	// first replies (SendReply).
	keepUnassigned bool
}

// Write runs f in one write transaction. Other packages use it to write
// their rows in the same transaction as messages and conversation changes;
// the store's after-commit hook (store.DB.AfterCommit) tells the bus.
func (s *Store) Write(ctx context.Context, f func(tx *store.Tx) error) error {
	return s.db.InTx(ctx, f)
}

// NewStore returns a Store on db. now is the clock (time.Now in production).
func NewStore(db *store.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

// DB returns the underlying database.
func (s *Store) DB() *store.DB { return s.db }

// Now returns the store's clock reading.
func (s *Store) Now() time.Time { return s.now() }

const conversationCols = `id, inbox_id, contact_id, status, priority, COALESCE(assignee_id, ''), COALESCE(team_id, ''),
	attributes, snoozed_until, last_seq, created_at, updated_at, last_activity_at`

type scanner interface{ Scan(dest ...any) error }

func scanConversation(row scanner) (Conversation, error) {
	var c Conversation
	var attrs string
	var snoozed sql.NullInt64
	var created, updated, activity int64
	if err := row.Scan(&c.ID, &c.InboxID, &c.ContactID, &c.Status, &c.Priority, &c.AssigneeID, &c.TeamID,
		&attrs, &snoozed, &c.LastSeq, &created, &updated, &activity); err != nil {
		return c, err
	}
	c.Attributes = map[string]string{}
	if err := json.Unmarshal([]byte(attrs), &c.Attributes); err != nil {
		return c, fmt.Errorf("conversation %s attributes: %w", c.ID, err)
	}
	if snoozed.Valid {
		t := fromMS(snoozed.Int64)
		c.SnoozedUntil = &t
	}
	c.CreatedAt, c.UpdatedAt, c.LastActivityAt = fromMS(created), fromMS(updated), fromMS(activity)
	c.Tags = []string{}
	return c, nil
}

type querier interface {
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Conversation returns one conversation with its tags.
func (s *Store) Conversation(ctx context.Context, id string) (Conversation, error) {
	return getConversation(ctx, s.db, id)
}

// getConversationQuery and tagsOfOneQuery read one conversation; they are
// prepared with the write path's statements, since every bot decision and
// conversation change reads the conversation inside its transaction.
const (
	getConversationQuery = "SELECT " + conversationCols + " FROM conversations WHERE id = ?"
	tagsOfOneQuery       = tagsQueryHead + "?" + tagsQueryTail
)

func getConversation(ctx context.Context, q querier, id string) (Conversation, error) {
	c, err := scanConversation(q.QueryRow(ctx, getConversationQuery, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.New(apperr.NotFound, "conversation %q not found", id)
	}
	if err != nil {
		return c, fmt.Errorf("read conversation %s: %w", id, err)
	}
	tags, err := loadTags(ctx, q, []string{id})
	if err != nil {
		return c, err
	}
	if t := tags[id]; t != nil {
		c.Tags = t
	}
	return c, nil
}

// tagsQuery reads the tags of n conversations.
func tagsQuery(n int) string { return tagsQueryHead + store.Placeholders(n) + tagsQueryTail }

const (
	tagsQueryHead = "SELECT conversation_id, tag FROM conversation_tags WHERE conversation_id IN ("
	tagsQueryTail = ") ORDER BY tag"
)

func loadTags(ctx context.Context, q querier, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	query := tagsQuery(len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, tag string
		if err := rows.Scan(&id, &tag); err != nil {
			return nil, fmt.Errorf("read tags: %w", err)
		}
		out[id] = append(out[id], tag)
	}
	return out, rows.Err()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ConversationTx returns one conversation with its tags, read inside tx.
func (s *Store) ConversationTx(ctx context.Context, tx *store.Tx, id string) (Conversation, error) {
	return getConversation(ctx, tx, id)
}
