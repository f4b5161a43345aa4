package web

import (
	"net/http"

	"github.com/huiying/huiying/internal/conversation"
)

// countConversations answers the console's inbox badges: how many
// conversations of a status (default open) are the caller's, unassigned,
// and in all, optionally in one inbox.
func (s *Server) countConversations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, err := s.Conversations.Count(r.Context(), conversation.Status(q.Get("status")), q.Get("inbox_id"), agentFrom(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}
