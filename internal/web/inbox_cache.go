package web

import (
	"net/http"
	"sync"

	"github.com/huiying/huiying/internal/conversation"
)

// inboxCacheSize bounds the conversations whose inbox is remembered; past
// it the memory starts again (a conversation never changes inbox, so a
// forgotten one costs one read).
const inboxCacheSize = 100_000

// inboxCache remembers which inbox each conversation is in, so that the
// per-inbox write limits cost no database read on a conversation's second
// and later messages.
type inboxCache struct {
	convs *conversation.Store
	mu    sync.Mutex
	m     map[string]string
}

func newInboxCache(convs *conversation.Store) *inboxCache {
	return &inboxCache{convs: convs, m: map[string]string{}}
}

// of returns the inbox of the request's conversation ({id}), or "" when
// there is none or it is not the caller's; misses are not remembered.
func (c *inboxCache) of(r *http.Request) string {
	id := r.PathValue("id")
	if id == "" || c.convs == nil {
		return ""
	}
	c.mu.Lock()
	inbox, ok := c.m[id]
	c.mu.Unlock()
	if ok {
		return inbox
	}
	cv, err := c.convs.Conversation(r.Context(), id)
	if err != nil || cv.ContactID != contactFrom(r) {
		return ""
	}
	c.mu.Lock()
	if len(c.m) >= inboxCacheSize {
		clear(c.m)
	}
	c.m[id] = cv.InboxID
	c.mu.Unlock()
	return cv.InboxID
}
