package web

import "net/http"

// agentTyping tells the contact's open chat windows that an agent is
// typing a reply. Typing frames are ephemeral: they go through the hub to
// the sockets open right now and are never stored.
func (s *Server) agentTyping(w http.ResponseWriter, r *http.Request) {
	c, err := s.Conversations.Conversation(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.chat.AgentTyping(c.ID, agentFrom(r).Name); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
