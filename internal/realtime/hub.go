// Package realtime fans committed events out to live listeners (the
// WebSocket connections of contacts and agents). It is a live subscriber of
// the bus: a listener that falls behind is dropped and catches up from the
// database by sequence number, so nothing is ever silently skipped.
package realtime

import (
	"context"
	"sync"

	"github.com/huiying/huiying/internal/bus"
)

// Hub keeps the listeners.
type Hub struct {
	mu     sync.Mutex
	convs  map[string]map[*Sub]struct{}
	agents map[*Sub]struct{}
	buffer int
	closed bool
}

// Sub is one listener. Read events from C; when Dropped is closed the
// listener fell behind (or the hub shut down) and must resubscribe and
// catch up from the database.
type Sub struct {
	C       chan bus.Event
	Dropped chan struct{}
	// Frames carries ephemeral frames (typing indicators), ready to write.
	// They are never stored; one that finds the buffer full is discarded
	// and the listener is not dropped for it.
	Frames chan []byte
	conv   string
	once   sync.Once
}

func (s *Sub) drop() { s.once.Do(func() { close(s.Dropped) }) }

// NewHub returns a hub whose listeners buffer up to buffer events.
func NewHub(buffer int) *Hub {
	if buffer <= 0 {
		buffer = 256
	}
	return &Hub{convs: map[string]map[*Sub]struct{}{}, agents: map[*Sub]struct{}{}, buffer: buffer}
}

func (h *Hub) newSub(conv string) *Sub {
	s := &Sub{C: make(chan bus.Event, h.buffer), Dropped: make(chan struct{}), Frames: make(chan []byte, frameBuffer), conv: conv}
	if h.closed {
		s.drop()
	}
	return s
}

// Conversation subscribes to the events of one conversation.
func (h *Hub) Conversation(id string) *Sub {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.newSub(id)
	m := h.convs[id]
	if m == nil {
		m = map[*Sub]struct{}{}
		h.convs[id] = m
	}
	m[s] = struct{}{}
	return s
}

// Agents subscribes to every event (the agent console's stream).
func (h *Hub) Agents() *Sub {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.newSub("")
	h.agents[s] = struct{}{}
	return s
}

// Remove unsubscribes s.
func (h *Hub) Remove(s *Sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.conv == "" {
		delete(h.agents, s)
	} else if m := h.convs[s.conv]; m != nil {
		delete(m, s)
		if len(m) == 0 {
			delete(h.convs, s.conv)
		}
	}
	s.drop()
}

// Counts returns the number of conversation and agent listeners.
func (h *Hub) Counts() (contacts, agents int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.convs {
		contacts += len(m)
	}
	return contacts, len(h.agents)
}

// Listening reports whether anyone listens to the conversation on this
// node (its contact's sockets).
func (h *Hub) Listening(conversationID string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.convs[conversationID]) > 0
}

// Handle is the bus handler: it never blocks on a slow listener.
func (h *Hub) Handle(_ context.Context, evs []bus.Event) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range evs {
		for s := range h.convs[e.ConversationID] {
			h.send(s, e)
		}
		for s := range h.agents {
			h.send(s, e)
		}
	}
	return nil
}

func (h *Hub) send(s *Sub, e bus.Event) {
	select {
	case <-s.Dropped:
	case s.C <- e:
	default:
		s.drop() // too slow: it will resume from its last sequence
	}
}

// frameBuffer is how many ephemeral frames a listener may have unread.
const frameBuffer = 16

// Ephemeral sends a frame that is not an event (a typing indicator) to the
// live listeners of one conversation, or, with toAgents, to every agent
// listener. It bypasses the outbox: nothing is stored, a listener that is
// not connected never sees it, and a full buffer discards it.
func (h *Hub) Ephemeral(conversationID string, frame []byte, toAgents bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	subs := h.convs[conversationID]
	if toAgents {
		subs = h.agents
	}
	for s := range subs {
		select {
		case s.Frames <- frame:
		default:
		}
	}
}

// Close drops every listener, which makes their connections end.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, m := range h.convs {
		for s := range m {
			s.drop()
		}
	}
	for s := range h.agents {
		s.drop()
	}
}
