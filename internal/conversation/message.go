package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/bus"
	"github.com/huiying/huiying/internal/store"
)

// MaxBodyRunes is the longest message body accepted, in characters.
const MaxBodyRunes = 10000

// NewMessage is a message about to be appended to a conversation.
type NewMessage struct {
	ConversationID string
	ContactID      string // when set, the conversation must belong to this contact
	Direction      Direction
	AuthorType     string
	AuthorID       string
	// AuthorName is the agent's name, copied into the message.created
	// event. It is not stored: reads join the agents table instead, so a
	// renamed agent shows under their current name and no message rows
	// need rewriting.
	AuthorName      string
	Body            string
	ClientMessageID string
	Attachments     []AttachmentRef
	// Meta is structured data for clients (the bot's article cards and
	// buttons); nil for ordinary messages.
	Meta json.RawMessage
}

// Validate checks the body and the client message id.
func (m *NewMessage) Validate() error {
	m.Body = strings.TrimRight(NormalizeBody(m.Body), " \t\n")
	if strings.TrimSpace(m.Body) == "" && len(m.Attachments) == 0 {
		return apperr.New(apperr.Invalid, "message body is empty")
	}
	if !utf8.ValidString(m.Body) {
		return apperr.New(apperr.Invalid, "message body is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(m.Body); n > MaxBodyRunes {
		return apperr.New(apperr.TooLarge, "message body has %d characters; the limit is %d", n, MaxBodyRunes)
	}
	return ValidateClientMessageID(m.ClientMessageID)
}

// NormalizeBody makes line endings uniform and drops NUL bytes, which some
// clients send and PostgreSQL refuses in text.
func NormalizeBody(body string) string {
	if strings.ContainsAny(body, "\r\x00") {
		body = strings.ReplaceAll(body, "\r\n", "\n")
		body = strings.ReplaceAll(body, "\r", "\n")
		body = strings.ReplaceAll(body, "\x00", "")
	}
	return body
}

// Appended is the result of appending a message.
type Appended struct {
	Message   Message
	Duplicate bool // the client message id was seen before; Message is the original
}

// Append writes one message inside tx: it takes the next sequence number
// under the conversation's row lock, inserts the message and its
// message.created outbox event. When the client message id was already used
// in this conversation it writes nothing and returns the original. An
// inbound message reopens a pending, resolved or snoozed conversation.
// Intake calls it for contact messages; everything else is sent through
// Send, which applies the outbound rules first.
func (s *Store) Append(ctx context.Context, tx *store.Tx, m NewMessage) (Appended, error) {
	// The common path is three statements: take the sequence number, insert
	// the message (a repeated client message id inserts nothing), insert the
	// event. A duplicate is rare and undoes its sequence number.
	now := ms(s.now())
	q := seqQueryAgent
	args := []any{now, m.ConversationID}
	if m.ContactID != "" {
		q = seqQueryContact
		args = append(args, m.ContactID)
	}
	var seq int64
	var inboxID string
	var status Status
	err := tx.QueryRow(ctx, q, args...).Scan(&seq, &inboxID, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return Appended{}, apperr.New(apperr.NotFound, "conversation %q not found", m.ConversationID)
	}
	if err != nil {
		return Appended{}, fmt.Errorf("take sequence number: %w", err)
	}
	atts := "[]"
	if len(m.Attachments) > 0 {
		b, err := json.Marshal(m.Attachments)
		if err != nil {
			return Appended{}, fmt.Errorf("encode attachments: %w", err)
		}
		atts = string(b)
	}
	meta := "{}"
	if len(m.Meta) > 0 {
		meta = string(m.Meta)
	}
	var id int64
	err = tx.QueryRow(ctx, insertMessageQuery,
		m.ConversationID, seq, string(m.Direction), m.AuthorType, m.AuthorID, m.Body, nullable(m.ClientMessageID),
		atts, meta, now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return s.duplicate(ctx, tx, m)
	}
	if err != nil {
		return Appended{}, fmt.Errorf("insert message: %w", err)
	}
	if m.Direction == Inbound && (status == StatusResolved || status == StatusSnoozed || status == StatusPending) {
		if _, err := tx.Exec(ctx, reopenQuery, now, m.ConversationID); err != nil {
			return Appended{}, fmt.Errorf("reopen conversation: %w", err)
		}
		status = StatusOpen
	}
	msg := Message{
		ID: strconv.FormatInt(id, 10), ConversationID: m.ConversationID, Seq: seq, Direction: m.Direction,
		AuthorType: m.AuthorType, AuthorID: m.AuthorID, AuthorName: m.AuthorName, Body: m.Body, ClientMessageID: m.ClientMessageID,
		Attachments: m.Attachments, Meta: m.Meta, CreatedAt: fromMS(now),
	}
	if msg.Attachments == nil {
		msg.Attachments = []AttachmentRef{}
	}
	ev := MessageEvent{Message: msg, InboxID: inboxID, Status: status}
	if err := bus.Append(ctx, tx, bus.MessageCreated, m.ConversationID, inboxID, seq, msg.CreatedAt, ev); err != nil {
		return Appended{}, err
	}
	return Appended{Message: msg}, nil
}

// The statements of the write path, prepared once at start (Prepare).
// Inbound messages reopen a pending, resolved or snoozed conversation and must come
// from the conversation's contact.
const (
	dedupeQuery     = "SELECT " + messageCols + " FROM " + messagesJoin + " WHERE m.conversation_id = ? AND m.client_message_id = ?"
	seqQueryContact = "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = ? " +
		"WHERE id = ? AND contact_id = ? RETURNING last_seq, inbox_id, status"
	seqQueryAgent = "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = ? " +
		"WHERE id = ? RETURNING last_seq, inbox_id, status"
	// A retry gives its sequence number back and restores the activity time,
	// which only messages set: the newest message's time, or the creation.
	undoSeqQuery = "UPDATE conversations SET last_seq = last_seq - 1, last_activity_at = COALESCE(" +
		"(SELECT MAX(created_at) FROM messages WHERE conversation_id = ?), created_at) WHERE id = ?"
	insertMessageQuery = "INSERT INTO messages (conversation_id, seq, direction, author_type, author_id, body, " +
		"client_message_id, attachments, meta, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) " +
		"ON CONFLICT (conversation_id, client_message_id) DO NOTHING RETURNING id"
	reopenQuery = "UPDATE conversations SET status = 'open', snoozed_until = NULL, updated_at = ? WHERE id = ?"
)

// Prepare prepares the write path's statements, and the reads run for
// every batch of events; call it once at start.
func (s *Store) Prepare(ctx context.Context) error {
	if err := s.db.PrepareReads(ctx, getConversationQuery, tagsOfOneQuery, hasAgentReplyQuery, bus.ReadEventsQuery); err != nil {
		return err
	}
	return s.db.Prepare(ctx, append([]string{dedupeQuery, seqQueryContact, seqQueryAgent, insertMessageQuery, reopenQuery, undoSeqQuery,
		recentQuery, attributesQuery, getConversationQuery, tagsOfOneQuery, updateConversationQuery},
		bus.Queries(s.db.Dialect)...)...)
}

// duplicate gives back the sequence number just taken, leaving the
// conversation as it was, and returns the message first stored under the
// client message id.
func (s *Store) duplicate(ctx context.Context, tx *store.Tx, m NewMessage) (Appended, error) {
	if _, err := tx.Exec(ctx, undoSeqQuery, m.ConversationID, m.ConversationID); err != nil {
		return Appended{}, fmt.Errorf("undo sequence number: %w", err)
	}
	orig, err := scanMessage(tx.QueryRow(ctx, dedupeQuery, m.ConversationID, m.ClientMessageID))
	if err != nil {
		return Appended{}, fmt.Errorf("read original of client message %q: %w", m.ClientMessageID, err)
	}
	return Appended{Message: orig, Duplicate: true}, nil
}

// MessageEvent is the payload of a message.created event.
type MessageEvent struct {
	Message Message `json:"message"`
	InboxID string  `json:"inbox_id"`
	Status  Status  `json:"conversation_status"`
}

// messageCols are read FROM messagesJoin: the agents table gives the
// author's name to messages written by agents.
const (
	messageCols = `m.id, m.conversation_id, m.seq, m.direction, m.author_type, m.author_id, COALESCE(a.name, ''), m.body,
	COALESCE(m.client_message_id, ''), m.attachments, m.meta, m.created_at`
	messagesJoin = "messages m LEFT JOIN agents a ON m.author_type = 'agent' AND a.id = m.author_id"
)

func scanMessage(row scanner) (Message, error) {
	var m Message
	var id, created int64
	var atts, meta string
	if err := row.Scan(&id, &m.ConversationID, &m.Seq, &m.Direction, &m.AuthorType, &m.AuthorID, &m.AuthorName, &m.Body,
		&m.ClientMessageID, &atts, &meta, &created); err != nil {
		return m, err
	}
	if meta != "{}" && meta != "" {
		m.Meta = json.RawMessage(meta)
	}
	m.ID = strconv.FormatInt(id, 10)
	m.CreatedAt = fromMS(created)
	m.Attachments = []AttachmentRef{}
	if atts != "[]" && atts != "" {
		if err := json.Unmarshal([]byte(atts), &m.Attachments); err != nil {
			return m, fmt.Errorf("message %s attachments: %w", m.ID, err)
		}
	}
	return m, nil
}

// Messages returns up to limit messages with seq > after, in order. Notes
// are left out unless withNotes is set (contacts never see notes).
func (s *Store) Messages(ctx context.Context, conversationID string, after int64, limit int, withNotes bool) ([]Message, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q := "SELECT " + messageCols + " FROM " + messagesJoin + " WHERE m.conversation_id = ? AND m.seq > ?"
	if !withNotes {
		q += " AND m.direction <> 'note'"
	}
	rows, err := s.db.Query(ctx, q+" ORDER BY m.seq LIMIT ?", conversationID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read messages of %s: %w", conversationID, err)
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("read messages of %s: %w", conversationID, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MessageByClientID returns the message stored under a client message id,
// and whether there is one.
func (s *Store) MessageByClientID(ctx context.Context, conversationID, clientID string) (Message, bool, error) {
	m, err := scanMessage(s.db.QueryRow(ctx, dedupeQuery, conversationID, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, false, nil
	}
	if err != nil {
		return Message{}, false, fmt.Errorf("find client message %q: %w", clientID, err)
	}
	return m, true, nil
}
