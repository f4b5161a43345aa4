package routing

import "time"

// Presence is whether an agent takes conversations now.
type Presence string

// Presences. Only online agents are given conversations automatically.
const (
	Online  Presence = "online"
	Away    Presence = "away"
	Offline Presence = "offline"
)

// Valid reports whether p is a known presence.
func (p Presence) Valid() bool { return p == Online || p == Away || p == Offline }

// Assignee is the agent a conversation was given to, as the visitor sees
// them.
type Assignee struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url,omitempty"`
}

// Place is where a conversation stands in its queue, as the visitor is
// told: position 1 is next, 0 once an agent has it (Assignee then names
// them) or when it is not waiting for a person at all.
type Place struct {
	Position int `json:"position"`
	// ETASeconds is the expected wait; 0 with ETAKnown false when there is
	// nothing to base it on (no handled conversations yet, or nobody online
	// in opening hours).
	ETASeconds   int  `json:"eta_seconds"`
	ETAKnown     bool `json:"eta_known"`
	AgentsOnline int  `json:"agents_online"`
	// Open is whether the team is within its business hours now; OpensAt
	// is when it next opens (only when closed).
	Open     bool       `json:"open"`
	OpensAt  *time.Time `json:"opens_at,omitempty"`
	TimeZone string     `json:"time_zone,omitempty"`
	Assignee *Assignee  `json:"assignee,omitempty"`
}

// QueueFrame is the contact WebSocket frame that carries a Place:
// {"type":"queue","position":N,"eta_seconds":S,…}.
type QueueFrame struct {
	Type string `json:"type"`
	Place
}
