package webchat

import (
	"sync"
	"time"

	"github.com/huiying/huiying/internal/apperr"
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
func (sc *socketCounts) take(m *map[string]int, key string, max int) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if *m == nil {
		*m = map[string]int{}
	}
	if (*m)[key] >= max {
		return false
	}
	(*m)[key]++
	return true
}

func (sc *socketCounts) give(m *map[string]int, key string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if (*m)[key]--; (*m)[key] <= 0 {
		delete(*m, key)
	}
}

// takeIP counts a socket from ip, or answers 429 when the address has
// Deps.SocketsPerIP open. The caller calls the returned release.
func (c *Channel) takeIP(ip string) (release func(), err error) {
	sc := &c.sockets
	if !sc.take(&sc.byIP, ip, c.SocketsPerIP) {
		return nil, apperr.NewRetry(apperr.RateLimited, wsRetryAfter,
			"too many open chat connections from your address (at most %d); close other chat windows and retry",
			c.SocketsPerIP)
	}
	return func() { sc.give(&sc.byIP, ip) }, nil
}

// takeContact counts a socket of the contact, or answers 429 when the
// contact has Deps.SocketsPerContact open.
func (c *Channel) takeContact(contactID string) (release func(), err error) {
	sc := &c.sockets
	if !sc.take(&sc.byContact, contactID, c.SocketsPerContact) {
		return nil, apperr.NewRetry(apperr.RateLimited, wsRetryAfter,
			"too many open chat connections for this conversation's user (at most %d); close other chat windows and retry",
			c.SocketsPerContact)
	}
	return func() { sc.give(&sc.byContact, contactID) }, nil
}
