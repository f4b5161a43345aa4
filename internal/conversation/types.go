// Package conversation holds Huiying's core domain: contacts, inboxes,
// conversations and their messages, with the rules that govern them and the
// queries that read and write them.
package conversation

import (
	"crypto/rand"
	"encoding/json"
	"strconv"
	"time"
)

// Status is where a conversation stands.
type Status string

// Conversation statuses.
const (
	StatusOpen     Status = "open"
	StatusPending  Status = "pending"
	StatusSnoozed  Status = "snoozed"
	StatusResolved Status = "resolved"
	StatusClosed   Status = "closed"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusOpen, StatusPending, StatusSnoozed, StatusResolved, StatusClosed:
		return true
	}
	return false
}

// Priority orders conversations in queues.
type Priority string

// Priorities.
const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool {
	switch p {
	case PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent:
		return true
	}
	return false
}

// Direction says who a message is from and who sees it.
type Direction string

// Message directions. Notes are visible to agents only.
const (
	Inbound  Direction = "inbound"
	Outbound Direction = "outbound"
	Note     Direction = "note"
	Bot      Direction = "bot"
	System   Direction = "system"
)

// VisibleToContact reports whether the contact may see messages of d.
func (d Direction) VisibleToContact() bool { return d != Note }

// Inbox is one channel instance (a web chat, an email address, …).
type Inbox struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Channel    string `json:"channel"`
	PublicKey  string `json:"public_key"`
	HMACSecret string `json:"-"`
	TeamID     string `json:"team_id,omitempty"`
	// BotEnabled says whether the FAQ bot answers first in this inbox (on
	// by default for web chat, 24/7).
	BotEnabled bool      `json:"bot_enabled"`
	CreatedAt  time.Time `json:"created_at"`
}

// Contact is an end user.
type Contact struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Email      string            `json:"email"`
	ExternalID string            `json:"external_id,omitempty"`
	Attributes map[string]string `json:"attributes"`
	CreatedAt  time.Time         `json:"created_at"`
}

// Conversation is one support thread between a contact and the team.
type Conversation struct {
	ID             string            `json:"id"`
	InboxID        string            `json:"inbox_id"`
	ContactID      string            `json:"contact_id"`
	Status         Status            `json:"status"`
	Priority       Priority          `json:"priority"`
	AssigneeID     string            `json:"assignee_id,omitempty"`
	TeamID         string            `json:"team_id,omitempty"`
	Tags           []string          `json:"tags"`
	Attributes     map[string]string `json:"attributes"`
	SnoozedUntil   *time.Time        `json:"snoozed_until,omitempty"`
	LastSeq        int64             `json:"last_seq"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
	LastActivityAt time.Time         `json:"last_activity_at"`
}

// AttachmentRef is the metadata of an attachment carried by a message.
type AttachmentRef struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Message is one entry in a conversation's timeline.
type Message struct {
	ID              string          `json:"id"`
	ConversationID  string          `json:"conversation_id"`
	Seq             int64           `json:"seq"`
	Direction       Direction       `json:"direction"`
	AuthorType      string          `json:"author_type"`
	AuthorID        string          `json:"author_id,omitempty"`
	AuthorName      string          `json:"author_name"` // the agent's name for agent messages, else ""
	Body            string          `json:"body"`
	ClientMessageID string          `json:"client_message_id,omitempty"`
	Attachments     []AttachmentRef `json:"attachments"`
	// Meta is structured data for clients; bot messages carry their article
	// cards and buttons here ({"kind": "answer" | "suggestions" | …}).
	Meta      json.RawMessage `json:"meta,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
}

// Author types.
const (
	AuthorContact = "contact"
	AuthorAgent   = "agent"
	AuthorBot     = "bot"
	AuthorSystem  = "system"
)

// NewID returns a random, URL-safe identifier with a readable prefix.
func NewID(prefix string) string { return prefix + "_" + rand.Text() }

// ms converts a time to the Unix milliseconds stored in the database.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func attrsJSON(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return string(b)
}

// ContactMessage is a message as its contact sees it (widget API, the
// acknowledgement, /ws/contact). It leaves out the database row id, a
// number shared by every conversation that would tell any visitor how many
// messages the whole desk handles; ID is instead an opaque id of the
// message within its conversation (see ContactMessageID). Agents keep the
// full Message.
type ContactMessage struct {
	ID              string          `json:"id"`
	ConversationID  string          `json:"conversation_id"`
	Seq             int64           `json:"seq"`
	Direction       Direction       `json:"direction"`
	AuthorType      string          `json:"author_type"`
	AuthorName      string          `json:"author_name"`
	Body            string          `json:"body"`
	ClientMessageID string          `json:"client_message_id,omitempty"`
	Attachments     []AttachmentRef `json:"attachments"`
	Meta            json.RawMessage `json:"meta,omitempty"`
	CreatedAt       time.Time       `json:"created_at"`
}

// ContactMessageID is the id a contact sees for the message with seq in
// the conversation: unique across conversations, and revealing nothing the
// contact does not already know.
func ContactMessageID(conversationID string, seq int64) string {
	return conversationID + "-" + strconv.FormatInt(seq, 10)
}

// ForContact returns the contact's view of m.
func (m Message) ForContact() ContactMessage {
	atts := m.Attachments
	if atts == nil {
		atts = []AttachmentRef{}
	}
	return ContactMessage{
		ID: ContactMessageID(m.ConversationID, m.Seq), ConversationID: m.ConversationID, Seq: m.Seq,
		Direction: m.Direction, AuthorType: m.AuthorType, AuthorName: m.AuthorName, Body: m.Body,
		ClientMessageID: m.ClientMessageID, Attachments: atts, Meta: m.Meta, CreatedAt: m.CreatedAt,
	}
}

// ForContact returns the contact's view of each message.
func ForContact(ms []Message) []ContactMessage {
	out := make([]ContactMessage, len(ms))
	for i, m := range ms {
		out[i] = m.ForContact()
	}
	return out
}
