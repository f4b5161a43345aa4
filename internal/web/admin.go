package web

import (
	"net/http"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/auth"
	"github.com/huiying/huiying/internal/routing"
)

// patchAgent renames an agent, changes their role or (de)activates them.
func (s *Server) patchAgent(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name     *string    `json:"name"`
		Role     *auth.Role `json:"role"`
		Active   *bool      `json:"active"`
		Capacity *int       `json:"capacity"`
		Skills   *[]string  `json:"skills"`
	}
	if err := decode(w, r, s.Limits.MaxRequestBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	rc := routing.AgentChange{Capacity: req.Capacity, Skills: req.Skills}
	if rc.Capacity != nil || rc.Skills != nil {
		// Checked before anything is written, so a bad value changes nothing.
		if err := routing.CheckAgentChange(rc); err != nil {
			s.fail(w, r, err)
			return
		}
		if s.Routing == nil {
			s.fail(w, r, apperr.New(apperr.NotFound, "this server does not route conversations"))
			return
		}
	}
	a, err := s.Auth.UpdateAgent(r.Context(), agentFrom(r).ID, id,
		auth.AgentChange{Name: req.Name, Role: req.Role, Active: req.Active})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rc.Capacity != nil || rc.Skills != nil {
		if _, err := s.Routing.Store().SetAgent(r.Context(), id, rc); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	out, err := s.agentsWithRouting(r, []auth.Agent{a})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out[0])
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
