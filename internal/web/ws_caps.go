package web

import (
	"sync"
	"time"

	"github.com/huiying/huiying/internal/apperr"
)

// Default caps on open /ws/contact sockets (Limits). A chat needs one
// socket per open tab; the caps keep one client from holding thousands of
// connections (each a goroutine, buffers and a hub listener).
const (
	defaultSocketsPerContact = 5
	defaultSocketsPerIP      = 50
)

// wsRetryAfter is what a refused socket is told to wait: a slot frees as
// soon as another socket of the same contact or address closes.
const wsRetryAfter = 10 * time.Second

// socketCounts counts the open contact sockets per client address and per
// contact.
type socketCounts struct {
	mu        sync.Mutex
	byIP      map[string]int
	byContact map[string]int
}

// take counts one more socket under key in *m unless max are open; it
// reports whether it did.
func (c *socketCounts) take(m *map[string]int, key string, max int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if *m == nil {
		*m = map[string]int{}
	}
	if (*m)[key] >= max {
		return false
	}
	(*m)[key]++
	return true
}

func (c *socketCounts) give(m *map[string]int, key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if (*m)[key]--; (*m)[key] <= 0 {
		delete(*m, key)
	}
}

// takeIP counts a socket from ip, or answers 429 when the address has
// Limits.SocketsPerIP open. The caller calls the returned release.
func (s *Server) takeIP(ip string) (release func(), err error) {
	c := &s.contactSockets
	if !c.take(&c.byIP, ip, s.Limits.SocketsPerIP) {
		return nil, apperr.NewRetry(apperr.RateLimited, wsRetryAfter,
			"too many open chat connections from your address (at most %d); close other chat windows and retry",
			s.Limits.SocketsPerIP)
	}
	return func() { c.give(&c.byIP, ip) }, nil
}

// takeContact counts a socket of the contact, or answers 429 when the
// contact has Limits.SocketsPerContact open.
func (s *Server) takeContact(contactID string) (release func(), err error) {
	c := &s.contactSockets
	if !c.take(&c.byContact, contactID, s.Limits.SocketsPerContact) {
		return nil, apperr.NewRetry(apperr.RateLimited, wsRetryAfter,
			"too many open chat connections for this conversation's user (at most %d); close other chat windows and retry",
			s.Limits.SocketsPerContact)
	}
	return func() { c.give(&c.byContact, contactID) }, nil
}
