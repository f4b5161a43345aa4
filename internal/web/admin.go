package web

import (
	"net/http"

	"github.com/huiying/huiying/internal/auth"
)

// patchAgent renames an agent, changes their role or (de)activates them.
func (s *Server) patchAgent(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name   *string    `json:"name"`
		Role   *auth.Role `json:"role"`
		Active *bool      `json:"active"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.Auth.UpdateAgent(r.Context(), agentFrom(r).ID, r.PathValue("id"),
		auth.AgentChange{Name: req.Name, Role: req.Role, Active: req.Active})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) addTeamMember(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AgentID string `json:"agent_id"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Conversations.AddTeamMember(r.Context(), r.PathValue("id"), req.AgentID); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) removeTeamMember(w http.ResponseWriter, r *http.Request) {
	if err := s.Conversations.RemoveTeamMember(r.Context(), r.PathValue("id"), r.PathValue("agent_id")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
